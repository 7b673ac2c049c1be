#include "runner/tier_machine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>

#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_operations.hpp"

namespace ccci::runner {
namespace {

using fakes::FakeOperations;
using harness::ErrorKind;
using harness::make_error;

MachineInputs all_tiers_run(bool deps = false) {
  MachineInputs inputs;
  for (Tier tier : all_tiers) inputs.tiers.push_back({tier, Disposition::run, {}});
  inputs.has_dependencies = deps;
  inputs.expected_deploy_count = deps ? 2 : 1;
  return inputs;
}

struct Machine {
  FakeOperations ops;
  std::unique_ptr<harness::Clock> clock = harness::make_system_clock();
  MachineResult run(const MachineInputs& inputs) {
    TierMachine machine(ops, *clock, ops.interrupt_source());
    return machine.run(inputs);
  }
};

std::vector<TierStatus> statuses(const MachineResult& result) {
  std::vector<TierStatus> out;
  for (const auto& tier : result.tiers) out.push_back(tier.status);
  return out;
}

TEST(TierMachine, RunsEveryOperationOnceInOrderAndTearsDown) {
  Machine m;
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(m.ops.calls,
            (std::vector<std::string>{"install", "checks:install", "seed:pre_upgrade", "upgrade", "checks:upgrade",
                                      "seed:pre_backup", "backup", "checks:backup", "seed:pre_restore", "restore",
                                      "checks:restore", "checks:custom", "teardown"}));
  EXPECT_EQ(statuses(result), std::vector<TierStatus>(5, TierStatus::pass));
  EXPECT_EQ(result.deploy_count, 1);
  EXPECT_TRUE(result.infra_errors.empty());
  EXPECT_TRUE(result.teardown.clean);
}

TEST(TierMachine, TellsItsObserverEveryTierInOrderAsItHappens) {
  FakeOperations ops;
  ops.answers["upgrade"] = make_error(ErrorKind::check_failed, "head image missing");
  auto clock = harness::make_system_clock();
  std::vector<std::string> events;
  MachineObserver observer;
  observer.tier_started = [&](Tier tier) { events.push_back("start " + std::string(to_string(tier))); };
  observer.tier_finished = [&](const TierOutcome& tier) {
    events.push_back(std::string(to_string(tier.tier)) + " " + std::string(to_string(tier.status)));
  };
  observer.teardown_started = [&] { events.push_back("teardown"); };
  observer.teardown_finished = [&](const TeardownOutcome& teardown) {
    events.push_back(teardown.clean ? "clean" : "residue");
  };
  TierMachine machine(ops, *clock, ops.interrupt_source(), observer);
  machine.run(all_tiers_run());
  EXPECT_EQ(events,
            (std::vector<std::string>{"start install", "install pass", "start upgrade", "upgrade fail",
                                      "backup skipped", "restore skipped", "custom skipped", "teardown", "clean"}));
}

TEST(TierMachine, ARedRunCollectsEvidenceRightBeforeTeardown) {
  for (auto kind : {ErrorKind::check_failed, ErrorKind::infra}) {
    Machine m;
    m.ops.answers["restore"] = make_error(kind, "restore broke");
    auto result = m.run(all_tiers_run());
    ASSERT_GE(m.ops.calls.size(), 2u);
    EXPECT_EQ(m.ops.calls[m.ops.calls.size() - 2], "evidence");
    EXPECT_EQ(m.ops.calls.back(), "teardown");
    EXPECT_TRUE(result.evidence.collected);
    EXPECT_EQ(result.evidence.files, std::vector<std::string>{"evidence/tasks.txt"});
  }
}

TEST(TierMachine, AFailingCheckIsEnoughForEvidence) {
  Machine m;
  m.ops.checks[Tier::custom] = {CheckOutcome{"roundtrip", CheckSource::overlay, CheckStatus::fail, "lost", {}, {}}};
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(std::count(m.ops.calls.begin(), m.ops.calls.end(), "evidence"), 1);
  EXPECT_TRUE(result.evidence.collected);
}

TEST(TierMachine, GreenAndInterruptedRunsCollectNoEvidence) {
  Machine green;
  EXPECT_FALSE(green.run(all_tiers_run()).evidence.collected);
  EXPECT_EQ(std::count(green.ops.calls.begin(), green.ops.calls.end(), "evidence"), 0);

  Machine interrupted;
  interrupted.ops.answers["upgrade"] = make_error(ErrorKind::infra, "killed");
  interrupted.ops.interrupt_at = "upgrade";
  interrupted.ops.interrupt_signal = SIGTERM;
  auto result = interrupted.run(all_tiers_run());
  EXPECT_FALSE(result.evidence.collected) << "an interrupt wants the teardown now";
  EXPECT_EQ(std::count(interrupted.ops.calls.begin(), interrupted.ops.calls.end(), "evidence"), 0);
  EXPECT_EQ(interrupted.ops.calls.back(), "teardown");
}

TEST(TierMachine, EvidenceThatThrowsIsANoteAndTeardownStillRuns) {
  Machine m;
  m.ops.answers["backup"] = make_error(ErrorKind::check_failed, "no snapshot");
  m.ops.throw_at = "evidence";
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(m.ops.calls.back(), "teardown");
  EXPECT_TRUE(result.evidence.collected);
  ASSERT_EQ(result.evidence.notes.size(), 1u);
  EXPECT_NE(result.evidence.notes[0].find("evidence collection threw"), std::string::npos);
  EXPECT_TRUE(result.infra_errors.empty()) << "missing evidence does not change the verdict";
}

TEST(TierMachine, DeploysDependenciesBeforeInstall) {
  Machine m;
  auto result = m.run(all_tiers_run(true));
  EXPECT_EQ(m.ops.calls[0], "deps");
  EXPECT_EQ(m.ops.calls[1], "install");
  EXPECT_EQ(result.deploy_count, 2);
  EXPECT_TRUE(result.infra_errors.empty());
}

TEST(TierMachine, DependencyNeverReadyFailsInstallAndSkipsTheRest) {
  Machine m;
  m.ops.answers["deps"] = make_error(ErrorKind::check_failed, "dependency keycloak never became ready");
  auto result = m.run(all_tiers_run(true));
  EXPECT_EQ(result.tiers[0].status, TierStatus::fail);
  EXPECT_EQ(result.tiers[0].reason, "dependency keycloak never became ready");
  for (int i = 1; i < 5; ++i) {
    EXPECT_EQ(result.tiers[i].status, TierStatus::skipped);
    EXPECT_EQ(result.tiers[i].reason, "install failed");
  }
  EXPECT_EQ(m.ops.calls.back(), "teardown");
}

// A failure injected at every step: that tier fails, later ones are skipped, teardown still runs.
TEST(TierMachine, FailureAtEveryStepSkipsLaterTiersAndStillTearsDown) {
  const std::vector<std::pair<std::string, int>> steps = {
      {"install", 0}, {"seed:pre_upgrade", 1}, {"upgrade", 1}, {"seed:pre_backup", 2},
      {"backup", 2},  {"seed:pre_restore", 3}, {"restore", 3}};
  for (const auto& [step, failing_tier] : steps) {
    Machine m;
    m.ops.answers[step] = make_error(ErrorKind::check_failed, step + " broke");
    auto result = m.run(all_tiers_run());
    SCOPED_TRACE(step);
    EXPECT_EQ(result.tiers[failing_tier].status, TierStatus::fail);
    EXPECT_EQ(result.tiers[failing_tier].reason, step + " broke");
    for (int i = 0; i < failing_tier; ++i) EXPECT_EQ(result.tiers[i].status, TierStatus::pass);
    for (int i = failing_tier + 1; i < 5; ++i) {
      EXPECT_EQ(result.tiers[i].status, TierStatus::skipped);
      EXPECT_EQ(result.tiers[i].reason, std::string(to_string(all_tiers[failing_tier])) + " failed");
    }
    EXPECT_EQ(m.ops.calls.back(), "teardown");
    EXPECT_EQ(std::count(m.ops.calls.begin(), m.ops.calls.end(), "teardown"), 1);
  }
}

TEST(TierMachine, InfrastructureErrorMakesTheTierErrorNotFail) {
  Machine m;
  m.ops.answers["backup"] = make_error(ErrorKind::infra, "docker daemon not reachable");
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(result.tiers[2].status, TierStatus::error);
  EXPECT_EQ(result.tiers[3].reason, "backup errored");
}

TEST(TierMachine, FailingCheckFailsTheTierAndErroringCheckWins) {
  Machine m;
  m.ops.checks[Tier::upgrade] = {
      {"data_survived", CheckSource::overlay, CheckStatus::fail, "marker missing after upgrade", {}, {}},
      {"head_deployed", CheckSource::generic, CheckStatus::error, "docker inspect timed out", {}, {}}};
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(result.tiers[1].status, TierStatus::error);
  EXPECT_EQ(result.tiers[1].reason, "check head_deployed errored: docker inspect timed out");
  EXPECT_EQ(result.tiers[1].checks.size(), 2u);
}

TEST(TierMachine, NotApplicableAndSkippedTiersDoNotStopLaterTiers) {
  Machine m;
  auto inputs = all_tiers_run();
  inputs.tiers[1] = {Tier::upgrade, Disposition::skip, "no upgrade base: the repo has neither main nor master"};
  inputs.tiers[2] = {Tier::backup, Disposition::not_applicable, "recipe has no backupbot labels"};
  inputs.tiers[3] = {Tier::restore, Disposition::not_applicable, "recipe has no backupbot labels"};
  auto result = m.run(inputs);
  EXPECT_EQ(statuses(result),
            (std::vector<TierStatus>{TierStatus::pass, TierStatus::skipped, TierStatus::not_applicable,
                                     TierStatus::not_applicable, TierStatus::pass}));
  EXPECT_EQ(result.tiers[1].reason, "no upgrade base: the repo has neither main nor master");
  EXPECT_EQ(result.tiers[2].reason, "recipe has no backupbot labels");
  EXPECT_EQ(std::count(m.ops.calls.begin(), m.ops.calls.end(), "upgrade"), 0);
}

TEST(TierMachine, ResidueAfterTeardownIsAnInfrastructureError) {
  Machine m;
  m.ops.teardown_answer =
      TeardownOutcome{true, false, {"volume fixt-1a2b3c_ccci_test_data"}, "teardown left resources", {}};
  auto result = m.run(all_tiers_run());
  ASSERT_EQ(result.infra_errors.size(), 1u);
  EXPECT_NE(result.infra_errors[0].find("volume fixt-1a2b3c_ccci_test_data"), std::string::npos);
}

TEST(TierMachine, DeployCountAboveExpectedIsAnInfrastructureError) {
  Machine m;
  m.ops.extra_deploys_on_upgrade = 1;  // the upgrade reinstalled instead of redeploying in place
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(result.deploy_count, 2);
  ASSERT_EQ(result.infra_errors.size(), 1u);
  EXPECT_NE(result.infra_errors[0].find("deploy count 2 != expected 1"), std::string::npos);
}

TEST(TierMachine, DeployCountBelowExpectedAfterAPassingInstallIsAnInfrastructureError) {
  Machine m;
  auto inputs = all_tiers_run();
  inputs.expected_deploy_count = 2;  // the plan promised a dependency that install never deployed
  auto result = m.run(inputs);
  ASSERT_EQ(result.infra_errors.size(), 1u);
  EXPECT_NE(result.infra_errors[0].find("deploy count 1 != expected 2"), std::string::npos);
}

TEST(TierMachine, FailedInstallBeforeItsDeployIsNotADeployCountError) {
  Machine m;
  m.ops.answers["install"] = make_error(ErrorKind::check_failed, "image ccci/x:9 does not exist");
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(result.deploy_count, 0);
  EXPECT_TRUE(result.infra_errors.empty());
}

TEST(TierMachine, ABaseThatCouldNotBeDeployedIsAnUpgradeErrorAndTheOtherTiersStillJudgeTheHead) {
  Machine m;
  m.ops.base_failure = "base 1.0.0+1.0 not deployable: FATA lint error R014";
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(m.ops.calls, (std::vector<std::string>{"install", "checks:install", "seed:pre_upgrade", "seed:pre_backup",
                                                   "backup", "checks:backup", "seed:pre_restore", "restore",
                                                   "checks:restore", "checks:custom", "evidence", "teardown"}))
      << "no upgrade; its seeds are written before the backup's";
  EXPECT_EQ(statuses(result), (std::vector<TierStatus>{TierStatus::pass, TierStatus::error, TierStatus::pass,
                                                       TierStatus::pass, TierStatus::pass}))
      << "the PR did not break the base: infrastructure-class, not a failure, and no stop";
  EXPECT_EQ(result.tiers[1].reason, "base 1.0.0+1.0 not deployable: FATA lint error R014");
  EXPECT_EQ(result.tiers[0].reason,
            "base 1.0.0+1.0 not deployable: FATA lint error R014; the head was installed (chaos) instead");
  ASSERT_TRUE(result.base);
  EXPECT_EQ(result.base->not_deployable, "base 1.0.0+1.0 not deployable: FATA lint error R014");
  EXPECT_EQ(result.deploy_count, 2);
  EXPECT_TRUE(result.infra_errors.empty()) << "the base's deploy is one expected deployment more: "
                                           << (result.infra_errors.empty() ? "" : result.infra_errors.front());
}

TEST(TierMachine, WithoutAnUpgradeItsSeedsAreWrittenBeforeTheBackupsAndAFailingOneFailsTheBackup) {
  Machine m;
  auto inputs = all_tiers_run();
  inputs.tiers[1] = {Tier::upgrade, Disposition::skip, "not in STAGES"};
  m.run(inputs);
  EXPECT_EQ(m.ops.calls, (std::vector<std::string>{"install", "checks:install", "seed:pre_upgrade", "seed:pre_backup",
                                                   "backup", "checks:backup", "seed:pre_restore", "restore",
                                                   "checks:restore", "checks:custom", "teardown"}));

  Machine failing;
  failing.ops.answers["seed:pre_upgrade"] = make_error(ErrorKind::check_failed, "PUT /marker answered 500");
  auto result = failing.run(inputs);
  EXPECT_EQ(result.tiers[2].status, TierStatus::fail);
  EXPECT_EQ(result.tiers[2].reason, "PUT /marker answered 500");
  EXPECT_EQ(std::count(failing.ops.calls.begin(), failing.ops.calls.end(), "seed:pre_upgrade"), 1);
}

TEST(TierMachine, WithAnUpgradeItsSeedsAreWrittenOnceBeforeIt) {
  Machine m;
  m.run(all_tiers_run());
  EXPECT_EQ(std::count(m.ops.calls.begin(), m.ops.calls.end(), "seed:pre_upgrade"), 1);
  EXPECT_EQ(m.ops.calls[2], "seed:pre_upgrade");
  EXPECT_EQ(m.ops.calls[3], "upgrade");
}

TEST(TierMachine, WhenInstallFoundNoBaseTheUpgradeIsSkippedWithWhyAndTheRestRuns) {
  Machine m;
  m.ops.base_used = {BaseSource::skip, "", "", "", "main@da4fa07699b4 has no compose.yml: nothing to upgrade from"};
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(statuses(result), (std::vector<TierStatus>{TierStatus::pass, TierStatus::skipped, TierStatus::pass,
                                                       TierStatus::pass, TierStatus::pass}));
  EXPECT_EQ(result.tiers[1].reason, "no upgrade base: main@da4fa07699b4 has no compose.yml: nothing to upgrade from");
  EXPECT_EQ(std::count(m.ops.calls.begin(), m.ops.calls.end(), "upgrade"), 0);
  EXPECT_TRUE(result.infra_errors.empty());
}

TEST(TierMachine, AHeadThatFailsAfterAnUndeployableBaseFailsTheInstallNamingBoth) {
  Machine m;
  m.ops.base_failure = "base 1.0.0+1.0 not deployable: FATA lint error R014";
  m.ops.answers["install"] = make_error(ErrorKind::check_failed, "image missing");
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(result.tiers[0].status, TierStatus::fail);
  EXPECT_EQ(result.tiers[0].reason,
            "base 1.0.0+1.0 not deployable: FATA lint error R014; the head, installed instead: image missing");
  EXPECT_EQ(result.tiers[1].status, TierStatus::skipped);
  EXPECT_EQ(result.tiers[1].reason, "install failed");
}

TEST(TierMachine, WithoutAnUndeployableBaseASecondDeploymentIsStillAnError) {
  Machine m;
  m.ops.extra_deploys_on_upgrade = 1;
  auto result = m.run(all_tiers_run());
  ASSERT_EQ(result.infra_errors.size(), 1u) << "without a failed base, a second deployment is a reinstall";
  ASSERT_TRUE(result.base);
  EXPECT_TRUE(result.base->not_deployable.empty());
}

TEST(TierMachine, ExceptionInAStepStillTearsDownAndIsReported) {
  Machine m;
  m.ops.throw_at = "backup";
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(m.ops.calls.back(), "teardown");
  ASSERT_EQ(result.tiers.size(), 5u);
  EXPECT_EQ(result.tiers[2].status, TierStatus::skipped);
  ASSERT_FALSE(result.infra_errors.empty());
  EXPECT_NE(result.infra_errors[0].find("boom in backup"), std::string::npos);
}

TEST(TierMachine, TeardownThatThrowsIsAnUncleanTeardown) {
  Machine m;
  m.ops.throw_at = "teardown";
  auto result = m.run(all_tiers_run());
  EXPECT_FALSE(result.teardown.clean);
  ASSERT_FALSE(result.infra_errors.empty());
  EXPECT_NE(result.infra_errors[0].find("teardown threw"), std::string::npos);
}

TEST(TierMachine, InterruptStopsAfterTheCurrentStepAndTearsDown) {
  Machine m;
  m.ops.interrupt_at = "upgrade";
  m.ops.interrupt_signal = SIGTERM;
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(result.interrupt_signal, SIGTERM);
  EXPECT_EQ(result.tiers[2].status, TierStatus::skipped);
  EXPECT_EQ(result.tiers[2].reason, "interrupted by SIGTERM");
  EXPECT_EQ(std::count(m.ops.calls.begin(), m.ops.calls.end(), "backup"), 0);
  EXPECT_EQ(m.ops.calls.back(), "teardown");
}

TEST(TierMachine, InterruptedStepReportsInterruptedNotError) {
  Machine m;
  m.ops.answers["install"] = make_error(ErrorKind::interrupted, "interrupted while deploying");
  m.ops.interrupt_at = "install";
  m.ops.interrupt_signal = SIGINT;
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(result.interrupt_signal, SIGINT);
  EXPECT_EQ(result.tiers[1].reason, "interrupted by SIGINT");
  EXPECT_EQ(m.ops.calls.back(), "teardown");
}

/// "install@install 12s": an operation as the tests compare them.
std::vector<std::string> timings(const MachineResult& result) {
  std::vector<std::string> out;
  for (const auto& op : result.operations) {
    out.push_back(op.name + "@" + (op.tier ? std::string(to_string(*op.tier)) : "-") + " " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(op.duration).count()) + "s");
  }
  return out;
}

/// Each step of FakeOperations takes as many seconds of a FakeClock as scripted.
struct TimedMachine {
  FakeOperations ops;
  fakes::FakeClock clock;
  std::map<std::string, int> seconds_per_step{
      {"deps", 30},  {"install", 12},         {"seed:pre_upgrade", 1}, {"upgrade", 20}, {"seed:pre_backup", 2},
      {"backup", 9}, {"seed:pre_restore", 3}, {"restore", 8},          {"evidence", 4}, {"teardown", 6}};
  MachineResult run(const MachineInputs& inputs) {
    ops.during = [this](const std::string& name) {
      auto scripted = seconds_per_step.find(name);
      clock.advance(std::chrono::seconds(scripted == seconds_per_step.end() ? 0 : scripted->second));
    };
    TierMachine machine(ops, clock, ops.interrupt_source());
    return machine.run(inputs);
  }
};

TEST(TierMachine, TimesEveryOperationItAsksForInOrderWithItsTier) {
  TimedMachine m;
  m.seconds_per_step["checks:upgrade"] = 5;
  auto result = m.run(all_tiers_run(true));
  EXPECT_EQ(timings(result),
            (std::vector<std::string>{"deploy_dependencies@install 30s", "install@install 12s", "checks@install 0s",
                                      "seed_pre_upgrade@upgrade 1s", "upgrade@upgrade 20s", "checks@upgrade 5s",
                                      "seed_pre_backup@backup 2s", "backup@backup 9s", "checks@backup 0s",
                                      "seed_pre_restore@restore 3s", "restore@restore 8s", "checks@restore 0s",
                                      "checks@custom 0s", "teardown@- 6s"}));
  std::chrono::milliseconds sum{0};
  for (const auto& op : result.operations) sum += op.duration;
  EXPECT_EQ(sum, m.clock.elapsed());  // nothing the machine waited on is left out
}

TEST(TierMachine, ARedRunTimesTheFailedOperationItsEvidenceAndTeardownAndNothingSkipped) {
  TimedMachine m;
  m.ops.answers["upgrade"] = make_error(ErrorKind::check_failed, "head image missing");
  auto result = m.run(all_tiers_run());
  EXPECT_EQ(timings(result),
            (std::vector<std::string>{"install@install 12s", "checks@install 0s", "seed_pre_upgrade@upgrade 1s",
                                      "upgrade@upgrade 20s", "evidence@- 4s", "teardown@- 6s"}));
}

TEST(TierMachine, AnOperationThatThrowsIsStillTimed) {
  TimedMachine m;
  m.ops.throw_at = "backup";
  auto result = m.run(all_tiers_run());
  ASSERT_GE(result.operations.size(), 3u);
  const auto& backup = result.operations[result.operations.size() - 2];
  EXPECT_EQ(backup.name, "backup");
  EXPECT_EQ(backup.duration, std::chrono::seconds(9));
  EXPECT_EQ(result.operations.back().name, "teardown");
}

TEST(TierMachine, ASecondRunOfTheMachineStartsAFreshListOfOperations) {
  TimedMachine m;
  auto first = m.run(all_tiers_run());
  auto second = m.run(all_tiers_run());
  EXPECT_EQ(timings(first), timings(second));
}

MachineInputs keeping_on_failure(int& kept_calls) {
  MachineInputs inputs = all_tiers_run();
  inputs.keep_on_failure = [&kept_calls] {
    ++kept_calls;
    return harness::ok_status();
  };
  return inputs;
}

TEST(TierMachine, ARedRunAskedToKeepItsDeploymentRecordsItKeepsItAndStaysRed) {
  for (auto kind : {ErrorKind::check_failed, ErrorKind::infra}) {
    Machine m;
    m.ops.answers["backup"] = make_error(kind, "backup broke");
    int kept_calls = 0;
    auto result = m.run(keeping_on_failure(kept_calls));
    EXPECT_EQ(kept_calls, 1);
    EXPECT_EQ(std::count(m.ops.calls.begin(), m.ops.calls.end(), "teardown"), 0) << "nothing removed";
    EXPECT_EQ(m.ops.calls.back(), "evidence") << "the evidence is still collected";
    EXPECT_TRUE(result.teardown.kept);
    EXPECT_FALSE(result.teardown.ran);
    EXPECT_NE(result.teardown.message.find("kept for debugging"), std::string::npos) << result.teardown.message;
    EXPECT_TRUE(result.infra_errors.empty()) << "a kept deployment is no residue";
    EXPECT_EQ(result.tiers[2].status, kind == ErrorKind::check_failed ? TierStatus::fail : TierStatus::error);
  }
}

TEST(TierMachine, AGreenRunIsTornDownEvenWhenAskedToKeepOnFailure) {
  Machine m;
  int kept_calls = 0;
  auto result = m.run(keeping_on_failure(kept_calls));
  EXPECT_EQ(kept_calls, 0);
  EXPECT_EQ(m.ops.calls.back(), "teardown");
  EXPECT_FALSE(result.teardown.kept);
  EXPECT_TRUE(result.teardown.clean);
}

TEST(TierMachine, AnInterruptedRedRunIsTornDownEvenWhenAskedToKeepOnFailure) {
  Machine m;
  m.ops.answers["upgrade"] = make_error(ErrorKind::check_failed, "upgrade broke");
  m.ops.interrupt_at = "upgrade";
  m.ops.interrupt_signal = SIGINT;
  int kept_calls = 0;
  auto result = m.run(keeping_on_failure(kept_calls));
  EXPECT_EQ(kept_calls, 0);
  EXPECT_EQ(m.ops.calls.back(), "teardown");
  EXPECT_FALSE(result.teardown.kept);
  EXPECT_EQ(result.interrupt_signal, SIGINT);
}

TEST(TierMachine, AKeepThatCannotBeRecordedTearsDownAndSaysWhy) {
  Machine m;
  m.ops.answers["restore"] = make_error(ErrorKind::check_failed, "restore broke");
  MachineInputs inputs = all_tiers_run();
  inputs.keep_on_failure = [] { return harness::Status(make_error(ErrorKind::infra, "journal: disk full")); };
  auto result = m.run(inputs);
  EXPECT_EQ(m.ops.calls.back(), "teardown") << "unrecorded, the reaper would not know to wait: remove it now";
  EXPECT_FALSE(result.teardown.kept);
  EXPECT_TRUE(result.teardown.clean);
  EXPECT_NE(result.teardown.message.find("not kept for debugging (journal: disk full)"), std::string::npos)
      << result.teardown.message;
}

}  // namespace
}  // namespace ccci::runner
