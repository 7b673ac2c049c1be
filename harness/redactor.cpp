#include "harness/redactor.hpp"

#include <algorithm>

namespace ccci::harness {
namespace {

constexpr size_t min_secret = 4;

/// The base64 characters whose 6 bits all come from `secret`, when the secret starts `offset`
/// bytes (0, 1 or 2) into a 3-byte group of the encoded input: what every encoding of a text
/// holding the secret at that offset contains, whatever surrounds it.
std::string base64_determined(std::string_view secret, size_t offset, std::string_view alphabet) {
  size_t first_bit = 8 * offset;
  size_t end_bit = 8 * (offset + secret.size());
  std::string out;
  for (size_t bit = (first_bit + 5) / 6 * 6; bit + 6 <= end_bit; bit += 6) {
    unsigned value = 0;
    for (size_t b = bit - first_bit; b < bit - first_bit + 6; ++b) {
      value = value << 1 | ((static_cast<unsigned char>(secret[b / 8]) >> (7 - b % 8)) & 1);
    }
    out += alphabet[value];
  }
  return out;
}

std::string_view trimmed(std::string_view line) {
  constexpr std::string_view blank = " \t\r\n\v\f";
  size_t first = line.find_first_not_of(blank);
  if (first == std::string_view::npos) return {};
  return line.substr(first, line.find_last_not_of(blank) - first + 1);
}

/// The value itself and, for a multi-line value, each line worth masking on its own. A multi-line
/// value is taken without its surrounding whitespace: every occurrence of it holds the trimmed
/// value anyway, and a key file's final newline must not swallow the log's line break.
std::vector<std::string_view> values_to_mask(std::string_view secret) {
  if (secret.find('\n') == std::string_view::npos) return {secret};
  std::vector<std::string_view> values;
  if (std::string_view whole = trimmed(secret); whole.size() >= min_secret) values.push_back(whole);
  for (size_t start = 0; start <= secret.size();) {
    size_t end = std::min(secret.find('\n', start), secret.size());
    std::string_view line = trimmed(secret.substr(start, end - start));
    if (line.size() >= min_secret) values.push_back(line);
    start = end + 1;
  }
  return values;
}

/// `text` with each span (sorted and disjoint, as SecretMatcher::find returns them) masked.
std::string mask_spans(std::string_view text, const std::vector<TextSpan>& spans) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (const auto& span : spans) {
    out.append(text, copied, span.begin - copied);
    out += Redactor::mask;
    copied = span.end;
  }
  out.append(text, copied);
  return out;
}

}  // namespace

Redactor::Redactor() : matcher_(std::make_shared<SecretMatcher>()) {}

void Redactor::add_secret(std::string_view secret) {
  if (secret.size() < min_secret) return;
  static constexpr std::string_view standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static constexpr std::string_view url_safe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::vector<std::string> forms;
  for (std::string_view value : values_to_mask(secret)) {
    forms.emplace_back(value);
    for (size_t offset = 0; offset < 3; ++offset) {
      forms.push_back(base64_determined(value, offset, standard));
      forms.push_back(base64_determined(value, offset, url_safe));
    }
  }
  std::lock_guard lock(mutex_);
  needles_.insert(needles_.end(), forms.begin(), forms.end());
  // Rebuilding dedupes and drops forms under 4 bytes; redactions holding the old matcher finish
  // with it.
  auto matcher = std::make_shared<const SecretMatcher>(needles_);
  needles_ = matcher->needles();
  matcher_ = std::move(matcher);
}

bool Redactor::has_secrets() const { return !matcher()->empty(); }

std::shared_ptr<const SecretMatcher> Redactor::matcher() const {
  std::lock_guard lock(mutex_);
  return matcher_;
}

std::string Redactor::redact(std::string_view text) const { return mask_spans(text, matcher()->find(text)); }

}  // namespace ccci::harness
