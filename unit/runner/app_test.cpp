// run_ccci up to the spec, hermetically: the settings and the spec decide before anything spawns,
// so these runs need no tool on PATH. Runs that plan (git) are in app_integration_test.cpp.
#include "runner/app.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

struct SpecBeforeAnything : ::testing::Test {
  fakes::TempDir recipes;
  fakes::TempDir out;
  std::ostringstream stdout_text, stderr_text;

  std::map<std::string, std::string> env() const {
    return {{"RECIPE", "discourse"},
            {"PR", "4"},
            {"OUT", out.path().string()},
            {"CCCI_RECIPES_DIR", recipes.path().string()},
            {"CCCI_STATE_DIR", (out.path() / "state").string()},
            {"PATH", "/nonexistent"}};
  }

  int run(const std::map<std::string, std::string>& environment, const std::vector<std::string>& args = {}) {
    return run_ccci(environment, args, stdout_text, stderr_text);
  }

  void expect_nothing_ran() const {
    EXPECT_EQ(stdout_text.str(), "") << "nothing spawned, nothing logged";
    EXPECT_FALSE(std::filesystem::exists(out.path() / "plan.json"));
    EXPECT_FALSE(std::filesystem::exists(out.path() / "results.json"));
  }
};

TEST_F(SpecBeforeAnything, RequireSpecFromTheEnvironmentRefusesAnUnenrolledRecipeNamingSettingAndFile) {
  auto environment = env();
  environment["CCCI_REQUIRE_SPEC"] = "1";
  EXPECT_EQ(run(environment), 2);
  std::string spec_file = (recipes.path() / "discourse/recipe.yml").string();
  EXPECT_EQ(stderr_text.str(), "ccci-run: recipe discourse is not enrolled: " + spec_file +
                                   " not found, and CCCI_REQUIRE_SPEC=1 (env CCCI_REQUIRE_SPEC) requires a spec\n");
  expect_nothing_ran();
}

TEST_F(SpecBeforeAnything, RequireSpecFlagRefusesAnUnenrolledRecipeToo) {
  EXPECT_EQ(run(env(), {"--plan", "--require-spec=1"}), 2);
  EXPECT_NE(stderr_text.str().find("CCCI_REQUIRE_SPEC=1 (flag --require-spec) requires a spec"), std::string::npos)
      << stderr_text.str();
  expect_nothing_ran();
}

TEST_F(SpecBeforeAnything, MalformedSpecIsASpecErrorWithItsPositionWhetherOrNotASpecIsRequired) {
  recipes.write("discourse/recipe.yml", "health: {path: nope}\n");
  for (const char* required : {"0", "1"}) {
    stderr_text.str("");
    auto environment = env();
    environment["CCCI_REQUIRE_SPEC"] = required;
    EXPECT_EQ(run(environment), 2) << required;
    EXPECT_EQ(stderr_text.str().rfind("ccci-run: " + (recipes.path() / "discourse/recipe.yml").string() + ":1:16: ", 0),
              0u)
        << stderr_text.str();
    expect_nothing_ran();
  }
}

TEST_F(SpecBeforeAnything, RecipesDirThatDoesNotExistIsASpecErrorNotAnUnenrolledRecipe) {
  auto environment = env();
  environment["CCCI_RECIPES_DIR"] = (recipes.path() / "absent").string();
  EXPECT_EQ(run(environment), 2);
  EXPECT_NE(stderr_text.str().find("cannot say whether recipe discourse is enrolled"), std::string::npos)
      << stderr_text.str();
  expect_nothing_ran();
}

}  // namespace
}  // namespace ccci::runner
