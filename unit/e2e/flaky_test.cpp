// The flaky-check policy on the testbed: a spec check that fails is run once more. One that then
// passes is reported flaky — in results.json, on its JUnit case and suite, in both summaries —
// never as a plain pass; one that fails twice is red, saying so.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "unit/e2e/lifecycle.hpp"
#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

class Flaky : public Lifecycle {};

TEST_F(Flaky, AFailureThatPassesWhenRunAgainIsReportedFlakyAndOneThatFailsTwiceIsRed) {
  RunResult result = checked(run_ccci_with_env(
      "fixture-web", 1,
      {{"STAGES", "install"},
       {"CCCI_RECIPES_DIR", (std::filesystem::path(CCCI_SOURCE_DIR) / "unit/e2e/specs-flaky").string()}}));
  ASSERT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "red");
  EXPECT_EQ(status("install"), "fail");

  const auto* flaky = check("install", "fails_once_then_passes");
  ASSERT_NE(flaky, nullptr);
  EXPECT_EQ(flaky->at("status").as_string(), "pass");
  EXPECT_TRUE(flaky->at("flaky").as_bool());
  EXPECT_EQ(flaky->at("attempts").as_int64(), 2);
  EXPECT_EQ(std::string(flaky->at("message").as_string()),
            "flaky: failed, then passed when run again; the failure: `sh -c if [ -e /data/ran-once ]; then echo second "
            "run; exit 0; fi; touch /data/ran-once; echo first run >&2; exit 1` in app: exit 1, expected exit 0; "
            "output ends \"first run\"");

  const auto* red = check("install", "fails_every_time");
  ASSERT_NE(red, nullptr);
  EXPECT_EQ(red->at("status").as_string(), "fail");
  EXPECT_FALSE(red->at("flaky").as_bool());
  EXPECT_EQ(red->at("attempts").as_int64(), 2);
  EXPECT_EQ(std::string(red->at("message").as_string()),
            "GET /cgi-bin/marker/never-written answered 404, expected 200; body \"no marker never-written\\x0a\" "
            "(failed twice)");

  const auto* landing = check("install", "landing_page");
  ASSERT_NE(landing, nullptr);
  EXPECT_EQ(landing->at("attempts").as_int64(), 1) << "a pass is not run again";

  std::string junit = read_text(result.out_dir / "junit/install__overlay.xml");
  EXPECT_NE(junit.find("<property name=\"flaky\" value=\"fails_once_then_passes\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("name=\"fails_once_then_passes\" classname=\"ccci.fixture-web.install.overlay\""),
            std::string::npos)
      << junit;
  EXPECT_NE(junit.find("status=\"flaky\""), std::string::npos) << junit;
  EXPECT_NE(read_text(result.out_dir / "summary.md").find("**install / fails_once_then_passes** (overlay, flaky)"),
            std::string::npos);
  EXPECT_NE(result.output.find("      flaky fails_once_then_passes: flaky: failed, then passed when run again"),
            std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace ccci::e2e
