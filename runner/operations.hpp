#pragma once
/// Operations: everything the tier state machine asks of the outside world, one call per step of
/// a run (DESIGN.md "One run, in order"). The real implementation deploys through abra and docker;
/// unit tests script a fake. A step's Error kind says who is to blame: check_failed makes the tier
/// `fail` (the recipe is wrong), every other kind makes it `error` (the harness or infrastructure is
/// wrong), and interrupted stops the run.
#include <optional>
#include <string>
#include <vector>

#include "harness/result.hpp"
#include "runner/outcome.hpp"
#include "runner/upgrade_base.hpp"

namespace ccci::runner {

enum class SeedOp { pre_upgrade, pre_backup, pre_restore };
std::string_view to_string(SeedOp op);

/// What install made of the plan's upgrade base.
struct BaseOutcome {
  /// The base the run used: the plan's, or the one install fell through to (a last-green version
  /// that no longer deploys falls back to the target-branch tip; a tip without a compose.yml,
  /// a recipe with nothing published yet, is no base at all).
  UpgradeBase base;
  /// "base <version> not deployable: <why>" when the base install settled on could not be
  /// deployed and the head was installed instead; empty otherwise.
  std::string not_deployable;
  /// Deployments of bases that install removed again: each is one deployment more than planned.
  int abandoned_deploys = 0;
};

class Operations {
 public:
  virtual ~Operations() = default;

  /// Deploys every dependency and waits until each is ready to serve the app.
  virtual harness::Status deploy_dependencies() = 0;
  /// Creates the app and deploys the upgrade base (or the head when there is no base), then
  /// waits until it is healthy. The run's one fresh deployment.
  virtual harness::Status install() = 0;
  /// Writes the recipe's data markers before an operation.
  virtual harness::Status seed(SeedOp op) = 0;
  /// Checks out the head, redeploys the same app in place, prunes services the head dropped, waits.
  virtual harness::Status upgrade() = 0;
  /// Creates a backup and verifies the snapshot covers every backup-labelled volume.
  virtual harness::Status backup() = 0;
  /// Restores the latest snapshot of this run and waits until the app is healthy again.
  virtual harness::Status restore() = 0;
  /// The generic and overlay checks of a tier, run after its operation.
  virtual std::vector<CheckOutcome> run_checks(Tier tier) = 0;
  /// Gathers what shows why a tier failed (task states, service logs, abra's logs) while the
  /// deployment still runs; bounded in time and size, never throws, never fails.
  virtual Evidence collect_evidence() = 0;
  /// Removes everything the run created, in reverse order, then verifies nothing is left.
  /// Never throws; always returns an outcome.
  virtual TeardownOutcome teardown() = 0;
  /// Fresh deployments made so far (the app and each dependency; an upgrade is not one).
  virtual int deploy_count() const = 0;
  /// After install: the base it used, and why none could be deployed when it installed the head
  /// instead. The upgrade tier then does not run: it is an infrastructure-class error (the PR did
  /// not break the base), or skipped when install found no base at all.
  virtual BaseOutcome base_outcome() const = 0;
};

}  // namespace ccci::runner
