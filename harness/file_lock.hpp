#pragma once
/// FileLock: an exclusive flock(2) on a file, held while the object lives. The kernel drops the
/// lock when the last descriptor of its open file description closes — when the holder exits or
/// is killed, SIGKILL included — so a held lock means "a live process owns this", whatever
/// happened to it. The descriptor is close-on-exec: children never inherit it, so a child that
/// outlives its parent cannot make a dead run look live.
///
/// try_lock never waits: a lock another open file description holds (another process, or
/// another FileLock of this process) is LockAttempt::held, not an error. A file that cannot be
/// opened or locked for another reason is ErrorKind::infra naming it and why; a missing file
/// with CreateFile::no is ErrorKind::not_found.
#include <filesystem>
#include <string_view>
#include <variant>

#include "harness/result.hpp"

namespace ccci::harness {

enum class CreateFile { yes, no };

struct LockAttempt;

class FileLock {
 public:
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  const std::filesystem::path& path() const { return path_; }
  /// Whether `path_` still names the locked file (not removed, not replaced by another file):
  /// a lock on a file someone unlinked guards nothing.
  Result<bool> still_names_locked_file() const;
  /// Replaces the locked file's contents in place (the same inode, so the lock still guards what
  /// `path_` names): how a holder says who it is to those who find the lock held.
  Status replace_contents(std::string_view text) const;
  /// Renames the locked file to `to` (rename(2): the same inode, still locked) and names it so
  /// from now on: how a file is made and locked under one name, then shown under another.
  Status rename_to(const std::filesystem::path& to);

 private:
  friend Result<LockAttempt> try_lock(const std::filesystem::path& file, CreateFile create);
  FileLock(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::filesystem::path path_;
  int fd_ = -1;
};

/// Either the lock, now ours, or the news that someone else holds it.
struct LockAttempt {
  struct Held {};
  std::variant<FileLock, Held> outcome;

  bool acquired() const { return std::holds_alternative<FileLock>(outcome); }
  FileLock take() && { return std::get<FileLock>(std::move(outcome)); }
};

/// Opens `file` (O_RDWR|O_CLOEXEC, created 0600 with CreateFile::yes) and tries LOCK_EX|LOCK_NB.
Result<LockAttempt> try_lock(const std::filesystem::path& file, CreateFile create);

}  // namespace ccci::harness
