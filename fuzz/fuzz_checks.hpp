#pragma once
/// Invariants every fuzz target asserts, whatever its input: a violation prints what was
/// expected and aborts, which libFuzzer (and the replay driver) report as a crash with the input.
///
/// - never crash: the sanitizers and the targets' own checks;
/// - errors are positioned: a recipe-file error starts with "file:line:col: " (env files:
///   "file:line: "), a configuration error names the setting;
/// - bounded time: one input takes at most `max_input_time`.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/result.hpp"

namespace ccci::fuzz {

/// Far above what any input takes under ASan; libFuzzer's own -timeout is the backstop.
inline constexpr std::chrono::seconds max_input_time{3};

/// Prints "invariant violated: <what>" (and `detail`) to stderr and aborts.
[[noreturn]] void violated(std::string_view what, std::string_view detail = {});

inline void require(bool holds, std::string_view what, std::string_view detail = {}) {
  if (!holds) violated(what, detail);
}

/// Whether `message` starts with "<file>:<line>:<col>: " (`with_column`) or "<file>:<line>: ",
/// line and column positive.
bool starts_with_position(std::string_view message, std::string_view file, bool with_column = true);

/// Requires an ErrorKind::spec error positioned in one of `files`.
void require_positioned_spec_error(const harness::Error& error, const std::vector<std::string>& files,
                                   bool with_column = true);

/// Aborts when the input has taken longer than max_input_time since construction.
class InputClock {
 public:
  InputClock() : start_(std::chrono::steady_clock::now()) {}
  void require_in_time(std::string_view what) const;

 private:
  std::chrono::steady_clock::time_point start_;
};

/// The input split at each line holding only `separator` (e.g. "%%"); at most `max_parts`
/// parts, the last holding the rest.
std::vector<std::string> split_parts(std::string_view input, std::string_view separator, size_t max_parts);

/// A fresh directory for this process's files, made once, removed at exit.
const std::string& scratch_dir();

/// Writes `text` to `path`, replacing it.
void write_file(const std::string& path, std::string_view text);

}  // namespace ccci::fuzz

/// The entry point every target defines (libFuzzer's, or replay_main.cpp's caller).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
