#include "harness/secret_matcher.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <unordered_map>

namespace ccci::harness {
namespace {

constexpr size_t none = std::string_view::npos;
constexpr size_t min_needle = 4;
// `\u00XX` spells one byte in six characters; no other escape spells a byte in more.
constexpr size_t widest_escape_per_byte = 6;

bool starts_escape(char c) { return c == '%' || c == '\\' || c == '+'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The value of the four hex digits at text[pos], or -1.
long hex4(std::string_view text, size_t pos) {
  if (pos + 4 > text.size()) return -1;
  long value = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    int digit = hex_value(text[i]);
    if (digit < 0) return -1;
    value = value << 4 | digit;
  }
  return value;
}

/// What an escape at some text position stands for: `size` decoded bytes, spelt in `length`
/// text bytes.
struct Escape {
  char bytes[4] = {};
  size_t size = 0;
  size_t length = 0;
};

void put_utf8(unsigned long code_point, Escape& out) {
  auto byte = [](unsigned long value) { return static_cast<char>(static_cast<unsigned char>(value)); };
  if (code_point < 0x80) {
    out.bytes[0] = byte(code_point);
    out.size = 1;
  } else if (code_point < 0x800) {
    out.bytes[0] = byte(0xC0 | code_point >> 6);
    out.bytes[1] = byte(0x80 | (code_point & 0x3F));
    out.size = 2;
  } else if (code_point < 0x10000) {
    out.bytes[0] = byte(0xE0 | code_point >> 12);
    out.bytes[1] = byte(0x80 | (code_point >> 6 & 0x3F));
    out.bytes[2] = byte(0x80 | (code_point & 0x3F));
    out.size = 3;
  } else {
    out.bytes[0] = byte(0xF0 | code_point >> 18);
    out.bytes[1] = byte(0x80 | (code_point >> 12 & 0x3F));
    out.bytes[2] = byte(0x80 | (code_point >> 6 & 0x3F));
    out.bytes[3] = byte(0x80 | (code_point & 0x3F));
    out.size = 4;
  }
}

/// The escape starting at text[pos], if there is one. Every position can also be read as the
/// byte itself; this is the only other reading, since the first byte decides the escape kind.
bool read_escape(std::string_view text, size_t pos, Escape& out) {
  char c = text[pos];
  if (c == '+') {  // application/x-www-form-urlencoded space
    out.bytes[0] = ' ';
    out.size = out.length = 1;
    return true;
  }
  if (c == '%') {
    if (pos + 2 >= text.size()) return false;
    int high = hex_value(text[pos + 1]);
    int low = hex_value(text[pos + 2]);
    if (high < 0 || low < 0) return false;
    out.bytes[0] = static_cast<char>(high << 4 | low);
    out.size = 1;
    out.length = 3;
    return true;
  }
  if (c != '\\' || pos + 1 >= text.size()) return false;
  static constexpr std::string_view named = "\"\"\\\\//b\bf\fn\nr\rt\t";
  for (size_t i = 0; i < named.size(); i += 2) {
    if (text[pos + 1] == named[i]) {
      out.bytes[0] = named[i + 1];
      out.size = 1;
      out.length = 2;
      return true;
    }
  }
  if (text[pos + 1] != 'u') return false;
  long unit = hex4(text, pos + 2);
  if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) return false;  // a lone low surrogate
  if (unit < 0xD800 || unit > 0xDBFF) {
    put_utf8(static_cast<unsigned long>(unit), out);
    out.length = 6;
    return true;
  }
  if (pos + 12 > text.size() || text[pos + 6] != '\\' || text[pos + 7] != 'u') return false;
  long low = hex4(text, pos + 8);
  if (low < 0xDC00 || low > 0xDFFF) return false;
  put_utf8(0x10000 + (static_cast<unsigned long>(unit - 0xD800) << 10) + static_cast<unsigned long>(low - 0xDC00), out);
  out.length = 12;
  return true;
}

/// One attempt to read a needle from one text position. Where both the byte itself and an escape
/// fit (a `\` in the needle facing `\\` in the text, say), both readings are followed and the
/// longer wins; those forks are memoised, so even a needle of backslashes stays polynomial.
class Attempt {
 public:
  Attempt(std::string_view needle, std::string_view text, std::unordered_map<uint64_t, size_t>& memo)
      : needle_(needle), text_(text), memo_(memo) {}

  /// The end of the longest reading of needle[i..] starting at text[pos], or `none`.
  size_t longest(size_t i, size_t pos) {
    while (i < needle_.size()) {
      if (pos >= text_.size()) return none;
      bool as_itself = text_[pos] == needle_[i];
      Escape escape;
      bool as_escape = starts_escape(text_[pos]) && read_escape(text_, pos, escape) &&
                       escape.size <= needle_.size() - i && std::memcmp(escape.bytes, needle_.data() + i, escape.size) == 0;
      if (as_itself && as_escape) return fork(i, pos, escape);
      if (as_itself) {
        ++i;
        ++pos;
      } else if (as_escape) {
        i += escape.size;
        pos += escape.length;
      } else {
        return none;
      }
    }
    return pos;
  }

 private:
  size_t fork(size_t i, size_t pos, const Escape& escape) {
    uint64_t key = static_cast<uint64_t>(i) << 32 | pos;
    if (auto seen = memo_.find(key); seen != memo_.end()) return seen->second;
    size_t plain = longest(i + 1, pos + 1);
    size_t escaped = longest(i + escape.size, pos + escape.length);
    size_t best = plain == none ? escaped : escaped == none ? plain : std::max(plain, escaped);
    memo_.emplace(key, best);
    return best;
  }

  std::string_view needle_;
  std::string_view text_;
  std::unordered_map<uint64_t, size_t>& memo_;
};

}  // namespace

SecretMatcher::SecretMatcher(std::vector<std::string> needles) : by_first_byte_(256), first_pairs_(65536) {
  std::sort(needles.begin(), needles.end());
  needles.erase(std::unique(needles.begin(), needles.end()), needles.end());
  for (auto& needle : needles) {
    if (needle.size() < min_needle) continue;
    auto first = static_cast<unsigned char>(needle[0]);
    auto second = static_cast<unsigned char>(needle[1]);
    by_first_byte_[first].push_back(needles_.size());
    first_pairs_[first << 8 | second] = true;
    longest_occurrence_ = std::max(longest_occurrence_, needle.size() * widest_escape_per_byte);
    needles_.push_back(std::move(needle));
  }
}

std::vector<TextSpan> SecretMatcher::find(std::string_view text, size_t starts_before) const {
  std::vector<TextSpan> spans;
  if (needles_.empty()) return spans;
  starts_before = std::min(starts_before, text.size());
  std::unordered_map<uint64_t, size_t> memo;
  size_t best = none;
  auto try_needles = [&](unsigned char first, size_t pos) {
    for (size_t index : by_first_byte_[first]) {
      if (!memo.empty()) memo.clear();
      size_t end = Attempt(needles_[index], text, memo).longest(0, pos);
      if (end != none && (best == none || end > best)) best = end;
    }
  };
  // The shortest occurrence is a needle spelt plainly, 4 bytes: no start in the last 3 can match.
  for (size_t pos = 0; pos < starts_before && pos + min_needle <= text.size(); ++pos) {
    auto c = static_cast<unsigned char>(text[pos]);
    best = none;
    if (!starts_escape(static_cast<char>(c))) {
      // The common case: a plain byte. Only needles starting with it, and only if the next byte
      // (when plain too) is their second.
      if (by_first_byte_[c].empty()) continue;
      auto next = static_cast<unsigned char>(text[pos + 1]);
      if (!starts_escape(static_cast<char>(next)) && !first_pairs_[c << 8 | next]) continue;
      try_needles(c, pos);
    } else {
      try_needles(c, pos);
      Escape escape;
      if (read_escape(text, pos, escape) && static_cast<unsigned char>(escape.bytes[0]) != c) {
        try_needles(static_cast<unsigned char>(escape.bytes[0]), pos);
      }
    }
    if (best == none) continue;
    if (!spans.empty() && pos <= spans.back().end) {
      spans.back().end = std::max(spans.back().end, best);
    } else {
      spans.push_back({pos, best});
    }
  }
  return spans;
}

}  // namespace ccci::harness
