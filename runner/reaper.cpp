#include "runner/reaper.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <system_error>

#include "harness/file_lock.hpp"
#include "harness/filesystem.hpp"
#include "harness/text.hpp"
#include "runner/stack_removal.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

std::string pid_of(const JournalContent& journal) {
  return journal.pid ? "pid " + std::to_string(*journal.pid) : "pid unknown";
}

/// When the directory last changed (its entries), from stat(2); the epoch when it cannot be read,
/// which makes a lockless directory count as abandoned.
WallTime modified(const std::filesystem::path& dir) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) return WallTime{};
  return WallTime(std::chrono::seconds(info.st_mtim.tv_sec));
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

RunState decide_run_state(LockState lock, std::optional<WallTime> expires, WallTime directory_modified, WallTime now,
                          Kept kept) {
  switch (lock) {
    case LockState::held: return expires && now > *expires ? RunState::live_expired : RunState::live;
    case LockState::missing: return now - directory_modified < lockless_grace ? RunState::starting : RunState::dead;
    case LockState::free: return kept == Kept::yes && expires && now <= *expires ? RunState::kept : RunState::dead;
  }
  return RunState::dead;
}

std::string_view to_string(RunState state) {
  switch (state) {
    case RunState::live: return "live";
    case RunState::live_expired: return "live past its expiry";
    case RunState::starting: return "starting";
    case RunState::dead: return "dead";
    case RunState::kept: return "kept for debugging";
  }
  return "dead";
}

bool is_run_id(std::string_view name) {
  return !name.empty() && name.size() <= 80 && name.front() != '-' && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::vector<std::string> ReapReport::lines() const {
  std::vector<std::string> all;
  for (const auto* list : {&removed, &left, &problems}) all.insert(all.end(), list->begin(), list->end());
  all.push_back("reaped " + std::to_string(dead_runs) + " dead run" + (dead_runs == 1 ? "" : "s") +
                (problems.empty()
                     ? ""
                     : "; " + std::to_string(problems.size()) + " problem" + (problems.size() == 1 ? "" : "s")));
  return all;
}

Reaper::Reaper(ReaperSettings settings, harness::DockerDriver& docker, harness::Clock& clock)
    : settings_(std::move(settings)), docker_(docker), clock_(clock) {}

ReapReport Reaper::reap() {
  ReapReport report;
  // Journals name absolute paths; they are vetted against the state dir's absolute form.
  auto state = harness::absolute_path(settings_.state_dir);
  if (!state.ok()) {
    report.problems.push_back(state.error().message);
    return report;
  }
  settings_.state_dir = *state;
  std::filesystem::path runs = settings_.state_dir / "runs";
  std::error_code error;
  if (!std::filesystem::is_directory(runs, error)) {
    if (error && error != std::errc::no_such_file_or_directory)
      report.problems.push_back("cannot read " + runs.string() + ": " + error.message());
    return report;
  }
  if (settings_.only_run) {
    reap_only_run(runs, *settings_.only_run, report);
    return report;
  }
  std::vector<std::filesystem::path> run_dirs;
  std::filesystem::directory_iterator entries(runs, error);
  for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error))
    run_dirs.push_back(entries->path());
  if (error) report.problems.push_back("cannot list " + runs.string() + ": " + error.message());
  std::sort(run_dirs.begin(), run_dirs.end());
  for (const auto& run_dir : run_dirs) reap_run(run_dir, report);
  return report;
}

void Reaper::reap_only_run(const std::filesystem::path& runs, const std::string& run_id, ReapReport& report) {
  if (!is_run_id(run_id)) {
    report.problems.push_back("not a run id: " + harness::quoted(run_id, '\'', 80));
    return;
  }
  auto exists = harness::path_exists(runs / run_id);
  if (!exists.ok() || !*exists) {
    report.problems.push_back("run " + run_id + ": no such run under " + runs.string());
    return;
  }
  size_t left_before = report.left.size();
  reap_run(runs / run_id, report);
  // Asked by name: a run left alone (live, starting) is not removed, and the caller must hear so.
  for (size_t i = left_before; i < report.left.size(); ++i)
    report.problems.push_back(report.left[i] + " (not removed: --run removes only a dead or kept run)");
  report.left.resize(left_before);
}

void Reaper::reap_run(const std::filesystem::path& run_dir, ReapReport& report) {
  const std::string name = run_dir.filename().string();
  if (settings_.own_run_id == name) return;
  if (!is_run_id(name)) {
    report.problems.push_back("not a run directory, left alone: " + run_dir.string());
    return;
  }
  const std::string who = "run " + name + ": ";
  auto lock_file = run_dir / "lock";
  auto attempt = harness::try_lock(lock_file, harness::CreateFile::no);
  LockState lock = LockState::free;
  if (!attempt.ok() && attempt.error().kind == ErrorKind::not_found) {
    lock = LockState::missing;
  } else if (!attempt.ok()) {
    report.problems.push_back(who + attempt.error().message);
    return;
  } else if (!attempt->acquired()) {
    lock = LockState::held;
  }
  auto journal = read_journal(run_dir / "journal");
  JournalContent header = journal.ok() ? *journal : JournalContent{};
  auto wall_now = clock_.wall_now();
  RunState state =
      decide_run_state(lock, header.expires, modified(run_dir), wall_now, header.kept ? Kept::yes : Kept::no);
  // Named by `reap --run`: the operator is done debugging it.
  if (state == RunState::kept && settings_.only_run == name) state = RunState::dead;
  if (state == RunState::kept) {
    report.left.push_back(who + "kept for debugging until " + utc_text(*header.expires));
    return;
  }
  if (state == RunState::live) {
    report.left.push_back(who + "live, " + pid_of(header) + "; left alone");
    return;
  }
  if (state == RunState::live_expired) {
    report.left.push_back(who + "live past its expiry (" + utc_text(*header.expires) + "), " + pid_of(header) +
                          "; left alone");
    return;
  }
  if (state == RunState::starting) {
    report.left.push_back(who + "starting (no lock yet); left alone");
    return;
  }
  if (lock == LockState::missing) {  // abandoned before its lock: take one, as for any dead run
    attempt = harness::try_lock(lock_file, harness::CreateFile::yes);
    if (!attempt.ok()) {
      report.problems.push_back(who + attempt.error().message);
      return;
    }
    if (!attempt->acquired()) {
      report.left.push_back(who + "locked by another process meanwhile; left alone");
      return;
    }
  }
  harness::FileLock held = std::move(*attempt).take();
  // Another reaper may have finished this run between our listing and our lock.
  auto same = held.still_names_locked_file();
  if (!same.ok()) {
    report.problems.push_back(who + same.error().message);
    return;
  }
  if (!*same) return;
  reap_dead_run(run_dir, name, report);
}

void Reaper::reap_dead_run(const std::filesystem::path& run_dir, const std::string& run_id, ReapReport& report) {
  const std::string who = "run " + run_id + ": ";
  ++report.dead_runs;
  size_t problems_before = report.problems.size();
  JournalContent content;
  if (auto journal = read_journal(run_dir / "journal"); journal.ok()) {
    content = *journal;
  } else if (auto exists = harness::path_exists(run_dir / "journal"); !exists.ok() || *exists) {
    report.problems.push_back(who + journal.error().message);
    return;
  }  // no journal at all: the run died before it recorded anything
  VettedJournal vetted = vet_journal(content, run_id, settings_.state_dir);
  for (const auto& refusal : vetted.refused) report.problems.push_back(who + "refused journal entry, " + refusal);
  for (const auto& stack : vetted.stacks) reap_stack(run_id, stack, report);
  for (const auto& dir : vetted.directories) {
    auto existed = harness::path_exists(dir);
    auto removed = harness::remove_tree(dir);
    auto exists = harness::path_exists(dir);
    if (!removed.ok() || !exists.ok() || *exists) {
      report.problems.push_back(who + "could not remove directory " + dir.string() +
                                (removed.ok() ? "" : ": " + removed.error().message));
    } else if (existed.ok() && *existed) {
      report.removed.push_back(who + "removed directory " + dir.string());
    }
  }
  if (report.problems.size() != problems_before) {
    report.problems.push_back(who + "kept " + run_dir.string() + " (its journal) for the next reap");
    return;
  }
  auto removed = harness::remove_tree(run_dir);
  auto exists = harness::path_exists(run_dir);
  if (!removed.ok() || !exists.ok() || *exists) {
    report.problems.push_back(who + "could not remove its run directory " + run_dir.string() +
                              (removed.ok() ? "" : ": " + removed.error().message));
    return;
  }
  report.removed.push_back(who + "removed run directory " + run_dir.string());
}

void Reaper::reap_stack(const std::string& run_id, const std::string& stack, ReapReport& report) {
  const std::string who = "run " + run_id + ": ";
  auto removal = force_remove_stack(docker_, clock_, stack, settings_.stop_timeout);
  if (!removal.ok()) {
    report.problems.push_back(who + removal.error().message);
    return;
  }
  const auto& found = removal->found;
  const auto& after = removal->left;
  struct Kind {
    const char* name;
    const std::vector<std::string>& before;
    const std::vector<std::string>& now;
  };
  for (const Kind& kind :
       {Kind{"service", found.services, after.services}, Kind{"container", found.containers, after.containers},
        Kind{"volume", found.volumes, after.volumes}, Kind{"secret", found.secrets, after.secrets},
        Kind{"config", found.configs, after.configs}, Kind{"network", found.networks, after.networks}}) {
    for (const auto& name : kind.before) {
      if (!contains(kind.now, name)) report.removed.push_back(who + "removed " + kind.name + " " + name);
    }
    for (const auto& name : kind.now) report.problems.push_back(who + "could not remove " + kind.name + " " + name);
  }
  if (!after.empty() && !removal->notes.empty())
    report.problems.push_back(who + "stack " + stack + ": " + harness::join(removal->notes, "; "));
}

}  // namespace ccci::runner
