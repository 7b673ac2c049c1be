#include "runner/config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <regex>

#include "unit/fakes/param_name.hpp"
#include "unit/fakes/temp_dir.hpp"

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
  auto config = parse_ok({{"RECIPE", "discourse"},
                          {"PR", "4"},
                          {"REF", "AE5A8180"},
                          {"SRC", "recipe-maintainers/discourse"},
                          {"STAGES", "upgrade,install"},
                          {"OUT", "/tmp/o"}});
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
  auto config = parse_ok({{"DRONE_REPO_NAME", "discourse"},
                          {"DRONE_REPO", "recipe-maintainers/discourse"},
                          {"DRONE_BUILD_EVENT", "pull_request"},
                          {"DRONE_PULL_REQUEST", "4"},
                          {"DRONE_COMMIT_SHA", "ae5a8180c0ffee00ae5a8180c0ffee00ae5a8180"}});
  EXPECT_EQ(config.recipe, "discourse");
  EXPECT_EQ(config.pr, 4);
  EXPECT_EQ(config.ref, "ae5a8180c0ffee00ae5a8180c0ffee00ae5a8180");
  EXPECT_EQ(config.src, "recipe-maintainers/discourse");
  EXPECT_EQ(config.sources.at("PR"), "env DRONE_PULL_REQUEST");
}

TEST(Config, DronePullRequestIsIgnoredOnPush) {
  auto config =
      parse_ok({{"DRONE_REPO_NAME", "discourse"}, {"DRONE_BUILD_EVENT", "push"}, {"DRONE_PULL_REQUEST", "4"}});
  EXPECT_FALSE(config.pr);
}

TEST(Config, OurVariablesWinOverDronesAndEmptyCountsAsAbsent) {
  auto config = parse_ok({{"RECIPE", "custom-html"},
                          {"DRONE_REPO_NAME", "discourse"},
                          {"PR", ""},
                          {"DRONE_BUILD_EVENT", "pull_request"},
                          {"DRONE_PULL_REQUEST", "5"}});
  EXPECT_EQ(config.recipe, "custom-html");
  EXPECT_EQ(config.pr, 5);
}

TEST(Config, StagesWithoutInstallImplyIt) {
  auto config = parse_ok({{"RECIPE", "x"}, {"STAGES", "custom,backup"}});
  EXPECT_EQ(config.stages, (std::vector<Tier>{Tier::install, Tier::backup, Tier::custom}));
  EXPECT_EQ(config.sources.at("STAGES:install"), "implied");
}

TEST(Config, AbraDirIsTheHostsAbraHomeDefaultingToAbrasOwn) {
  auto from_home = parse_ok({{"RECIPE", "r"}, {"HOME", "/home/ci"}});
  EXPECT_EQ(from_home.abra_dir, std::filesystem::path("/home/ci/.abra"));
  EXPECT_EQ(from_home.sources.at("ABRA_DIR"), "default $HOME/.abra");
  auto given = parse_ok({{"RECIPE", "r"}, {"HOME", "/home/ci"}, {"ABRA_DIR", "/srv/abra"}});
  EXPECT_EQ(given.abra_dir, std::filesystem::path("/srv/abra"));
  EXPECT_EQ(given.sources.at("ABRA_DIR"), "env ABRA_DIR");
  EXPECT_EQ(parse_ok({{"RECIPE", "r"}, {"HOME", "/home/ci"}}, {"--abra-dir=/x"}).abra_dir, std::filesystem::path("/x"));
  EXPECT_FALSE(parse_ok({{"RECIPE", "r"}}).abra_dir) << "no HOME, no ABRA_DIR: nothing to guess";
  EXPECT_FALSE(parse_ok({{"RECIPE", "r"}, {"HOME", "/home/ci\nX=1"}}).abra_dir)
      << "a HOME no setting would accept is not guessed from";
}

TEST(Config, LocalGitBaseHasNoDotGit) {
  auto config = parse_ok({{"RECIPE", "fixture-web"}, {"CCCI_GIT_BASE", "/var/lib/ccci-testbed/repos"}});
  EXPECT_EQ(repo_url(config), "/var/lib/ccci-testbed/repos/coop-cloud/fixture-web");
}

TEST(Config, GitBaseThatCannotBeStattedIsAUrlNotAnException) {
  // Found by fuzz_config: a path component over NAME_MAX made is_directory throw.
  auto config = parse_ok({{"RECIPE", "x"}, {"CCCI_GIT_BASE", "og" + std::string(300, 'a')}});
  EXPECT_EQ(repo_url(config), "og" + std::string(300, 'a') + "/coop-cloud/x.git");
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

TEST(Config, RequireSpecIsOffByDefaultAndOneOrZeroFromEnvOrFlag) {
  EXPECT_FALSE(parse_ok({{"RECIPE", "x"}}).require_spec);
  auto required = parse_ok({{"RECIPE", "x"}, {"CCCI_REQUIRE_SPEC", "1"}});
  EXPECT_TRUE(required.require_spec);
  EXPECT_EQ(required.sources.at("CCCI_REQUIRE_SPEC"), "env CCCI_REQUIRE_SPEC");
  EXPECT_FALSE(parse_ok({{"RECIPE", "x"}, {"CCCI_REQUIRE_SPEC", "0"}}).require_spec);
  auto flagged = parse_ok({{"RECIPE", "x"}, {"CCCI_REQUIRE_SPEC", "0"}}, {"--require-spec=1"});
  EXPECT_TRUE(flagged.require_spec) << "a flag wins over the variable";
  EXPECT_EQ(flagged.sources.at("CCCI_REQUIRE_SPEC"), "flag --require-spec");
  for (const char* bad : {"yes", "true", "2", "01", " 1"}) {
    std::string message = parse_error({{"RECIPE", "x"}, {"CCCI_REQUIRE_SPEC", bad}});
    EXPECT_EQ(message.rfind("CCCI_REQUIRE_SPEC (env CCCI_REQUIRE_SPEC) = '", 0), 0u) << message;
    EXPECT_NE(message.find("is 1 (a recipe without a spec is an error) or 0"), std::string::npos) << message;
  }
}

TEST(Config, HelpNeedsNoRecipe) {
  auto config = parse_ok({}, {"--help"});
  EXPECT_EQ(config.mode, Mode::help);
  for (const char* documented : {"RECIPE", "PR", "REF", "SRC", "STAGES", "OUT", "DRONE_PULL_REQUEST", "CCCI_GATEWAY",
                                 "CCCI_CA_BUNDLE", "CCCI_REQUIRE_SPEC", "--plan", "130/143"}) {
    EXPECT_NE(help_text().find(documented), std::string::npos) << documented;
  }
}

TEST(Config, MissingRecipeIsAUsageError) { EXPECT_NE(parse_error({}).find("RECIPE is required"), std::string::npos); }

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
                      Hostile{"RECIPE",
                              "fixture-w\xd0\xb5"
                              "b"},
                      Hostile{"PR", "-1"}, Hostile{"PR", "0"}, Hostile{"PR", "01"}, Hostile{"PR", "1e3"},
                      Hostile{"PR", "1234567890"}, Hostile{"PR", "+4"}, Hostile{"PR", "4 "},
                      Hostile{"REF", "--upload-pack=evil"}, Hostile{"REF", "abc"},
                      Hostile{"REF", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, Hostile{"REF", "ae5a818g"},
                      Hostile{"SRC", "../../etc"}, Hostile{"SRC", "a/b.git"}, Hostile{"SRC", "-x/y"},
                      Hostile{"SRC", "a/b/c"}, Hostile{"SRC", "a/.."}, Hostile{"STAGES", "install,,backup"},
                      Hostile{"STAGES", "deploy"}, Hostile{"STAGES", "install,install"},
                      Hostile{"STAGES",
                              ""
                              "install\x1b[31m"},
                      Hostile{"CCCI_GATEWAY", "127.0.0.1:70000"}, Hostile{"CCCI_GATEWAY", "http://x"},
                      Hostile{"CCCI_DOMAIN_SUFFIX", "localhost"}, Hostile{"CCCI_ABRA", "--exec=evil"},
                      Hostile{"CCCI_SERVER", "-s"}, Hostile{"CCCI_GIT_BASE", "--upload-pack=x"}),
    [](const auto& param_info) { return fakes::param_test_name(param_info.index, param_info.param.variable); });

TEST(Config, UnknownFlagAndMissingValueAreUsageErrors) {
  EXPECT_NE(parse_error({{"RECIPE", "x"}}, {"--recipee", "y"}).find("unknown argument '--recipee'"), std::string::npos);
  EXPECT_NE(parse_error({{"RECIPE", "x"}}, {"--pr"}).find("--pr needs a value"), std::string::npos);
  EXPECT_NE(parse_error({{"RECIPE", "x"}}, {"--pr", "1", "--pr=2"}).find("given twice"), std::string::npos);
  // Found by fuzz_config: it begins as every flag error does, naming the flag.
  EXPECT_EQ(parse_error({{"RECIPE", "x"}}, {"--clear"}),
            "flag --clear belongs to `ccci-run last-green RECIPE --clear`");
}

TEST(Config, HostileFlagValueNamesTheVariableAndTheFlag) {
  std::string message = parse_error({}, {"--recipe", "a b"});
  EXPECT_NE(message.find("RECIPE (flag --recipe) = 'a b'"), std::string::npos) << message;
}

TEST(Config, ControlCharactersAreEscapedInTheMessage) {
  std::string message = parse_error({{"RECIPE", "x\ny"}});
  EXPECT_NE(message.find("'x\\x0ay'"), std::string::npos) << message;
}

TEST(Config, ThirtyThousandCharacterSettingIsAUsageErrorNotACrash) {
  for (std::string_view variable : setting_variables()) {
    for (const std::string& value :
         {std::string(30'000, 'a'), std::string(30'000, '1'), "a." + std::string(30'000, 'a') + ".b"}) {
      Env env{{"RECIPE", "fixture-web"}};
      env[std::string(variable)] = value;
      std::string message = parse_error(env);
      EXPECT_EQ(message.rfind(std::string(variable) + " (env " + std::string(variable) + ") = '", 0), 0u)
          << message.substr(0, 200);
      EXPECT_NE(message.find("longer than 4096 characters"), std::string::npos) << message.substr(0, 200);
      EXPECT_LT(message.size(), 300u);
    }
  }
  EXPECT_NE(parse_error({}, {"--server", std::string(30'000, 's')}).find("CCCI_SERVER (flag --server)"),
            std::string::npos);
}

TEST(Config, UnknownStageIsCutInTheMessage) {
  // Found by fuzz_config: the stage name was quoted whole, whatever its length.
  std::string message = parse_error({{"RECIPE", "x"}, {"STAGES", "install," + std::string(4000, 'z')}});
  EXPECT_NE(message.find("unknown stage 'zzz"), std::string::npos) << message;
  EXPECT_LT(message.size(), 400u);
}

TEST(Config, SettingsUpToTheLengthLimitAreStillRead) {
  std::string path = "/" + std::string(4095, 'p');
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}, {"CCCI_STATE_DIR", path}}).state_dir, path);
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}, {"CCCI_SERVER", std::string(4096, 's')}}).server, std::string(4096, 's'));
}

/// The languages the settings had as regular expressions; the validators must accept exactly these.
struct Language {
  const char* variable;
  const char* pattern;
  const char* alphabet;
};

TEST(Config, ValidatorsAcceptExactlyTheLanguagesTheyReplaced) {
  const Language languages[] = {
      {"RECIPE", "[a-z0-9][a-z0-9-]*", "az09-A."},
      {"PR", "[1-9][0-9]{0,8}", "0159-+a"},
      {"REF", "[0-9a-fA-F]{7,40}", "0aAfFg"},
      {"SRC", "[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*", "aZ0._-/"},
      {"CCCI_SERVER", "[A-Za-z0-9][A-Za-z0-9._-]*", "aZ0._-/"},
      {"CCCI_GATEWAY",
       "([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:([0-9]{1,5}))?",
       "aZ0-.:18"},
      {"CCCI_DOMAIN_SUFFIX", "[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+", "az0-.A"},
  };
  std::mt19937 random(20240601);
  for (const auto& language : languages) {
    std::regex pattern(language.pattern);
    std::string alphabet = language.alphabet;
    int accepted = 0;
    for (int round = 0; round < 3'000; ++round) {
      std::string value;
      for (size_t length = random() % 12; value.size() < length;) value += alphabet[random() % alphabet.size()];
      if (value.empty()) continue;  // empty counts as absent
      bool expected = std::regex_match(value, pattern) && std::string(language.variable) != "SRC";
      if (std::string(language.variable) == "SRC") {
        expected = std::regex_match(value, pattern) && value.find("..") == std::string::npos &&
                   !(value.size() > 4 && value.compare(value.size() - 4, 4, ".git") == 0);
      }
      if (std::string(language.variable) == "CCCI_GATEWAY" && expected) {
        auto colon = value.find(':');
        expected = colon == std::string::npos ||
                   (std::stoi(value.substr(colon + 1)) >= 1 && std::stoi(value.substr(colon + 1)) <= 65535);
      }
      Env env{{"RECIPE", "x"}};
      env[language.variable] = value;
      auto config = parse_config(env, {});
      EXPECT_EQ(config.ok(), expected) << language.variable << "=" << value;
      accepted += expected;
    }
    EXPECT_GT(accepted, 30) << language.variable << ": the sample must exercise acceptance too";
  }
}

TEST(Config, PrAndGatewayPortConvertWithoutOverflow) {
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}, {"PR", "999999999"}}).pr, 999999999);
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}, {"CCCI_GATEWAY", "h:00443"}}).gateway_port, 443);
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}, {"CCCI_GATEWAY", "h:65535"}}).gateway_port, 65535);
  EXPECT_NE(parse_error({{"RECIPE", "x"}, {"CCCI_GATEWAY", "h:99999"}}).find("1 to 65535"), std::string::npos);
  EXPECT_NE(parse_error({{"RECIPE", "x"}, {"CCCI_GATEWAY", "h:0"}}).find("1 to 65535"), std::string::npos);
  EXPECT_NE(parse_error({{"RECIPE", "x"}, {"CCCI_GATEWAY", "h:999999"}}).find("host[:port]"), std::string::npos);
}

/// The message of make_out_dir for OUT=`out`, asserting it is a usage error naming OUT.
std::string out_dir_error(const std::string& out) {
  Config config = parse_ok({{"RECIPE", "x"}, {"OUT", out}});
  auto made = make_out_dir(config);
  EXPECT_FALSE(made.ok()) << out;
  if (made.ok()) return {};
  EXPECT_EQ(made.error().kind, harness::ErrorKind::usage);
  EXPECT_EQ(made.error().message.rfind("OUT (env OUT) = '" + out.substr(0, 80), 0), 0u) << made.error().message;
  return made.error().message;
}

TEST(OutDir, MissingParentsAreCreatedAndTheProbeLeavesNothing) {
  fakes::TempDir dir;
  Config config = parse_ok({{"RECIPE", "x"}, {"OUT", (dir.path() / "a/b/out").string()}});
  ASSERT_TRUE(make_out_dir(config).ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "a/b/out"));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "a/b/out"));
  EXPECT_TRUE(make_out_dir(config).ok()) << "an existing directory is fine";
}

TEST(OutDir, AFileIsRefused) {
  fakes::TempDir dir;
  auto file = dir.write("results", "not a directory\n");
  EXPECT_NE(out_dir_error(file.string()).find("the artifact directory is a file"), std::string::npos);
  EXPECT_NE(out_dir_error((file / "sub").string()).find("cannot be created"), std::string::npos);
}

TEST(OutDir, AnUnwritableDirectoryIsRefused) {
  // /proc refuses new files even to root, for whom access(2) would say yes.
  EXPECT_NE(out_dir_error("/proc").find("is not writable"), std::string::npos);
  EXPECT_NE(out_dir_error("/proc/ccci-out").find("cannot be created"), std::string::npos);
  if (::geteuid() == 0) return;  // root writes through mode bits
  fakes::TempDir dir;
  std::filesystem::create_directory(dir.path() / "locked");
  ::chmod((dir.path() / "locked").c_str(), 0555);
  EXPECT_NE(out_dir_error((dir.path() / "locked").string()).find("is not writable"), std::string::npos);
  EXPECT_NE(out_dir_error((dir.path() / "locked/out").string()).find("cannot be created"), std::string::npos);
  ::chmod((dir.path() / "locked").c_str(), 0755);
}

TEST(OutDir, TheDefaultSaysItIsTheDefault) {
  fakes::TempDir dir;
  Config config = parse_ok({{"RECIPE", "x"}});
  config.out = dir.write("out", "");
  auto made = make_out_dir(config);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().message.rfind("OUT (default) = ", 0), 0u) << made.error().message;
}

}  // namespace
}  // namespace ccci::runner

namespace ccci::runner {
namespace {

TEST(Config, ReapNeedsNoRecipeAndTakesTheStateDir) {
  auto config = parse_ok({}, {"reap", "--state-dir", "/srv/ccci"});
  EXPECT_EQ(config.mode, Mode::reap);
  EXPECT_EQ(config.state_dir, "/srv/ccci");
  EXPECT_EQ(parse_error({}, {"--state-dir=/x", "reap"}), "unknown argument 'reap'") << "only as the first argument";
}

TEST(Config, ReapTakesNoPlanFlag) {
  EXPECT_EQ(parse_error({}, {"reap", "--plan"}), "flag --plan belongs to a run, not to `ccci-run reap`");
}

TEST(Config, RunExpiryIsMinutesFromOneToAWeek) {
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}}).run_expiry, std::chrono::minutes(180));
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}, {"CCCI_RUN_EXPIRY", "45"}}).run_expiry, std::chrono::minutes(45));
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}}, {"--run-expiry=10080"}).run_expiry, std::chrono::minutes(10080));
  for (const char* bad : {"0", "10081", "-5", "1h", "99999999999"}) {
    std::string message = parse_error({{"RECIPE", "x"}, {"CCCI_RUN_EXPIRY", bad}});
    EXPECT_EQ(message.rfind("CCCI_RUN_EXPIRY (env CCCI_RUN_EXPIRY)", 0), 0u) << bad << ": " << message;
  }
}

TEST(Config, TeardownTimeoutIsADurationFromTenSecondsToAnHour) {
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}}).teardown_timeout, std::chrono::minutes(10));
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}, {"CCCI_TEARDOWN_TIMEOUT", "90s"}}).teardown_timeout, std::chrono::seconds(90));
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}}, {"--teardown-timeout=1h"}).teardown_timeout, std::chrono::hours(1));
  for (const char* bad : {"9s", "61m", "2h", "10", "-5m", "ten minutes"}) {
    std::string message = parse_error({{"RECIPE", "x"}, {"CCCI_TEARDOWN_TIMEOUT", bad}});
    EXPECT_EQ(message.rfind("CCCI_TEARDOWN_TIMEOUT (env CCCI_TEARDOWN_TIMEOUT)", 0), 0u) << bad << ": " << message;
  }
}

TEST(Config, LockWaitIsSecondsFromZeroToADay) {
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}}).lock_wait, std::chrono::seconds(1800));
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}, {"CCCI_LOCK_WAIT", "0"}}).lock_wait, std::chrono::seconds(0));
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}}, {"--lock-wait=86400"}).lock_wait, std::chrono::seconds(86400));
  for (const char* bad : {"86401", "-1", "5m", "99999999999"}) {
    std::string message = parse_error({{"RECIPE", "x"}, {"CCCI_LOCK_WAIT", bad}});
    EXPECT_EQ(message.rfind("CCCI_LOCK_WAIT (env CCCI_LOCK_WAIT)", 0), 0u) << bad << ": " << message;
  }
}

TEST(Config, CapacityIsUnlimitedByDefaultAndAtMost64) {
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}}).capacity, 0);
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}, {"CCCI_CAPACITY", "1"}}).capacity, 1);
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}}, {"--capacity", "64"}).capacity, 64);
  for (const char* bad : {"65", "-1", "two", "1000"}) {
    std::string message = parse_error({{"RECIPE", "x"}, {"CCCI_CAPACITY", bad}});
    EXPECT_EQ(message.rfind("CCCI_CAPACITY (env CCCI_CAPACITY)", 0), 0u) << bad << ": " << message;
  }
}

TEST(Config, KeepOnFailureIsOffByDefaultAndASwitchOrZeroOrOne) {
  EXPECT_FALSE(parse_ok({{"RECIPE", "x"}}).keep_on_failure);
  EXPECT_TRUE(parse_ok({{"RECIPE", "x"}, {"CCCI_KEEP_ON_FAILURE", "1"}}).keep_on_failure);
  EXPECT_FALSE(parse_ok({{"RECIPE", "x"}, {"CCCI_KEEP_ON_FAILURE", "0"}}).keep_on_failure);
  auto flagged = parse_ok({{"RECIPE", "x"}, {"CCCI_KEEP_ON_FAILURE", "0"}}, {"--keep-on-failure"});
  EXPECT_TRUE(flagged.keep_on_failure) << "the flag wins over the variable";
  EXPECT_EQ(flagged.sources.at("CCCI_KEEP_ON_FAILURE"), "flag --keep-on-failure");
  EXPECT_FALSE(parse_ok({{"RECIPE", "x"}}, {"--keep-on-failure=0"}).keep_on_failure);
  EXPECT_EQ(parse_ok({{"RECIPE", "x"}}, {"--keep-on-failure", "--plan"}).mode, Mode::plan_only)
      << "the bare switch takes no value";
  for (const char* bad : {"yes", "2", "true"}) {
    std::string message = parse_error({{"RECIPE", "x"}, {"CCCI_KEEP_ON_FAILURE", bad}});
    EXPECT_EQ(message.rfind("CCCI_KEEP_ON_FAILURE (env CCCI_KEEP_ON_FAILURE)", 0), 0u) << bad << ": " << message;
  }
  EXPECT_EQ(parse_error({{"RECIPE", "x"}}, {"--keep-on-failure", "--keep-on-failure"}),
            "flag --keep-on-failure given twice");
}

TEST(Config, ReapRunNamesOneRunIdAndBelongsToReapOnly) {
  auto config = parse_ok({}, {"reap", "--run", "fixture-web-pr1-3a9c1e"});
  EXPECT_EQ(config.mode, Mode::reap);
  EXPECT_EQ(config.reap_run, "fixture-web-pr1-3a9c1e");
  EXPECT_EQ(parse_ok({}, {"reap", "--run=fixture-web-3a9c1e"}).reap_run, "fixture-web-3a9c1e");
  EXPECT_FALSE(parse_ok({}, {"reap"}).reap_run);
  for (const char* bad : {"../etc", "Fixture-web-3a9c1e", "-rf", "a b", "", "x/y"}) {
    std::string message = parse_error({}, {"reap", "--run", bad});
    EXPECT_EQ(message.rfind("flag --run = '", 0), 0u) << bad << ": " << message;
  }
  EXPECT_EQ(parse_error({}, {"reap", "--run", std::string(81, 'a')}).rfind("flag --run = ", 0), 0u);
  EXPECT_EQ(parse_error({}, {"reap", "--run"}), "flag --run needs a run id");
  EXPECT_EQ(parse_error({}, {"reap", "--run", "a-1", "--run", "a-2"}), "flag --run given twice");
  EXPECT_EQ(parse_error({{"RECIPE", "x"}}, {"--run", "a-1"}), "flag --run belongs to `ccci-run reap --run <run id>`");
  EXPECT_EQ(parse_error({}, {"doctor", "--run", "a-1"}), "flag --run belongs to `ccci-run reap --run <run id>`");
}

}  // namespace
}  // namespace ccci::runner
