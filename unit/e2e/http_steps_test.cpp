// Multi-step http checks on the testbed: fixture-web's api_note_roundtrip logs in (a session
// cookie), creates a note, captures its id and reads it back by a JSON pointer — green on
// recipes/fixture-web. The negative control (unit/e2e/specs-http-steps) reads back a value that
// was never written: the custom tier is red naming the step, the pointer, the expected and the got.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "unit/e2e/lifecycle.hpp"
#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

class HttpSteps : public Lifecycle {
 protected:
  RunResult run_with_specs(const std::filesystem::path& recipes_dir) {
    return checked(run_ccci("fixture-web", 1, {"--recipes-dir=" + recipes_dir.string()}));
  }
  /// The fixture images are shared by every checkout on this docker host: one rebuilt from a tree
  /// without the notes API while this run deploys answers 404 for /cgi-bin/login.
  static std::string image_hint(const std::string& message) {
    return message.find("POST /cgi-bin/login answered 404") == std::string::npos
               ? ""
               : "\n(the deployed fixture-web image has no notes API: was the testbed's image rebuilt from "
                 "another checkout during this run? docker image inspect ccci/fixture-web:1.1)";
  }
  std::string message(const std::string& tier_name, const std::string& check_name) const {
    const auto* found = check(tier_name, check_name);
    return found ? std::string(found->at("status").as_string()) + ": " + std::string(found->at("message").as_string())
                 : "no check " + check_name;
  }
};

TEST_F(HttpSteps, TheNoteRoundTripIsGreenWithItsSessionAndCapturedId) {
  RunResult result = run_with_specs(std::filesystem::path(CCCI_SOURCE_DIR) / "recipes");
  expect_green_through_every_tier(result);
  std::string roundtrip = message("custom", "api_note_roundtrip");
  EXPECT_EQ(roundtrip, "pass: ") << image_hint(roundtrip);
}

TEST_F(HttpSteps, AWrongValueReadBackIsRedInCustomNamingTheStepAndPointer) {
  RunResult result = run_with_specs(std::filesystem::path(CCCI_SOURCE_DIR) / "unit/e2e/specs-http-steps");
  ASSERT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "red");
  for (const char* tier : {"install", "upgrade", "backup", "restore"}) EXPECT_EQ(status(tier), "pass") << reason(tier);
  EXPECT_EQ(status("custom"), "fail") << reason("custom");
  std::string roundtrip = message("custom", "api_note_roundtrip");
  EXPECT_TRUE(std::regex_match(
      roundtrip, std::regex(R"(fail: step 3 of 3: GET /cgi-bin/notes/[0-9a-f]{16} answered 200: JSON /text is )"
                            R"("roundtrip-note", expected "a-different-note"; body .*)")))
      << roundtrip << image_hint(roundtrip);
  EXPECT_EQ(message("custom", "landing_converges"), "pass: ") << "a converging check that holds at once";
  EXPECT_EQ(message("custom", "marker_roundtrip_absent_is_404"), "pass: ");
  expect_evidence(result, "custom__overlay.xml");
}

}  // namespace
}  // namespace ccci::e2e
