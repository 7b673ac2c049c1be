// Fuzz target: runner::parse_config. Each input line "NAME=value" sets an environment variable,
// every other line is an argument. The configuration is valid or a usage error names the setting
// (or the flag) — never a crash, never an unbounded message.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "fuzz/fuzz_checks.hpp"
#include "runner/config.hpp"
#include "runner/reaper.hpp"

namespace {

using ccci::fuzz::require;

bool has_control_characters(const std::string& value) {
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

/// A usage error starts with the variable it is about, a flag, or the missing recipe.
bool names_a_setting(const std::string& message) {
  for (std::string_view variable : ccci::runner::setting_variables()) {
    if (message.rfind(std::string(variable) + " (", 0) == 0) return true;
  }
  return message.rfind("unknown argument '", 0) == 0 || message.rfind("flag --", 0) == 0 ||
         message.rfind("RECIPE is required", 0) == 0;
}

void require_valid(const ccci::runner::Config& config) {
  if (config.mode == ccci::runner::Mode::help) return;
  require(config.gateway_port >= 0 && config.gateway_port <= 65535, "a gateway port is a TCP port");
  for (const std::string& value : {config.recipe, config.src, config.out.string(), config.git_base, config.gateway_host,
                                   config.domain_suffix, config.abra, config.server}) {
    require(!has_control_characters(value), "no control character reaches a setting", value);
    require(value.size() <= 4096, "no setting is longer than 4096 characters");
  }
  require(config.run_expiry >= std::chrono::minutes(1) && config.run_expiry <= std::chrono::weeks(1),
          "a run's expiry is 1 minute to a week");
  require(config.teardown_timeout >= std::chrono::seconds(10) && config.teardown_timeout <= std::chrono::hours(1),
          "a teardown's budget is 10 seconds to an hour");
  require(config.lock_wait >= std::chrono::seconds(0) && config.lock_wait <= std::chrono::days(1),
          "a lock wait is 0 to a day");
  require(config.capacity >= 0 && config.capacity <= 64, "a capacity is 0 (unlimited) to 64");
  require(!config.reap_run || (config.mode == ccci::runner::Mode::reap && ccci::runner::is_run_id(*config.reap_run)),
          "--run names a run id, and only for `ccci-run reap`", config.reap_run.value_or(""));
  // `ccci-run doctor` checks the host and `ccci-run reap` cleans it: they name no recipe, so none
  // of a run's invariants apply.
  if (config.mode == ccci::runner::Mode::doctor || config.mode == ccci::runner::Mode::reap) return;
  require(!config.recipe.empty() && config.recipe.size() <= 40, "a recipe name is 1 to 40 characters", config.recipe);
  require(!config.pr || (*config.pr >= 1 && *config.pr <= 999'999'999), "a PR is 1 to 999999999");
  require(!config.stages.empty() && config.stages.front() == ccci::runner::Tier::install, "install is always a stage");
  require(!ccci::runner::repo_url(config).empty(), "the repo has a URL");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccci::fuzz::InputClock clock;
  std::map<std::string, std::string> env;
  std::vector<std::string> args;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (size_t start = 0; start < input.size();) {
    size_t end = input.find('\n', start);
    std::string line(input.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    size_t eq = line.find('=');
    if (eq != std::string::npos && eq > 0 && line.rfind("--", 0) != 0)
      env[line.substr(0, eq)] = line.substr(eq + 1);
    else
      args.push_back(line);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  auto config = ccci::runner::parse_config(env, args);
  if (config.ok()) {
    require_valid(*config);
  } else {
    const auto& error = config.error();
    require(error.kind == ccci::harness::ErrorKind::usage, "configuration errors are usage errors", error.message);
    require(names_a_setting(error.message), "a usage error names the setting", error.message);
    // A value is shown cut to 80 bytes, each at most 4 when escaped (\x00), plus names and reason.
    require(error.message.size() <= 600, "a usage error is short whatever the value", error.message);
  }
  clock.require_in_time("parse_config is quick");
  return 0;
}
