#pragma once
/// Redactor: masks every registered secret in text, including its URL-encoded and base64 forms.
/// Thread-safe; secrets shorter than 4 characters are ignored (they would mask ordinary words).
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ccci::harness {

class Redactor {
 public:
  void add_secret(std::string_view secret);
  std::string redact(std::string_view text) const;

  static constexpr std::string_view mask = "********";

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> needles_;
};

}  // namespace ccci::harness
