#include "runner/results_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "runner/json_text.hpp"
#include "runner/reports.hpp"
#include "unit/fakes/sample_report.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

// Schema validity of these documents is checked with python3-jsonschema in
// results_json_integration_test.cpp.

TEST(JsonText, RedactedMasksEveryStringAtAnyDepthAndKeepsKeysAndOtherValues) {
  harness::Redactor redactor;
  redactor.add_secret("hunter2-pass");
  auto value = redacted(
      boost::json::parse(R"({"a": "x hunter2-pass", "list": [1, "hunter2-pass", {"hunter2-pass": "y"}], "n": 3})"),
      redactor);
  EXPECT_EQ(boost::json::serialize(value), R"({"a":"x ********","list":[1,"********",{"hunter2-pass":"y"}],"n":3})");
}

TEST(ResultsJson, CarriesDerivedVerdictLevelAndExitCode) {
  harness::Redactor redactor;
  auto green = results_to_json(fakes::green_report(), redactor).as_object();
  EXPECT_EQ(green.at("verdict").as_string(), "green");
  EXPECT_EQ(green.at("level").as_int64(), 4);
  EXPECT_EQ(green.at("exit_code").as_int64(), 0);
  EXPECT_EQ(green.at("pr").as_int64(), 1);
  EXPECT_EQ(green.at("base").at("source").as_string(), "target-branch");
  EXPECT_TRUE(green.at("lint_clean").is_null());

  auto mixed = results_to_json(fakes::mixed_report(), redactor).as_object();
  EXPECT_EQ(mixed.at("verdict").as_string(), "error");
  EXPECT_EQ(mixed.at("exit_code").as_int64(), 3);
  EXPECT_EQ(mixed.at("level").as_int64(), 1);
  EXPECT_TRUE(mixed.at("pr").is_null());
  EXPECT_EQ(mixed.at("tiers").as_array()[3].at("status").as_string(), "n/a");
}

TEST(ResultsJson, EveryCheckListsItsArtifactsRelativeToOut) {
  harness::Redactor redactor;
  RunReport report = fakes::green_report();
  report.tiers[4].checks[1].artifacts = {"artifacts/custom/custom_overlay/end.png"};
  auto json = results_to_json(report, redactor).as_object();
  const auto& custom = json.at("tiers").as_array()[4].at("checks").as_array();
  EXPECT_EQ(custom[1].at("artifacts"), boost::json::array{"artifacts/custom/custom_overlay/end.png"});
  EXPECT_EQ(custom[0].at("artifacts"), boost::json::array{}) << "present, empty, on every check";
}

TEST(ResultsJson, SaysWhetherTheRecipeIsEnrolled) {
  harness::Redactor redactor;
  RunReport report = fakes::green_report();
  EXPECT_TRUE(results_to_json(report, redactor).at("enrolled").as_bool());
  report.enrolled = false;
  EXPECT_FALSE(results_to_json(report, redactor).at("enrolled").as_bool());
}

TEST(ResultsJson, CarriesTheHeadsBackupCoverageWarningsRedacted) {
  harness::Redactor redactor;
  redactor.add_secret("hunter2-pass");
  RunReport report = fakes::green_report();
  auto none = results_to_json(report, redactor).at("backup_coverage").as_object();
  EXPECT_FALSE(none.at("analysed").as_bool()) << "a report the plan never analysed says so";
  report.backup_coverage = coverage_of({{"db", "no dump hook, password hunter2-pass"}});
  auto coverage = results_to_json(report, redactor).at("backup_coverage").as_object();
  EXPECT_TRUE(coverage.at("analysed").as_bool());
  EXPECT_EQ(coverage.at("warnings").as_array().at(0).as_string(), "db: no dump hook, password ********");
  EXPECT_EQ(coverage.at("note").as_string(), "");
}

TEST(ResultsJson, SaysWhyTheBaseCouldNotBeDeployed) {
  harness::Redactor redactor;
  RunReport report = fakes::green_report();
  EXPECT_EQ(results_to_json(report, redactor).at("base").at("not_deployable").as_string(), "");
  report.base_not_deployable = "base 1.0.0+1.0 not deployable: FATA lint error R014";
  EXPECT_EQ(results_to_json(report, redactor).at("base").at("not_deployable").as_string(),
            "base 1.0.0+1.0 not deployable: FATA lint error R014");
}

TEST(ResultsJson, ListsThePreviousOverlaysAppliedAndStale) {
  harness::Redactor redactor;
  RunReport report = fakes::green_report();
  EXPECT_EQ(boost::json::serialize(results_to_json(report, redactor).at("previous_overlays")), "[]");
  report.previous_overlays = {{"1.0.0+1.0",
                               {"compose.previous.yml"},
                               OverlayStatus::stale,
                               "the base is the tip of "
                               "main, not a published version"}};
  EXPECT_EQ(boost::json::serialize(results_to_json(report, redactor).at("previous_overlays")),
            R"([{"version":"1.0.0+1.0","files":["compose.previous.yml"],"status":"stale",)"
            R"("reason":"the base is the tip of main, not a published version"}])");
}

TEST(ResultsJson, ListsTheHeadsNewConfigurationByNameOnly) {
  harness::Redactor redactor;
  RunReport report = fakes::green_report();
  EXPECT_TRUE(results_to_json(report, redactor).at("upgrade_env").is_null()) << "the upgrade never got there";
  report.env_upgrade =
      EnvUpgrade{true, {"GREETING", "SECRET_API_KEY_VERSION"}, {"PAGE_TITLE"}, {"OLD_FLAG"}, {"api_key"}, {"EXTRA"}};
  auto env = results_to_json(report, redactor).at("upgrade_env").as_object();
  EXPECT_TRUE(env.at("applied").as_bool());
  EXPECT_EQ(boost::json::serialize(env.at("added")), R"(["GREETING","SECRET_API_KEY_VERSION"])");
  EXPECT_EQ(boost::json::serialize(env.at("kept")), R"(["PAGE_TITLE"])");
  EXPECT_EQ(boost::json::serialize(env.at("removed")), R"(["OLD_FLAG"])");
  EXPECT_EQ(boost::json::serialize(env.at("secrets")), R"(["api_key"])");
  EXPECT_EQ(boost::json::serialize(env.at("spec_keys")), R"(["EXTRA"])");
}

TEST(ResultsJson, SaysWhetherTheRunPromotedToLastGreen) {
  harness::Redactor redactor;
  RunReport report = fakes::green_report();
  auto before = results_to_json(report, redactor).at("last_green").as_object();
  EXPECT_FALSE(before.at("promoted").as_bool());
  EXPECT_EQ(before.at("reason").as_string(), "not considered (the run ended before promotion)");
  report.promotion = {true, "1.2.0+1.2", ""};
  auto promoted = results_to_json(report, redactor).at("last_green").as_object();
  EXPECT_TRUE(promoted.at("promoted").as_bool());
  EXPECT_EQ(promoted.at("version").as_string(), "1.2.0+1.2");
  EXPECT_EQ(promoted.at("reason").as_string(), "");
  report.promotion = {false, "", "a PR run never promotes"};
  EXPECT_EQ(results_to_json(report, redactor).at("last_green").at("reason").as_string(), "a PR run never promotes");
}

TEST(ResultsJson, RecordsWhereTheVerdictCameFrom) {
  harness::Redactor redactor;
  RunReport report = fakes::green_report();
  auto ungathered = results_to_json(report, redactor).at("environment").as_object();
  EXPECT_EQ(ungathered.at("abra_version").as_string(), "unknown (not gathered)");  // never empty
  report.environment = {"1196932-dirty", "abra version 0.13.0-beta-06a57de", "24.0.7", "6.1.0-18-amd64", "ci-1"};
  auto environment = results_to_json(report, redactor).at("environment").as_object();
  EXPECT_EQ(environment.at("ccci_version").as_string(), "1196932-dirty");
  EXPECT_EQ(environment.at("abra_version").as_string(), "abra version 0.13.0-beta-06a57de");
  EXPECT_EQ(environment.at("docker_version").as_string(), "24.0.7");
  EXPECT_EQ(environment.at("kernel").as_string(), "6.1.0-18-amd64");
  EXPECT_EQ(environment.at("host").as_string(), "ci-1");
}

TEST(ResultsJson, CarriesTheWallTimeOfEachOperationAndTheStacksPeaks) {
  harness::Redactor redactor;
  auto green = results_to_json(fakes::green_report(), redactor).as_object();
  const auto& operations = green.at("operations").as_array();
  ASSERT_EQ(operations.size(), 4u);
  EXPECT_EQ(operations[0].at("name").as_string(), "install");
  EXPECT_EQ(operations[0].at("tier").as_string(), "install");
  EXPECT_DOUBLE_EQ(operations[0].at("duration_s").as_double(), 1.5);
  EXPECT_TRUE(operations[3].at("tier").is_null());
  const auto& resources = green.at("resources").as_object();
  EXPECT_EQ(resources.at("samples").as_int64(), 12);
  EXPECT_EQ(resources.at("peak_memory_bytes").to_number<std::uint64_t>(), 157286400u);
  EXPECT_DOUBLE_EQ(resources.at("peak_cpu_percent").as_double(), 37.5);
  EXPECT_DOUBLE_EQ(resources.at("interval_s").as_double(), 5.0);
  EXPECT_EQ(resources.at("note").as_string(), "");
}

TEST(ResultsJson, FiguresDockerDidNotReportAreNullWithTheReason) {
  harness::Redactor redactor;
  RunReport report = fakes::green_report();
  report.resources = {0, std::nullopt, std::nullopt, std::chrono::seconds(5), "1 of 1 docker stats calls failed"};
  auto resources = results_to_json(report, redactor).at("resources").as_object();
  EXPECT_EQ(resources.at("samples").as_int64(), 0);
  EXPECT_TRUE(resources.at("peak_memory_bytes").is_null());
  EXPECT_TRUE(resources.at("peak_cpu_percent").is_null());
  EXPECT_EQ(resources.at("note").as_string(), "1 of 1 docker stats calls failed");
}

TEST(ResultsJson, SecretsAreRedacted) {
  harness::Redactor redactor;
  redactor.add_secret("hunter2");
  std::string text = pretty_json(results_to_json(fakes::mixed_report(), redactor));
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  EXPECT_NE(text.find("********"), std::string::npos);
}

TEST(Reports, WritesJunitResultsAndSummary) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  ASSERT_TRUE(write_reports(fakes::mixed_report(), dir.path(), redactor).ok());
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "junit/upgrade__overlay.xml"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "results.json"));
  std::ifstream summary(dir.path() / "summary.md");
  std::string first_line;
  std::getline(summary, first_line);
  EXPECT_NE(first_line.find("errored"), std::string::npos) << first_line;
}

}  // namespace
}  // namespace ccci::runner
