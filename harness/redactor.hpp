#pragma once
/// Redactor: masks every registered secret in text, however it is written.
///
/// For each secret (and, for a multi-line secret, each line of at least 4 characters after
/// trimming, since logs quote lines one at a time) it masks the plain value and its base64 forms
/// at each of the three byte offsets a secret can have inside longer base64 (so
/// `Basic base64(user:secret)` is masked whatever the user's length), in the standard and URL-safe
/// alphabets, padded or not: the characters fully determined by the secret are masked, up to 4
/// bits of its first and last byte may stay visible in the neighbouring characters. Each byte of
/// those forms may further appear URL-, form- or JSON-escaped (see SecretMatcher). Every occurrence
/// is replaced whole by `mask`; occurrences that overlap or touch become a single `mask`, so a
/// secret containing another, or one that is also an ordinary word, is masked predictably: the
/// mask wins.
///
/// Secrets shorter than 4 bytes are ignored (they would mask ordinary words). Thread-safe:
/// `add_secret` publishes a new immutable matcher, so redactions run concurrently without a lock.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "harness/secret_matcher.hpp"

namespace ccci::harness {

class Redactor {
 public:
  Redactor();

  void add_secret(std::string_view secret);
  /// Whether any secret of at least 4 bytes has been added.
  bool has_secrets() const;
  std::string redact(std::string_view text) const;

  /// The current needles, for streaming redaction (RedactingSink). Never null.
  std::shared_ptr<const SecretMatcher> matcher() const;

  static constexpr std::string_view mask = "********";

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> needles_;
  std::shared_ptr<const SecretMatcher> matcher_;
};

}  // namespace ccci::harness
