#include "runner/reap_command.hpp"

#include "harness/clock.hpp"
#include "harness/docker.hpp"
#include "harness/log.hpp"
#include "runner/reaper.hpp"
#include "runner/run_admission.hpp"
#include "runner/wiring.hpp"

namespace ccci::runner {

int run_reap(const Config& config, const harness::Environment& child_env, std::ostream& out) {
  harness::Logger log(out);
  auto processes = harness::make_process_runner(log);
  auto docker = harness::make_docker_driver(*processes, docker_settings(child_env));
  auto clock = harness::make_system_clock();
  ReaperSettings settings{config.state_dir, std::nullopt};
  settings.only_run = config.reap_run;
  Reaper reaper(std::move(settings), *docker, *clock);
  ReapReport report = reaper.reap();
  for (const auto& line : report.lines()) log.info("reap", line);
  // Asked for one run: the other runs' claims are not this call's business.
  if (!config.reap_run)
    for (const auto& line : sweep_dead_claims(config.state_dir)) log.info("reap", line);
  return report.complete() ? 0 : 3;
}

}  // namespace ccci::runner
