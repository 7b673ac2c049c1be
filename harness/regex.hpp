#pragma once
/// Regex: a POSIX extended regular expression (<regex.h>, regcomp with REG_EXTENDED) over a whole
/// buffer, for patterns that come from recipe files — hostile input.
///
/// Why not std::regex: libstdc++'s matcher recurses once per character and overflows the stack on
/// a long body. glibc's matcher does not recurse per character, but back-references make it
/// backtrack exponentially and large bounded repetitions make regcomp expand the pattern, so
/// compile() refuses both: a pattern longer than max_pattern_bytes, a back-reference (`\1`…`\9`),
/// a repetition bound over max_bound, or bounds whose product exceeds max_bound_product. Bodies
/// are matched with REG_STARTEND, so a NUL byte in them neither ends nor hides the text.
/// Refusals and regcomp errors are ErrorKind::spec with a message that names the reason; the
/// caller adds where the pattern came from.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "harness/result.hpp"

namespace ccci::harness {

/// Whether the matcher must keep the position of parenthesised groups (first_group) or not.
enum class RegexGroups { ignored, kept };

class Regex {
 public:
  static constexpr size_t max_pattern_bytes = 1024;
  static constexpr long max_bound = 255;
  static constexpr long max_bound_product = 65536;

  static Result<Regex> compile(std::string_view pattern, RegexGroups groups);

  /// Whether the pattern matches anywhere in `text`.
  bool search(std::string_view text) const;
  /// The text of the first parenthesised group of the first match; nullopt when nothing matches
  /// or the group took no part in the match. Needs RegexGroups::kept.
  std::optional<std::string> first_group(std::string_view text) const;
  /// How many parenthesised groups the pattern has.
  size_t groups() const;
  const std::string& pattern() const { return pattern_; }

 private:
  struct Compiled;
  Regex(std::string pattern, std::shared_ptr<const Compiled> compiled)
      : pattern_(std::move(pattern)), compiled_(std::move(compiled)) {}
  std::string pattern_;
  std::shared_ptr<const Compiled> compiled_;  ///< shared: regex_t is not copyable; matching does not change it
};

}  // namespace ccci::harness
