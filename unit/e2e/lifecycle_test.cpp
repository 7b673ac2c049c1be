// The whole lifecycle on the testbed: real swarm, real git repos, HTTPS through the gateway,
// backups with restic. Each test is one ccci-run; after every run, green or red, nothing of its
// stack may be left. Skips (never fails) where no Docker daemon can be started.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "unit/e2e/lifecycle.hpp"
#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

TEST_F(Lifecycle, FixtureWebPassesEveryTierOnOneDeployment) {
  auto result = run("fixture-web", 1);
  expect_green_through_every_tier(result);
  expect_plausible_resource_figures(result);
  // fixture-web's main is a commit ahead of its newest tag (the discourse case): the base is that
  // tip, the true predecessor of the PR, not the newest release.
  std::string repo = testbed().env.at("CCCI_GIT_BASE") + "/coop-cloud/fixture-web";
  auto refs =
      e2e::run({"git", "ls-remote", repo, "refs/heads/main", "refs/tags/1.1.0+1.1^{}"}, std::chrono::minutes(1));
  ASSERT_EQ(refs.exit_code, 0) << refs.output;
  std::string main_tip = refs.output.substr(refs.output.find("refs/heads/main") - 41, 40);
  std::string newest_tag = refs.output.substr(refs.output.find("refs/tags/1.1.0+1.1^{}") - 41, 40);
  ASSERT_NE(main_tip, newest_tag) << refs.output;
  EXPECT_EQ(results().at("base").at("commit").as_string(), main_tip);
  EXPECT_EQ(results().at("base").at("branch").as_string(), "main");
  EXPECT_EQ(results().at("base").at("version").as_string(), "");
  const auto& coverage = results().at("backup_coverage").as_object();
  EXPECT_TRUE(coverage.at("analysed").as_bool()) << coverage.at("note");
  EXPECT_TRUE(coverage.at("warnings").as_array().empty()) << coverage.at("warnings");
  const auto* markers = check("restore", "volume_markers_restored");
  ASSERT_NE(markers, nullptr);
  EXPECT_EQ(markers->at("status").as_string(), "pass");
  EXPECT_EQ(markers->at("message").as_string(), "markers back in data");
  expect_browser_roundtrip_screenshots(result, "pass", {"saved.png", "read-back.png", "end.png"});
}

// PR 6's page script logs a console error and shows an error banner while every API answers: only
// the browser check sees it, red with the error named and its failure screenshot kept.
TEST_F(Lifecycle, ABrokenPageIsRedInCustomWithTheConsoleErrorAndAScreenshot) {
  auto result = run("fixture-web", 6);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  for (const char* tier : {"install", "upgrade", "backup", "restore"}) EXPECT_EQ(status(tier), "pass") << tier;
  EXPECT_EQ(status("custom"), "fail");
  const auto* browser = check("custom", "browser_roundtrip");
  ASSERT_NE(browser, nullptr);
  EXPECT_NE(
      std::string(browser->at("message").as_string())
          .find("browser/roundtrip.mjs: 2 console error(s): fixture-web UI fault: the page script failed to start"),
      std::string::npos)
      << browser->at("message");
  EXPECT_EQ(check("custom", "marker_roundtrip_absent_is_404")->at("status").as_string(), "pass");
  expect_browser_roundtrip_screenshots(result, "fail", {"saved.png", "read-back.png", "failure.png"});
}

TEST_F(Lifecycle, FixtureDbPassesEveryTierWithItsDumpAndRestoreHooks) {
  auto result = run("fixture-db", 1);
  expect_green_through_every_tier(result);
  expect_plausible_resource_figures(result);
  const auto* coverage = check("backup", "snapshot_covers_volumes");
  ASSERT_NE(coverage, nullptr);
  EXPECT_NE(std::string(coverage->at("message").as_string()).find("_db-data/_data/backup.sql"), std::string::npos);
  // Its only volume is backed up as one dump file: no marker fits, the spec's seeds judge the data.
  const auto* markers = check("restore", "volume_markers_restored");
  ASSERT_NE(markers, nullptr);
  EXPECT_EQ(markers->at("status").as_string(), "skip");
  EXPECT_EQ(std::string(markers->at("message").as_string())
                .find("no place the backup covers could hold a marker; not judged: db-data/backup.sql (not a "
                      "directory in the volume"),
            0u)
      << markers->at("message");
}

// backup-bot-two's `snapshots`/`list` formats are only recalled: the stand-in's second, table
// format (a header, a separator, the id first; paths after a time column) must read the same.
TEST_F(Lifecycle, FixtureDbBackupAndRestoreAreGreenWhenBackupbotPrintsTables) {
  expect_green_through_every_tier(run_with("fixture-db", 1, {{"CCCI_STANDIN_BACKUP_OUTPUT", "table"}}));
  const auto* coverage = check("backup", "snapshot_covers_volumes");
  ASSERT_NE(coverage, nullptr);
  EXPECT_NE(std::string(coverage->at("message").as_string()).find("_db-data/_data/backup.sql"), std::string::npos);
}

// backupbot answers 409 when asked too soon after a deploy (abra-cli.md §10); one is asked again.
TEST_F(Lifecycle, FixtureDbBackupAnswered409OnceIsRetriedGreenAndSaysSo) {
  expect_green_through_every_tier(run_with("fixture-db", 1, {{"CCCI_STANDIN_BACKUP_409", "1"}}));
  const auto* coverage = check("backup", "snapshot_covers_volumes");
  ASSERT_NE(coverage, nullptr);
  EXPECT_NE(std::string(coverage->at("message").as_string())
                .find("(backupbot answered 409 once; the second attempt succeeded)"),
            std::string::npos)
      << coverage->at("message");
}

TEST_F(Lifecycle, HeadWithAMissingImageIsRedInUpgradeBeforeAnythingIsDeployed) {
  auto result = run("fixture-web", 2);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(status("install"), "pass");
  EXPECT_EQ(status("upgrade"), "fail");
  EXPECT_NE(reason("upgrade").find("needs image ccci/fixture-web:9.9-missing"), std::string::npos) << reason("upgrade");
  EXPECT_EQ(status("backup"), "skipped");
  EXPECT_EQ(reason("backup"), "upgrade failed");
  expect_evidence(result, "upgrade__generic.xml");
}

TEST_F(Lifecycle, HeadWhoseUpgradeLosesTheDataIsRedInUpgrade) {
  auto result = run("fixture-web", 3);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(status("upgrade"), "fail");
  const auto* marker = check("upgrade", "upgrade_marker_survived");
  ASSERT_NE(marker, nullptr);
  EXPECT_EQ(marker->at("status").as_string(), "fail");
  EXPECT_NE(std::string(marker->at("message").as_string()).find("answered 404, expected 200"), std::string::npos);
  EXPECT_EQ(results().at("level").as_int64(), 1);
  expect_evidence(result, "upgrade__overlay.xml");
}

TEST_F(Lifecycle, RestoreThatBringsNothingBackIsRedInRestore) {
  auto result = run("fixture-web", 4);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(status("backup"), "pass");
  EXPECT_EQ(status("restore"), "fail");
  const auto* marker = check("restore", "backup_marker_restored");
  ASSERT_NE(marker, nullptr);
  EXPECT_EQ(marker->at("status").as_string(), "fail");
  EXPECT_EQ(std::string(marker->at("message").as_string()),
            "GET /cgi-bin/marker/backup answered 404, expected 200; body \"no marker backup\\x0a\" (failed twice)")
      << "a failed check says what it got, and that it was run once more";
  EXPECT_EQ(results().at("level").as_int64(), 2);
  expect_evidence(result, "restore__overlay.xml");
  const auto* markers = check("restore", "volume_markers_restored");
  ASSERT_NE(markers, nullptr);
  EXPECT_EQ(markers->at("status").as_string(), "skip") << "an excluded volume is reported, never failed";
  EXPECT_EQ(markers->at("message").as_string(),
            "no place the backup covers could hold a marker; not covered: data (backupbot.backup.volumes.data=false)");
  // The static analysis saw it coming before anything was deployed, and said so without gating.
  const std::string warning =
      "app: volume data (at /data) is excluded from backups "
      "(backupbot.backup.volumes.data=false): its data is not covered";
  for (const auto* json : {&result.plan, &last_.results}) {
    const auto& coverage = json->at("backup_coverage").as_object();
    EXPECT_TRUE(coverage.at("analysed").as_bool()) << coverage.at("note");
    EXPECT_EQ(coverage.at("warnings").as_array(), json::array{json::value(warning)});
  }
  EXPECT_NE(result.output.find("  backup   1 coverage warning\n    ! " + warning + "\n"), std::string::npos)
      << result.output;
  EXPECT_NE(read_text(result.out_dir / "summary.md").find("  - " + warning), std::string::npos);
}

TEST_F(Lifecycle, RecipeWithoutASpecPassesEveryApplicableTierWithGenericChecksOnly) {
  // fixture-plain has no recipes/fixture-plain/recipe.yml: the default spec, health at /.
  ASSERT_FALSE(std::filesystem::exists(std::filesystem::path(CCCI_SOURCE_DIR) / "recipes/fixture-plain"));
  auto result = run("fixture-plain", 1);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "green");
  // Generic checks prove the app answers, not that it works: without checks of its own the level stops at 3.
  EXPECT_EQ(results().at("level").as_int64(), 3) << "custom is n/a: no functional proof";
  EXPECT_NE(std::string(results().at("level_stopped_by").as_string()).find("custom: no check of the recipe's own"),
            std::string::npos)
      << results().at("level_stopped_by");
  EXPECT_NE(result.output.find("  level 3, not higher: custom: no check of the recipe's own"), std::string::npos)
      << result.output;
  EXPECT_FALSE(results().at("enrolled").as_bool());
  EXPECT_FALSE(result.plan.at("enrolled").as_bool());
  for (const char* name : {"install", "upgrade", "backup", "restore"}) {
    EXPECT_EQ(status(name), "pass") << name << ": " << reason(name);
    EXPECT_FALSE(tier(name).at("checks").as_array().empty()) << name << " ran its generic checks";
    for (const auto& c : tier(name).at("checks").as_array()) {
      EXPECT_EQ(c.at("source").as_string(), "generic") << name << " / " << c.at("name");
      EXPECT_EQ(c.at("status").as_string(), "pass") << name << " / " << c.at("name") << ": " << c.at("message");
    }
  }
  EXPECT_EQ(status("custom"), "n/a");
  EXPECT_EQ(reason("custom"), "not enrolled: custom checks come only from a spec");
  EXPECT_EQ(results().at("base").at("source").as_string(), "target-branch");
  const auto* head = check("upgrade", "head_deployed");
  ASSERT_NE(head, nullptr);
  std::string head_commit(results().at("head").at("commit").as_string());
  EXPECT_EQ(std::string(head->at("message").as_string()).find("chaos-version " + head_commit.substr(0, 8)), 0u)
      << head->at("message");
  EXPECT_NE(check("backup", "snapshot_covers_volumes"), nullptr);
  const auto* markers = check("restore", "volume_markers_restored");
  ASSERT_NE(markers, nullptr);
  EXPECT_EQ(markers->at("message").as_string(), "markers back in data");
  EXPECT_NE(result.output.find("spec     not enrolled: generic checks only (no "), std::string::npos) << result.output;
  EXPECT_NE(read_text(result.out_dir / "summary.md").find("- spec: not enrolled: generic checks only"),
            std::string::npos)
      << read_text(result.out_dir / "summary.md");
}

TEST_F(Lifecycle, RequiringASpecRefusesARecipeWithoutOneBeforeDeployingAnything) {
  RunResult result = run_ccci("fixture-plain", 1, {"--require-spec=1"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("recipe fixture-plain is not enrolled: "), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("/fixture-plain/recipe.yml not found, and CCCI_REQUIRE_SPEC=1 (flag --require-spec) "
                               "requires a spec"),
            std::string::npos)
      << result.output;
  EXPECT_TRUE(result.plan.is_null()) << "refused before planning, so before any deploy";
  EXPECT_TRUE(result.results.is_null());
  EXPECT_EQ(result.output.find("[tier]"), std::string::npos) << result.output;
}

TEST_F(Lifecycle, AnAbraHomeWithoutTheServerIsRefusedBeforeAnythingIsDeployed) {
  char pattern[] = "/tmp/ccci-e2e-abra-home-XXXXXX";
  std::filesystem::path home = ::mkdtemp(pattern);
  std::filesystem::create_directories(home / "servers/some-other-server");
  std::filesystem::create_directories(home / "catalogue");
  RunResult result = run_ccci("fixture-web", 1, {"--abra-dir=" + home.string()});
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("abra server 'default' is not registered in the abra home " + home.string()),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("abra server add --local` for the local swarm"), std::string::npos) << result.output;
  EXPECT_TRUE(result.results.is_null()) << "no tier ran";
  EXPECT_EQ(result.output.find("[tier]"), std::string::npos) << result.output;
  ASSERT_TRUE(result.plan.is_object()) << result.output;
  EXPECT_EQ(leftovers_of_run(result), std::vector<std::string>{});
  std::filesystem::path run_home = process_state_dir();
  run_home /= "abra/runs/" + std::string(result.plan.at("run_id").as_string());
  EXPECT_FALSE(std::filesystem::exists(run_home)) << run_home;
  EXPECT_FALSE(std::filesystem::exists(home / "logs")) << "abra never ran";
  std::filesystem::remove_all(home);
}

TEST_F(Lifecycle, NoFormOfAGeneratedSecretReachesAnyFileInOut) {
  // fixture-db's database password is generated by abra at install; a custom check prints it in
  // every form to its output and to the app's log, and fails, so ccci quotes it everywhere.
  Watch watch;
  watch.recipes_dir = std::filesystem::path(CCCI_SOURCE_DIR) / "unit/e2e/specs";
  watch.after_line = "[tier] install: pass";
  watch.capture = R"sh(stack=$(sed -n 's/^ *"domain": *"\([^"]*\)".*/\1/p' "$OUT/plan.json" | head -n1 | tr . _)
for attempt in $(seq 1 100); do
  db=$(docker ps -q --filter "label=com.docker.swarm.service.name=${stack}_db" --filter status=running | head -n1)
  [ -n "$db" ] && docker exec "$db" cat /run/secrets/db_password && exit 0
  sleep 0.2
done
exit 1)sh";
  std::string secret;
  RunResult result = run_ccci_watched("fixture-db", 1, watch, secret);
  last_ = result;
  ASSERT_EQ(secret.size(), 32u) << "could not read the generated password from the db container; output:\n"
                                << result.output;
  EXPECT_EQ(result.exit_code, 1) << result.output;
  ASSERT_TRUE(result.results.is_object()) << result.output;
  EXPECT_EQ(status("custom"), "fail");
  const auto* leak = check("custom", "leaks_its_password");
  ASSERT_NE(leak, nullptr);
  // The leaked output did reach the reports and the evidence, masked: the scan below is not vacuous.
  EXPECT_NE(std::string(leak->at("detail").as_string()).find("plain: ********"), std::string::npos)
      << leak->at("detail");
  int files = 0;
  bool evidence_masked = false;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(result.out_dir)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::string text = read_text(entry.path());
    for (const auto& form : leaked_forms(secret)) {
      EXPECT_EQ(text.find(form), std::string::npos) << entry.path() << " holds the secret as " << form;
    }
    if (entry.path().string().find("/evidence/logs/") != std::string::npos &&
        text.find("json: {\"password\": \"********\"}") != std::string::npos) {
      evidence_masked = true;
    }
  }
  EXPECT_GT(files, 10) << "live log, plan, results, summary, JUnit and evidence";
  EXPECT_TRUE(std::filesystem::exists(result.out_dir / "ccci-run.log"));
  EXPECT_TRUE(evidence_masked) << "the app's log, with the leaked forms masked, is part of the evidence";
  EXPECT_EQ(leftovers_of(std::string(result.plan.at("domain").as_string())), std::vector<std::string>{});
}

TEST_F(Lifecycle, SigtermDuringTheUpgradeStillTearsDownAndExits143) {
  auto result = run("fixture-web", 1, "[tier] upgrade: started");
  EXPECT_EQ(result.exit_code, 143) << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "interrupted");
  EXPECT_EQ(status("install"), "pass");
  EXPECT_NE(status("upgrade"), "pass");
  EXPECT_EQ(status("backup"), "skipped");
  EXPECT_EQ(reason("backup"), "interrupted by SIGTERM");
  EXPECT_NE(result.output.find("[tier] teardown: clean"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace ccci::e2e
