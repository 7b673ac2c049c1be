#include "harness/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ccci::harness {
namespace {

Error write_error(const std::filesystem::path& file, const std::string& what, int error_number) {
  return make_error(ErrorKind::infra,
                    "cannot write " + file.string() + ": " + what + ": " + std::strerror(error_number));
}

/// Closes the descriptor and removes the temporary file unless released.
class TemporaryFile {
 public:
  TemporaryFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  /// Closes now, reporting close()'s own errors (some file systems report a full disk only here).
  int close() {
    int result = ::close(fd_);
    fd_ = -1;
    return result;
  }
  void keep() { path_.clear(); }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

Status write_file_atomically(const std::filesystem::path& file, std::string_view content) {
  std::error_code ec;
  if (file.has_parent_path()) {
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) return make_error(ErrorKind::infra, "cannot create " + file.parent_path().string() + ": " + ec.message());
  }
  std::string pattern = file.string() + ".tmp.XXXXXX";
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) return write_error(file, "cannot create a temporary file", errno);
  TemporaryFile temporary(fd, pattern);
  for (size_t written = 0; written < content.size();) {
    ssize_t wrote = ::write(temporary.fd(), content.data() + written, content.size() - written);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0)
      return write_error(file, "wrote " + std::to_string(written) + " of " + std::to_string(content.size()) + " bytes",
                         errno);
    written += static_cast<size_t>(wrote);
  }
  if (::fchmod(temporary.fd(), 0644) != 0) return write_error(file, "chmod", errno);
  if (::fsync(temporary.fd()) != 0) return write_error(file, "fsync", errno);
  if (temporary.close() != 0) return write_error(file, "close", errno);
  if (::rename(temporary.path().c_str(), file.c_str()) != 0) return write_error(file, "rename", errno);
  temporary.keep();
  return ok_status();
}

}  // namespace ccci::harness
