// What results.json and the summary say of each dependency.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "runner/results_json.hpp"
#include "runner/summary.hpp"
#include "unit/fakes/sample_report.hpp"

namespace ccci::runner {
namespace {

RunReport report_with_a_dependency() {
  RunReport report = fakes::green_report();
  DependencyReport dep;
  dep.recipe = "keycloak";
  dep.domain = "keyc-abc123-fixt.ccci.test";
  dep.deployed = true;
  dep.note = "dependency keycloak never became ready at https://keyc-abc123-fixt.ccci.test/health/ready";
  report.dependencies = {dep};
  return report;
}

TEST(DependencyReport, ResultsJsonSaysWhatEachDependencyDid) {
  harness::Redactor redactor;
  auto json = results_to_json(report_with_a_dependency(), redactor).as_object();
  const auto& deps = json.at("dependencies").as_array();
  ASSERT_EQ(deps.size(), 1u);
  const auto& dep = deps[0].as_object();
  EXPECT_EQ(dep.at("recipe").as_string(), "keycloak");
  EXPECT_TRUE(dep.at("deployed").as_bool());
  EXPECT_FALSE(dep.at("ready").as_bool());
  EXPECT_FALSE(dep.at("provisioned").as_bool());
  EXPECT_FALSE(dep.at("warm").as_bool());
  EXPECT_NE(std::string(dep.at("note").as_string()).find("never became ready"), std::string::npos);
  EXPECT_TRUE(results_to_json(fakes::green_report(), redactor).as_object().at("dependencies").as_array().empty());
}

TEST(DependencyReport, TheSummaryHasALinePerDependency) {
  std::string md = render_summary_markdown(report_with_a_dependency());
  EXPECT_NE(md.find("- dependency keycloak at keyc-abc123-fixt.ccci.test: deployed — dependency keycloak never "
                    "became ready"),
            std::string::npos)
      << md;
  EXPECT_EQ(render_summary_markdown(fakes::green_report()).find("- dependency "), std::string::npos);
}

}  // namespace
}  // namespace ccci::runner
