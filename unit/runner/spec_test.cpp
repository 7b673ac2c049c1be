#include "runner/spec.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>

#include "unit/fakes/param_name.hpp"
#include "unit/fakes/spec_text.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using fakes::spec_error_of;

harness::Result<RecipeSpec> parse(const std::string& yaml) {
  auto root = harness::parse_yaml(yaml, "recipe.yml");
  if (!root.ok()) return root.error();
  return parse_spec(*root);
}

TEST(Spec, FullSpecBecomesTypedValues) {
  auto spec = parse(R"(health: {path: /cgi-bin/health, ok: [200, 204]}
timeouts: {deploy: 1h, http: 90s, backup: 500ms}
deploy: {converge: ccci}
env: {COMPOSE_FILE: "compose.yml:compose.ccci.yml", EMPTY: ""}
deps: [keycloak]
upgrade: {base: 1.0.0+1.0, apply_env: false, env: {GREETING: hi}, prune: false}
not_applicable: {custom: "nothing functional to test"}
seeds:
  pre_upgrade:
    - {http: {method: PUT, path: /cgi-bin/marker/up, body: upgrade-marker, status: 201}}
  pre_backup:
    - {exec: {service: db, run: [sh, -c, "echo hi"]}}
checks:
  install: [{http: {path: /, body_contains: fixture-web}}]
  restore:
    - {exec: {service: db, run: [cat, /data/m], stdout_contains: original, exit_code: 0}}
    - {name: roundtrip, script: checks/roundtrip.sh, args: [x]}
    - {name: browser_smoke, browser: browser/smoke.mjs}
)");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->health.path, "/cgi-bin/health");
  EXPECT_EQ(spec->health.ok, (std::vector<int>{200, 204}));
  EXPECT_EQ(spec->timeouts.deploy, std::chrono::hours(1));
  EXPECT_EQ(spec->timeouts.http, std::chrono::seconds(90));
  EXPECT_EQ(spec->timeouts.backup, std::chrono::milliseconds(500));
  EXPECT_EQ(spec->converge, ConvergenceJudge::ccci);
  EXPECT_EQ(spec->env.at("COMPOSE_FILE"), "compose.yml:compose.ccci.yml");
  EXPECT_EQ(spec->env.at("EMPTY"), "");
  EXPECT_EQ(spec->deps, std::vector<std::string>{"keycloak"});
  EXPECT_EQ(spec->pinned_base, "1.0.0+1.0");
  EXPECT_FALSE(spec->upgrade_apply_env);
  EXPECT_FALSE(spec->upgrade_prune);
  EXPECT_EQ(spec->upgrade_env, (std::map<std::string, std::string>{{"GREETING", "hi"}}));
  EXPECT_EQ(spec->not_applicable.at(Tier::custom), "nothing functional to test");
  const auto& seed = std::get<HttpCheck>(spec->seeds.at(SeedOp::pre_upgrade).at(0).kind).steps.at(0);
  EXPECT_EQ(seed.method, "PUT");
  EXPECT_EQ(seed.status, 201);
  EXPECT_EQ(std::get<ExecStep>(spec->seeds.at(SeedOp::pre_backup).at(0).kind).argv,
            (std::vector<std::string>{"sh", "-c", "echo hi"}));
  const auto& install = spec->checks.at(Tier::install).at(0);
  EXPECT_EQ(install.name, "http_get__");
  EXPECT_EQ(std::get<HttpCheck>(install.kind).steps.at(0).body_contains, "fixture-web");
  const auto& restore = spec->checks.at(Tier::restore);
  ASSERT_EQ(restore.size(), 3u);
  EXPECT_EQ(restore[0].name, "exec_db_cat");
  EXPECT_EQ(std::get<ExecStep>(restore[0].kind).stdout_contains, "original");
  EXPECT_EQ(std::get<ScriptCheck>(restore[1].kind).args, std::vector<std::string>{"x"});
  EXPECT_EQ(std::get<BrowserCheck>(restore[2].kind).path, "browser/smoke.mjs");
  EXPECT_EQ(harness::to_string(restore[1].mark), "recipe.yml:17:7");
}

TEST(Spec, EmptySpecTakesTheDefaults) {
  auto spec = parse("");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->health.path, "/");
  EXPECT_EQ(spec->health.ok, std::vector<int>{200});
  EXPECT_EQ(spec->timeouts.deploy, std::chrono::minutes(15));
  EXPECT_EQ(spec->converge, ConvergenceJudge::abra) << "abra's own convergence checks by default";
  EXPECT_FALSE(spec->pinned_base);
  EXPECT_TRUE(spec->upgrade_apply_env) << "the head's new env keys and secrets are applied by default";
  EXPECT_TRUE(spec->upgrade_prune) << "services the head dropped are pruned by default";
  EXPECT_TRUE(spec->upgrade_env.empty());
}

TEST(Spec, WriteChecksAreHttpWritesUnlessTheSpecSaysOtherwise) {
  auto spec = parse(R"(timeouts: {write_ready: 90s}
checks:
  restore:
    - {http: {path: /a}}
    - {http: {method: HEAD, path: /b}}
    - {http: {method: PUT, path: /c, status: 201}}
    - {http: {method: DELETE, path: /d}, writes: false}
    - {exec: {service: db, run: [true]}}
    - {exec: {service: db, run: [touch, /x]}, writes: true}
    - {name: roundtrip, script: checks/roundtrip.sh, writes: true}
)");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->timeouts.write_ready, std::chrono::seconds(90));
  std::vector<bool> writes;
  for (const auto& check : spec->checks.at(Tier::restore)) writes.push_back(check.writes);
  EXPECT_EQ(writes, (std::vector<bool>{false, false, true, false, false, true, true}));
}

TEST(Spec, WriteReadyWindowDefaultsToAMinute) {
  auto spec = parse("");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->timeouts.write_ready, std::chrono::seconds(60));
}

TEST(Spec, CheckConcurrencyDefaultsToFourAndIsBoundedOneToEight) {
  auto spec = parse("");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->check_concurrency, 4);
  auto serial = parse("check_concurrency: 1\n");
  ASSERT_TRUE(serial.ok()) << serial.error().message;
  EXPECT_EQ(serial->check_concurrency, 1);
  for (const char* bad : {"check_concurrency: 0\n", "check_concurrency: 9\n", "check_concurrency: many\n"}) {
    EXPECT_EQ(spec_error_of(bad).rfind("recipe.yml:1:20: check_concurrency", 0), 0u) << spec_error_of(bad);
  }
}

TEST(Spec, AutoBaseIsNoPin) {
  auto spec = parse("upgrade: {base: auto}\n");
  ASSERT_TRUE(spec.ok());
  EXPECT_FALSE(spec->pinned_base);
}

struct BadSpec {
  const char* yaml;
  const char* expected;  ///< the message must start with this
};

void PrintTo(const BadSpec& spec, std::ostream* out) { *out << spec.expected; }

class SpecError : public ::testing::TestWithParam<BadSpec> {};

TEST_P(SpecError, NamesTheExactPosition) {
  std::string message = spec_error_of(GetParam().yaml);
  EXPECT_EQ(message.rfind(GetParam().expected, 0), 0u) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Spec, SpecError,
    ::testing::Values(
        BadSpec{"health: {path: /}\nhelth: {}\n", "recipe.yml:2:1: unknown key 'helth' in the recipe spec"},
        BadSpec{"health:\n  path: /\n  okay: [200]\n", "recipe.yml:3:3: unknown key 'okay' in health"},
        BadSpec{"health: {path: health}\n", "recipe.yml:1:16: health.path must start with /"},
        BadSpec{"health: {ok: 200}\n", "recipe.yml:1:14: health.ok must be a list"},
        BadSpec{"health: {ok: [999]}\n", "recipe.yml:1:15: each health.ok status must be between 100 and 599"},
        BadSpec{"timeouts: {deploy: 10 minutes}\n", "recipe.yml:1:20: timeouts.deploy '10 minutes' is not a duration"},
        BadSpec{"timeouts: {http: 0s}\n", "recipe.yml:1:18: timeouts.http '0s' is not a duration"},
        BadSpec{"timeouts: {write_ready: 5 s}\n", "recipe.yml:1:25: timeouts.write_ready '5 s' is not a duration"},
        BadSpec{"timeouts:\n  write_ready: 25h\n",
                "recipe.yml:2:16: timeouts.write_ready '25h' is longer than the maximum of 24h"},
        BadSpec{"checks:\n  restore:\n    - {http: {path: /}, writes: maybe}\n",
                "recipe.yml:3:33: checks.restore[0].writes must be true or false"},
        BadSpec{"checks:\n  restore:\n    - {name: b, browser: b.mjs, writes: true}\n",
                "recipe.yml:3:41: checks.restore[0].writes does not apply to a browser check"},
        BadSpec{"env: {compose_file: x}\n", "recipe.yml:1:7: env key 'compose_file' must be an upper-case"},
        BadSpec{"env: {A: [1]}\n", "recipe.yml:1:10: env.A must be a string, not a sequence"},
        BadSpec{"env: {A: \"x\\ry\"}\n", "recipe.yml:1:10: env.A must not contain a carriage return or NUL"},
        BadSpec{"env: {A: \"x\\0\"}\n", "recipe.yml:1:10: env.A must not contain a carriage return or NUL"},
        BadSpec{"checks:\n  install:\n    - {http: {path: /, headers: {\"X-A\\r\\nEvil\": 1}}}\n",
                "recipe.yml:3:34: checks.install[0].http.headers: 'X-A\\x0d\\x0aEvil' is not a header name"},
        BadSpec{"checks:\n  install:\n    - {http: {path: /, headers: {X-A: \"v\\r\\nEvil: 1\"}}}\n",
                "recipe.yml:3:39: checks.install[0].http.headers.X-A must not contain a line break or NUL"},
        BadSpec{"deploy: {converge: docker}\n", "recipe.yml:1:20: deploy.converge must be abra or ccci, not 'docker'"},
        BadSpec{"deploy: {converge: [ccci]}\n", "recipe.yml:1:20: deploy.converge must be a string, not a sequence"},
        BadSpec{"deploy:\n  convergence: ccci\n", "recipe.yml:2:3: unknown key 'convergence' in deploy"},
        BadSpec{"deploy: ccci\n", "recipe.yml:1:9: deploy must be a mapping, not a scalar"},
        BadSpec{"deps: [keycloak, keycloak]\n", "recipe.yml:1:18: dep 'keycloak' listed twice"},
        BadSpec{"deps: keycloak\n", "recipe.yml:1:7: deps must be a list, not a scalar"},
        BadSpec{"upgrade: {base: '--chaos'}\n", "recipe.yml:1:17: upgrade.base must be auto or a version tag"},
        BadSpec{"upgrade: {apply_env: yes}\n", "recipe.yml:1:22: upgrade.apply_env must be true or false"},
        BadSpec{"upgrade: {apply_env: 'false'}\n", "recipe.yml:1:22: upgrade.apply_env must be true or false"},
        BadSpec{"upgrade: {env: {greeting: x}}\n", "recipe.yml:1:17: upgrade.env key 'greeting' must be an upper-case"},
        BadSpec{"upgrade: {env: {A: \"x\\ry\"}}\n",
                "recipe.yml:1:20: upgrade.env.A must not contain a carriage return or NUL"},
        BadSpec{"upgrade: {env: [A]}\n", "recipe.yml:1:16: upgrade.env must be a mapping, not a sequence"},
        BadSpec{"upgrade: {apply_envs: false}\n", "recipe.yml:1:11: unknown key 'apply_envs' in upgrade"},
        BadSpec{"upgrade: {prune: no}\n", "recipe.yml:1:18: upgrade.prune must be true or false"},
        BadSpec{"upgrade: {prune: [false]}\n", "recipe.yml:1:18: upgrade.prune must be true or false"},
        BadSpec{"not_applicable: {backups: x}\n", "recipe.yml:1:18: unknown tier 'backups' in not_applicable"},
        BadSpec{"not_applicable: {install: x}\n", "recipe.yml:1:18: install cannot be n/a"},
        BadSpec{"not_applicable: {backup: ''}\n", "recipe.yml:1:26: not_applicable.backup must not be empty"},
        BadSpec{"not_applicable: {backup: x}\nchecks:\n  backup: [{http: {path: /}}]\n",
                "recipe.yml:3:3: tier backup is n/a in this spec but has checks"},
        BadSpec{"seeds:\n  pre_deploy: []\n", "recipe.yml:2:3: unknown key 'pre_deploy' in seeds"},
        BadSpec{"seeds:\n  pre_upgrade:\n    - {http: {path: /}, exec: {service: db, run: [x]}}\n",
                "recipe.yml:3:7: seeds.pre_upgrade[0] needs exactly one of http, exec"},
        BadSpec{"checks:\n  install:\n    - {http: {path: /, status: 99}}\n",
                "recipe.yml:3:32: checks.install[0].http.status must be between 100 and 599"},
        BadSpec{"checks:\n  install:\n    - {http: {path: /, methd: GET}}\n",
                "recipe.yml:3:24: unknown key 'methd' in checks.install[0].http"},
        BadSpec{"checks:\n  install:\n    - {http: {path: /, method: FETCH}}\n",
                "recipe.yml:3:32: checks.install[0].http.method must be one of"},
        BadSpec{"checks:\n  custom:\n    - {script: checks/x.sh}\n", "recipe.yml:3:7: checks.custom[0] needs a name"},
        BadSpec{"checks:\n  custom:\n    - {name: x, script: ../../etc/passwd}\n",
                "recipe.yml:3:25: checks.custom[0].script must be a path inside the recipe's spec folder"},
        BadSpec{"checks:\n  custom:\n    - {name: x, browser: /abs.mjs}\n",
                "recipe.yml:3:26: checks.custom[0].browser must be a path inside"},
        BadSpec{"checks:\n  custom:\n    - {name: Bad-Name, http: {path: /}}\n",
                "recipe.yml:3:14: checks.custom[0].name must be lowercase letters, digits and _"},
        BadSpec{"checks:\n  custom:\n    - {http: {path: /}}\n    - {http: {path: /}}\n",
                "recipe.yml:4:7: a second check named 'http_get__' in checks.custom"},
        BadSpec{"checks:\n  install:\n    - {exec: {service: db, run: []}}\n",
                "recipe.yml:3:33: checks.install[0].exec.run must not be empty"},
        BadSpec{"checks:\n  install:\n    - {exec: {service: db, run: [x], exit_code: one}}\n",
                "recipe.yml:3:49: checks.install[0].exec.exit_code must be a whole number"},
        BadSpec{"checks:\n  instal: []\n", "recipe.yml:2:3: unknown tier 'instal' in checks"},
        BadSpec{"checks: [1]\n", "recipe.yml:1:9: checks must be a mapping, not a sequence"},
        BadSpec{"health: {path: [/]\n", "recipe.yml:2:1: "}),
    [](const auto& param_info) { return fakes::param_test_name(param_info.index, param_info.param.expected); });

TEST(Spec, DurationsTakeAWholeNumberAndAUnit) {
  EXPECT_EQ(parse_duration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(parse_duration("90s"), std::chrono::seconds(90));
  EXPECT_EQ(parse_duration("15m"), std::chrono::minutes(15));
  EXPECT_EQ(parse_duration("2h"), std::chrono::hours(2));
  for (const char* bad : {"", "15", "1.5m", "-1s", "15 m", "1d", "m", "99999999s"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

TEST(Spec, MissingFileIsTheDefaultSpecOfAnEmptyRecipeYmlNotEnrolled) {
  fakes::TempDir dir;
  auto spec = load_spec(dir.path(), "nope");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_FALSE(spec->enrolled);
  EXPECT_EQ(spec->dir, dir.path() / "nope");
  auto empty = parse("{}\n");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->enrolled);
  EXPECT_EQ(spec->health.path, empty->health.path);
  EXPECT_EQ(spec->health.path, "/");
  EXPECT_EQ(spec->health.ok, empty->health.ok);
  EXPECT_EQ(spec->timeouts.deploy, empty->timeouts.deploy);
  EXPECT_EQ(spec->timeouts.http, empty->timeouts.http);
  EXPECT_EQ(spec->timeouts.backup, empty->timeouts.backup);
  EXPECT_TRUE(spec->env.empty() && spec->deps.empty() && !spec->pinned_base);
  EXPECT_TRUE(spec->not_applicable.empty() && spec->seeds.empty() && spec->checks.empty()) << "generic checks only";
}

TEST(Spec, AFileThatExistsIsEnrolledEvenWhenEmpty) {
  fakes::TempDir dir;
  dir.write("x/recipe.yml", "{}\n");
  auto spec = load_spec(dir.path(), "x");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_TRUE(spec->enrolled);
}

TEST(Spec, MalformedFileThatExistsIsStillASpecErrorNotAFallback) {
  fakes::TempDir dir;
  dir.write("x/recipe.yml", "health: [\n");
  auto spec = load_spec(dir.path(), "x");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().kind, harness::ErrorKind::spec);
  EXPECT_EQ(spec.error().message.rfind((dir.path() / "x/recipe.yml").string() + ":", 0), 0u) << spec.error().message;
}

TEST(Spec, RecipesDirThatIsMissingOrAFileIsASpecErrorNotAFallback) {
  fakes::TempDir dir;
  auto missing = load_spec(dir.path() / "absent", "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, harness::ErrorKind::spec);
  EXPECT_NE(missing.error().message.find("the recipes directory " + (dir.path() / "absent").string() +
                                         " (No such file or directory) cannot say whether recipe x is enrolled"),
            std::string::npos)
      << missing.error().message;
  dir.write("file", "x");
  auto file = load_spec(dir.path() / "file", "x");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find("(not a directory) cannot say whether recipe x is enrolled"), std::string::npos)
      << file.error().message;
}

TEST(Spec, RecipesDirThatCannotBeStattedIsASpecErrorNotAnException) {
  auto spec = load_spec(std::string(300, 'r'), "x");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().kind, harness::ErrorKind::spec);
  EXPECT_NE(spec.error().message.find("cannot say whether recipe x is enrolled"), std::string::npos)
      << spec.error().message;
}

TEST(Spec, SpecFileThatCannotBeStattedIsASpecErrorNotAFallback) {
  fakes::TempDir dir;
  auto spec = load_spec(dir.path(), std::string(300, 'r'));
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().kind, harness::ErrorKind::spec);
  EXPECT_NE(spec.error().message.find("cannot tell whether"), std::string::npos) << spec.error().message;
}

TEST(Spec, LoadedSpecKnowsItsFolderAndFileName) {
  fakes::TempDir dir;
  dir.write("x/recipe.yml", "health: {path: nope}\n");
  auto spec = load_spec(dir.path(), "x");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().message.rfind((dir.path() / "x/recipe.yml").string() + ":1:16:", 0), 0u)
      << spec.error().message;
  dir.write("y/recipe.yml", "health: {path: /}\n");
  auto good = load_spec(dir.path(), "y");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->dir, dir.path() / "y");
}

TEST(Spec, EveryEnrolledRecipeParses) {
  std::filesystem::path recipes = std::filesystem::path(CCCI_SOURCE_DIR) / "recipes";
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(recipes)) {
    if (!entry.is_directory()) continue;
    ++seen;
    auto spec = load_spec(recipes, entry.path().filename().string());
    ASSERT_TRUE(spec.ok()) << entry.path() << ": " << spec.error().message;
    EXPECT_TRUE(spec->enrolled) << entry.path() << " has no recipe.yml";
  }
  if (seen == 0) GTEST_SKIP() << "no enrolled recipes";
}

TEST(Spec, DurationsAboveADayAreRejectedWithTheirPosition) {
  EXPECT_EQ(spec_error_of("timeouts: {http: 9999999h}\n")
                .rfind("recipe.yml:1:18: timeouts.http '9999999h' is longer than the maximum of 24h", 0),
            0u)
      << spec_error_of("timeouts: {http: 9999999h}\n");
  EXPECT_EQ(
      spec_error_of("timeouts:\n  deploy: 1441m\n").rfind("recipe.yml:2:11: timeouts.deploy '1441m' is longer", 0), 0u);
  EXPECT_EQ(
      spec_error_of("timeouts: {backup: 9999999s}\n").rfind("recipe.yml:1:20: timeouts.backup '9999999s' is longer", 0),
      0u);
  auto spec = parse("timeouts: {deploy: 24h, http: 1440m, backup: 86400s}\n");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->timeouts.deploy, max_spec_duration);
  EXPECT_EQ(spec->timeouts.backup, max_spec_duration);
}

TEST(Spec, WholeNumbersConvertWithoutOverflow) {
  EXPECT_EQ(spec_error_of("health: {ok: [9999999999]}\n")
                .rfind("recipe.yml:1:15: each health.ok status must be a whole number", 0),
            0u);
  EXPECT_EQ(
      spec_error_of("health: {ok: [-999999999]}\n").rfind("recipe.yml:1:15: each health.ok status must be between", 0),
      0u);
  auto spec = parse("checks:\n  install:\n    - {exec: {service: db, run: [x], exit_code: 255}}\n");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(std::get<ExecStep>(spec->checks.at(Tier::install)[0].kind).exit_code, 255);
  EXPECT_EQ(spec_error_of("checks:\n  install:\n    - {exec: {service: db, run: [x], exit_code: 256}}\n")
                .rfind("recipe.yml:3:49: checks.install[0].exec.exit_code must be between 0 and 255", 0),
            0u);
}

TEST(Spec, ThirtyThousandCharacterScalarsAreSpecErrorsNotCrashes) {
  const std::string huge(30'000, 'a');
  const std::string huge_upper(30'000, 'A');
  const std::pair<std::string, std::string> cases[] = {
      {"checks:\n  install:\n    - {exec: {service: " + huge + ", run: [x]}}\n",
       "recipe.yml:3:24: checks.install[0].exec.service"},
      {"checks:\n  install:\n    - {name: " + huge + ", http: {path: /}}\n", "recipe.yml:3:14: checks.install[0].name"},
      {"env:\n  ? " + huge_upper + "\n  : x\n", "recipe.yml:2:5: env key 'AAAA"},  // YAML caps implicit keys at 1024
      {"deps: [" + huge + "]\n", "recipe.yml:1:8: dep 'aaaa"},
      {"upgrade: {base: " + huge + "}\n", "recipe.yml:1:17: upgrade.base must be auto or a version tag"},
      {"timeouts: {http: " + std::string(30'000, '9') + "s}\n", "recipe.yml:1:18: timeouts.http '9999"},
      {"health: {ok: [" + std::string(30'000, '2') + "]}\n",
       "recipe.yml:1:15: each health.ok status must be a whole number"},
      {"? " + huge + "\n: 1\n", "recipe.yml:1:3: unknown key 'aaaa"},
  };
  for (const auto& [yaml, expected] : cases) {
    std::string message = spec_error_of(yaml);
    EXPECT_EQ(message.rfind(expected, 0), 0u) << message.substr(0, 200);
    EXPECT_LT(message.size(), 400u) << "a hostile value is cut in the message";
  }
}

TEST(Spec, NamesUpToTheLengthLimitAreFine) {
  std::string name(128, 'n');
  auto spec = parse("deps: [" + name + "]\nenv: {" + std::string(128, 'N') + ": x}\nupgrade: {base: " + name + "}\n");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->deps[0], name);
  EXPECT_EQ(spec_error_of("deps: [" + name + "n]\n").rfind("recipe.yml:1:8: dep 'nnn", 0), 0u);
}

/// The languages the spec's names had as regular expressions; the validators must accept exactly these.
TEST(Spec, ValidatorsAcceptExactlyTheLanguagesTheyReplaced) {
  struct Language {
    const char* pattern;
    const char* alphabet;
    std::string (*spec_of)(const std::string& value);
  };
  const Language languages[] = {
      {"[a-z0-9][a-z0-9_-]*", "az09_-A.",
       [](const std::string& v) { return "checks:\n  install: [{exec: {service: '" + v + "', run: [x]}}]\n"; }},
      {"[a-z0-9_]+", "az09_-A",
       [](const std::string& v) { return "checks:\n  install: [{name: '" + v + "', http: {path: /}}]\n"; }},
      {"[A-Z_][A-Z0-9_]*", "AZ09_a-", [](const std::string& v) { return "env: {'" + v + "': x}\n"; }},
      {"[a-z0-9][a-z0-9-]*", "az09-_A", [](const std::string& v) { return "deps: ['" + v + "']\n"; }},
      {"[0-9A-Za-z][0-9A-Za-z.+_-]*|auto", "aZ09.+_-/",
       [](const std::string& v) { return "upgrade: {base: '" + v + "'}\n"; }},
      {"([0-9]{1,7})(ms|s|m|h)", "0159msh", [](const std::string& v) { return "timeouts: {http: '" + v + "'}\n"; }},
      {"-?[0-9]{1,9}", "0159-a",
       [](const std::string& v) {
         return "checks:\n  install: [{exec: {service: db, run: [x], exit_code: " + v + "}}]\n";
       }},
  };
  std::mt19937 random(20240601);
  for (const auto& language : languages) {
    std::regex pattern(language.pattern);
    std::string alphabet = language.alphabet;
    int accepted = 0;
    for (int round = 0; round < 700; ++round) {
      std::string value;
      for (size_t length = 1 + random() % 10; value.size() < length;) value += alphabet[random() % alphabet.size()];
      auto spec = parse(language.spec_of(value));
      bool matches = std::regex_match(value, pattern);
      if (!spec.ok() && matches) {
        // A value of the language may still be out of range: say so by message, not by syntax.
        const std::string& message = spec.error().message;
        bool range = message.find("must be between") != std::string::npos ||
                     message.find("is longer than the maximum") != std::string::npos ||
                     message.find("is not a duration") != std::string::npos;  // 0s, 0ms
        EXPECT_TRUE(range) << language.pattern << " '" << value << "': " << message;
      } else {
        EXPECT_EQ(spec.ok(), matches) << language.pattern << " '" << value << "'";
      }
      accepted += matches;
    }
    EXPECT_GT(accepted, 10) << language.pattern;
  }
}

TEST(Spec, ParsesFromTextNamingTheFile) {
  auto spec = parse_spec(std::string_view("health: {path: nope}\n"), "x/recipe.yml");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().message.rfind("x/recipe.yml:1:16: health.path must start with /", 0), 0u);
}

}  // namespace
}  // namespace ccci::runner
