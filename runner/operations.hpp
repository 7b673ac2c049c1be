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

namespace ccci::runner {

enum class SeedOp { pre_upgrade, pre_backup, pre_restore };
std::string_view to_string(SeedOp op);

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
  /// After install: why the upgrade base could not be deployed ("base <version> not deployable:
  /// <abra's reason>"), when install then installed the head instead; nullopt otherwise. The
  /// upgrade tier is then not run, and the failed base deploy counts as one more deployment.
  virtual std::optional<std::string> base_not_deployable() const = 0;
};

}  // namespace ccci::runner
