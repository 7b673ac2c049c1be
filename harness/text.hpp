#pragma once
/// Text repair for what ccci writes: captured output is arbitrary bytes, reports are UTF-8.
#include <cstddef>
#include <string>
#include <string_view>

namespace ccci::harness {

/// Every invalid UTF-8 sequence (bad lead, truncated, overlong, surrogate) becomes U+FFFD.
std::string repair_utf8(std::string_view text);

/// ANSI escape sequences (CSI `ESC [ … final` and two-byte `ESC x`) removed.
std::string strip_ansi(std::string_view text);

/// Length of a valid UTF-8 sequence at text[i] and its code point, or 0 when invalid.
size_t utf8_sequence(std::string_view text, size_t i, char32_t& code);

/// Calls `each(code_point, bytes)` for every code point of valid UTF-8 `text`.
template <class Each>
void for_each_code_point(std::string_view text, Each each) {
  for (size_t i = 0; i < text.size();) {
    char32_t code = 0;
    size_t length = utf8_sequence(text, i, code);
    if (length == 0) length = 1;  // callers pass repaired text; never loop forever
    each(code, text.substr(i, length));
    i += length;
  }
}

}  // namespace ccci::harness
