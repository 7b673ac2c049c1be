#pragma once
/// `ccci-run reap`: removes what dead runs left under --state-dir (runner/reaper.hpp) and prints
/// each removed thing, each live run left alone and each problem, one a line. Exit 0 when every
/// dead run was reaped, 3 when something could not be removed or a journal entry was refused.
/// With config.reap_run (`reap --run <id>`), only that run, removed now even when it was kept for
/// debugging; exit 3 when it is live or absent. Docker is reached as a run reaches it (DOCKER_HOST etc. from
/// `child_env`).
#include <ostream>

#include "harness/process.hpp"
#include "runner/config.hpp"

namespace ccci::runner {

int run_reap(const Config& config, const harness::Environment& child_env, std::ostream& out);

}  // namespace ccci::runner
