#include "runner/results_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>

#include "runner/json_text.hpp"
#include "runner/reports.hpp"
#include "unit/fakes/sample_report.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

const std::string schema = std::string(CCCI_SOURCE_DIR) + "/docs/results.schema.json";

/// Debian's python3-jsonschema's verdict on `file`.
int validate(const std::filesystem::path& file) {
  std::string command =
      "python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), "
      "json.load(open(sys.argv[2])))' '" +
      file.string() + "' '" + schema + "' 2>/dev/null";
  return std::system(command.c_str());
}

TEST(JsonText, RedactedMasksEveryStringAtAnyDepthAndKeepsKeysAndOtherValues) {
  harness::Redactor redactor;
  redactor.add_secret("hunter2-pass");
  auto value = redacted(
      boost::json::parse(R"({"a": "x hunter2-pass", "list": [1, "hunter2-pass", {"hunter2-pass": "y"}], "n": 3})"),
      redactor);
  EXPECT_EQ(boost::json::serialize(value), R"({"a":"x ********","list":[1,"********",{"hunter2-pass":"y"}],"n":3})");
}

TEST(ResultsJson, GreenAndMixedRunsValidateAgainstTheSchema) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  ASSERT_TRUE(write_results_json(fakes::green_report(), dir.path() / "green.json", redactor).ok());
  ASSERT_TRUE(write_results_json(fakes::mixed_report(), dir.path() / "mixed.json", redactor).ok());
  EXPECT_EQ(validate(dir.path() / "green.json"), 0);
  EXPECT_EQ(validate(dir.path() / "mixed.json"), 0);
}

TEST(ResultsJson, TheSchemaRejectsAWrongStatusAndAnUnknownKey) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  auto json = results_to_json(fakes::green_report(), redactor);
  json.as_object()["tiers"].as_array()[0].as_object()["status"] = "passed";
  ASSERT_TRUE(write_json_file(json, dir.path() / "bad-status.json").ok());
  EXPECT_NE(validate(dir.path() / "bad-status.json"), 0);

  auto extra = results_to_json(fakes::green_report(), redactor);
  extra.as_object()["surprise"] = true;
  ASSERT_TRUE(write_json_file(extra, dir.path() / "extra.json").ok());
  EXPECT_NE(validate(dir.path() / "extra.json"), 0);
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
  EXPECT_EQ(validate(dir.path() / "results.json"), 0);
  std::ifstream summary(dir.path() / "summary.md");
  std::string first_line;
  std::getline(summary, first_line);
  EXPECT_NE(first_line.find("errored"), std::string::npos) << first_line;
}

}  // namespace
}  // namespace ccci::runner
