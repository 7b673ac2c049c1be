#include "harness/secret_matcher.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace ccci::harness {
namespace {

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

/// A needle being read: needle[index] is the next byte to find, from text position `start` on.
struct Thread {
  uint64_t key;  // needle number << 32 | index
  size_t start;
};

/// Threads at the same byte of the same needle have the same future: the earliest start's span
/// holds every later one's, so only it is kept. This bounds the threads per position by the
/// needles' total length even where both readings fit everywhere (a secret of backslashes in a run
/// of them), so the pass stays linear in the text.
void keep_earliest_per_needle_byte(std::vector<Thread>& threads) {
  if (threads.size() < 2) return;
  std::sort(threads.begin(), threads.end(),
            [](const Thread& a, const Thread& b) { return a.key < b.key || (a.key == b.key && a.start < b.start); });
  threads.erase(
      std::unique(threads.begin(), threads.end(), [](const Thread& a, const Thread& b) { return a.key == b.key; }),
      threads.end());
}

/// Sorted, with spans that overlap or touch merged into one.
std::vector<TextSpan> merge_touching(std::vector<TextSpan> found) {
  std::sort(found.begin(), found.end(), [](const TextSpan& a, const TextSpan& b) { return a.begin < b.begin; });
  std::vector<TextSpan> spans;
  for (const auto& span : found) {
    if (!spans.empty() && span.begin <= spans.back().end) {
      spans.back().end = std::max(spans.back().end, span.end);
    } else {
      spans.push_back(span);
    }
  }
  return spans;
}

/// The needles as SecretMatcher indexes them.
struct Needles {
  const std::vector<std::string>& all;
  const std::vector<std::vector<size_t>>& by_first_byte;
  const std::vector<bool>& first_pairs;

  bool is_pair(char first, char second) const {
    return first_pairs[static_cast<unsigned char>(first) << 8 | static_cast<unsigned char>(second)];
  }
};

/// One pass over the text, reading every needle at once. Threads wait at the text position of
/// their next byte; an escape jumps at most 12 bytes ahead (a surrogate pair), so 16 queues do.
class Pass {
 public:
  Pass(std::string_view text, const Needles& needles) : text_(text), needles_(needles) {}

  std::vector<TextSpan> run(size_t starts_before) {
    size_t last_start = std::min(starts_before, text_.size() - std::min(text_.size(), min_needle - 1));
    for (size_t pos = 0; pos < text_.size(); ++pos) {
      if (live_ == 0) {  // nothing being read: skip to where a needle may start
        while (pos < last_start && !may_start(pos)) ++pos;
        if (pos >= last_start) break;
      }
      auto& here = waiting_[pos % queues];
      live_ -= here.size();
      Escape escape;
      bool escaped = starts_escape(text_[pos]) && read_escape(text_, pos, escape);
      if (pos < last_start && may_start(pos)) start_threads(here, pos, escaped ? &escape : nullptr);
      keep_earliest_per_needle_byte(here);
      for (const Thread& thread : here) step(thread, pos, escaped ? &escape : nullptr);
      here.clear();
    }
    return merge_touching(std::move(found_));
  }

 private:
  static constexpr size_t queues = 16;

  /// The thread has read `bytes_read` more needle bytes, ending before text position `next_pos`.
  void advance(const Thread& thread, size_t bytes_read, size_t next_pos) {
    uint64_t key = thread.key + bytes_read;
    if ((key & 0xFFFFFFFF) == needles_.all[key >> 32].size()) {
      found_.push_back({thread.start, next_pos});
    } else {
      waiting_[next_pos % queues].push_back({key, thread.start});
      ++live_;
    }
  }

  /// Whether a needle starts with `first` and then a byte the text can spell at `pos`.
  bool pair_ahead(char first, size_t pos) const {
    if (pos >= text_.size()) return false;
    if (needles_.is_pair(first, text_[pos])) return true;
    Escape next;
    return starts_escape(text_[pos]) && read_escape(text_, pos, next) && needles_.is_pair(first, next.bytes[0]);
  }

  /// The quick test for skipping: a plain byte followed by a plain byte is exact; anything
  /// escaped is left to the exact test in start_threads. The shortest occurrence is a needle
  /// spelt plainly, 4 bytes, so none starts in the last 3.
  bool may_start(size_t pos) const {
    auto first = static_cast<unsigned char>(text_[pos]);
    if (starts_escape(static_cast<char>(first))) return true;
    if (needles_.by_first_byte[first].empty()) return false;
    return starts_escape(text_[pos + 1]) || needles_.is_pair(text_[pos], text_[pos + 1]);
  }

  /// New threads for the needles whose first two bytes the text spells at `pos`, either reading.
  void start_threads(std::vector<Thread>& here, size_t pos, const Escape* escape) {
    char c = text_[pos];
    auto start_needles = [&](unsigned char first) {
      for (uint64_t index : needles_.by_first_byte[first]) here.push_back({index << 32, pos});
    };
    bool start_plain = pair_ahead(c, pos + 1);
    if (escape) {
      bool fits = escape->size > 1 ? needles_.is_pair(escape->bytes[0], escape->bytes[1])
                                   : pair_ahead(escape->bytes[0], pos + escape->length);
      if (fits && escape->bytes[0] == c) start_plain = true;
      if (fits && escape->bytes[0] != c) start_needles(static_cast<unsigned char>(escape->bytes[0]));
    }
    if (start_plain) start_needles(static_cast<unsigned char>(c));
  }

  /// Moves a thread waiting at `pos` on by the byte there, and by the escape there if any.
  void step(const Thread& thread, size_t pos, const Escape* escape) {
    const std::string& needle = needles_.all[thread.key >> 32];
    size_t index = thread.key & 0xFFFFFFFF;
    if (needle[index] == text_[pos]) advance(thread, 1, pos + 1);
    if (escape && escape->size <= needle.size() - index &&
        std::memcmp(escape->bytes, needle.data() + index, escape->size) == 0) {
      advance(thread, escape->size, pos + escape->length);
    }
  }

  std::string_view text_;
  const Needles& needles_;
  std::vector<Thread> waiting_[queues];
  size_t live_ = 0;
  std::vector<TextSpan> found_;
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
  if (needles_.empty()) return {};
  Needles needles{needles_, by_first_byte_, first_pairs_};
  return Pass(text, needles).run(std::min(starts_before, text.size()));
}

}  // namespace ccci::harness
