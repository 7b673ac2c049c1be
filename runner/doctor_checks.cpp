#include "runner/doctor_checks.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "harness/abra.hpp"
#include "harness/text.hpp"

namespace ccci::runner {
namespace {

namespace fs = std::filesystem;

DoctorCheck passed(std::string name, std::string seen) {
  return {std::move(name), CheckState::pass, std::move(seen), {}};
}
DoctorCheck warned(std::string name, std::string seen, std::string fix) {
  return {std::move(name), CheckState::warn, std::move(seen), std::move(fix)};
}
DoctorCheck failed(std::string name, std::string seen, std::string fix) {
  return {std::move(name), CheckState::fail, std::move(seen), std::move(fix)};
}

/// What a command printed when it went wrong, short enough for one line.
std::string what_went_wrong(const harness::Result<harness::Completion>& ran) {
  if (!ran.ok()) return ran.error().message;
  std::string tail = harness::last_lines(ran->err.empty() ? ran->out : ran->err, 2, 240);
  return ran->describe() + (tail.empty() ? "" : ": " + tail);
}

harness::Result<harness::Completion> run(const DoctorSettings& settings, harness::ProcessRunner& runner,
                                         std::vector<std::string> argv) {
  return runner.run({std::move(argv), settings.env, {}, settings.timeout});
}

/// The end of a docker failure's message (docker's own words), on one line.
std::string docker_said(const harness::Error& error) {
  std::string said = harness::last_lines(error.message, 2, 240);
  std::replace(said.begin(), said.end(), '\n', ' ');
  return said;
}

std::string docker_host(const DoctorSettings& settings) {
  auto host = settings.env.find("DOCKER_HOST");
  return host == settings.env.end() ? "the local socket" : "DOCKER_HOST=" + host->second;
}

/// The nearest directory at or above `path` that exists (for a directory a run would create).
fs::path nearest_existing(const fs::path& path) {
  std::error_code error;
  fs::path at = fs::absolute(path, error);
  if (error) at = path;
  while (!at.empty() && !fs::exists(at, error) && at != at.parent_path()) at = at.parent_path();
  return at;
}

std::string gib(std::uintmax_t bytes) {
  constexpr double per_gib = 1024.0 * 1024.0 * 1024.0;
  std::string text = std::to_string(static_cast<double>(bytes) / per_gib);
  return text.substr(0, text.find('.') + 2) + " GiB";
}

bool is_executable_file(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string_view to_string(CheckState state) {
  switch (state) {
    case CheckState::pass: return "pass";
    case CheckState::warn: return "warn";
    case CheckState::fail: return "FAIL";
  }
  return "FAIL";
}

std::vector<DoctorCheck> check_docker(const DoctorSettings& settings, harness::DockerDriver& docker,
                                      std::optional<harness::EngineFacts>& facts) {
  auto engine = docker.engine_facts();
  if (!engine.ok()) {
    return {failed("docker", "docker is not reachable at " + docker_host(settings) + ": " + docker_said(engine.error()),
                   "start the Docker engine (systemctl start docker) or point DOCKER_HOST at it; "
                   "`docker info` must answer as the user ccci runs as"),
            failed("swarm", "unknown: docker is not reachable", "fix docker first")};
  }
  facts = *engine;
  std::vector<DoctorCheck> checks{passed("docker", "engine " + facts->version + " at " + docker_host(settings))};
  if (facts->swarm_state != "active") {
    checks.push_back(failed("swarm", "swarm is " + facts->swarm_state, "docker swarm init"));
  } else if (!facts->manager) {
    checks.push_back(
        failed("swarm", "this node is a swarm worker", "run ccci on a manager node (abra deploys stacks)"));
  } else {
    checks.push_back(passed("swarm", "active, this node is a manager"));
  }
  return checks;
}

DoctorCheck check_proxy_network(const DoctorSettings& settings, harness::DockerDriver& docker) {
  const std::string name = "proxy network";
  const std::string create = "docker network create --driver overlay --attachable " + settings.proxy_network +
                             " (or deploy the traefik recipe, which declares it), or set CCCI_PROXY_NETWORK";
  auto network = docker.network_facts(settings.proxy_network);
  if (!network.ok()) {
    if (network.error().kind == harness::ErrorKind::not_found)
      return failed(name, "no network named " + settings.proxy_network, create);
    return failed(name, "cannot inspect network " + settings.proxy_network + ": " + docker_said(network.error()),
                  "fix docker first");
  }
  std::string seen = settings.proxy_network + ": driver " + network->driver + ", attachable " +
                     (network->attachable ? "true" : "false");
  if (network->driver != "overlay" || !network->attachable)
    return failed(name, seen, "remove it and " + create + " (apps on other nodes and `docker run` need both)");
  return passed(name, seen);
}

DoctorCheck check_backupbot(harness::DockerDriver& docker) {
  const std::string name = "backup-bot-two";
  const std::string fix =
      "deploy backup-bot-two (abra app new backup-bot-two; abra app deploy <domain>) so abra's backup and restore "
      "have a backupbot to drive (backups n/a without it)";
  auto services = docker.services_labelled("coop-cloud.backupbot.enabled=true");
  if (!services.ok()) return warned(name, "cannot list services: " + docker_said(services.error()), fix);
  if (services->empty()) return warned(name, "no service labelled coop-cloud.backupbot.enabled=true", fix);
  return passed(name, harness::join(*services, ", "));
}

std::string first_line(std::string_view text) {
  auto lines = harness::trimmed_lines(harness::strip_ansi(text));
  return lines.empty() ? std::string() : lines.front();
}

std::vector<std::string> flags_in_help(std::string_view help) {
  std::vector<std::string> flags;
  bool in_flags = false;
  for (const auto& line : harness::trimmed_lines(harness::strip_ansi(help))) {
    // cobra: "Flags:" and "Global Flags:" open a section of "-C, --chaos   text" lines.
    if (line.size() >= 6 && line.compare(line.size() - 6, 6, "Flags:") == 0) {
      in_flags = true;
      continue;
    }
    if (!in_flags) continue;
    if (line.front() != '-') {
      in_flags = line.back() != ':' && in_flags;  // a new section ("Examples:") ends the flags
      continue;
    }
    for (size_t start = 0; start < line.size() && line[start] == '-';) {
      size_t end = line.find_first_of(" ,=", start);
      flags.push_back(line.substr(start, end - start));
      if (end == std::string::npos || line[end] != ',') break;
      start = line.find_first_not_of(' ', end + 1);
    }
  }
  return flags;
}

std::vector<DoctorCheck> check_abra(const DoctorSettings& settings, harness::ProcessRunner& runner) {
  auto found = find_executable(settings.abra, settings.env);
  if (!found) {
    return {failed("abra", settings.abra + " not found or not executable (PATH and CCCI_ABRA)",
                   "install abra (docs/operator-first-run.md) and put it on PATH, or set CCCI_ABRA to its path")};
  }
  harness::Environment env = settings.env;
  env["ABRA_DIR"] = settings.abra_home.string();
  auto abra = [&](std::vector<std::string> args) {
    args.insert(args.begin(), found->string());
    return runner.run({std::move(args), env, {}, settings.timeout});
  };
  std::vector<DoctorCheck> checks;
  auto version = abra({"--version"});
  if (!version.ok() || !version->succeeded() || first_line(version->out).empty()) {
    checks.push_back(failed("abra", found->string() + " --version: " + what_went_wrong(version),
                            "reinstall abra; `abra --version` must print its version"));
  } else {
    checks.push_back(passed("abra", found->string() + ": " + first_line(version->out)));
  }
  std::vector<std::string> missing;
  for (const auto& command : harness::abra_flags_in_use()) {
    auto args = harness::split(command.command, ' ');
    args.emplace_back("--help");
    auto help = abra(args);
    if (!help.ok() || !help->succeeded()) {
      missing.push_back("abra " + command.command + " --help: " + what_went_wrong(help));
      continue;
    }
    auto offered = flags_in_help(help->out + "\n" + help->err);
    for (const auto& flag : command.flags) {
      if (std::find(offered.begin(), offered.end(), flag) == offered.end())
        missing.push_back(flag + " (abra " + command.command + ")");
    }
  }
  if (missing.empty()) {
    checks.push_back(passed("abra flags", "every flag ccci passes appears in `abra <command> --help`"));
  } else {
    checks.push_back(failed("abra flags", "missing: " + harness::join(missing, "; "),
                            "install an abra that offers these flags (ccci's argv is in docs/abra-contract.md)"));
  }
  return checks;
}

DoctorCheck check_server(const DoctorSettings& settings) {
  fs::path dir = settings.abra_home / "servers" / settings.server;
  std::error_code error;
  if (fs::is_directory(dir, error)) return passed("server", settings.server + " registered (" + dir.string() + ")");
  return failed("server", dir.string() + " is not a directory",
                settings.server == "default"
                    ? "abra server add --local (registers the local swarm as `default` in the abra home; set "
                      "ABRA_DIR if that is not $HOME/.abra)"
                    : "abra server add " + settings.server + ", or set CCCI_SERVER to a registered server");
}

DoctorCheck check_gateway(const DoctorSettings& settings, harness::HttpClient& http) {
  harness::HttpRequest request;
  request.url = "https://ccci-doctor." + settings.domain_suffix + "/";
  request.timeout = settings.timeout;
  request.attempts = 1;
  std::string via = settings.gateway.empty() ? "DNS" : settings.gateway;
  auto answer = http.send(request);
  if (!answer.ok()) {
    return failed("gateway", "GET " + request.url + " via " + via + ": " + answer.error().message,
                  "make CCCI_GATEWAY reach the proxy (Traefik) on 443 and CCCI_CA_BUNDLE hold the CA that signed its "
                  "certificate for *." +
                      settings.domain_suffix);
  }
  return passed("gateway",
                "GET " + request.url + " via " + via + ": TLS verified, HTTP " + std::to_string(answer->status));
}

DoctorCheck check_writable(std::string name, const fs::path& dir) {
  fs::path at = nearest_existing(dir);
  std::error_code error;
  if (!fs::is_directory(at, error)) return failed(name, at.string() + " is not a directory", "fix the path");
  std::string where =
      fs::exists(dir, error) ? dir.string() : dir.string() + " (does not exist yet; checked " + at.string() + ")";
  // access(2) says yes to root even on read-only mounts: try it.
  std::string probe = (at / ".ccci-doctor-probe-XXXXXX").string();
  int fd = ::mkstemp(probe.data());
  if (fd < 0) {
    return failed(name, where + " is not writable: " + std::strerror(errno),
                  "make it writable by the user ccci runs as, or choose another path");
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return passed(name, where + " is writable");
}

DoctorCheck check_browser(const DoctorSettings& settings, harness::ProcessRunner& runner) {
  const std::string name = "browser";
  const std::string fix = "run scripts/install-deps.sh (node, Chromium at " + settings.chromium.string() +
                          ", libnss3-tools, `npm ci` in " + settings.browser_runner.parent_path().string() +
                          "); until then browser checks are unavailable";
  std::vector<std::string> absent;
  auto node = find_executable("node", settings.env);
  if (!node) {
    absent.emplace_back("node");
  } else {
    // Resolved the way the runner imports it: from the runner's own folder.
    auto resolved = run(settings, runner,
                        {node->string(), "-e", "require.resolve('playwright-core', {paths: [process.argv[1]]})",
                         settings.browser_runner.parent_path().string()});
    if (!resolved.ok() || !resolved->succeeded()) absent.emplace_back("playwright-core");
  }
  if (!is_executable_file(settings.chromium)) absent.push_back("Chromium (" + settings.chromium.string() + ")");
  if (!find_executable("certutil", settings.env)) absent.emplace_back("certutil (libnss3-tools)");
  if (!absent.empty()) return warned(name, "missing: " + harness::join(absent, ", "), fix);
  return passed(name, "node " + node->string() + ", playwright-core, " + settings.chromium.string());
}

DoctorCheck judge_free_space(std::string name, const fs::path& path, std::uintmax_t available) {
  std::string seen = gib(available) + " free at " + path.string();
  std::string fix = "free space (docker system prune, old snapshots) or grow the filesystem; ccci wants at least " +
                    gib(disk_warn_below);
  if (available < disk_fail_below) return failed(std::move(name), seen + " (below " + gib(disk_fail_below) + ")", fix);
  if (available < disk_warn_below) return warned(std::move(name), seen + " (below " + gib(disk_warn_below) + ")", fix);
  return passed(std::move(name), seen);
}

DoctorCheck check_free_space(std::string name, const fs::path& path) {
  fs::path at = nearest_existing(path);
  std::error_code error;
  auto space = fs::space(at, error);
  if (error) {
    return warned(std::move(name), "cannot read the free space of " + path.string() + ": " + error.message(),
                  "check it by hand (df -h) where the engine runs");
  }
  return judge_free_space(std::move(name), at, space.available);
}

std::optional<fs::path> find_executable(const std::string& name, const harness::Environment& env) {
  if (name.find('/') != std::string::npos) {
    return is_executable_file(name) ? std::optional<fs::path>(name) : std::nullopt;
  }
  auto path = env.find("PATH");
  if (path == env.end()) return std::nullopt;
  for (const auto& dir : harness::split(path->second, ':')) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / name;
    if (is_executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

}  // namespace ccci::runner
