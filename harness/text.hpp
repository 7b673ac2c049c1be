#pragma once
/// Text for what ccci writes: captured output is arbitrary bytes, reports are UTF-8, and error
/// messages quote the tail of a tool's output.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ccci::harness {

/// Every invalid UTF-8 sequence (bad lead, truncated, overlong, surrogate) becomes U+FFFD.
std::string repair_utf8(std::string_view text);

/// ANSI escape sequences removed: CSI `ESC [ … final`, OSC `ESC ] … BEL` or `ESC ] … ESC \`,
/// and two-byte `ESC x` (abra and backupbot colour their output under a TTY).
std::string strip_ansi(std::string_view text);

/// The lines of `text`, each trimmed of surrounding whitespace, blank ones dropped.
std::vector<std::string> trimmed_lines(std::string_view text);

/// The last `max_lines` trimmed lines of `text`, cut to its last `max_chars` characters ("..."
/// in front when cut): what a message quotes of a tool's output.
std::string last_lines(std::string_view text, size_t max_lines, size_t max_chars);

/// `text` cut at every `separator`, empty parts kept ("a::b" → "a", "", "b"; "" → one empty part).
std::vector<std::string> split(std::string_view text, char separator);

/// `items` joined with `separator` between them.
std::string join(const std::vector<std::string>& items, std::string_view separator);

/// ASCII lower case.
std::string lowercase(std::string_view text);

/// True when `value` holds an ASCII control character (below 0x20, or DEL).
bool has_control_characters(std::string_view value);

/// `value` in double quotes for a message, control characters as \xNN, cut after `max_bytes`
/// bytes ("..." before the closing quote when cut).
std::string printable(std::string_view value, size_t max_bytes = 200);

/// `value` between two `quote`s for a message, control characters as \xNN, cut after
/// `max_bytes` ("..." marks the cut): a hostile value never floods or garbles an error.
std::string quoted(std::string_view value, char quote, size_t max_bytes);

/// "15ms", "2s", "1.5s".
std::string format_duration(std::chrono::milliseconds duration);

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
