#include "runner/promotion.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "unit/fakes/sample_report.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

const std::string head = std::string(40, 'c');
const std::string older = std::string(40, 'a');
const std::string tag_object = std::string(40, 'e');

/// A green run of the default branch whose tip is the release 1.2.0+1.2 (an annotated tag).
RunReport green_default_branch() {
  RunReport report = fakes::green_report();
  report.pr.reset();
  report.run_id = "fixture-web-main-3a9c1e";
  report.head_ref = "refs/heads/main";
  report.head_commit = head;
  return report;
}

PromotionInputs all_stages_tagged_head() {
  PromotionInputs inputs;
  inputs.requested_stages.assign(std::begin(all_tiers), std::end(all_tiers));
  inputs.refs = {{"refs/heads/main", head},
                 {"refs/tags/1.1.0+1.1", older},
                 {"refs/tags/1.2.0+1.2", tag_object},
                 {"refs/tags/1.2.0+1.2^{}", head}};
  return inputs;
}

TEST(Promotion, AGreenDefaultBranchRunOfATaggedHeadPromotesTheTag) {
  Promotion promotion = decide_promotion(green_default_branch(), all_stages_tagged_head());
  EXPECT_TRUE(promotion.promoted) << promotion.reason;
  EXPECT_EQ(promotion.version, "1.2.0+1.2");
  EXPECT_EQ(promotion.reason, "");
  EXPECT_EQ(describe(promotion), "promoted 1.2.0+1.2 to last-green");
}

TEST(Promotion, APublishedTagRunByItsAbbreviatedRefPromotes) {
  RunReport report = green_default_branch();
  report.head_ref = head.substr(0, 10);
  report.head_commit = head.substr(0, 10);
  Promotion promotion = decide_promotion(report, all_stages_tagged_head());
  EXPECT_TRUE(promotion.promoted) << promotion.reason;
  EXPECT_EQ(promotion.version, "1.2.0+1.2");
}

TEST(Promotion, OfSeveralTagsOnTheHeadTheNewestVersionIsRecorded) {
  PromotionInputs inputs = all_stages_tagged_head();
  inputs.refs["refs/tags/1.10.0+1.2"] = head;  // lightweight, and 10 > 2 numerically
  inputs.refs["refs/tags/1.9.0+1.2"] = head;
  EXPECT_EQ(decide_promotion(green_default_branch(), inputs).version, "1.10.0+1.2");
}

TEST(Promotion, AnUntaggedHeadIsNotPromoted) {
  PromotionInputs inputs = all_stages_tagged_head();
  inputs.refs.erase("refs/tags/1.2.0+1.2^{}");  // the annotated tag object's own sha is no commit of ours
  Promotion promotion = decide_promotion(green_default_branch(), inputs);
  EXPECT_FALSE(promotion.promoted);
  EXPECT_EQ(promotion.version, "");
  EXPECT_NE(promotion.reason.find("is not a published tag"), std::string::npos) << promotion.reason;
}

TEST(Promotion, APrRunNeverPromotesEvenWhenItsHeadIsTagged) {
  RunReport report = green_default_branch();
  report.pr = 1;
  Promotion promotion = decide_promotion(report, all_stages_tagged_head());
  EXPECT_FALSE(promotion.promoted);
  EXPECT_EQ(promotion.reason, "a PR run never promotes");
}

TEST(Promotion, AStagesLimitedRunNeverPromotes) {
  PromotionInputs inputs = all_stages_tagged_head();
  inputs.requested_stages = {Tier::install, Tier::upgrade, Tier::backup, Tier::restore};
  Promotion promotion = decide_promotion(green_default_branch(), inputs);
  EXPECT_FALSE(promotion.promoted);
  EXPECT_EQ(promotion.reason, "STAGES=install,upgrade,backup,restore did not request every tier");
}

TEST(Promotion, ARedRunNeverPromotes) {
  RunReport report = green_default_branch();
  report.tiers[3].status = TierStatus::fail;
  report.tiers[3].checks[0].status = CheckStatus::fail;
  Promotion promotion = decide_promotion(report, all_stages_tagged_head());
  EXPECT_FALSE(promotion.promoted);
  EXPECT_EQ(promotion.reason, "the run is red");
}

TEST(Promotion, AnErroredRunNeverPromotes) {
  RunReport report = green_default_branch();
  report.infra_errors = {"docker went away"};
  EXPECT_EQ(decide_promotion(report, all_stages_tagged_head()).reason, "the run is error");
  report = green_default_branch();
  report.tiers[1].status = TierStatus::error;
  EXPECT_FALSE(decide_promotion(report, all_stages_tagged_head()).promoted);
}

TEST(Promotion, AnInterruptedRunNeverPromotes) {
  RunReport report = green_default_branch();
  report.interrupt_signal = SIGTERM;
  Promotion promotion = decide_promotion(report, all_stages_tagged_head());
  EXPECT_FALSE(promotion.promoted);
  EXPECT_EQ(promotion.reason, "the run is interrupted");
}

TEST(Promotion, ARunWhoseTeardownWasNotCleanOrDidNotRunNeverPromotes) {
  RunReport report = green_default_branch();
  report.teardown.clean = false;
  report.teardown.residue = {"volume fixt_data"};
  EXPECT_FALSE(decide_promotion(report, all_stages_tagged_head()).promoted);
  report = green_default_branch();
  report.teardown.ran = false;
  report.teardown.clean = false;
  EXPECT_FALSE(decide_promotion(report, all_stages_tagged_head()).promoted);
}

TEST(Promotion, AnUpgradeSkippedForWantOfAnEarlierBaseStillPromotes) {
  RunReport report = green_default_branch();
  report.base = {BaseSource::skip, "", "", "", "no last-green record and the repo has neither main nor master"};
  report.tiers[1] = {Tier::upgrade, TierStatus::skipped, "no upgrade base: " + report.base.reason, {}, {}};
  Promotion promotion = decide_promotion(report, all_stages_tagged_head());
  EXPECT_TRUE(promotion.promoted) << promotion.reason;
}

TEST(Promotion, AnUpgradeSkippedForAnyOtherReasonBlocks) {
  // The base deployed nothing: the upgrade was skipped although there was a base.
  RunReport report = green_default_branch();
  report.tiers[1] = {Tier::upgrade, TierStatus::skipped, "base 1.1.0+1.1 not deployable", {}, {}};
  Promotion promotion = decide_promotion(report, all_stages_tagged_head());
  EXPECT_FALSE(promotion.promoted);
  EXPECT_EQ(promotion.reason, "upgrade was skipped (base 1.1.0+1.1 not deployable)");
  report.base_not_deployable = "base 1.1.0+1.1 not deployable: image gone";
  EXPECT_EQ(decide_promotion(report, all_stages_tagged_head()).reason, "base 1.1.0+1.1 not deployable: image gone");
}

TEST(Promotion, NotApplicableTiersDoNotBlock) {
  RunReport report = green_default_branch();
  report.tiers[2] = {Tier::backup, TierStatus::not_applicable, "no backupbot labels", {}, {}};
  report.tiers[3] = {Tier::restore, TierStatus::not_applicable, "backup is n/a: no backupbot labels", {}, {}};
  EXPECT_TRUE(decide_promotion(report, all_stages_tagged_head()).promoted);
}

TEST(Promote, WritesTheRecordWithTheTagsFullCommitTheRunAndTheTime) {
  fakes::TempDir dir;
  LastGreenStore store(dir.path());
  RunReport report = green_default_branch();
  report.head_commit = head.substr(0, 12);
  Promotion promotion = promote(report, all_stages_tagged_head(), store, "2026-11-30T21:00:00Z");
  ASSERT_TRUE(promotion.promoted) << promotion.reason;
  auto record = store.read("fixture-web");
  ASSERT_TRUE(record.ok()) << record.error().message;
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->version, "1.2.0+1.2");
  EXPECT_EQ((*record)->commit, head);
  EXPECT_EQ((*record)->run_id, "fixture-web-main-3a9c1e");
  EXPECT_EQ((*record)->recorded_at, "2026-11-30T21:00:00Z");
}

TEST(Promote, WritesNothingWhenNotPromotedAndKeepsTheOldRecord) {
  fakes::TempDir dir;
  LastGreenStore store(dir.path());
  ASSERT_TRUE(store.write("fixture-web", {"1.1.0+1.1", older, "earlier-run", "2026-11-01T00:00:00Z"}).ok());
  RunReport report = green_default_branch();
  report.tiers[4].status = TierStatus::fail;
  EXPECT_FALSE(promote(report, all_stages_tagged_head(), store, "2026-11-30T21:00:00Z").promoted);
  auto record = store.read("fixture-web");
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->version, "1.1.0+1.1");
  EXPECT_EQ((*record)->run_id, "earlier-run");
}

TEST(Promote, ARecordThatCannotBeWrittenIsNotPromotedAndSaysWhy) {
  fakes::TempDir dir;
  dir.write("blocked", "a file where the records directory should be");
  LastGreenStore store(dir.path() / "blocked");
  Promotion promotion = promote(green_default_branch(), all_stages_tagged_head(), store, "2026-11-30T21:00:00Z");
  EXPECT_FALSE(promotion.promoted);
  EXPECT_EQ(promotion.reason.find("the record could not be written: "), 0u) << promotion.reason;
}

}  // namespace
}  // namespace ccci::runner
