#include "runner/config.hpp"

#include <gtest/gtest.h>

#include "unit/fakes/param_name.hpp"

namespace ccci::runner {
namespace {

using Env = std::map<std::string, std::string>;
using Args = std::vector<std::string>;

Config parse_ok(const Env& env, const Args& args = {}) {
  auto config = parse_config(env, args);
  EXPECT_TRUE(config.ok()) << config.error().message;
  return config.ok() ? *config : Config{};
}

/// The error message, asserting it is a usage error.
std::string parse_error(const Env& env, const Args& args = {}) {
  auto config = parse_config(env, args);
  EXPECT_FALSE(config.ok());
  if (config.ok()) return {};
  EXPECT_EQ(config.error().kind, harness::ErrorKind::usage);
  return config.error().message;
}

TEST(Config, EnvironmentContract) {
  auto config = parse_ok({{"RECIPE", "discourse"}, {"PR", "4"}, {"REF", "AE5A8180"}, {"SRC", "recipe-maintainers/discourse"},
                          {"STAGES", "upgrade,install"}, {"OUT", "/tmp/o"}});
  EXPECT_EQ(config.recipe, "discourse");
  EXPECT_EQ(config.pr, 4);
  EXPECT_EQ(config.ref, "ae5a8180");
  EXPECT_EQ(config.src, "recipe-maintainers/discourse");
  EXPECT_EQ(config.stages, (std::vector<Tier>{Tier::install, Tier::upgrade}));
  EXPECT_EQ(config.out, "/tmp/o");
  EXPECT_EQ(config.mode, Mode::run);
  EXPECT_EQ(config.sources.at("PR"), "env PR");
}

TEST(Config, DefaultsForADefaultBranchRun) {
  auto config = parse_ok({{"RECIPE", "custom-html"}});
  EXPECT_FALSE(config.pr);
  EXPECT_FALSE(config.ref);
  EXPECT_EQ(config.src, "coop-cloud/custom-html");
  EXPECT_EQ(config.stages.size(), 5u);
  EXPECT_EQ(config.out, "out");
  EXPECT_EQ(repo_url(config), "https://git.coopcloud.tech/coop-cloud/custom-html.git");
}

TEST(Config, FlagsInBothFormsWinOverEnvironment) {
  auto config = parse_ok({{"RECIPE", "discourse"}, {"PR", "4"}}, {"--recipe=custom-html", "--pr", "9", "--plan"});
  EXPECT_EQ(config.recipe, "custom-html");
  EXPECT_EQ(config.pr, 9);
  EXPECT_EQ(config.mode, Mode::plan_only);
  EXPECT_EQ(config.sources.at("RECIPE"), "flag --recipe");
}

TEST(Config, DroneVariablesAreMappedForPullRequests) {
  auto config = parse_ok({{"DRONE_REPO_NAME", "discourse"}, {"DRONE_REPO", "recipe-maintainers/discourse"},
                          {"DRONE_BUILD_EVENT", "pull_request"}, {"DRONE_PULL_REQUEST", "4"},
                          {"DRONE_COMMIT_SHA", "ae5a8180c0ffee00ae5a8180c0ffee00ae5a8180"}});
  EXPECT_EQ(config.recipe, "discourse");
  EXPECT_EQ(config.pr, 4);
  EXPECT_EQ(config.ref, "ae5a8180c0ffee00ae5a8180c0ffee00ae5a8180");
  EXPECT_EQ(config.src, "recipe-maintainers/discourse");
  EXPECT_EQ(config.sources.at("PR"), "env DRONE_PULL_REQUEST");
}

TEST(Config, DronePullRequestIsIgnoredOnPush) {
  auto config = parse_ok({{"DRONE_REPO_NAME", "discourse"}, {"DRONE_BUILD_EVENT", "push"}, {"DRONE_PULL_REQUEST", "4"}});
  EXPECT_FALSE(config.pr);
}

TEST(Config, OurVariablesWinOverDronesAndEmptyCountsAsAbsent) {
  auto config = parse_ok({{"RECIPE", "custom-html"}, {"DRONE_REPO_NAME", "discourse"}, {"PR", ""},
                          {"DRONE_BUILD_EVENT", "pull_request"}, {"DRONE_PULL_REQUEST", "5"}});
  EXPECT_EQ(config.recipe, "custom-html");
  EXPECT_EQ(config.pr, 5);
}

TEST(Config, StagesWithoutInstallImplyIt) {
  auto config = parse_ok({{"RECIPE", "x"}, {"STAGES", "custom,backup"}});
  EXPECT_EQ(config.stages, (std::vector<Tier>{Tier::install, Tier::backup, Tier::custom}));
  EXPECT_EQ(config.sources.at("STAGES:install"), "implied");
}

TEST(Config, LocalGitBaseHasNoDotGit) {
  auto config = parse_ok({{"RECIPE", "fixture-web"}, {"CCCI_GIT_BASE", "/var/lib/ccci-testbed/repos"}});
  EXPECT_EQ(repo_url(config), "/var/lib/ccci-testbed/repos/coop-cloud/fixture-web");
}

TEST(Config, GatewayHostAndPort) {
  auto config = parse_ok({{"RECIPE", "x"}, {"CCCI_GATEWAY", "127.0.0.1:8443"}});
  EXPECT_EQ(config.gateway_host, "127.0.0.1");
  EXPECT_EQ(config.gateway_port, 8443);
  config = parse_ok({{"RECIPE", "x"}, {"CCCI_GATEWAY", "gw.example.net"}});
  EXPECT_EQ(config.gateway_host, "gw.example.net");
  EXPECT_EQ(config.gateway_port, 0);
}

TEST(Config, PullPolicy) {
  EXPECT_TRUE(parse_ok({{"RECIPE", "x"}}).pull_images);
  EXPECT_FALSE(parse_ok({{"RECIPE", "x"}, {"CCCI_PULL", "never"}}).pull_images);
  EXPECT_NE(parse_error({{"RECIPE", "x"}, {"CCCI_PULL", "sometimes"}}).find("CCCI_PULL"), std::string::npos);
}

TEST(Config, HelpNeedsNoRecipe) {
  auto config = parse_ok({}, {"--help"});
  EXPECT_EQ(config.mode, Mode::help);
  for (const char* documented : {"RECIPE", "PR", "REF", "SRC", "STAGES", "OUT", "DRONE_PULL_REQUEST", "CCCI_GATEWAY",
                                 "CCCI_CA_BUNDLE", "--plan", "130/143"}) {
    EXPECT_NE(help_text().find(documented), std::string::npos) << documented;
  }
}

TEST(Config, MissingRecipeIsAUsageError) {
  EXPECT_NE(parse_error({}).find("RECIPE is required"), std::string::npos);
}

struct Hostile {
  const char* variable;
  const char* value;
};

void PrintTo(const Hostile& hostile, std::ostream* out) { *out << hostile.variable; }

class HostileValue : public ::testing::TestWithParam<Hostile> {};

TEST_P(HostileValue, IsRejectedNamingTheVariable) {
  Env env{{"RECIPE", "fixture-web"}};
  env[GetParam().variable] = GetParam().value;
  std::string message = parse_error(env);
  EXPECT_EQ(message.rfind(GetParam().variable, 0), 0u) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Config, HostileValue,
    ::testing::Values(Hostile{"RECIPE", "x;rm -rf /"}, Hostile{"RECIPE", "Foo"}, Hostile{"RECIPE", "-x"},
                      Hostile{"RECIPE", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, Hostile{"RECIPE", "web\nPR=1"},
                      Hostile{"RECIPE", "fixture-w\xd0\xb5" "b"}, Hostile{"PR", "-1"}, Hostile{"PR", "0"}, Hostile{"PR", "01"},
                      Hostile{"PR", "1e3"}, Hostile{"PR", "1234567890"}, Hostile{"PR", "+4"}, Hostile{"PR", "4 "},
                      Hostile{"REF", "--upload-pack=evil"}, Hostile{"REF", "abc"},
                      Hostile{"REF", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, Hostile{"REF", "ae5a818g"},
                      Hostile{"SRC", "../../etc"}, Hostile{"SRC", "a/b.git"}, Hostile{"SRC", "-x/y"}, Hostile{"SRC", "a/b/c"},
                      Hostile{"SRC", "a/.."}, Hostile{"STAGES", "install,,backup"}, Hostile{"STAGES", "deploy"},
                      Hostile{"STAGES", "install,install"}, Hostile{"STAGES", ""  "install\x1b[31m"},
                      Hostile{"CCCI_GATEWAY", "127.0.0.1:70000"}, Hostile{"CCCI_GATEWAY", "http://x"},
                      Hostile{"CCCI_DOMAIN_SUFFIX", "localhost"}, Hostile{"CCCI_ABRA", "--exec=evil"},
                      Hostile{"CCCI_SERVER", "-s"}, Hostile{"CCCI_GIT_BASE", "--upload-pack=x"}),
    [](const auto& param_info) { return fakes::param_test_name(param_info.index, param_info.param.variable); });

TEST(Config, UnknownFlagAndMissingValueAreUsageErrors) {
  EXPECT_NE(parse_error({{"RECIPE", "x"}}, {"--recipee", "y"}).find("unknown argument '--recipee'"), std::string::npos);
  EXPECT_NE(parse_error({{"RECIPE", "x"}}, {"--pr"}).find("--pr needs a value"), std::string::npos);
  EXPECT_NE(parse_error({{"RECIPE", "x"}}, {"--pr", "1", "--pr=2"}).find("given twice"), std::string::npos);
}

TEST(Config, HostileFlagValueNamesTheVariableAndTheFlag) {
  std::string message = parse_error({}, {"--recipe", "a b"});
  EXPECT_NE(message.find("RECIPE (flag --recipe) = 'a b'"), std::string::npos) << message;
}

TEST(Config, ControlCharactersAreEscapedInTheMessage) {
  std::string message = parse_error({{"RECIPE", "x\ny"}});
  EXPECT_NE(message.find("'x\\x0ay'"), std::string::npos) << message;
}

}  // namespace
}  // namespace ccci::runner
