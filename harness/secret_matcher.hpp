#pragma once
/// SecretMatcher: finds byte strings ("needles") in text however each of their bytes is written.
///
/// Every needle byte may appear as itself or in any escape that decodes to it: URL and form
/// encoding (`%xx` in either case, `+` for a space) and JSON string escaping (`\"`, `\\`, `\/`,
/// `\b\f\n\r\t`, `\uXXXX` in either case, UTF-16 surrogate pairs for code points past U+FFFF), and
/// the styles may mix within one occurrence. So one needle covers upper- and lower-case percent
/// encoding, encoders that leave some characters alone, and JSON with or without ensure_ascii,
/// without listing encoders. Immutable once built, so concurrent finds need no lock.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ccci::harness {

/// A half-open byte range of the searched text.
struct TextSpan {
  size_t begin = 0;
  size_t end = 0;
  bool operator==(const TextSpan&) const = default;
};

class SecretMatcher {
 public:
  /// Needles shorter than 4 bytes are dropped (they would match ordinary words); duplicates too.
  explicit SecretMatcher(std::vector<std::string> needles = {});

  /// The bytes covered by occurrences of any needle that start before `starts_before` (an
  /// occurrence may run past it, up to the end of `text`); spans that overlap or touch are merged,
  /// so the result is sorted and disjoint. One pass reading all needles at once: needles start
  /// only where the text can spell their first two bytes, and threads at the same byte of the
  /// same needle are merged, so the time is linear in the text even for adversarial input (at
  /// worst by a factor of the needles' length: a secret of backslashes in a run of them).
  std::vector<TextSpan> find(std::string_view text, size_t starts_before) const;
  std::vector<TextSpan> find(std::string_view text) const { return find(text, text.size()); }

  /// The most text bytes one occurrence can span (every byte written as `\u00XX`); 0 when empty.
  size_t longest_occurrence() const { return longest_occurrence_; }
  bool empty() const { return needles_.empty(); }
  const std::vector<std::string>& needles() const { return needles_; }

 private:
  std::vector<std::string> needles_;
  std::vector<std::vector<size_t>> by_first_byte_;  // 256 lists of needle indices
  std::vector<bool> first_pairs_;                   // 65536 bits: needle[0] << 8 | needle[1]
  size_t longest_occurrence_ = 0;
};

}  // namespace ccci::harness
