#include "runner/generic_checks.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace ccci::runner {
namespace {

TEST(GenericChecks, KeepTheNamesReportsShow) {
  EXPECT_EQ(to_string(GenericCheckId::serving_https), "serving_https");
  EXPECT_EQ(to_string(GenericCheckId::services_converged), "services_converged");
  EXPECT_EQ(to_string(GenericCheckId::head_deployed), "head_deployed");
  EXPECT_EQ(to_string(GenericCheckId::head_images), "head_images");
  EXPECT_EQ(to_string(GenericCheckId::orphans_pruned), "orphans_pruned");
  EXPECT_EQ(to_string(GenericCheckId::snapshot_covers_volumes), "snapshot_covers_volumes");
  std::set<std::string_view> names;
  for (auto check : all_generic_checks) names.insert(to_string(check));
  EXPECT_EQ(names.size(), std::size(all_generic_checks)) << "every check has its own name";
}

TEST(GenericChecks, EveryCheckRunsInSomeTier) {
  std::set<GenericCheckId> planned;
  for (Tier tier : all_tiers) {
    for (const auto& check : generic_checks(tier, InstallDeploys::base)) planned.insert(check.id);
  }
  EXPECT_EQ(planned.size(), std::size(all_generic_checks));
  std::vector<std::string_view> upgrade;
  for (const auto& check : generic_checks(Tier::upgrade, InstallDeploys::base)) upgrade.push_back(check.name());
  EXPECT_EQ(upgrade, (std::vector<std::string_view>{"head_deployed", "head_images", "orphans_pruned",
                                                    "services_converged", "serving_https"}));
}

TEST(GenericChecks, AnInstallOfTheHeadChecksTheHeadWasDeployedAnInstallOfTheBaseDoesNot) {
  auto names = [](InstallDeploys installed) {
    std::vector<std::string_view> out;
    for (const auto& check : generic_checks(Tier::install, installed)) out.push_back(check.name());
    return out;
  };
  EXPECT_EQ(names(InstallDeploys::head),
            (std::vector<std::string_view>{"head_deployed", "services_converged", "serving_https"}));
  EXPECT_EQ(names(InstallDeploys::base), (std::vector<std::string_view>{"services_converged", "serving_https"}));
  EXPECT_EQ(generic_checks(Tier::upgrade, InstallDeploys::head).size(),
            generic_checks(Tier::upgrade, InstallDeploys::base).size())
      << "only the install tier depends on what it deployed";
}

}  // namespace
}  // namespace ccci::runner
