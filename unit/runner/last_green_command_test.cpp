// `ccci-run last-green RECIPE [--clear]` through run_ccci, hermetically: it reads and removes one
// file of the state dir and spawns nothing (PATH=/nonexistent).
#include <gtest/gtest.h>

#include <sstream>

#include "runner/app.hpp"
#include "runner/upgrade_base.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

const std::string commit = "0123456789abcdef0123456789abcdef01234567";

struct LastGreenCommand : ::testing::Test {
  fakes::TempDir state;
  std::ostringstream stdout_text, stderr_text;

  std::filesystem::path record_file(const std::string& recipe) const {
    return state.path() / "last-green" / (recipe + ".json");
  }
  int run(const std::vector<std::string>& args) {
    stdout_text.str("");
    stderr_text.str("");
    std::map<std::string, std::string> env{{"CCCI_STATE_DIR", state.path().string()}, {"PATH", "/nonexistent"}};
    return run_ccci(env, args, stdout_text, stderr_text);
  }
  void record(const std::string& recipe) const {
    ASSERT_TRUE(LastGreenStore(state.path() / "last-green")
                    .write(recipe, {"1.2.0+1.2", commit, "fixture-web-main-3a9c1e", "2026-11-30T21:00:00Z"})
                    .ok());
  }
};

TEST_F(LastGreenCommand, PrintsTheRecord) {
  record("fixture-web");
  EXPECT_EQ(run({"last-green", "fixture-web"}), 0) << stderr_text.str();
  EXPECT_EQ(stdout_text.str(), "last-green fixture-web: 1.2.0+1.2 @ " + commit +
                                   "\n"
                                   "  run       fixture-web-main-3a9c1e\n"
                                   "  recorded  2026-11-30T21:00:00Z\n"
                                   "  file      " +
                                   record_file("fixture-web").string() + "\n");
  EXPECT_EQ(stderr_text.str(), "");
}

TEST_F(LastGreenCommand, SaysSoWhenThereIsNoRecordAndSucceeds) {
  EXPECT_EQ(run({"last-green", "fixture-web"}), 0);
  EXPECT_EQ(stdout_text.str(), "no last-green record for fixture-web\n");
  EXPECT_FALSE(std::filesystem::exists(state.path() / "last-green")) << "reading creates nothing";
}

TEST_F(LastGreenCommand, ClearRemovesTheRecordAndOnlyThatRecipes) {
  record("fixture-web");
  record("fixture-db");
  EXPECT_EQ(run({"last-green", "fixture-web", "--clear"}), 0) << stderr_text.str();
  EXPECT_EQ(stdout_text.str(),
            "cleared the last-green record of fixture-web (" + record_file("fixture-web").string() + ")\n");
  EXPECT_FALSE(std::filesystem::exists(record_file("fixture-web")));
  EXPECT_TRUE(std::filesystem::exists(record_file("fixture-db")));
  EXPECT_EQ(run({"last-green", "fixture-web", "--clear"}), 0);
  EXPECT_EQ(stdout_text.str(), "no last-green record for fixture-web\n");
}

TEST_F(LastGreenCommand, ClearRemovesAMalformedRecordThatPrintingRefuses) {
  state.write("last-green/fixture-web.json", "{\"version\": \"1.0.0\"}");
  EXPECT_EQ(run({"last-green", "fixture-web"}), 2);
  EXPECT_NE(stderr_text.str().find("malformed last-green record"), std::string::npos) << stderr_text.str();
  EXPECT_EQ(run({"last-green", "fixture-web", "--clear"}), 0);
  EXPECT_FALSE(std::filesystem::exists(record_file("fixture-web")));
}

TEST_F(LastGreenCommand, AHostileRecipeIsRefusedBeforeAnyFileIsTouched) {
  // A file the hostile names would reach if they were used as paths.
  state.write("victim.json", "keep me");
  state.write("last-green/placeholder", "");
  for (const std::string hostile : {"../victim", "..", "a/b", "Fixture", "x\ny", "fixture-web;rm", ""}) {
    for (bool clear : {false, true}) {
      std::vector<std::string> args{"last-green", hostile};
      if (clear) args.emplace_back("--clear");
      EXPECT_EQ(run(args), 2) << hostile << (clear ? " --clear" : "");
      EXPECT_EQ(stdout_text.str(), "") << hostile;
      EXPECT_NE(stderr_text.str(), "") << hostile;
    }
  }
  EXPECT_TRUE(std::filesystem::exists(state.path() / "victim.json"));
  EXPECT_TRUE(std::filesystem::exists(state.path() / "last-green/placeholder"));
}

TEST_F(LastGreenCommand, NeedsARecipeAndRefusesForeignFlags) {
  EXPECT_EQ(run({"last-green"}), 2);
  EXPECT_NE(
      stderr_text.str().find("RECIPE is required: last-green names it, as in `ccci-run last-green RECIPE [--clear]`"),
      std::string::npos)
      << stderr_text.str();
  EXPECT_EQ(run({"last-green", "fixture-web", "--plan"}), 2);
  EXPECT_EQ(run({"--clear"}), 2);
  EXPECT_NE(stderr_text.str().find("--clear belongs to"), std::string::npos) << stderr_text.str();
}

}  // namespace
}  // namespace ccci::runner
