#pragma once
/// FakeRecipeSteps: the RecipeSteps seam as a script, for Deployment tests. Records every call
/// ("seed:pre_backup", "checks:install"); a seed answers its scripted Status (default ok), a
/// tier's checks answer their scripted outcomes (default none), so a Deployment can be driven
/// without a recipe spec.
#include <map>
#include <string>
#include <vector>

#include "runner/recipe_steps.hpp"

namespace ccci::fakes {

class FakeRecipeSteps final : public runner::RecipeSteps {
 public:
  std::vector<std::string> calls;
  std::map<runner::SeedOp, harness::Status> seed_answers;
  std::map<runner::Tier, std::vector<runner::CheckOutcome>> check_answers;

  harness::Status seed(runner::SeedOp op) override {
    calls.push_back("seed:" + std::string(runner::to_string(op)));
    auto found = seed_answers.find(op);
    return found == seed_answers.end() ? harness::ok_status() : found->second;
  }
  std::vector<runner::CheckOutcome> checks(runner::Tier tier) override {
    calls.push_back("checks:" + std::string(runner::to_string(tier)));
    auto found = check_answers.find(tier);
    return found == check_answers.end() ? std::vector<runner::CheckOutcome>{} : found->second;
  }
};

}  // namespace ccci::fakes
