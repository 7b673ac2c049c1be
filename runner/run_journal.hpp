#pragma once
/// RunJournal: a run's creation journal, <state-dir>/runs/<run id>/journal. It says what the run
/// is (id, recipe, PR, pid, start, expiry) and names every resource *before* the run creates it —
/// each stack and each directory — so a run killed at any point (SIGKILL included) leaves a list
/// of everything it may have left behind, which the reaper (runner/reaper.hpp) works through.
///
/// Format: one "key value" line per entry, appended with one write(2) and made durable with
/// fsync(2) before the call returns: a reader sees whole lines, and at worst a torn last line
/// (no newline yet), which it ignores.
///
/// Reading back treats the file as untrusted (anyone who can write the state dir can edit it):
/// vet_journal keeps only stacks that pass validate_docker_name and carry the run's nonce, and
/// only directories that lie, canonically and without a symlink on the way, inside the run's own
/// places in the state dir; everything else is refused with a reason, never acted on.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/result.hpp"

namespace ccci::runner {

using WallTime = std::chrono::system_clock::time_point;

/// What a run is: the journal's header.
struct RunIdentity {
  std::string run_id;
  std::string recipe;
  std::optional<int> pr;
  long pid = 0;
  WallTime started;
  WallTime expires;
};

/// A journal as read back, before vetting: whatever whole lines held.
struct JournalContent {
  std::optional<std::string> run_id;
  std::optional<long> pid;
  std::optional<WallTime> expires;
  std::vector<std::string> stacks;
  std::vector<std::string> directories;
  /// A `kept` entry: the run ended red with --keep-on-failure and left its deployment up; the
  /// reaper leaves it until `expires`.
  bool kept = false;
  std::vector<std::string> refused;  ///< "line 7: unknown entry 'x'"
};

/// The entries the reaper may act on, and the ones it must not (each with why).
struct VettedJournal {
  std::vector<std::string> stacks;
  std::vector<std::filesystem::path> directories;
  std::vector<std::string> refused;
};

class RunJournal {
 public:
  /// Creates `file` (it must not exist) and writes the header. ErrorKind::infra naming the file.
  static harness::Result<RunJournal> create(const std::filesystem::path& file, const RunIdentity& identity);

  RunJournal(RunJournal&& other) noexcept;
  RunJournal& operator=(RunJournal&&) = delete;
  RunJournal(const RunJournal&) = delete;
  RunJournal& operator=(const RunJournal&) = delete;
  ~RunJournal();

  /// Call before the stack is deployed.
  harness::Status record_stack(const std::string& stack);
  /// Call before the directory is made.
  harness::Status record_directory(const std::filesystem::path& dir);
  /// Call when the run ends red with --keep-on-failure, before it exits without its teardown.
  harness::Status record_kept();

 private:
  RunJournal(std::filesystem::path file, int fd) : file_(std::move(file)), fd_(fd) {}
  harness::Status append(const std::string& key, const std::string& value);

  std::filesystem::path file_;
  int fd_ = -1;
};

/// Parses a journal's text; never fails (bad lines become `refused`, a torn last line is ignored).
JournalContent parse_journal(std::string_view text);
/// Reads and parses `file`; ErrorKind::infra when it cannot be read.
harness::Result<JournalContent> read_journal(const std::filesystem::path& file);

/// The entries of run `run_id`'s journal the reaper may act on. Directories must lie, canonically,
/// at or below <state_dir>/runs/<run id> or <state_dir>/abra/runs/<run id>.
VettedJournal vet_journal(const JournalContent& content, const std::string& run_id,
                          const std::filesystem::path& state_dir);

/// `time` as ISO 8601 UTC to the second, e.g. "2026-12-01T18:00:00Z".
std::string utc_text(WallTime time);

/// The run's nonce: the run id's last '-'-separated part ("fixture-web-pr1-3a9c1e" → "3a9c1e").
std::string nonce_of(const std::string& run_id);

}  // namespace ccci::runner
