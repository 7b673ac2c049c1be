// The run lock: flock(2) on an open file description, dropped by the kernel when its holder dies.
#include "harness/file_lock.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <optional>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

struct FileLockTest : ::testing::Test {
  fakes::TempDir dir;
  std::filesystem::path file = dir.path() / "lock";

  bool can_take() {
    auto attempt = try_lock(file, CreateFile::yes);
    EXPECT_TRUE(attempt.ok()) << attempt.error().message;
    return attempt.ok() && attempt->acquired();
  }
};

TEST_F(FileLockTest, ASecondOpenFileDescriptionInThisProcessCannotTakeIt) {
  auto first = try_lock(file, CreateFile::yes);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(first->acquired());
  EXPECT_FALSE(can_take());
}

TEST_F(FileLockTest, IsFreeOnceItsHolderIsGone) {
  {
    auto first = try_lock(file, CreateFile::yes);
    ASSERT_TRUE(first.ok() && first->acquired());
    FileLock held = std::move(*first).take();
    EXPECT_FALSE(can_take());
  }
  EXPECT_TRUE(can_take());
}

TEST_F(FileLockTest, AChildProcessHoldingItMakesItHeldUntilTheChildIsKilled) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto attempt = try_lock(file, CreateFile::yes);
    char answer = attempt.ok() && attempt->acquired() ? 'y' : 'n';
    auto held =
        attempt.ok() && attempt->acquired() ? std::optional<FileLock>(std::move(*attempt).take()) : std::nullopt;
    (void)!::write(ready[1], &answer, 1);
    for (;;) ::pause();  // until SIGKILL
  }
  ::close(ready[1]);
  char answer = 0;
  ASSERT_EQ(::read(ready[0], &answer, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(answer, 'y');
  EXPECT_FALSE(can_take()) << "a live holder in another process";
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(can_take()) << "the kernel drops a killed holder's lock";
}

TEST_F(FileLockTest, ItsDescriptorIsCloseOnExec) {
  auto attempt = try_lock(file, CreateFile::yes);
  ASSERT_TRUE(attempt.ok() && attempt->acquired());
  FileLock held = std::move(*attempt).take();
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    auto target = std::filesystem::read_symlink(entry.path(), error);
    if (error || target != file) continue;
    ++found;
    int fd = std::stoi(entry.path().filename().string());
    EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0) << "a child would inherit the lock";
  }
  EXPECT_EQ(found, 1);
}

TEST_F(FileLockTest, AMissingFileIsNotFoundWithoutCreate) {
  auto attempt = try_lock(file, CreateFile::no);
  ASSERT_FALSE(attempt.ok());
  EXPECT_EQ(attempt.error().kind, ErrorKind::not_found);
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(FileLockTest, AnUnopenableFileIsAnInfraErrorNamingIt) {
  auto attempt = try_lock(dir.path() / "missing-dir" / "lock", CreateFile::yes);
  ASSERT_FALSE(attempt.ok());
  EXPECT_EQ(attempt.error().kind, ErrorKind::infra);
  EXPECT_NE(attempt.error().message.find("missing-dir/lock"), std::string::npos) << attempt.error().message;
}

TEST_F(FileLockTest, KnowsWhenItsFileWasRemovedOrReplaced) {
  auto attempt = try_lock(file, CreateFile::yes);
  ASSERT_TRUE(attempt.ok() && attempt->acquired());
  FileLock held = std::move(*attempt).take();
  EXPECT_TRUE(*held.still_names_locked_file());
  std::filesystem::remove(file);
  EXPECT_FALSE(*held.still_names_locked_file());
  std::ofstream(file) << "";
  EXPECT_FALSE(*held.still_names_locked_file()) << "another file under the same name";
}

TEST_F(FileLockTest, ContentsAreReplacedInPlaceAndTheLockStillGuardsTheName) {
  std::ofstream(file) << "an older and longer note\n";
  auto first = try_lock(file, CreateFile::yes);
  ASSERT_TRUE(first.ok() && first->acquired());
  FileLock held = std::move(*first).take();
  ASSERT_TRUE(held.replace_contents("run-a 12\n").ok());
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "run-a 12\n");
  EXPECT_TRUE(*held.still_names_locked_file());
  EXPECT_FALSE(can_take());
}

TEST_F(FileLockTest, ARenamedLockIsHeldUnderItsNewName) {
  auto first = try_lock(dir.path() / "draft", CreateFile::yes);
  ASSERT_TRUE(first.ok() && first->acquired());
  FileLock held = std::move(*first).take();
  ASSERT_TRUE(held.rename_to(file).ok());
  EXPECT_EQ(held.path(), file);
  EXPECT_TRUE(*held.still_names_locked_file());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "draft"));
  EXPECT_FALSE(can_take()) << "the lock came with the file";
}

}  // namespace
}  // namespace ccci::harness
