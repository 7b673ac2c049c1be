// Fuzz target: runner::parse_spec on any text. A spec either loads with values in their ranges
// or fails with a spec error at recipe.yml:line:col.
#include "fuzz/fuzz_checks.hpp"
#include "runner/spec.hpp"

namespace {

using ccci::fuzz::require;

void require_in_range(const ccci::runner::RecipeSpec& spec) {
  for (auto timeout : {spec.timeouts.deploy, spec.timeouts.http, spec.timeouts.backup}) {
    require(timeout.count() > 0 && timeout <= ccci::runner::max_spec_duration,
            "timeouts are positive and at most a day");
  }
  require(!spec.health.path.empty() && spec.health.path.front() == '/', "the health path is absolute");
  for (int status : spec.health.ok) require(status >= 100 && status <= 599, "health statuses are HTTP statuses");
  for (const auto& [key, value] : spec.env) {
    require(value.find_first_of(std::string_view("\r\0", 2)) == std::string::npos, "env values fit an env file", value);
  }
  for (const auto& [tier, checks] : spec.checks) {
    for (const auto& check : checks) {
      require(!check.name.empty(), "every check has a name");
      require(!ccci::runner::describe(check).empty(), "every check can be described");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccci::fuzz::InputClock clock;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = ccci::runner::parse_spec(text, "recipe.yml");
  if (spec.ok()) {
    require_in_range(*spec);
  } else {
    ccci::fuzz::require_positioned_spec_error(spec.error(), {"recipe.yml"});
  }
  clock.require_in_time("parse_spec is quick");
  return 0;
}
