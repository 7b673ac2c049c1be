#include "runner/doctor_checks.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <sstream>

#include "harness/abra.hpp"
#include "harness/text.hpp"
#include "testbed/abra/help.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using fakes::exited;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class DoctorChecks : public ::testing::Test {
 protected:
  DoctorChecks() {
    settings.env = {{"PATH", (dir.path() / "bin").string()}};
    settings.abra_home = dir.path() / "abra-home";
    settings.domain_suffix = "ccci.test";
    settings.gateway = "127.0.0.1:443";
    std::filesystem::create_directories(dir.path() / "bin");
  }

  /// An executable file `name` in the PATH directory.
  std::filesystem::path install(const std::string& name) {
    auto file = dir.write("bin/" + name, "#!/bin/sh\n");
    ::chmod(file.c_str(), 0755);
    return file;
  }

  /// abra whose `--help` is the stand-in's, generated from its command table.
  void abra_like_the_standin(const std::string& drop_flag = {}) {
    auto abra = install("abra").string();
    runner.on({abra, "--version"}, exited(0, testbed::version_text()));
    runner.on({abra}, [drop_flag](const harness::Command& command) -> harness::Result<harness::Completion> {
      std::vector<std::string> args(command.argv.begin() + 1, command.argv.end());
      auto help = testbed::help_text(args);
      if (!help.ok()) return exited(1, "", "FATA " + help.error().message);
      std::string text;  // the line offering drop_flag goes, as in an abra that lacks it
      std::istringstream lines(*help);
      for (std::string line; std::getline(lines, line);) {
        line += "\n";
        auto offered = flags_in_help("Flags:\n" + line);
        if (drop_flag.empty() || std::find(offered.begin(), offered.end(), drop_flag) == offered.end()) text += line;
      }
      return exited(0, text);
    });
  }

  fakes::TempDir dir;
  DoctorSettings settings;
  fakes::FakeProcessRunner runner;
  fakes::FakeDocker docker;
  fakes::FakeHttpClient http;
};

// ---- docker and swarm ----

TEST_F(DoctorChecks, DockerReachableOnASwarmManagerPassesWithTheEngineVersion) {
  docker.engine = {"24.0.7", "active", true, "/var/lib/docker"};
  std::optional<harness::EngineFacts> facts;
  auto checks = check_docker(settings, docker, facts);
  ASSERT_EQ(checks.size(), 2U);
  EXPECT_EQ(checks[0].state, CheckState::pass);
  EXPECT_TRUE(contains(checks[0].seen, "engine 24.0.7"));
  EXPECT_EQ(checks[1].state, CheckState::pass);
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->data_root, "/var/lib/docker");
}

TEST_F(DoctorChecks, DockerUnreachableFailsNamingDockerAndTheFix) {
  settings.env["DOCKER_HOST"] = "unix:///nowhere.sock";
  docker.failures.emplace("engine_facts",
                          harness::Error{harness::ErrorKind::infra,
                                         "`docker info --format …` exited 1:\nCannot connect to the Docker daemon at "
                                         "unix:///nowhere.sock. Is the docker daemon running?"});
  std::optional<harness::EngineFacts> facts;
  auto checks = check_docker(settings, docker, facts);
  EXPECT_EQ(checks[0].name, "docker");
  EXPECT_EQ(checks[0].state, CheckState::fail);
  EXPECT_TRUE(contains(checks[0].seen, "DOCKER_HOST=unix:///nowhere.sock")) << checks[0].seen;
  EXPECT_TRUE(contains(checks[0].seen, "Cannot connect")) << checks[0].seen;
  EXPECT_FALSE(contains(checks[0].seen, "\n")) << "one line";
  EXPECT_TRUE(contains(checks[0].fix, "start the Docker engine"));
  EXPECT_EQ(checks[1].state, CheckState::fail);
  EXPECT_FALSE(facts);
}

TEST_F(DoctorChecks, AnInactiveSwarmOrAWorkerNodeFails) {
  docker.engine = {"24.0.7", "inactive", false, "/var/lib/docker"};
  std::optional<harness::EngineFacts> facts;
  auto inactive = check_docker(settings, docker, facts);
  EXPECT_EQ(inactive[0].state, CheckState::pass);
  EXPECT_EQ(inactive[1].state, CheckState::fail);
  EXPECT_EQ(inactive[1].fix, "docker swarm init");
  docker.engine = {"24.0.7", "active", false, "/var/lib/docker"};
  auto worker = check_docker(settings, docker, facts);
  EXPECT_EQ(worker[1].state, CheckState::fail);
  EXPECT_TRUE(contains(worker[1].seen, "worker"));
}

// ---- the proxy network ----

TEST_F(DoctorChecks, AnAttachableOverlayProxyNetworkPasses) {
  docker.networks["proxy"] = {"overlay", true};
  auto check = check_proxy_network(settings, docker);
  EXPECT_EQ(check.state, CheckState::pass) << check.seen;
  EXPECT_EQ(check.seen, "proxy: driver overlay, attachable true");
}

TEST_F(DoctorChecks, AMissingProxyNetworkFailsWithTheCommandThatMakesIt) {
  settings.proxy_network = "no-such-net";
  auto check = check_proxy_network(settings, docker);
  EXPECT_EQ(check.state, CheckState::fail);
  EXPECT_EQ(check.seen, "no network named no-such-net");
  EXPECT_TRUE(contains(check.fix, "docker network create --driver overlay --attachable no-such-net"));
}

TEST_F(DoctorChecks, AProxyNetworkThatIsNotAnAttachableOverlayFails) {
  docker.networks["proxy"] = {"bridge", false};
  EXPECT_EQ(check_proxy_network(settings, docker).state, CheckState::fail);
  docker.networks["proxy"] = {"overlay", false};
  EXPECT_EQ(check_proxy_network(settings, docker).state, CheckState::fail);
}

TEST_F(DoctorChecks, AProxyNetworkDockerCannotInspectFailsSayingSo) {
  docker.failures.emplace("network_facts", harness::Error{harness::ErrorKind::infra, "permission denied"});
  auto check = check_proxy_network(settings, docker);
  EXPECT_EQ(check.state, CheckState::fail);
  EXPECT_EQ(check.seen, "cannot inspect network proxy: permission denied");
  EXPECT_EQ(check.fix, "fix docker first");
}

// ---- abra ----

TEST_F(DoctorChecks, TheStandinsHelpOffersEveryFlagCcciPasses) {
  abra_like_the_standin();
  auto checks = check_abra(settings, runner);
  ASSERT_EQ(checks.size(), 2U);
  EXPECT_EQ(checks[0].state, CheckState::pass);
  EXPECT_TRUE(contains(checks[0].seen, "abra version 0.0.0-ccci-standin")) << checks[0].seen;
  EXPECT_EQ(checks[1].state, CheckState::pass) << checks[1].seen;
  // one --help per command ccci runs, with ABRA_DIR the host's abra home
  EXPECT_EQ(runner.commands().size(), harness::abra_flags_in_use().size() + 1);
  EXPECT_EQ(runner.commands().back().env.at("ABRA_DIR"), settings.abra_home.string());
}

TEST_F(DoctorChecks, AFlagMissingFromAbrasHelpFailsNamingTheFlagAndItsCommand) {
  // The flag ccci passes to `app deploy` for skipping abra's convergence monitor.
  std::string flag;
  for (const auto& command : harness::abra_flags_in_use()) {
    if (command.command == "app deploy") flag = command.flags.back();
  }
  ASSERT_FALSE(flag.empty());
  abra_like_the_standin(flag);
  auto checks = check_abra(settings, runner);
  EXPECT_EQ(checks[1].name, "abra flags");
  EXPECT_EQ(checks[1].state, CheckState::fail);
  EXPECT_TRUE(contains(checks[1].seen, flag + " (abra app deploy)")) << checks[1].seen;
}

TEST_F(DoctorChecks, AHelpThatFailsFailsNamingTheCommand) {
  auto abra = install("abra").string();
  runner.on({abra, "--version"}, exited(0, "abra version 0.13.0-beta-06a57de\n"));
  runner.on({abra, "app", "restore"}, exited(1, "", "FATA unknown command \"restore\""));
  runner.on({abra}, exited(0, ""));  // no Flags: section: every flag is missing
  auto checks = check_abra(settings, runner);
  EXPECT_EQ(checks[0].state, CheckState::pass);
  EXPECT_EQ(checks[1].state, CheckState::fail);
  EXPECT_TRUE(contains(checks[1].seen, "abra app restore --help: exit 1: FATA unknown command")) << checks[1].seen;
}

TEST_F(DoctorChecks, AbraNotFoundFails) {
  auto checks = check_abra(settings, runner);
  ASSERT_EQ(checks.size(), 1U);
  EXPECT_EQ(checks[0].state, CheckState::fail);
  EXPECT_TRUE(contains(checks[0].fix, "CCCI_ABRA"));
  EXPECT_TRUE(runner.commands().empty());
}

TEST_F(DoctorChecks, AnAbraWhoseVersionFailsFails) {
  auto abra = install("abra").string();
  runner.on({abra, "--version"}, exited(2, "", "boom"));
  EXPECT_EQ(check_abra(settings, runner)[0].state, CheckState::fail);
}

TEST(AbraHelp, FlagsAreReadFromCobrasFlagSectionsOnly) {
  const std::string help = R"(Deploy an app.

Usage:
  abra app deploy <domain> [version] [flags]

Examples:
  -x is not a flag here

Flags:
  -C, --chaos                ignore uncommitted recipes changes
  -c, --no-converge-checks   disable converge logic checks
  -s, --server string        the server
  -h, --help                 help for deploy

Global Flags:
  -n, --no-input    toggle non-interactive mode
      --offline     prefer offline
)";
  auto flags = flags_in_help(help);
  EXPECT_EQ(flags, (std::vector<std::string>{"-C", "--chaos", "-c", "--no-converge-checks", "-s", "--server", "-h",
                                             "--help", "-n", "--no-input", "--offline"}));
}

TEST(AbraHelp, ASectionAfterTheFlagsEndsThem) {
  auto flags = flags_in_help("Flags:\n  -f, --force  force\nAliases:\n  -z\n");
  EXPECT_EQ(flags, (std::vector<std::string>{"-f", "--force"}));
}

// ---- the server, backups, the gateway ----

TEST_F(DoctorChecks, ARegisteredServerPassesAndAMissingOneFailsWithAbraServerAdd) {
  auto missing = check_server(settings);
  EXPECT_EQ(missing.state, CheckState::fail);
  EXPECT_TRUE(contains(missing.fix, "abra server add --local"));
  std::filesystem::create_directories(settings.abra_home / "servers" / "default");
  EXPECT_EQ(check_server(settings).state, CheckState::pass);
}

TEST_F(DoctorChecks, BackupbotFoundPassesAndAbsentOnlyWarns) {
  docker.labelled["coop-cloud.backupbot.enabled=true"] = {"backups_app"};
  auto found = check_backupbot(docker);
  EXPECT_EQ(found.state, CheckState::pass);
  EXPECT_EQ(found.seen, "backups_app");
  docker.labelled.clear();
  auto absent = check_backupbot(docker);
  EXPECT_EQ(absent.state, CheckState::warn);
  EXPECT_TRUE(contains(absent.fix, "backups n/a"));
}

TEST_F(DoctorChecks, TheGatewayPassesOnAnyStatusOverVerifiedTls) {
  http.respond("GET", "https://ccci-doctor.ccci.test/", 404);
  auto check = check_gateway(settings, http);
  EXPECT_EQ(check.state, CheckState::pass) << check.seen;
  EXPECT_TRUE(contains(check.seen, "HTTP 404"));
  EXPECT_EQ(http.requests().front().attempts, 1);
}

TEST_F(DoctorChecks, ATlsFailureAtTheGatewayFails) {
  http.fail("GET", "https://ccci-doctor.ccci.test/", harness::ErrorKind::infra,
            "SSL peer certificate or SSH remote key was not OK");
  auto check = check_gateway(settings, http);
  EXPECT_EQ(check.state, CheckState::fail);
  EXPECT_TRUE(contains(check.seen, "via 127.0.0.1:443: SSL peer certificate")) << check.seen;
  EXPECT_TRUE(contains(check.fix, "CCCI_CA_BUNDLE"));
}

// ---- directories, the browser, disk ----

TEST_F(DoctorChecks, AWritableDirectoryPassesAndNothingIsLeftBehind) {
  auto check = check_writable("OUT", dir.path());
  EXPECT_EQ(check.state, CheckState::pass) << check.seen;
  auto future = check_writable("state dir", dir.path() / "not" / "yet");
  EXPECT_EQ(future.state, CheckState::pass) << future.seen;
  EXPECT_TRUE(contains(future.seen, "does not exist yet"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "not"));
  auto left = std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator());
  EXPECT_EQ(left, 1);  // bin/ only
}

TEST_F(DoctorChecks, AnUnwritableDirectoryFails) {
  // /proc refuses new files even to root, for whom access(2) would say yes.
  auto check = check_writable("OUT", "/proc");
  EXPECT_EQ(check.state, CheckState::fail);
  EXPECT_TRUE(contains(check.seen, "is not writable"));
}

TEST_F(DoctorChecks, BrowserPiecesMissingOnlyWarn) {
  settings.chromium = dir.path() / "no-chromium";
  auto check = check_browser(settings, runner);
  EXPECT_EQ(check.state, CheckState::warn);
  EXPECT_TRUE(contains(check.seen, "node"));
  EXPECT_TRUE(contains(check.seen, "Chromium"));
  EXPECT_TRUE(contains(check.seen, "certutil"));
  EXPECT_TRUE(contains(check.fix, "browser checks are unavailable"));
}

TEST_F(DoctorChecks, BrowserPiecesPresentPass) {
  auto node = install("node").string();
  install("certutil");
  settings.chromium = install("chromium");
  settings.browser_runner = "/opt/ccci/browser/run-flow.mjs";
  runner.once({node, "-e"}, exited(0));
  EXPECT_EQ(check_browser(settings, runner).state, CheckState::pass);
  EXPECT_EQ(runner.commands().back().argv.back(), "/opt/ccci/browser");
  runner.on({node, "-e"}, exited(1, "", "Cannot find module 'playwright-core'"));
  auto check = check_browser(settings, runner);
  EXPECT_EQ(check.state, CheckState::warn);
  EXPECT_EQ(check.seen, "missing: playwright-core");
}

TEST(DoctorDisk, FreeSpaceWarnsWhenLowAndFailsWhenVeryLow) {
  EXPECT_EQ(judge_free_space("disk", "/d", disk_warn_below).state, CheckState::pass);
  EXPECT_EQ(judge_free_space("disk", "/d", disk_warn_below - 1).state, CheckState::warn);
  EXPECT_EQ(judge_free_space("disk", "/d", disk_fail_below).state, CheckState::warn);
  EXPECT_EQ(judge_free_space("disk", "/d", disk_fail_below - 1).state, CheckState::fail);
  EXPECT_EQ(judge_free_space("disk", "/d", std::uintmax_t{3} << 30).seen, "3.0 GiB free at /d (below 10.0 GiB)");
}

TEST(DoctorDisk, TheFreeSpaceOfARealFilesystemIsRead) {
  fakes::TempDir dir;
  auto check = check_free_space("disk", dir.path() / "missing" / "child");
  EXPECT_TRUE(contains(check.seen, "free at " + dir.path().string())) << check.seen;
}

}  // namespace
}  // namespace ccci::runner
