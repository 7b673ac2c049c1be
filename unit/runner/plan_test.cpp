#include "runner/plan.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "runner/plan_json.hpp"
#include "unit/fakes/fake_git.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

const std::string repo = "/repos/coop-cloud/fixture-web";
const std::string main_sha = std::string(40, 'a');
const std::string pr_sha = std::string(40, 'b');
const std::string tag_sha = std::string(40, 'c');

struct Planning : ::testing::Test {
  fakes::FakeGit git;
  fakes::TempDir state;
  LastGreenStore store{state.path()};
  PlanInputs in;

  void SetUp() override {
    git.repos[repo] = {{"HEAD", main_sha},
                       {"refs/heads/main", main_sha},
                       {"refs/pull/1/head", pr_sha},
                       {"refs/tags/1.0.0+1.0", std::string(40, 'e')},
                       {"refs/tags/1.0.0+1.0^{}", tag_sha}};
    in.recipe = "fixture-web";
    in.pr = 1;
    in.src = "coop-cloud/fixture-web";
    in.repo_url = repo;
    in.stages = {Tier::install, Tier::upgrade, Tier::backup, Tier::restore, Tier::custom};
    in.domain_suffix = "ccci.test";
    in.nonce = "3a9c1e";
  }
};

TEST_F(Planning, PrHeadIsResolvedAndBaseFallsBackToMainTip) {
  auto plan = make_plan(in, git, store);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->head_ref, "refs/pull/1/head");
  EXPECT_EQ(plan->head_commit, pr_sha);
  EXPECT_EQ(plan->base.source, BaseSource::target_branch);
  EXPECT_EQ(plan->base.commit, main_sha);
  EXPECT_EQ(plan->domain, "fixt-3a9c1e.ccci.test");
  EXPECT_EQ(plan->run_id, "fixture-web-pr1-3a9c1e");
  EXPECT_EQ(plan->expected_deploy_count, 1);
  for (const auto& tier : plan->tiers) EXPECT_EQ(tier.intent.disposition, Disposition::run);
}

TEST_F(Planning, ExplicitRefIsTheHeadWithoutAskingTheRemote) {
  in.ref = std::string(40, 'd');
  auto plan = make_plan(in, git, store);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->head_commit, std::string(40, 'd'));
}

TEST_F(Planning, UnknownPrIsAUsageErrorNamingThePr) {
  in.pr = 7;
  auto plan = make_plan(in, git, store);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().kind, harness::ErrorKind::usage);
  EXPECT_NE(plan.error().message.find("PR 7"), std::string::npos);
}

TEST_F(Planning, UnreachableRepoIsInfrastructure) {
  in.repo_url = "/repos/nowhere";
  auto plan = make_plan(in, git, store);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().kind, harness::ErrorKind::infra);
}

TEST_F(Planning, DefaultBranchRunHasNoUpgradeBecauseBaseEqualsHead) {
  in.pr.reset();
  auto plan = make_plan(in, git, store);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->head_commit, main_sha);
  EXPECT_EQ(plan->base.source, BaseSource::skip);
  EXPECT_EQ(plan->tiers[1].intent.disposition, Disposition::skip);
  EXPECT_NE(plan->tiers[1].intent.reason.find("no upgrade base"), std::string::npos);
  EXPECT_TRUE(plan->tiers[1].checks.empty());
}

TEST_F(Planning, AnInstallOfTheHeadListsHeadDeployedAndAnInstallOfABaseDoesNot) {
  auto install_checks = [&] {
    auto plan = make_plan(in, git, store);
    EXPECT_TRUE(plan.ok()) << plan.error().message;
    std::vector<std::string> names;
    if (plan.ok())
      for (const auto& check : plan->tiers[0].checks) names.push_back(check.name);
    return names;
  };
  EXPECT_EQ(install_checks(), (std::vector<std::string>{"services_converged", "serving_https"}));
  in.pr.reset();  // the default branch: no base, the install deploys the head
  EXPECT_EQ(install_checks(), (std::vector<std::string>{"head_deployed", "services_converged", "serving_https"}));
}

TEST_F(Planning, PinnedBaseWinsAndIsTheTagsCommit) {
  in.pinned_base = "1.0.0+1.0";
  auto plan = make_plan(in, git, store);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->base.source, BaseSource::pin);
  EXPECT_EQ(plan->base.commit, tag_sha);
}

TEST_F(Planning, PreviousOverlaysAreDecidedForTheBaseAndShownInTheRenderingAndJson) {
  in.previous = {{"1.0.0+1.0", "/specs/fixture-web/previous/1.0.0+1.0", {"compose.previous.yml"}}};
  auto tip = make_plan(in, git, store);
  ASSERT_TRUE(tip.ok()) << tip.error().message;
  ASSERT_EQ(tip->previous_overlays.size(), 1u);
  EXPECT_EQ(tip->previous_overlays[0].status, OverlayStatus::stale);
  EXPECT_NE(render_plan(*tip).find("  previous 1.0.0+1.0 (compose.previous.yml): stale — the base is the tip of "
                                   "main, not a published version\n"),
            std::string::npos)
      << render_plan(*tip);

  in.pinned_base = "1.0.0+1.0";
  auto pinned = make_plan(in, git, store);
  ASSERT_TRUE(pinned.ok()) << pinned.error().message;
  auto json = plan_to_json(*pinned);
  const auto& overlay = json.at("previous_overlays").as_array().at(0);
  EXPECT_EQ(overlay.at("status").as_string(), "applied");
  EXPECT_EQ(overlay.at("reason").as_string(), "the base is 1.0.0+1.0, pinned in the spec");
  EXPECT_EQ(overlay.at("files").as_array().at(0).as_string(), "compose.previous.yml");
}

TEST_F(Planning, NotApplicableBackupMakesRestoreNotApplicableToo) {
  in.not_applicable[Tier::backup] = "recipe has no backupbot labels";
  auto plan = make_plan(in, git, store);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->tiers[2].intent.disposition, Disposition::not_applicable);
  EXPECT_EQ(plan->tiers[3].intent.disposition, Disposition::not_applicable);
  EXPECT_EQ(plan->tiers[3].intent.reason, "backup is n/a: recipe has no backupbot labels");
}

TEST_F(Planning, StagesSubsetSkipsTheRestWithAReasonAndNoUpgradeBase) {
  in.stages = {Tier::install, Tier::custom};
  auto plan = make_plan(in, git, store);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->base.source, BaseSource::skip);
  EXPECT_EQ(plan->tiers[2].intent.disposition, Disposition::skip);
  EXPECT_EQ(plan->tiers[2].intent.reason, "not requested (STAGES=install,custom)");
  EXPECT_EQ(plan->tiers[4].intent.disposition, Disposition::run);
}

TEST_F(Planning, ChecksAreGenericThenOverlayAndDepsRaiseTheDeployCount) {
  in.overlay_checks[Tier::install] = {{"homepage_title", CheckSource::overlay, "GET / contains the title"}};
  in.deps = {"keycloak"};
  auto plan = make_plan(in, git, store);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const auto& checks = plan->tiers[0].checks;
  ASSERT_GE(checks.size(), 2u);
  EXPECT_EQ(checks.front().source, CheckSource::generic);
  EXPECT_EQ(checks.back().name, "homepage_title");
  EXPECT_EQ(plan->expected_deploy_count, 2);
  EXPECT_NE(render_plan(*plan).find("deploys  2 (1 + 1 dependencies)"), std::string::npos);
}

TEST_F(Planning, AWarmProvidersDepIsProvisionedNotDeployed) {
  in.deps = {"keycloak"};
  in.warm_deps = 1;
  auto plan = make_plan(in, git, store);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->expected_deploy_count, 1);
  EXPECT_NE(render_plan(*plan).find("deploys  1 (1 + 0 dependencies; 1 warm, provisioned only)"), std::string::npos)
      << render_plan(*plan);
}

TEST_F(Planning, EnrolledRecipeNamesItsSpecFile) {
  in.spec_file = "recipes/fixture-web/recipe.yml";
  auto plan = make_plan(in, git, store);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_TRUE(plan->enrolled);
  std::string text = render_plan(*plan);
  EXPECT_NE(text.find("  spec     recipes/fixture-web/recipe.yml\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("not enrolled"), std::string::npos) << text;
  EXPECT_EQ(plan->tiers[4].intent.disposition, Disposition::run) << "an enrolled recipe's custom tier runs";
  EXPECT_TRUE(plan_to_json(*plan).at("enrolled").as_bool());
}

TEST_F(Planning, TheHeadsBackupCoverageWarningsAreShownAndInPlanJson) {
  auto plan = make_plan(in, git, store);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  plan->backup_coverage = coverage_of({{"app", "volume data is excluded"}});
  std::string text = render_plan(*plan);
  EXPECT_NE(text.find("  backup   1 coverage warning\n    ! app: volume data is excluded\n"), std::string::npos)
      << text;
  auto json = plan_to_json(*plan).at("backup_coverage").as_object();
  EXPECT_TRUE(json.at("analysed").as_bool());
  EXPECT_EQ(json.at("warnings").as_array().at(0).as_string(), "app: volume data is excluded");
  plan->backup_coverage = {false, {}, "the head's compose files could not be read: x"};
  EXPECT_NE(render_plan(*plan).find("  backup   not analysed: the head's compose files could not be read: x\n"),
            std::string::npos);
}

TEST_F(Planning, RecipeWithoutASpecIsPlannedWithGenericChecksOnlyAndSaysSo) {
  in.enrolled = false;
  in.spec_file = "recipes/discourse/recipe.yml";
  auto plan = make_plan(in, git, store);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_FALSE(plan->enrolled);
  for (const auto& tier : plan->tiers) {
    if (tier.intent.tier == Tier::custom) continue;
    EXPECT_EQ(tier.intent.disposition, Disposition::run) << to_string(tier.intent.tier);
    EXPECT_FALSE(tier.checks.empty()) << to_string(tier.intent.tier) << " runs its generic checks";
    for (const auto& check : tier.checks) EXPECT_EQ(check.source, CheckSource::generic) << check.name;
  }
  EXPECT_EQ(plan->tiers[4].intent.disposition, Disposition::not_applicable) << "no generic custom check to pass";
  EXPECT_EQ(plan->tiers[4].intent.reason, "not enrolled: custom checks come only from a spec");
  EXPECT_TRUE(plan->tiers[4].checks.empty());
  std::string text = render_plan(*plan);
  EXPECT_NE(text.find("  spec     not enrolled: generic checks only (no recipes/discourse/recipe.yml)\n"),
            std::string::npos)
      << text;
  auto json = plan_to_json(*plan).as_object();
  EXPECT_FALSE(json.at("enrolled").as_bool());
  EXPECT_EQ(json.at("spec_file").as_string(), "recipes/discourse/recipe.yml");
}

}  // namespace
}  // namespace ccci::runner
