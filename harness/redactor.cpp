#include "harness/redactor.hpp"

#include <algorithm>

namespace ccci::harness {
namespace {

std::string url_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string base64(std::string_view text) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    unsigned n = (unsigned char)text[i] << 16 | (unsigned char)text[i + 1] << 8 | (unsigned char)text[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(n >> shift) & 63];
  }
  // Drop the padded tail: the unpadded prefix still identifies the secret inside longer base64.
  return out;
}

}  // namespace

void Redactor::add_secret(std::string_view secret) {
  if (secret.size() < 4) return;
  std::lock_guard lock(mutex_);
  for (std::string form : {std::string(secret), url_encode(secret), base64(secret)}) {
    if (form.size() >= 4 && std::find(needles_.begin(), needles_.end(), form) == needles_.end()) {
      needles_.push_back(std::move(form));
    }
  }
  // Longest first, so a secret containing another is masked whole.
  std::sort(needles_.begin(), needles_.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string Redactor::redact(std::string_view text) const {
  std::string out(text);
  std::lock_guard lock(mutex_);
  for (const auto& needle : needles_) {
    for (size_t pos = out.find(needle); pos != std::string::npos; pos = out.find(needle, pos + mask.size())) {
      out.replace(pos, needle.size(), mask);
    }
  }
  return out;
}

}  // namespace ccci::harness
