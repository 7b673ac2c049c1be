#include "harness/regex.hpp"

#include <regex.h>

#include <algorithm>
#include <array>

namespace ccci::harness {

struct Regex::Compiled {
  regex_t regex{};
  RegexGroups groups = RegexGroups::ignored;
  Compiled() = default;
  Compiled(const Compiled&) = delete;
  Compiled& operator=(const Compiled&) = delete;
  ~Compiled() { regfree(&regex); }
};

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Reads the digits at `pattern[at]` (at most 9), moving `at` past them; -1 when there are none.
long bound_at(std::string_view pattern, size_t& at) {
  long value = -1;
  size_t start = at;
  while (at < pattern.size() && is_digit(pattern[at]) && at - start < 9) {
    value = (value < 0 ? 0 : value * 10) + (pattern[at] - '0');
    ++at;
  }
  return value;
}

/// The refusals of Regex::compile that regcomp would accept: back-references and big repetitions.
/// A `{` is read as a bound wherever it is followed by a digit (in a bracket expression it is a
/// plain character, so this refuses a little more than it must, never less).
Status refuse_costly(std::string_view pattern) {
  long product = 1;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      if (pattern[i + 1] >= '1' && pattern[i + 1] <= '9') {
        return make_error(ErrorKind::spec, "back-references (\\" + std::string(1, pattern[i + 1]) +
                                               ") are not allowed: they make matching exponential");
      }
      ++i;  // an escaped character is never a bound
      continue;
    }
    if (c != '{' || i + 1 >= pattern.size() || !is_digit(pattern[i + 1])) continue;
    size_t at = i + 1;
    long low = bound_at(pattern, at);
    long high = low;
    if (at < pattern.size() && pattern[at] == ',') {
      ++at;
      long upper = bound_at(pattern, at);
      if (upper >= 0) high = upper;
    }
    if (low > Regex::max_bound || high > Regex::max_bound) {
      return make_error(ErrorKind::spec,
                        "a repetition bound over " + std::to_string(Regex::max_bound) + " is not allowed");
    }
    product *= std::max(high, 1L);
    if (product > Regex::max_bound_product) {
      return make_error(ErrorKind::spec, "repetition bounds multiply to more than " +
                                             std::to_string(Regex::max_bound_product) + ": the pattern is too costly");
    }
    i = at - 1;
  }
  return ok_status();
}

}  // namespace

Result<Regex> Regex::compile(std::string_view pattern, RegexGroups groups) {
  if (pattern.empty()) return make_error(ErrorKind::spec, "an empty regular expression matches everything");
  if (pattern.size() > max_pattern_bytes) {
    return make_error(ErrorKind::spec, "a regular expression longer than " + std::to_string(max_pattern_bytes) +
                                           " bytes is not allowed");
  }
  if (pattern.find('\0') != std::string_view::npos) {
    return make_error(ErrorKind::spec, "a regular expression must not contain a NUL byte");
  }
  CCCI_TRY_STATUS(refuse_costly(pattern));
  auto compiled = std::make_shared<Compiled>();
  compiled->groups = groups;
  std::string text(pattern);
  int flags = REG_EXTENDED | (groups == RegexGroups::ignored ? REG_NOSUB : 0);
  int code = regcomp(&compiled->regex, text.c_str(), flags);
  if (code != 0) {
    std::array<char, 256> why{};
    regerror(code, &compiled->regex, why.data(), why.size());
    // regcomp failed: nothing to free, and the destructor must not regfree an unset regex_t.
    compiled->regex = regex_t{};
    return make_error(ErrorKind::spec, "not a POSIX extended regular expression: " + std::string(why.data()));
  }
  return Regex(std::move(text), std::move(compiled));
}

bool Regex::search(std::string_view text) const {
  std::array<regmatch_t, 1> range{};
  range[0].rm_so = 0;
  range[0].rm_eo = static_cast<regoff_t>(text.size());
  // REG_STARTEND: the text is [rm_so, rm_eo) of the buffer, NUL bytes included.
  return regexec(&compiled_->regex, text.data(), range.size(), range.data(), REG_STARTEND) == 0;
}

std::optional<std::string> Regex::first_group(std::string_view text) const {
  if (compiled_->groups != RegexGroups::kept || compiled_->regex.re_nsub < 1) return std::nullopt;
  std::array<regmatch_t, 2> match{};
  match[0].rm_so = 0;
  match[0].rm_eo = static_cast<regoff_t>(text.size());
  if (regexec(&compiled_->regex, text.data(), match.size(), match.data(), REG_STARTEND) != 0) return std::nullopt;
  if (match[1].rm_so < 0) return std::nullopt;
  return std::string(
      text.substr(static_cast<size_t>(match[1].rm_so), static_cast<size_t>(match[1].rm_eo - match[1].rm_so)));
}

size_t Regex::groups() const { return compiled_->regex.re_nsub; }

}  // namespace ccci::harness
