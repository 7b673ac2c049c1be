#include "runner/doctor.hpp"

#include <algorithm>
#include <future>
#include <sstream>

#include "harness/log.hpp"
#include "runner/browser_check.hpp"
#include "runner/wiring.hpp"

namespace ccci::runner {
namespace {

namespace fs = std::filesystem;

std::filesystem::path host_abra_home(const Config& config, const harness::Environment& child_env) {
  if (config.abra_dir) return *config.abra_dir;
  auto home = child_env.find("HOME");
  return fs::path(home == child_env.end() ? "/root" : home->second) / ".abra";
}

std::string gateway_text(const Config& config) {
  if (config.gateway_host.empty()) return {};
  return config.gateway_host + (config.gateway_port ? ":" + std::to_string(config.gateway_port) : "");
}

/// The docker data root's free space, when docker answered and the root is on this host.
DoctorCheck docker_disk(const std::optional<harness::EngineFacts>& facts) {
  const std::string name = "disk (docker)";
  if (!facts) return {name, CheckState::warn, "unknown: docker is not reachable", "fix docker first"};
  std::error_code error;
  if (!fs::is_directory(facts->data_root, error)) {
    return {name, CheckState::warn, "the data root " + facts->data_root + " is not on this host",
            "check the free space where the engine runs (df -h " + facts->data_root + ")"};
  }
  return check_free_space(name, facts->data_root);
}

}  // namespace

DoctorSettings doctor_settings(const Config& config, const harness::Environment& child_env) {
  DoctorSettings settings;
  settings.env = child_env;
  settings.abra = config.abra;
  settings.abra_home = host_abra_home(config, child_env);
  settings.server = config.server;
  settings.proxy_network = config.proxy_network;
  settings.gateway = gateway_text(config);
  settings.domain_suffix = config.domain_suffix;
  settings.state_dir = config.state_dir;
  settings.out = config.out;
  BrowserSettings browser = browser_settings(child_env, config.out);
  settings.chromium = browser.chromium;
  settings.browser_runner = browser.runner;
  return settings;
}

std::vector<DoctorCheck> run_doctor_checks(const DoctorSettings& settings, harness::ProcessRunner& runner,
                                           harness::DockerDriver& docker, harness::HttpClient& http) {
  // Spawns and requests run side by side; each is bounded by settings.timeout.
  std::optional<harness::EngineFacts> facts;
  auto engine = std::async(std::launch::async, [&] { return check_docker(settings, docker, facts); });
  auto network = std::async(std::launch::async, [&] { return check_proxy_network(settings, docker); });
  auto backupbot = std::async(std::launch::async, [&] { return check_backupbot(docker); });
  auto abra = std::async(std::launch::async, [&] { return check_abra(settings, runner); });
  auto gateway = std::async(std::launch::async, [&] { return check_gateway(settings, http); });
  auto browser = std::async(std::launch::async, [&] { return check_browser(settings, runner); });

  std::vector<DoctorCheck> checks = engine.get();  // `facts` is written before get() returns
  checks.push_back(network.get());
  for (auto& check : abra.get()) checks.push_back(std::move(check));
  checks.push_back(check_server(settings));
  checks.push_back(backupbot.get());
  checks.push_back(gateway.get());
  checks.push_back(check_writable("state dir", settings.state_dir));
  checks.push_back(check_writable("OUT", settings.out));
  checks.push_back(browser.get());
  checks.push_back(docker_disk(facts));
  checks.push_back(check_free_space("disk (state)", settings.state_dir));
  return checks;
}

std::string render_doctor(const std::vector<DoctorCheck>& checks) {
  size_t width = 0;
  for (const auto& check : checks) width = std::max(width, check.name.size());
  std::ostringstream text;
  int failures = 0;
  int warnings = 0;
  for (const auto& check : checks) {
    text << "  " << to_string(check.state) << "  " << check.name << std::string(width - check.name.size() + 2, ' ')
         << check.seen << "\n";
    if (check.state != CheckState::pass) text << "        fix: " << check.fix << "\n";
    failures += check.state == CheckState::fail ? 1 : 0;
    warnings += check.state == CheckState::warn ? 1 : 0;
  }
  if (failures == 0) {
    text << "doctor: this host meets ccci's requirements"
         << (warnings ? " (" + std::to_string(warnings) + " warnings)" : "") << "\n";
  } else {
    text << "doctor: " << failures << " required check" << (failures == 1 ? "" : "s") << " failed\n";
  }
  return text.str();
}

int doctor_exit_code(const std::vector<DoctorCheck>& checks) {
  bool failed = std::any_of(checks.begin(), checks.end(), [](const auto& c) { return c.state == CheckState::fail; });
  return failed ? 3 : 0;
}

int run_doctor(const Config& config, const harness::Environment& child_env, std::ostream& out, std::ostream& err) {
  harness::HttpGlobal curl;
  if (!curl.status().ok()) {
    err << "ccci-run: " << curl.status().error().message << "\n";
    return 3;
  }
  harness::Logger log(err);
  auto processes = harness::make_process_runner(log);
  auto http = harness::make_http_client(http_routing(config), log);
  auto settings = doctor_settings(config, child_env);
  harness::DockerSettings docker_settings;
  docker_settings.executable = settings.docker;
  docker_settings.env = settings.env;
  docker_settings.timeout = settings.timeout;
  auto docker = harness::make_docker_driver(*processes, docker_settings);
  auto checks = run_doctor_checks(settings, *processes, *docker, *http);
  out << render_doctor(checks);
  return doctor_exit_code(checks);
}

}  // namespace ccci::runner
