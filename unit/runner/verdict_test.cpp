#include "runner/verdict.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace ccci::runner {
namespace {

RunReport all_pass() {
  RunReport report;
  for (Tier tier : all_tiers) {
    report.tiers.push_back(
        {tier, TierStatus::pass, {}, {{"ok", CheckSource::generic, CheckStatus::pass, {}, {}, {}}}, {}});
  }
  // The recipe's own functional proof.
  report.tiers.back().checks.push_back({"roundtrip", CheckSource::overlay, CheckStatus::pass, {}, {}, {}});
  report.teardown = {true, true, {}, {}, {}};
  report.deploy_count = 1;
  return report;
}

TierOutcome& tier(RunReport& report, Tier which) { return report.tiers[static_cast<size_t>(which)]; }

TEST(Level, EverythingPassingWithLintCleanIsFive) {
  auto report = all_pass();
  report.lint_clean = true;
  EXPECT_EQ(compute_level(report), 5);
  EXPECT_EQ(compute_verdict(report), Verdict::green);
  EXPECT_EQ(exit_code_for(report), 0);
}

TEST(Level, LintNotRunOrNotCleanStopsAtFourAndStaysGreen) {
  auto report = all_pass();
  EXPECT_EQ(compute_level(report), 4);
  report.lint_clean = false;
  EXPECT_EQ(compute_level(report), 4);
  EXPECT_EQ(compute_verdict(report), Verdict::green);  // lint is a rung, never a gate
}

TEST(Level, ACustomTierWithNoCheckOfTheRecipesOwnStopsAtThreeSayingWhy) {
  auto report = all_pass();
  tier(report, Tier::custom).checks = {{"ok", CheckSource::generic, CheckStatus::pass, {}, {}, {}}};
  Level level = assess_level(report);
  EXPECT_EQ(level.value, 3);
  EXPECT_NE(level.stopped_by.find("custom: no check of the recipe's own"), std::string::npos) << level.stopped_by;
  EXPECT_EQ(compute_verdict(report), Verdict::green);  // the level says it, the verdict stays green
}

TEST(Level, ANotApplicableCustomTierIsNoFunctionalProofEither) {
  auto report = all_pass();
  tier(report, Tier::custom) = {Tier::custom, TierStatus::not_applicable, "not enrolled", {}, {}};
  Level level = assess_level(report);
  EXPECT_EQ(level.value, 3);
  EXPECT_NE(level.stopped_by.find("n/a: not enrolled"), std::string::npos) << level.stopped_by;
}

TEST(Level, ARepoLocalCheckCountsAsTheRecipesOwn) {
  auto report = all_pass();
  tier(report, Tier::custom).checks = {{"flow", CheckSource::repo_local, CheckStatus::pass, {}, {}, {}}};
  EXPECT_EQ(compute_level(report), 4);
}

TEST(Level, SaysWhichRungStoppedIt) {
  auto report = all_pass();
  EXPECT_EQ(assess_level(report).stopped_by, "lint not run");
  report.lint_clean = true;
  EXPECT_EQ(assess_level(report).stopped_by, "");
  tier(report, Tier::upgrade) = {Tier::upgrade, TierStatus::skipped, "no upgrade base", {}, {}};
  EXPECT_EQ(assess_level(report).stopped_by, "upgrade skipped: no upgrade base");
}

TEST(Level, SkippedUpgradeStopsAtOne) {
  auto report = all_pass();
  tier(report, Tier::upgrade) = {Tier::upgrade, TierStatus::skipped, "no upgrade base", {}, {}};
  EXPECT_EQ(compute_level(report), 1);
  EXPECT_EQ(compute_verdict(report), Verdict::green);
}

TEST(Level, NotApplicableBackupAndRestoreArePassedOver) {
  auto report = all_pass();
  tier(report, Tier::backup) = {Tier::backup, TierStatus::not_applicable, "no backupbot labels", {}, {}};
  tier(report, Tier::restore) = {Tier::restore, TierStatus::not_applicable, "backup is n/a", {}, {}};
  EXPECT_EQ(compute_level(report), 4);
}

TEST(Level, FailedRestoreStopsAtTwoAndIsRed) {
  auto report = all_pass();
  tier(report, Tier::restore).status = TierStatus::fail;
  tier(report, Tier::restore).checks[0].status = CheckStatus::fail;
  tier(report, Tier::custom).status = TierStatus::skipped;
  EXPECT_EQ(compute_level(report), 2);
  EXPECT_EQ(compute_verdict(report), Verdict::red);
  EXPECT_EQ(exit_code_for(report), 1);
}

TEST(Level, FailedInstallIsZero) {
  auto report = all_pass();
  tier(report, Tier::install).status = TierStatus::fail;
  EXPECT_EQ(compute_level(report), 0);
}

TEST(Verdict, AnErroredCheckMakesTheRunErrorWithoutLoweringTheLevelBelowWhatPassed) {
  auto report = all_pass();
  tier(report, Tier::custom).status = TierStatus::error;
  tier(report, Tier::custom).checks[0].status = CheckStatus::error;
  EXPECT_EQ(compute_level(report), 3);
  EXPECT_EQ(compute_verdict(report), Verdict::error);
  EXPECT_EQ(exit_code_for(report), 3);
}

TEST(Verdict, ErrorWinsOverFailure) {
  auto report = all_pass();
  tier(report, Tier::install).checks[0].status = CheckStatus::fail;
  report.infra_errors.push_back("docker daemon gone");
  EXPECT_EQ(compute_verdict(report), Verdict::error);
}

TEST(Verdict, ResidueAfterAGreenRunIsAnError) {
  auto report = all_pass();
  report.teardown = {true, false, {"volume x_data"}, "left resources", {}};
  EXPECT_EQ(compute_verdict(report), Verdict::error);
  EXPECT_EQ(exit_code_for(report), 3);
}

TEST(Verdict, DeployCountMismatchReportedAsInfraErrorIsAnError) {
  auto report = all_pass();
  report.infra_errors.push_back("deploy count 2 != expected 1");
  EXPECT_EQ(compute_verdict(report), Verdict::error);
}

TEST(Verdict, InterruptMapsTo130And143) {
  auto report = all_pass();
  report.interrupt_signal = SIGINT;
  EXPECT_EQ(compute_verdict(report), Verdict::interrupted);
  EXPECT_EQ(exit_code_for(report), 130);
  report.interrupt_signal = SIGTERM;
  EXPECT_EQ(exit_code_for(report), 143);
}

}  // namespace
}  // namespace ccci::runner
