#pragma once
/// Reaper: removes what dead runs left on a shared CI host. Every run keeps a directory
/// <state-dir>/runs/<run id>/ holding its lock file and its creation journal (runner/run_guard.hpp).
/// For each such directory the reaper tries the lock:
///  - held: the run is alive (the kernel drops a dead process's lock) and is never touched; one
///    past its expiry is reported "live past its expiry, pid N", not removed;
///  - free: the run is dead. The reaper keeps the lock while it works (two reapers racing never
///    reap one run twice), removes everything of its journal's stacks (services first, waits for
///    their containers to go, then volumes, secrets, configs, networks), its directories, then
///    the run directory itself, and verifies by listing again;
///  - free, but its journal says `kept` (a red run with --keep-on-failure) and its expiry is not
///    yet past: left alone, reported "kept for debugging until <UTC>"; past it, reaped as dead.
/// `ccci-run reap --run <id>` (ReaperSettings::only_run) works on that one run: a kept one is
/// reaped now, a live one is refused as a problem.
/// Every removed thing is reported by name; anything that could not be removed, and every journal
/// entry refused as hostile (runner/run_journal.hpp), is a problem: the run directory is then
/// kept, so the journal stays for the next reap and for the operator.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/clock.hpp"
#include "harness/docker.hpp"
#include "runner/run_journal.hpp"

namespace ccci::runner {

/// What the lock of a run directory said.
enum class LockState { held, free, missing };

enum class RunState {
  live,          ///< its lock is held: leave it alone
  live_expired,  ///< its lock is held past its expiry: report it, leave it alone
  starting,      ///< no lock file yet, and the directory is young: a run being born
  dead,          ///< its lock is free (or never came, long ago): reap it
  kept,          ///< dead, kept for debugging and not yet past its expiry: leave it
};

/// Whether the run's journal says its deployment was kept for debugging.
enum class Kept { no, yes };

/// How long a run directory may exist without its lock file before it counts as abandoned: a
/// run makes the lock file right after the directory.
inline constexpr std::chrono::seconds lockless_grace{60};

/// The live/dead/expired decision, from what was observed. Pure.
/// A kept run without an expiry in its journal is dead: nothing says how long to keep it.
RunState decide_run_state(LockState lock, std::optional<WallTime> expires, WallTime directory_modified, WallTime now,
                          Kept kept = Kept::no);

std::string_view to_string(RunState state);

struct ReapReport {
  std::vector<std::string> removed;   ///< "run X: volume Y", "run X: directory /p", …
  std::vector<std::string> left;      ///< live runs, and runs being born: "run X: live, pid N"
  std::vector<std::string> problems;  ///< "run X: could not remove volume Y: …", refusals
  int dead_runs = 0;

  bool complete() const { return problems.empty(); }
  /// Every line, for the terminal and the log.
  std::vector<std::string> lines() const;
};

struct ReaperSettings {
  std::filesystem::path state_dir;
  std::optional<std::string> own_run_id;                            ///< the reaping run itself: skipped, not reported
  std::chrono::milliseconds stop_timeout{std::chrono::minutes(2)};  ///< for a stack's containers to go
  /// `reap --run <id>`: only this run (a run id, is_run_id), reaped now even when kept; a live
  /// run, or none of that id, is a problem.
  std::optional<std::string> only_run = std::nullopt;
};

class Reaper {
 public:
  Reaper(ReaperSettings settings, harness::DockerDriver& docker, harness::Clock& clock);

  ReapReport reap();

 private:
  void reap_run(const std::filesystem::path& run_dir, ReapReport& report);
  void reap_only_run(const std::filesystem::path& runs, const std::string& run_id, ReapReport& report);
  void reap_dead_run(const std::filesystem::path& run_dir, const std::string& run_id, ReapReport& report);
  void reap_stack(const std::string& run_id, const std::string& stack, ReapReport& report);

  ReaperSettings settings_;
  harness::DockerDriver& docker_;
  harness::Clock& clock_;
};

/// A run directory's name is a run id: [a-z0-9-], at most 80 characters, not starting with '-'.
bool is_run_id(std::string_view name);

}  // namespace ccci::runner
