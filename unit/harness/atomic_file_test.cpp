#include "harness/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>

#include <fstream>
#include <sstream>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AtomicFile, WritesTheWholeTextCreatingDirectoriesAndReplacingAnOldFile) {
  fakes::TempDir dir;
  auto file = dir.path() / "a" / "b" / "results.json";
  ASSERT_TRUE(write_file_atomically(file, "first").ok());
  ASSERT_TRUE(write_file_atomically(file, std::string(100000, 'x')).ok());
  EXPECT_EQ(read(file), std::string(100000, 'x'));
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(file.parent_path()), {}), 1);
}

TEST(AtomicFile, AWriteThatCannotCompleteIsAnInfraErrorNamingTheFileAndLeavesTheOldOne) {
  // A file-size limit makes write() fail part-way (EFBIG) as a full disk would (ENOSPC).
  fakes::TempDir dir;
  auto file = dir.path() / "results.json";
  ASSERT_TRUE(write_file_atomically(file, "old").ok());
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = 4096;
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto failed = write_file_atomically(file, std::string(100000, 'x'));
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::infra);
  EXPECT_NE(failed.error().message.find(file.string()), std::string::npos) << failed.error().message;
  EXPECT_NE(failed.error().message.find("of 100000 bytes"), std::string::npos) << failed.error().message;
  EXPECT_EQ(read(file), "old");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1) << "the temporary file is removed";
}

TEST(AtomicFile, APathThatCannotBeADirectoryIsAnInfraErrorNamingIt) {
  fakes::TempDir dir;
  ASSERT_TRUE(write_file_atomically(dir.path() / "summary.md", "old").ok());
  auto blocked = dir.path() / "summary.md" / "inner.md";  // its parent is a file
  auto failed = write_file_atomically(blocked, "new");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::infra);
  EXPECT_NE(failed.error().message.find(blocked.parent_path().string()), std::string::npos) << failed.error().message;
  EXPECT_EQ(read(dir.path() / "summary.md"), "old");
}

}  // namespace
}  // namespace ccci::harness
