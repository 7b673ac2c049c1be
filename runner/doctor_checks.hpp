#pragma once
/// The checks of `ccci-run doctor`, one function each: what the host must offer before a run can
/// be trusted (docs/operator-first-run.md). Every check returns one or more DoctorChecks saying
/// what was seen and, when not passed, the fix; none throws and none changes the host (a probe
/// file is removed at once). docker is asked through the DockerDriver, other processes go through
/// the ProcessRunner and HTTP through the HttpClient, each with its own timeout, so the checks can
/// run side by side on fakes.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/docker.hpp"
#include "harness/http.hpp"
#include "harness/process.hpp"

namespace ccci::runner {

enum class CheckState { pass, warn, fail };
std::string_view to_string(CheckState state);

struct DoctorCheck {
  std::string name;  ///< "docker", "swarm", "abra flags", …
  CheckState state = CheckState::fail;
  std::string seen;  ///< what was found
  std::string fix;   ///< what to do; empty when passed
};

/// Everything the checks read, from the run's settings (runner/config.hpp) and environment.
struct DoctorSettings {
  harness::Environment env;  ///< the children's environment (PATH, DOCKER_HOST, …)
  std::string docker = "docker";
  std::string abra = "abra";
  std::filesystem::path abra_home;  ///< the host's abra directory: servers/<server> lives there
  std::string server = "default";
  std::string proxy_network = "proxy";
  std::string gateway;  ///< "host:port" or empty (DNS), for messages
  std::string domain_suffix;
  std::filesystem::path state_dir;
  std::filesystem::path out;
  std::filesystem::path chromium = "/usr/bin/chromium";
  std::filesystem::path browser_runner;  ///< browser/run-flow.mjs: playwright-core is resolved from its folder
  std::chrono::milliseconds timeout{std::chrono::seconds(20)};  ///< each spawn and request
};

/// `docker info`: reachable (pass with the engine version, or fail naming docker and DOCKER_HOST),
/// then swarm active on a manager. Sets `facts` when docker answered (the disk check reads them).
std::vector<DoctorCheck> check_docker(const DoctorSettings& settings, harness::DockerDriver& docker,
                                      std::optional<harness::EngineFacts>& facts);
/// The proxy network exists, is an overlay and attachable.
DoctorCheck check_proxy_network(const DoctorSettings& settings, harness::DockerDriver& docker);
/// A service labelled coop-cloud.backupbot.enabled=true runs; warn otherwise (backups n/a).
DoctorCheck check_backupbot(harness::DockerDriver& docker);

/// abra is found (an explicit path, or on PATH) and `abra --version` answers; then every flag of
/// harness::abra_flags_in_use() appears in `abra <command> --help`, each missing one named with
/// its command.
std::vector<DoctorCheck> check_abra(const DoctorSettings& settings, harness::ProcessRunner& runner);
/// The flag spellings ("-C", "--chaos") in the `Flags:` sections of cobra's help text.
std::vector<std::string> flags_in_help(std::string_view help);
/// `abra --version`'s first non-empty line, trimmed.
std::string first_line(std::string_view text);

/// <abra home>/servers/<server> is a directory.
DoctorCheck check_server(const DoctorSettings& settings);
/// GET https://ccci-doctor.<suffix>/ through the gateway: any status passes, a TLS or connect
/// failure fails.
DoctorCheck check_gateway(const DoctorSettings& settings, harness::HttpClient& http);
/// A probe file can be made and removed in `dir` (or, when it does not exist yet, in the nearest
/// existing parent, where a run would create it).
DoctorCheck check_writable(std::string name, const std::filesystem::path& dir);
/// node, playwright-core (installed beside browser_runner), Chromium and certutil: warn when any is
/// missing (browser checks cannot run: each would be the check's error, never a recipe failure).
DoctorCheck check_browser(const DoctorSettings& settings, harness::ProcessRunner& runner);

/// Free space below these warns / fails (docs/operator-first-run.md): images, volumes and
/// snapshots of one recipe run take a few GiB.
inline constexpr std::uintmax_t disk_warn_below = std::uintmax_t{10} << 30;
inline constexpr std::uintmax_t disk_fail_below = std::uintmax_t{2} << 30;
/// Judges `available` bytes at `path`.
DoctorCheck judge_free_space(std::string name, const std::filesystem::path& path, std::uintmax_t available);
/// judge_free_space of the filesystem holding `path` (or its nearest existing parent); warn when
/// it cannot be read (e.g. the docker data root of a remote engine).
DoctorCheck check_free_space(std::string name, const std::filesystem::path& path);

/// `name` as found on the environment's PATH (or itself when it holds a '/'), if executable.
std::optional<std::filesystem::path> find_executable(const std::string& name, const harness::Environment& env);

}  // namespace ccci::runner
