#pragma once
/// Admission: a deploying run's right to go ahead on this host (issue 12, concurrency), held for
/// the rest of its life. Two claims, taken in this order:
///
///  1. the subject lock <state-dir>/locks/<recipe>-pr<PR>.lock (<recipe>-default.lock without a
///     PR): two runs of one recipe and PR never overlap; other recipes and PRs never wait on it;
///  2. with a capacity N > 0, one of the slots <state-dir>/slots/<n>.lock, n < N. Runs beyond N
///     wait in order of arrival: each takes a ticket <state-dir>/queue/<counter>-<run id>.ticket,
///     numbered under <state-dir>/queue/counter.lock, and only a run with no live ticket before
///     its own tries the slots (flock wakes waiters in no order).
///
/// Every claim is an flock (harness/file_lock.hpp): the kernel drops it when its holder dies,
/// SIGKILL included, so a file whose lock is free is a dead run's and never blocks. A holder writes
/// "<run id> <pid>" into its lock file; a waiter names the holder from it. A claim released (or a
/// ticket given up) unlinks its file first; a taker checks that the path still names the file it
/// locked, so an unlinked file is never mistaken for a claim.
///
/// Both waits share one bound; they poll (harness/poll.hpp) with sub-second backoff. Held past the
/// bound: ErrorKind::infra naming the holder(s). An interrupt (harness/interrupt.hpp) ends the
/// wait: ErrorKind::interrupted. A waiting run leaves no ticket behind on either.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/clock.hpp"
#include "harness/file_lock.hpp"
#include "harness/result.hpp"

namespace ccci::runner {

struct AdmissionRequest {
  std::filesystem::path state_dir;
  std::string recipe;  ///< validated by config: [a-z0-9][a-z0-9-]*
  std::optional<int> pr;
  std::string run_id;
  long pid = 0;
  int capacity = 0;  ///< concurrent runs on the host; 0: unlimited
  std::chrono::seconds wait{0};
  std::chrono::milliseconds max_poll_wait{500};  ///< cap of the backoff: how late a freed claim is noticed
};

/// One claim file held: released (its file unlinked, then its lock dropped) when it goes.
class HeldClaim {
 public:
  explicit HeldClaim(harness::FileLock lock) : lock_(std::move(lock)) {}
  HeldClaim(HeldClaim&& other) noexcept : lock_(std::exchange(other.lock_, std::nullopt)) {}
  HeldClaim& operator=(HeldClaim&& other) noexcept;
  HeldClaim(const HeldClaim&) = delete;
  HeldClaim& operator=(const HeldClaim&) = delete;
  ~HeldClaim() { release(); }

  const std::filesystem::path& path() const { return lock_->path(); }
  void release();

 private:
  std::optional<harness::FileLock> lock_;
};

/// The claims of one admitted run, released in reverse order when it goes.
struct Admission {
  std::optional<HeldClaim> subject;
  std::optional<HeldClaim> slot;  ///< nullopt with an unlimited capacity
  std::optional<int> slot_number;
};

/// Takes the subject lock, then a slot, waiting up to `request.wait` in all. `say` gets one line
/// per wait that begins ("waiting for run <id> (pid N) of <recipe> PR <n>, up to 30s").
harness::Result<Admission> admit_run(const AdmissionRequest& request, harness::Clock& clock,
                                     const std::function<void(const std::string&)>& say);

/// <state-dir>/locks/<recipe>-pr<PR>.lock, or <recipe>-default.lock.
std::filesystem::path subject_lock_path(const std::filesystem::path& state_dir, const std::string& recipe,
                                        std::optional<int> pr);

/// "run <id> (pid N)" from a claim file's contents, or "a run that has not named itself yet".
std::string describe_holder(const std::filesystem::path& claim_file);

/// For `ccci-run reap`: removes the claim files (subject locks, slots, tickets) whose lock is free
/// — their runs are gone — and leaves every held one alone; one line per removed file. They never
/// block a run; this only keeps the state dir tidy after killed runs.
std::vector<std::string> sweep_dead_claims(const std::filesystem::path& state_dir);

}  // namespace ccci::runner
