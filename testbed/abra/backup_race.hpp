#pragma once
/// CCCI_STANDIN_BACKUP_RACE=<service>:<n|always>: the stand-in's fault knob for the race the ghost
/// run hit on real backup-bot-two (docs/abra-standin.md "Backups"): in the first n `backup
/// create` calls of an app (or every one), the service's running container is stopped after
/// backupbot's settledness check and before it enumerates paths and hooks, so the enumeration
/// finds no running container and leaves the service's volumes out while `backup create` still
/// exits 0. Swarm then replaces the task by itself.
///
/// The container is stopped with `docker kill` (SIGKILL: exit 137, a failure under any restart
/// policy, so swarm replaces it as when a container dies) followed by `docker wait` (kill returns
/// once the signal is sent; wait returns once the container no longer runs, so the enumeration
/// cannot still see it). `docker stop -t 0` would send the image's stop signal first: a process
/// that exits 0 on it ends "complete", which `restart_policy: on-failure` does not replace.
#include <optional>
#include <string>

#include "harness/result.hpp"
#include "testbed/abra/context.hpp"

namespace ccci::testbed {

struct BackupRace {
  std::string service;       ///< the compose service name ("db"), never stack-qualified
  std::optional<int> times;  ///< the first n calls; nullopt: always
};

/// Parses the knob's value. A service that is not a plain name (letters, digits, '_', '-', '.',
/// not starting with '-' or '.'), a count that is not 0–999999 or "always", or a missing ':' is
/// a FATA naming the knob — before anything runs.
harness::Result<BackupRace> parse_backup_race(const std::string& value);

/// Runs the knob for `app` when it is set: checks the service is one of the stack's, counts the
/// call (in $ABRA_DIR/tmp/<stack>/backupbot/races-run), and stops the service's running
/// container(s). Returns the stack-qualified service it stopped, or nullopt when the knob is
/// unset or this call is past its n.
harness::Result<std::optional<std::string>> race_backup(Context& context, const App& app);

}  // namespace ccci::testbed
