// The good fixtures must be green every time, alone and alongside each other: a CI whose good
// recipe comes out red now and then teaches maintainers to ignore it. Each good fixture runs five
// times in a row, then four runs share the swarm and the gateway at once. Any run that is not
// green fails the suite and prints its summary and evidence. Skips where no Docker daemon can start.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

constexpr int runs_in_a_row = 5;

std::string read_text(const std::filesystem::path& file, size_t max_bytes = 20000) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > max_bytes ? "[...]\n" + all.substr(all.size() - max_bytes) : all;
}

/// What a maintainer would look at for a run that was not green: its summary, then every evidence
/// file, then the end of its output.
std::string evidence_of(const RunResult& run) {
  std::string text = "---- summary.md\n" + read_text(run.out_dir / "summary.md");
  if (std::filesystem::is_directory(run.out_dir / "evidence")) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(run.out_dir / "evidence")) {
      if (entry.is_regular_file()) text += "---- " + entry.path().string() + "\n" + read_text(entry.path(), 4000);
    }
  }
  return text + "---- output (end)\n" +
         (run.output.size() > 6000 ? run.output.substr(run.output.size() - 6000) : run.output);
}

std::string stack_of(const RunResult& run) {
  if (!run.plan.is_object()) return {};
  std::string stack(run.plan.at("domain").as_string());
  std::replace(stack.begin(), stack.end(), '.', '_');
  return stack;
}

/// Green in every tier, one deployment, a clean teardown, nothing of its stack left.
void expect_green(const RunResult& run, const std::string& what) {
  std::string verdict =
      run.results.is_object() ? std::string(run.results.at("verdict").as_string()) : "no results.json";
  EXPECT_EQ(run.exit_code, 0) << what << " was " << verdict << "\n" << evidence_of(run);
  EXPECT_EQ(verdict, "green") << what;
  if (run.results.is_object()) {
    for (const auto& tier : run.results.at("tiers").as_array()) {
      EXPECT_EQ(tier.at("status").as_string(), "pass")
          << what << ": " << tier.at("tier").as_string() << " — " << tier.at("reason");
    }
    EXPECT_EQ(run.results.at("deploy_count").as_int64(), 1) << what;
    EXPECT_TRUE(run.results.at("teardown").at("clean").as_bool()) << what;
  }
  if (!stack_of(run).empty()) {
    EXPECT_EQ(leftovers_of(stack_of(run)), std::vector<std::string>{}) << what;
  }
}

class Stability : public OnTestbed {
 protected:
  static void green_in_a_row(const std::string& recipe) {
    for (int i = 1; i <= runs_in_a_row; ++i) {
      RunResult run = run_ccci(recipe, 1);
      expect_green(run, recipe + " PR 1, run " + std::to_string(i) + " of " + std::to_string(runs_in_a_row));
    }
  }
};

TEST_F(Stability, FixtureWebIsGreenFiveTimesInARow) { green_in_a_row("fixture-web"); }

TEST_F(Stability, FixtureDbIsGreenFiveTimesInARow) { green_in_a_row("fixture-db"); }

TEST_F(Stability, FourConcurrentRunsOfTheGoodFixturesAreAllGreen) {
  // Each run's deploys and undeploys re-route the shared gateway while the others talk through it.
  const std::vector<std::string> recipes{"fixture-web", "fixture-db", "fixture-web", "fixture-db"};
  std::vector<std::future<RunResult>> runs;
  for (const auto& recipe : recipes)
    runs.push_back(std::async(std::launch::async, [recipe] { return run_ccci(recipe, 1); }));
  for (size_t i = 0; i < runs.size(); ++i) {
    expect_green(runs[i].get(),
                 recipes[i] + " PR 1, concurrent run " + std::to_string(i + 1) + " of " + std::to_string(runs.size()));
  }
}

}  // namespace
}  // namespace ccci::e2e
