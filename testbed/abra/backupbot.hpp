#pragma once
/// The stand-in's backups, done the way backup-bot-two does them (abra-cli.md §5): paths and
/// hooks are enumerated once, from the labels of the services that have a running container at
/// that moment (one without is logged as an ERRO line and left out, hooks and volumes, while
/// `backup create` still succeeds); pre-hooks run in the enumerated containers, then restic backs
/// up /var/lib/docker/volumes/<volume>/_data (or the `.path` files) on the host, tagged with the
/// stack; then post-hooks. Restore runs restore hooks around `restic restore`.
/// CCCI_STANDIN_BACKUP_RACE (testbed/abra/backup_race.hpp) stops a service's container just
/// before that enumeration.
#include <string>
#include <vector>

#include "harness/result.hpp"
#include "testbed/abra/cli.hpp"
#include "testbed/abra/context.hpp"

namespace ccci::testbed {

harness::Status backup_create(Context& context, const Invocation& invocation);
/// Prints "<time> <short id> <version>" per snapshot of the app, oldest first.
harness::Status backup_snapshots(Context& context, const Invocation& invocation);
/// Prints the paths in a snapshot (default: the app's latest), one per line.
harness::Status backup_list(Context& context, const Invocation& invocation);
harness::Status restore(Context& context, const Invocation& invocation);

struct ResticSnapshot {
  std::string time;  ///< "2026-11-23T07:00:00"
  std::string short_id;
  std::string id;
  std::string version;  ///< from the "version=<v>" tag, may be empty
};

/// Parses `restic snapshots --json`; oldest first.
harness::Result<std::vector<ResticSnapshot>> parse_restic_snapshots(const std::string& json);

}  // namespace ccci::testbed
