#pragma once
/// Static backup-coverage analysis: what a backup of a recipe's stack would miss or could not
/// restore, read from its compose model before anything is deployed. Warnings for maintainers,
/// never a gate. Each names the service and the label (or its absence) and says what goes wrong:
/// - no service carries `backupbot.backup=true`, yet services mount named volumes: nothing is
///   backed up;
/// - a named volume excluded (`backupbot.backup.volumes.<v>=false`): its data is not covered;
/// - a database image (postgres, mariadb, mysql, mongo, redis, …) whose volume is backed up with
///   no `backupbot.backup.pre-hook`: a file copy of a running database may not restore (immich);
/// - a dump hook with no restore hook: the dump comes back as a file, never reimported
///   (mattermost-lts, ghost);
/// - a hook that pipes commands without `pipefail`: a failed step (the dump) hides behind the
///   last step's success.
/// Which volumes are covered follows ComposeModel::backup_paths (the backupbot label spec:
/// every volume of every service once any service enables backups).
#include <string>
#include <vector>

#include "harness/compose.hpp"

namespace ccci::runner {

struct BackupFinding {
  std::string service;  ///< the service the finding is about; empty for the whole stack
  std::string message;  ///< one line: what is wrong and why it matters
};

/// Sorted by service, then message; empty when a backup would cover and restore everything it can see.
std::vector<BackupFinding> analyse_backup_coverage(const harness::ComposeModel& model);

/// "<service>: <message>", or the message alone for the whole stack.
std::string describe(const BackupFinding& finding);

/// What the plan and the reports tell of the head's backup coverage: warnings, never a gate.
struct BackupCoverage {
  bool analysed = false;              ///< false: the head's compose files could not be read
  std::vector<std::string> warnings;  ///< describe(finding) of each finding, in order
  std::string note;                   ///< why it was not analysed; empty when it was
};

BackupCoverage coverage_of(const std::vector<BackupFinding>& findings);

/// One line: "no coverage warnings", "2 coverage warnings", "not analysed: <why>".
std::string describe(const BackupCoverage& coverage);

}  // namespace ccci::runner
