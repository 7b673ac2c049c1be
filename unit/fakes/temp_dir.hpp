#pragma once
/// TempDir: a fresh directory under $TMPDIR for one test, removed with everything in it.
#include <filesystem>
#include <string>

namespace ccci::fakes {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// Writes `text` to path()/relative, creating parent directories; returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace ccci::fakes
