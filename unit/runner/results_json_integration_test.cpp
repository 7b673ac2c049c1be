#include "runner/results_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>

#include "runner/json_text.hpp"
#include "runner/reports.hpp"
#include "unit/fakes/sample_report.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

// What the documents say is checked in results_json_test.cpp; here, that they match the schema.

const std::string schema = std::string(CCCI_SOURCE_DIR) + "/docs/results.schema.json";

/// Debian's python3-jsonschema's verdict on `file`.
int validate(const std::filesystem::path& file) {
  std::string command =
      "python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), "
      "json.load(open(sys.argv[2])))' '" +
      file.string() + "' '" + schema + "' 2>/dev/null";
  return std::system(command.c_str());
}

TEST(ResultsJsonSchema, GreenAndMixedRunsValidateAgainstTheSchema) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  ASSERT_TRUE(write_results_json(fakes::green_report(), dir.path() / "green.json", redactor).ok());
  ASSERT_TRUE(write_results_json(fakes::mixed_report(), dir.path() / "mixed.json", redactor).ok());
  EXPECT_EQ(validate(dir.path() / "green.json"), 0);
  EXPECT_EQ(validate(dir.path() / "mixed.json"), 0);
  RunReport not_enrolled = fakes::green_report();
  not_enrolled.enrolled = false;
  ASSERT_TRUE(write_results_json(not_enrolled, dir.path() / "not-enrolled.json", redactor).ok());
  EXPECT_EQ(validate(dir.path() / "not-enrolled.json"), 0);
  RunReport broken_base = fakes::green_report();
  broken_base.base_not_deployable = "base 1.0.0+1.0 not deployable: FATA lint error R014";
  ASSERT_TRUE(write_results_json(broken_base, dir.path() / "broken-base.json", redactor).ok());
  EXPECT_EQ(validate(dir.path() / "broken-base.json"), 0);
  RunReport new_env = fakes::green_report();
  new_env.env_upgrade = EnvUpgrade{false, {"GREETING", "SECRET_API_KEY_VERSION"}, {}, {"OLD"}, {"api_key"}, {}};
  ASSERT_TRUE(write_results_json(new_env, dir.path() / "new-env.json", redactor).ok());
  EXPECT_EQ(validate(dir.path() / "new-env.json"), 0);
  RunReport with_deps = fakes::green_report();
  DependencyReport deployed;
  deployed.recipe = "keycloak";
  deployed.domain = "keyc-abc123-fixt.ccci.test";
  deployed.deployed = deployed.ready = deployed.provisioned = deployed.torn_down = true;
  DependencyReport warm;
  warm.recipe = "keycloak2";
  warm.domain = "https://sso.example.org";
  warm.warm = true;
  warm.note = "left realm ccci-abc123 in https://sso.example.org (500)";
  with_deps.dependencies = {deployed, warm};
  ASSERT_TRUE(write_results_json(with_deps, dir.path() / "with-deps.json", redactor).ok());
  EXPECT_EQ(validate(dir.path() / "with-deps.json"), 0);
  RunReport unsampled = fakes::green_report();
  unsampled.resources = ResourceFigures{};
  unsampled.operations.clear();
  ASSERT_TRUE(write_results_json(unsampled, dir.path() / "unsampled.json", redactor).ok());
  EXPECT_EQ(validate(dir.path() / "unsampled.json"), 0) << "null figures and no operations are valid";
}

TEST(ResultsJsonSchema, ArtifactsAreRequiredAndUnderArtifacts) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  RunReport shots = fakes::green_report();
  shots.tiers[4].checks[1].artifacts = {"artifacts/custom/custom_overlay/end.png"};
  ASSERT_TRUE(write_results_json(shots, dir.path() / "shots.json", redactor).ok());
  EXPECT_EQ(validate(dir.path() / "shots.json"), 0);

  auto outside = results_to_json(shots, redactor);
  auto& check = outside.as_object()["tiers"].as_array()[4].as_object()["checks"].as_array()[1].as_object();
  check["artifacts"] = boost::json::array{"/etc/passwd"};
  ASSERT_TRUE(write_json_file(outside, dir.path() / "outside.json").ok());
  EXPECT_NE(validate(dir.path() / "outside.json"), 0) << "an artifact is a path under artifacts/";
  check.erase("artifacts");
  ASSERT_TRUE(write_json_file(outside, dir.path() / "missing.json").ok());
  EXPECT_NE(validate(dir.path() / "missing.json"), 0) << "artifacts is required";
}

TEST(ResultsJsonSchema, TheSchemaRejectsAWrongStatusAndAnUnknownKey) {
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

  auto unsaid = results_to_json(fakes::green_report(), redactor);
  unsaid.as_object().erase("enrolled");
  ASSERT_TRUE(write_json_file(unsaid, dir.path() / "unsaid.json").ok());
  EXPECT_NE(validate(dir.path() / "unsaid.json"), 0) << "enrolled is required";

  auto unknown_operation = results_to_json(fakes::green_report(), redactor);
  unknown_operation.as_object()["operations"].as_array()[0].as_object()["name"] = "lint";
  ASSERT_TRUE(write_json_file(unknown_operation, dir.path() / "unknown-operation.json").ok());
  EXPECT_NE(validate(dir.path() / "unknown-operation.json"), 0) << "operations are the machine's own";

  auto no_figures = results_to_json(fakes::green_report(), redactor);
  no_figures.as_object().erase("resources");
  ASSERT_TRUE(write_json_file(no_figures, dir.path() / "no-figures.json").ok());
  EXPECT_NE(validate(dir.path() / "no-figures.json"), 0) << "resources is required";

  auto hostile = results_to_json(fakes::green_report(), redactor);
  hostile.as_object()["upgrade_env"] = {{"applied", true},
                                        {"added", {"--force"}},
                                        {"kept", boost::json::array()},
                                        {"removed", boost::json::array()},
                                        {"secrets", boost::json::array()},
                                        {"spec_keys", boost::json::array()}};
  ASSERT_TRUE(write_json_file(hostile, dir.path() / "hostile-key.json").ok());
  EXPECT_NE(validate(dir.path() / "hostile-key.json"), 0) << "an env key is a variable name";
}

TEST(ReportsSchema, TheResultsJsonWriteReportsWritesIsSchemaValid) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  ASSERT_TRUE(write_reports(fakes::mixed_report(), dir.path(), redactor).ok());
  EXPECT_EQ(validate(dir.path() / "results.json"), 0);
}

}  // namespace
}  // namespace ccci::runner
