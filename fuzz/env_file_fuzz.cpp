// Fuzz target: harness::parse_env_file (an `abra.sh` when the input starts with "#!"). The file
// parses within its bounds or fails with a spec error at file:line; every parsed value written
// back with set_env_values reads back as itself.
#include <map>

#include "fuzz/fuzz_checks.hpp"
#include "harness/env_file.hpp"

namespace {

using ccci::fuzz::require;

/// set_env_values then read_env_file gives the same values (no line injected, nothing lost).
void require_round_trip(const std::map<std::string, std::string>& values) {
  size_t bytes = 0;
  for (const auto& [key, value] : values) bytes += key.size() + value.size();
  if (bytes > (size_t{256} << 10)) return;  // escaped, it could outgrow what read_env_file reads
  std::string path = ccci::fuzz::scratch_dir() + "/app.env";
  ccci::fuzz::write_file(path, "");
  auto written = ccci::harness::set_env_values(path, values);
  if (!written.ok()) {
    bool has_nul = false;
    for (const auto& [key, value] : values) has_nul = has_nul || value.find('\0') != std::string::npos;
    require(has_nul, "set_env_values refuses only values an env file cannot hold", written.error().message);
    return;
  }
  auto read = ccci::harness::read_env_file(path);
  require(read.ok(), "what set_env_values wrote reads back", read.ok() ? "" : read.error().message);
  require(read->values() == values, "what set_env_values wrote reads back as itself");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccci::fuzz::InputClock clock;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string file = text.rfind("#!", 0) == 0 ? "abra.sh" : "fuzz.env";
  auto env = ccci::harness::parse_env_file(text, file, {{"STACK_NAME", "s"}, {"DOMAIN", "d.example"}});
  if (!env.ok()) {
    ccci::fuzz::require_positioned_spec_error(env.error(), {file}, false);
    clock.require_in_time("parse_env_file is quick");
    return 0;
  }
  for (const auto& entry : env->entries) {
    require(entry.value.size() <= (size_t{64} << 10), "values stay within 64 KiB");
    require(env->find(entry.key) != nullptr, "every key is found");
    auto length = ccci::harness::comment_number(entry, "length", 4096, file);
    if (length.ok()) {
      require(!*length || **length <= 4096, "comment numbers stay within their maximum");
    } else {
      ccci::fuzz::require_positioned_spec_error(length.error(), {file}, false);
    }
  }
  require_round_trip(env->values());
  clock.require_in_time("parse_env_file is quick");
  return 0;
}
