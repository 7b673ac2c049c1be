#include "runner/doctor.hpp"

#include <gtest/gtest.h>

#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using fakes::exited;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Doctor, SettingsComeFromTheRunsConfigurationWithTheHostsAbraHome) {
  auto config = parse_config({{"CCCI_GATEWAY", "127.0.0.1:8443"}, {"CCCI_PROXY_NETWORK", "edge"}}, {"doctor"});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->mode, Mode::doctor);
  auto settings = doctor_settings(*config, {{"HOME", "/home/ci"}});
  EXPECT_EQ(settings.abra_home, "/home/ci/.abra");
  EXPECT_EQ(settings.gateway, "127.0.0.1:8443");
  EXPECT_EQ(settings.proxy_network, "edge");
  auto explicit_home = parse_config({{"ABRA_DIR", "/srv/abra"}}, {"doctor"});
  ASSERT_TRUE(explicit_home.ok());
  EXPECT_EQ(doctor_settings(*explicit_home, {{"HOME", "/home/ci"}}).abra_home, "/srv/abra");
}

TEST(Doctor, DoctorIsOnlyASubcommandInFirstPlaceAndTakesNoPlan) {
  EXPECT_FALSE(parse_config({}, {"--plan", "doctor"}).ok());
  EXPECT_FALSE(parse_config({}, {"doctor", "--plan"}).ok());
  EXPECT_FALSE(parse_config({}, {"doctor", "--proxy-network", "-x"}).ok());
}

TEST(Doctor, OneLinePerCheckWithTheFixBelowEachThatDidNotPass) {
  std::vector<DoctorCheck> checks{
      {"docker", CheckState::pass, "engine 24.0.7", ""},
      {"backup-bot-two", CheckState::warn, "none", "deploy it"},
      {"server", CheckState::fail, "/x/servers/default is not a directory", "abra server add"}};
  std::string text = render_doctor(checks);
  EXPECT_EQ(text,
            "  pass  docker          engine 24.0.7\n"
            "  warn  backup-bot-two  none\n"
            "        fix: deploy it\n"
            "  FAIL  server          /x/servers/default is not a directory\n"
            "        fix: abra server add\n"
            "doctor: 1 required check failed\n");
  EXPECT_EQ(doctor_exit_code(checks), 3);
  checks.pop_back();
  EXPECT_EQ(doctor_exit_code(checks), 0);  // a warning is not a failure
  EXPECT_TRUE(contains(render_doctor(checks), "meets ccci's requirements (1 warnings)"));
}

TEST(Doctor, EveryCheckRunsAndDockerDownFailsTheDoctor) {
  fakes::TempDir dir;
  DoctorSettings settings;
  settings.env = {{"PATH", (dir.path() / "bin").string()}};
  settings.state_dir = dir.path() / "state";
  settings.out = dir.path() / "out";
  settings.abra_home = dir.path();
  settings.domain_suffix = "ccci.test";
  fakes::FakeProcessRunner runner;
  fakes::FakeDocker docker;
  fakes::FakeHttpClient http;
  const harness::Error down{harness::ErrorKind::infra, "Cannot connect to the Docker daemon"};
  for (const char* operation : {"engine_facts", "network_facts", "services_labelled"})
    docker.failures.emplace(operation, down);
  http.respond("GET", "https://ccci-doctor.ccci.test/", 200);
  auto checks = run_doctor_checks(settings, runner, docker, http);
  std::vector<std::string> names;
  for (const auto& check : checks) names.push_back(check.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"docker", "swarm", "proxy network", "abra", "server", "backup-bot-two", "gateway",
                                      "state dir", "OUT", "browser", "disk (docker)", "disk (state)"}));
  EXPECT_EQ(checks[0].state, CheckState::fail);
  EXPECT_EQ(doctor_exit_code(checks), 3);
  EXPECT_EQ(checks[6].state, CheckState::pass);  // the gateway does not depend on docker
}

}  // namespace
}  // namespace ccci::runner
