#pragma once
/// `ccci-run doctor`: whether this host meets ccci's assumptions, before the first run. Runs every
/// check of runner/doctor_checks.hpp (the independent ones side by side, each bounded by its own
/// timeout) and prints one line per check — pass, warn or FAIL, what was seen and, when not
/// passed, the fix. Exit 0 only when no required check failed; 3 otherwise. Warnings (backups,
/// browser checks) never change the exit code. Nothing on the host is changed.
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "harness/http.hpp"
#include "harness/process.hpp"
#include "runner/config.hpp"
#include "runner/doctor_checks.hpp"

namespace ccci::runner {

/// The checks' settings from the run's configuration and the children's environment. The host's
/// abra home is ABRA_DIR / --abra-dir, or $HOME/.abra.
DoctorSettings doctor_settings(const Config& config, const harness::Environment& child_env);

/// Every check, in a fixed order (the order of the printed lines), whatever order they finish in.
std::vector<DoctorCheck> run_doctor_checks(const DoctorSettings& settings, harness::ProcessRunner& runner,
                                           harness::DockerDriver& docker, harness::HttpClient& http);

/// One line per check, "  pass  docker        engine 24.0.7 …", with "        fix: …" below a
/// check that did not pass, then a closing line.
std::string render_doctor(const std::vector<DoctorCheck>& checks);

/// 0 when no check failed, 3 otherwise.
int doctor_exit_code(const std::vector<DoctorCheck>& checks);

/// `ccci-run doctor` with the real process runner and HTTP client; spawn logs go to `err`.
int run_doctor(const Config& config, const harness::Environment& child_env, std::ostream& out, std::ostream& err);

}  // namespace ccci::runner
