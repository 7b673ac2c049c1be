#include "fuzz/fuzz_checks.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness/text.hpp"

namespace ccci::fuzz {

void violated(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "invariant violated: %.*s\n", static_cast<int>(what.size()), what.data());
  if (!detail.empty()) std::fprintf(stderr, "  %s\n", harness::printable(detail).c_str());
  std::abort();
}

namespace {

/// Reads a positive decimal number at `at`, advancing past it; false when there is none.
bool positive_number(std::string_view text, size_t& at) {
  size_t start = at;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
  return at > start && text[start] != '0';
}

}  // namespace

bool starts_with_position(std::string_view message, std::string_view file, bool with_column) {
  if (message.substr(0, file.size()) != file || message.substr(file.size(), 1) != ":") return false;
  size_t at = file.size() + 1;
  if (!positive_number(message, at)) return false;
  if (with_column) {
    if (message.substr(at, 1) != ":") return false;
    ++at;
    if (!positive_number(message, at)) return false;
  }
  return message.substr(at, 2) == ": ";
}

void require_positioned_spec_error(const harness::Error& error, const std::vector<std::string>& files,
                                   bool with_column) {
  require(error.kind == harness::ErrorKind::spec, "a recipe file's error is ErrorKind::spec", error.message);
  for (const auto& file : files) {
    if (starts_with_position(error.message, file, with_column)) return;
  }
  violated(with_column ? "the error starts with file:line:col" : "the error starts with file:line", error.message);
}

void InputClock::require_in_time(std::string_view what) const {
  auto took = std::chrono::steady_clock::now() - start_;
  require(took < max_input_time, what,
          "took " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()) + " ms");
}

std::vector<std::string> split_parts(std::string_view input, std::string_view separator, size_t max_parts) {
  std::vector<std::string> parts(1);
  size_t line_start = 0;
  while (line_start <= input.size()) {
    size_t line_end = input.find('\n', line_start);
    std::string_view line =
        input.substr(line_start, line_end == std::string_view::npos ? std::string_view::npos : line_end - line_start);
    if (line == separator && parts.size() < max_parts) {
      parts.emplace_back();
    } else {
      parts.back().append(line);
      if (line_end != std::string_view::npos) parts.back() += '\n';
    }
    if (line_end == std::string_view::npos) break;
    line_start = line_end + 1;
  }
  return parts;
}

const std::string& scratch_dir() {
  static const std::string dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "ccci-fuzz-XXXXXX").string();
    require(::mkdtemp(pattern.data()) != nullptr, "a scratch directory can be made");
    static std::string to_remove = pattern;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(to_remove, ignored);
    });
    return pattern;
  }();
  return dir;
}

void write_file(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  require(static_cast<bool>(out), "the scratch file can be written", path);
}

}  // namespace ccci::fuzz
