#pragma once
/// A stack settling after a deploy, ccci's own convergence after a `--no-converge-checks` deploy,
/// and backup-bot-two's 409 while a stack has not settled.
///
/// backup-bot-two answered 409 (HTTP Conflict) when a backup was asked for too soon after a
/// deploy (abra-cli.md §10, cc-ci 45afccbe): it execs hooks in the app's containers, and docker
/// refuses an exec into a container that is not running. So ccci waits for the stack to settle
/// before `backup create`, and still treats a 409 as worth asking again, within a bound.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "harness/clock.hpp"
#include "harness/docker.hpp"
#include "harness/poll.hpp"
#include "harness/result.hpp"

namespace ccci::runner {

/// One look at `stack`: done when every service runs its desired replicas ("0/0" included);
/// pending naming the others as "<service> <running>/<desired>"; nothing here is ever failed, so
/// a task still in its start period is waited for. Swarm reports a task with a healthcheck as
/// "Starting" (not counted in the replicas) until it is healthy: seen on the testbed's daemon, a
/// service with a 60 s start period showed 0/1 "Starting" until its check passed, then 1/1. A
/// service's UpdateStatus (e.g. "paused") is not looked at: alone it is no failure (§10).
harness::ProbeReport stack_settled(harness::DockerDriver& docker, const std::string& stack);

/// How long ccci waits for a deployed stack to settle before asking for a backup.
inline constexpr std::chrono::minutes settle_before_backup{5};

/// Polls stack_settled until done or `timeout`; a timeout names the services not settled.
harness::Status wait_until_settled(harness::DockerDriver& docker, harness::Clock& clock, const std::string& stack,
                                   std::chrono::milliseconds timeout);

/// Polls (bounded by `timeout`) until no service or container of `stack` is left: its volumes
/// stay busy until then. Teardown and the reaper wait for it before removing volumes.
harness::PollResult wait_until_stack_stopped(harness::DockerDriver& docker, harness::Clock& clock,
                                             const std::string& stack, std::chrono::milliseconds timeout);

/// One look at `stack` after a deploy abra did not wait for (`--no-converge-checks`, the spec's
/// `deploy.converge: ccci`). Done when every service has no update in progress and runs its
/// desired replicas from tasks of its current spec ("Running", so a task still in its
/// healthcheck's start period, "Starting", is waited for; a task of the spec being replaced does
/// not count: during a rolling update `docker service ls` still counts it). Pending names each
/// service behind, with the states and errors of its current tasks that do not run. Failed when
/// swarm rolls an update back (rollback_started, rollback_paused, rollback_completed): the new
/// spec did not come up, and waiting cannot help. "paused" alone is no failure (abra-cli.md §10:
/// it can stay after one task flickered while the service runs). Docker failing to answer is
/// pending, its message starting "docker: ".
harness::ProbeReport stack_rolled_out(harness::DockerDriver& docker, const std::string& stack);

/// ccci's own bounded convergence: polls stack_rolled_out until done or `timeout`. A stack that
/// does not converge in time, or whose update swarm rolls back, is ErrorKind::check_failed (the
/// recipe did not come up) naming the services behind and their tasks' states, and `bound`, what
/// the timeout is ("within 57.2s (<bound>)"); when docker itself failed on the last look it is
/// ErrorKind::infra.
harness::Status wait_until_converged(harness::DockerDriver& docker, harness::Clock& clock, const std::string& stack,
                                     std::chrono::milliseconds timeout, std::string_view bound = {});

/// Whether a failed `abra app backup create` is backupbot's 409 Conflict.
bool is_backupbot_conflict(const harness::Error& error);

/// How often, and for how long, a 409 from `backup create` is asked again: at most `attempts`
/// requests in `total`, waiting `first_wait` after the first 409 and doubling up to `max_wait`.
struct ConflictRetryBound {
  int attempts;
  std::chrono::milliseconds total;
  std::chrono::milliseconds first_wait;
  std::chrono::milliseconds max_wait;
};
inline constexpr ConflictRetryBound backup_conflict_bound{4, std::chrono::minutes(3), std::chrono::seconds(5),
                                                          std::chrono::seconds(40)};

/// Runs `request` until it succeeds, fails other than with a 409, or the bound is spent. On
/// success: a note for the tier message when there was a 409 ("backupbot answered 409 twice; the
/// third attempt succeeded"), else "". Another failure is returned as it is; a 409 that outlasts
/// the bound is ErrorKind::infra naming 409, the attempts and the last answer.
harness::Result<std::string> retry_on_conflict(harness::Clock& clock, const ConflictRetryBound& bound,
                                               const std::function<harness::Status()>& request);

}  // namespace ccci::runner
