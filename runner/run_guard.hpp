#pragma once
/// RunGuard: a run's claim on the host, held for its whole life. It makes the run directory
/// <state-dir>/runs/<run id>/, takes the run lock in it (harness/file_lock.hpp: the kernel drops
/// it when the process dies, SIGKILL included, which is how the reaper tells a dead run from a
/// live one) and writes the creation journal's header (runner/run_journal.hpp). The run then
/// records each stack and scratch directory in the journal before it creates it.
///
/// A run whose teardown was verified clean calls finish(): the run directory goes, then the lock.
/// Otherwise (residue, a crash, a kill) the directory stays, and the next reap — `ccci-run reap`,
/// or any run's start — removes what its journal names once the lock is free.
#include <chrono>
#include <filesystem>
#include <optional>

#include "harness/file_lock.hpp"
#include "harness/result.hpp"
#include "runner/run_journal.hpp"

namespace ccci::runner {

class RunGuard {
 public:
  /// `identity.run_id` must be a fresh run id (runner/naming.hpp); `state_dir` is made absolute.
  /// ErrorKind::infra naming the path when the directory, the lock or the journal cannot be made
  /// (a run directory that already exists is one: run ids are unique).
  static harness::Result<RunGuard> take(const std::filesystem::path& state_dir, const RunIdentity& identity);

  RunJournal& journal() { return journal_; }
  /// <state-dir>/runs/<run id>, absolute.
  const std::filesystem::path& dir() const { return dir_; }
  /// The journal header's expiry: when a reap removes the run's leftovers even if it was kept.
  WallTime expires() const { return expires_; }
  /// A scratch directory inside the run directory, recorded in the journal before it is returned;
  /// the caller makes it.
  harness::Result<std::filesystem::path> scratch(const std::string& name);

  /// Removes the run directory (journal and lock file), then releases the lock.
  harness::Status finish();

 private:
  RunGuard(std::filesystem::path dir, harness::FileLock lock, RunJournal journal, WallTime expires)
      : dir_(std::move(dir)), lock_(std::move(lock)), journal_(std::move(journal)), expires_(expires) {}

  std::filesystem::path dir_;
  std::optional<harness::FileLock> lock_;
  RunJournal journal_;
  WallTime expires_;
};

}  // namespace ccci::runner
