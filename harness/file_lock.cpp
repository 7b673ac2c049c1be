#include "harness/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace ccci::harness {
namespace {

Error lock_error(const std::filesystem::path& file, const std::string& what) {
  return make_error(ErrorKind::infra,
                    "cannot " + what + " the lock file " + file.string() + ": " + std::strerror(errno));
}

}  // namespace

FileLock::FileLock(FileLock&& other) noexcept : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the lock
}

Result<bool> FileLock::still_names_locked_file() const {
  struct stat held {};
  struct stat named {};
  if (::fstat(fd_, &held) != 0) return lock_error(path_, "inspect");
  if (::stat(path_.c_str(), &named) != 0) {
    if (errno == ENOENT) return false;
    return lock_error(path_, "inspect");
  }
  return held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

Status FileLock::replace_contents(std::string_view text) const {
  if (::ftruncate(fd_, 0) != 0) return lock_error(path_, "truncate");
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t count = ::pwrite(fd_, text.data() + written, text.size() - written, static_cast<off_t>(written));
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) return lock_error(path_, "write");
    written += static_cast<std::size_t>(count);
  }
  return ok_status();
}

Status FileLock::rename_to(const std::filesystem::path& to) {
  if (::rename(path_.c_str(), to.c_str()) != 0) return lock_error(path_, "rename to " + to.string());
  path_ = to;
  return ok_status();
}

Result<LockAttempt> try_lock(const std::filesystem::path& file, CreateFile create) {
  int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create == CreateFile::yes ? O_CREAT : 0);
  int fd = ::open(file.c_str(), flags, 0600);
  if (fd < 0) {
    if (errno == ENOENT && create == CreateFile::no)
      return make_error(ErrorKind::not_found, "no lock file " + file.string());
    return lock_error(file, "open");
  }
  FileLock lock(file, fd);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return LockAttempt{LockAttempt::Held{}};
    if (errno != EINTR) return lock_error(file, "lock");
  }
  return LockAttempt{std::move(lock)};
}

}  // namespace ccci::harness
