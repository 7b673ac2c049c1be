#include "runner/generic_checks.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ccci::runner {
namespace {

TEST(GenericChecks, KeepTheNamesReportsShow) {
  EXPECT_EQ(to_string(GenericCheckId::serving_https), "serving_https");
  EXPECT_EQ(to_string(GenericCheckId::services_converged), "services_converged");
  EXPECT_EQ(to_string(GenericCheckId::head_deployed), "head_deployed");
  EXPECT_EQ(to_string(GenericCheckId::orphans_pruned), "orphans_pruned");
  EXPECT_EQ(to_string(GenericCheckId::snapshot_covers_volumes), "snapshot_covers_volumes");
  std::set<std::string_view> names;
  for (auto check : all_generic_checks) names.insert(to_string(check));
  EXPECT_EQ(names.size(), std::size(all_generic_checks)) << "every check has its own name";
}

TEST(GenericChecks, EveryCheckRunsInSomeTier) {
  std::set<GenericCheckId> planned;
  for (Tier tier : all_tiers) {
    for (const auto& check : generic_checks(tier)) planned.insert(check.id);
  }
  EXPECT_EQ(planned.size(), std::size(all_generic_checks));
  ASSERT_EQ(generic_checks(Tier::upgrade).size(), 4u);
  EXPECT_EQ(generic_checks(Tier::upgrade).front().name(), "head_deployed");
}

}  // namespace
}  // namespace ccci::runner
