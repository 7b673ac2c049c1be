#include "unit/fakes/secret_forms.hpp"

#include <algorithm>
#include <cctype>
#include <random>

namespace ccci::fakes {
namespace {

constexpr std::string_view b64_standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Decodes one UTF-8 sequence at text[i] (advancing i); invalid bytes come back as themselves.
uint32_t next_code_point(std::string_view text, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  if (extra == 0 || i + extra >= text.size()) {
    ++i;
    return lead;
  }
  uint32_t cp = lead & (0x3F >> extra);
  for (size_t k = 1; k <= extra; ++k) cp = cp << 6 | (byte(i + k) & 0x3F);
  i += extra + 1;
  return cp;
}

std::string url_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) << 4 | hex_value(text[i + 2]));
      i += 2;
    } else if (text[i] == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

long hex4(std::string_view text, size_t pos) {
  if (pos + 4 > text.size()) return -1;
  long value = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    if (hex_value(text[i]) < 0) return -1;
    value = value << 4 | hex_value(text[i]);
  }
  return value;
}

std::string json_unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    char e = text[i + 1];
    static constexpr std::string_view named = "\"\"\\\\//b\bf\fn\nr\rt\t";
    if (auto at = named.find(e); at != std::string_view::npos && at % 2 == 0) {
      out += named[at + 1];
      ++i;
    } else if (long unit = e == 'u' ? hex4(text, i + 2) : -1; unit >= 0) {
      long low = unit >= 0xD800 && unit < 0xDC00 && text.substr(i + 6, 2) == "\\u" ? hex4(text, i + 8) : -1;
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
        i += 11;
      } else {
        append_utf8(out, static_cast<uint32_t>(unit));
        i += 5;
      }
    } else {
      out += text[i];
    }
  }
  return out;
}

int b64_value(char c) {
  if (c == '-') return 62;
  if (c == '_') return 63;
  auto at = b64_standard.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

/// Every run of base64 characters (either alphabet) decoded from each of its first four
/// characters, so whatever the alignment of the original encoding, one of them is right.
std::vector<std::pair<std::string, std::string>> base64_readings(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> readings;
  for (size_t start = 0; start < text.size();) {
    if (b64_value(text[start]) < 0) {
      ++start;
      continue;
    }
    size_t end = start;
    while (end < text.size() && b64_value(text[end]) >= 0) ++end;
    for (size_t align = 0; align < 4 && start + align < end; ++align) {
      std::string bytes;
      unsigned bits = 0;
      int count = 0;
      for (size_t i = start + align; i < end; ++i) {
        bits = bits << 6 | static_cast<unsigned>(b64_value(text[i]));
        count += 6;
        if (count >= 8) {
          count -= 8;
          bytes += static_cast<char>(bits >> count & 0xFF);
        }
      }
      readings.emplace_back("base64 from offset " + std::to_string(start + align), std::move(bytes));
    }
    start = end;
  }
  return readings;
}

}  // namespace

std::string generated_secret(uint32_t seed, std::string_view non_ascii) {
  std::mt19937 random(seed);
  std::string secret;
  std::uniform_int_distribution<int> printable(0x21, 0x7E);
  while (secret.size() < 12) {
    char c = static_cast<char>(printable(random));
    if (c != '*') secret += c;
  }
  secret += "+/=:%&\"\\ ";
  std::shuffle(secret.begin(), secret.end(), random);
  // The multi-byte character goes in whole, somewhere in the middle.
  secret.insert(std::uniform_int_distribution<size_t>(1, secret.size() - 1)(random), non_ascii);
  return secret;
}

std::vector<std::string> sample_secrets() {
  return {generated_secret(1, "é"), generated_secret(2, "€"), generated_secret(3, "😀"), generated_secret(4, "ß")};
}

std::string base64_encode(std::string_view bytes, Alphabet alphabet, Padding padding) {
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = bits << 8 | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += b64_standard[bits >> count & 63];
    }
  }
  if (count > 0) out += b64_standard[bits << (6 - count) & 63];
  if (padding == Padding::kept) {
    while (out.size() % 4 != 0) out += '=';
  }
  if (alphabet == Alphabet::url_safe) {
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
  }
  return out;
}

bool is_unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool is_not_reserved(unsigned char c) {
  return c > 0x20 && c < 0x7F &&
         std::string_view(":/?#[]@!$&'()*+,;=% ").find(static_cast<char>(c)) == std::string_view::npos;
}
bool is_plain_or_utf8(unsigned char c) {
  return c >= 0x20 && c != 0x7F && std::string_view("\"%&+=#? ").find(static_cast<char>(c)) == std::string_view::npos;
}

std::string percent_encode(std::string_view text, bool (*keep)(unsigned char), HexCase hex, std::optional<char> space) {
  const char* digits = hex == HexCase::upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    if (c == ' ' && space) {
      out += *space;
    } else if (keep(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string json_escape(std::string_view text, JsonStyle style) {
  bool upper = style == JsonStyle::ensure_ascii_upper || style == JsonStyle::all_unicode;
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  auto unit = [&](std::string& out, uint32_t u) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += digits[u >> shift & 15];
  };
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    uint32_t cp = next_code_point(text, i);
    bool ascii_only =
        style == JsonStyle::ensure_ascii || style == JsonStyle::ensure_ascii_upper || style == JsonStyle::all_unicode;
    if (style == JsonStyle::all_unicode || (cp >= 0x80 && ascii_only) || cp < 0x20) {
      if (cp >= 0x10000) {
        unit(out, 0xD800 + ((cp - 0x10000) >> 10));
        unit(out, 0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else {
        unit(out, cp);
      }
    } else if (cp == '"' || cp == '\\' || (cp == '/' && style == JsonStyle::escaped_slash)) {
      out += '\\';
      out += static_cast<char>(cp);
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out;
}

std::optional<std::string> surviving_form(std::string_view text, std::string_view secret) {
  std::vector<std::pair<std::string, std::string>> readings{
      {"as is", std::string(text)},
      {"url-decoded", url_decode(text, false)},
      {"form-decoded", url_decode(text, true)},
      {"json-unescaped", json_unescape(text)},
  };
  for (size_t i = 0, n = readings.size(); i < n; ++i) {
    for (auto& [name, bytes] : base64_readings(readings[i].second)) {
      readings.emplace_back(readings[i].first + ", " + name, std::move(bytes));
    }
  }
  size_t piece = std::min<size_t>(4, secret.size());
  for (const auto& [name, bytes] : readings) {
    for (size_t at = 0; at + piece <= secret.size(); ++at) {
      if (bytes.find(secret.substr(at, piece)) != std::string::npos) {
        return name + ": \"" + std::string(secret.substr(at, piece)) + "\"";
      }
    }
  }
  return std::nullopt;
}

}  // namespace ccci::fakes
