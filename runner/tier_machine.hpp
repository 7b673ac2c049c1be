#pragma once
/// TierMachine: runs install → upgrade → backup → restore → custom on one deployment, each
/// operation once, and always tears down.
///
/// Rules: a tier that fails or errors makes every later tier `skipped` with the reason; when the
/// install could not deploy the upgrade base and installed the head instead, the upgrade tier is an
/// `error` saying why (the PR did not break the base: infrastructure-class) and later tiers still
/// run; when install found no base at all the upgrade is `skipped` with why. Each base deploy that
/// install removed again counts as one deployment more; a tier
/// the spec marks not-applicable is `n/a` with the spec's reason; a tier the plan skips (not in
/// STAGES, no upgrade base) is `skipped` with the plan's reason and does not stop later tiers.
/// The pre_upgrade seeds run before the upgrade; when no upgrade runs, before the backup's own.
/// Before teardown of a run with a failed or errored tier (and no interrupt), the evidence is
/// collected. With `keep_on_failure` set, such a run (red, not interrupted) is not torn down: the
/// hook records that its deployment is kept and the teardown outcome says `kept`; the verdict does
/// not change, and when the hook fails the run is torn down as usual. A green or interrupted run is
/// always torn down.
/// Teardown runs after failures, errors, exceptions and interrupts; a residue, a teardown that
/// could not verify, or a deploy count other than the expected one is a run-level infrastructure
/// error. The machine owns no resources: Operations does the work, the machine decides the order
/// and the verdict of each tier.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/clock.hpp"
#include "runner/operations.hpp"
#include "runner/outcome.hpp"

namespace ccci::runner {

enum class Disposition { run, not_applicable, skip };

/// What the plan says about one tier.
struct TierIntent {
  Tier tier = Tier::install;
  Disposition disposition = Disposition::run;
  std::string reason;  ///< for not_applicable and skip
};

struct MachineInputs {
  std::vector<TierIntent> tiers;  ///< the five tiers in order
  bool has_dependencies = false;
  int expected_deploy_count = 1;
  /// Set for --keep-on-failure: records that a red run's deployment is kept (its journal entry,
  /// which the reaper honours until the run's expiry). Empty: every run is torn down.
  std::function<harness::Status()> keep_on_failure;
};

/// The results of one pass of the machine; merged into the RunReport by the caller.
struct MachineResult {
  std::vector<TierOutcome> tiers;
  TeardownOutcome teardown;
  Evidence evidence;
  std::vector<OperationTiming> operations;  ///< each operation asked of Operations, timed, in order
  int deploy_count = 0;
  std::vector<std::string> infra_errors;
  int interrupt_signal = 0;
  std::optional<BaseOutcome> base;  ///< Operations::base_outcome once install ran
};

/// Told as the machine moves on, for live progress; any member may be left empty. Every tier
/// is reported finished exactly once, in order, including skipped and n/a ones (never started).
struct MachineObserver {
  std::function<void(Tier)> tier_started;
  std::function<void(const TierOutcome&)> tier_finished;
  std::function<void(const Evidence&)> evidence_collected;
  std::function<void()> teardown_started;
  std::function<void(const TeardownOutcome&)> teardown_finished;
};

class TierMachine {
 public:
  /// `pending_interrupt` returns 0, or the signal (SIGINT/SIGTERM) that asked the run to stop.
  TierMachine(Operations& ops, harness::Clock& clock, std::function<int()> pending_interrupt,
              MachineObserver observer = {});

  MachineResult run(const MachineInputs& inputs);

 private:
  /// Each tier in order, run or passed over, each reported finished exactly once.
  void run_tiers(const MachineInputs& inputs, MachineResult& result);
  TierOutcome run_tier(const TierIntent& intent, bool has_dependencies);
  harness::Status perform(Tier tier, bool has_dependencies);
  harness::Status seed(SeedOp op, Tier tier);
  harness::Status seed_pre_upgrade(Tier tier);
  /// Runs `step` and records its wall time as `name` (for `tier`), also when it throws.
  template <typename Step>
  auto timed(std::string name, std::optional<Tier> tier, Step&& step) -> decltype(step());
  void finish(MachineResult& result, TierOutcome outcome);
  void collect_evidence(MachineResult& result);
  /// Always runs; a teardown that is not clean is a run-level infrastructure error.
  void tear_down(MachineResult& result);
  /// --keep-on-failure: leaves the deployment up once `keep` has recorded it; tears down when it
  /// could not.
  void keep_or_tear_down(const std::function<harness::Status()>& keep, MachineResult& result);

  Operations& ops_;
  harness::Clock& clock_;
  std::function<int()> pending_interrupt_;
  MachineObserver observer_;
  std::vector<OperationTiming> operations_;  ///< of the current run
  bool pre_upgrade_seeded_ =
      false;  ///< the pre_upgrade seeds ran (before the upgrade, or before the backup without one)
};

}  // namespace ccci::runner
