#include "runner/run_guard.hpp"

#include <system_error>

#include "harness/filesystem.hpp"

namespace ccci::runner {

harness::Result<RunGuard> RunGuard::take(const std::filesystem::path& state_dir, const RunIdentity& identity) {
  CCCI_TRY(auto state, harness::absolute_path(state_dir));
  auto runs = state / "runs";
  CCCI_TRY_STATUS(harness::make_directories(runs));
  auto dir = runs / identity.run_id;
  std::error_code error;
  if (!std::filesystem::create_directory(dir, error)) {
    return harness::make_error(harness::ErrorKind::infra, "cannot make the run directory " + dir.string() + ": " +
                                                              (error ? error.message() : "it exists already"));
  }
  // The lock right after the directory: a reaper leaves a lockless directory alone for a grace.
  CCCI_TRY(auto attempt, harness::try_lock(dir / "lock", harness::CreateFile::yes));
  if (!attempt.acquired())
    return harness::make_error(harness::ErrorKind::infra, "the new run directory " + dir.string() + " is locked");
  harness::FileLock lock = std::move(attempt).take();
  CCCI_TRY(auto journal, RunJournal::create(dir / "journal", identity));
  return RunGuard(dir, std::move(lock), std::move(journal), identity.expires);
}

harness::Result<std::filesystem::path> RunGuard::scratch(const std::string& name) {
  auto path = dir_ / name;
  CCCI_TRY_STATUS(journal_.record_directory(path));
  return path;
}

harness::Status RunGuard::finish() {
  auto removed = harness::remove_tree(dir_);
  lock_.reset();
  return removed;
}

}  // namespace ccci::runner
