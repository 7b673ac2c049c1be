#include "harness/process.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include <signal.h>
#include <stdlib.h>

#include <gtest/gtest.h>

#include "harness/interrupt.hpp"
#include "harness/log.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

using namespace std::chrono_literals;

Command shell(const std::string& script, std::chrono::milliseconds timeout = 10s) {
  return Command{{"sh", "-c", script}, inherited_environment({"PATH"}), {}, timeout};
}

/// A pid that no longer names a running process: gone, or a zombie waiting for init to reap it.
bool process_is_gone(pid_t pid) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    auto close_paren = line.rfind(')');
    if (close_paren != std::string::npos && close_paren + 2 < line.size() && line[close_paren + 2] == 'Z') return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

pid_t read_pid(const std::filesystem::path& file) {
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

class Process : public ::testing::Test {
 protected:
  void SetUp() override { reset_interrupt_for_tests(); }
  void TearDown() override { reset_interrupt_for_tests(); }

  std::ostringstream log_text_;
  Logger log_{log_text_};
  std::unique_ptr<ProcessRunner> runner_ = make_process_runner(log_);
};

TEST_F(Process, ReportsExitCodeAndCapturesBothStreams) {
  auto done = runner_->run(shell("echo out; echo err >&2; exit 3"));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->exit_code, 3);
  EXPECT_EQ(done->signal, 0);
  EXPECT_FALSE(done->timed_out);
  EXPECT_FALSE(done->succeeded());
  EXPECT_EQ(done->out, "out\n");
  EXPECT_EQ(done->err, "err\n");
  EXPECT_EQ(done->describe(), "exit 3");
}

TEST_F(Process, RunsFromSeveralThreadsAtOnceEachWithItsOwnOutput) {
  constexpr int kThreads = 8;
  std::vector<Result<Completion>> results(kThreads, make_error(ErrorKind::infra, "not run"));
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { results[i] = runner_->run(shell("sleep 0.5; echo " + std::to_string(i))); });
  }
  for (auto& thread : threads) thread.join();
  auto elapsed = std::chrono::steady_clock::now() - start;
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].error().message;
    EXPECT_EQ(results[i]->out, std::to_string(i) + "\n");
    EXPECT_TRUE(results[i]->succeeded());
  }
  EXPECT_LT(elapsed, 8 * 500ms) << "the children did not run at the same time";
}

// A daemon the child starts with its streams redirected (as `ccci-testbed up` starts dockerd)
// must not inherit any other copy of our pipes, or we would wait for its EOF until the timeout.
TEST_F(Process, ABackgroundedGrandchildWithRedirectedStreamsDoesNotHoldTheRunOpen) {
  auto start = std::chrono::steady_clock::now();
  auto done = runner_->run(shell("sleep 5 </dev/null >/dev/null 2>&1 & echo started", 20s));
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->out, "started\n");
  EXPECT_TRUE(done->succeeded()) << done->describe();
  EXPECT_LT(elapsed, 3s);
}

TEST_F(Process, TheChildInheritsNoDescriptorButItsThreeStreams) {
  auto done = runner_->run(Command{{"ls", "/proc/self/fd"}, inherited_environment({"PATH"}), {}, 10s});
  ASSERT_TRUE(done.ok()) << done.error().message;
  // ls itself opens one descriptor to read the directory: the highest listed.
  std::istringstream listed(done->out);
  std::vector<int> fds;
  for (int fd; listed >> fd;) fds.push_back(fd);
  std::sort(fds.begin(), fds.end());
  ASSERT_GE(fds.size(), 4u) << done->out;
  fds.pop_back();
  EXPECT_EQ(fds, (std::vector<int>{0, 1, 2})) << done->out;
}

TEST_F(Process, ZeroExitSucceeds) {
  auto done = runner_->run(shell("exit 0"));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(done->succeeded());
}

TEST_F(Process, SignalDeathIsKeptApartFromExitCode) {
  auto done = runner_->run(shell("kill -KILL $$"));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->signal, SIGKILL);
  EXPECT_EQ(done->exit_code, -1);
  EXPECT_FALSE(done->timed_out);
  EXPECT_FALSE(done->succeeded());
  EXPECT_EQ(done->describe(), "killed by signal 9 (SIGKILL)");
}

TEST_F(Process, TimeoutKillsTheWholeProcessGroup) {
  fakes::TempDir dir;
  auto pid_file = dir.path() / "grandchild.pid";
  auto done = runner_->run(shell("sleep 30 & echo $! > '" + pid_file.string() + "'; wait", 500ms));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(done->timed_out);
  EXPECT_FALSE(done->succeeded());
  EXPECT_EQ(done->signal, SIGTERM);
  EXPECT_LT(done->elapsed, 5s);
  EXPECT_EQ(done->describe().rfind("timed out after ", 0), 0u) << done->describe();
  pid_t grandchild = read_pid(pid_file);
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(process_is_gone(grandchild)) << "grandchild sleep " << grandchild << " survived the timeout";
}

TEST_F(Process, TimeoutEscalatesToKillWhenTheGroupIgnoresTerm) {
  auto done = runner_->run(shell("trap '' TERM; sleep 30 & wait; sleep 30", 200ms));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(done->timed_out);
  EXPECT_EQ(done->signal, SIGKILL);
  EXPECT_GE(done->elapsed, 2s);
  EXPECT_LT(done->elapsed, 6s);
}

TEST_F(Process, ReadsMegabytesOnBothStreamsWithoutDeadlock) {
  // stderr first: a runner that drained stdout before stderr would block on a full stderr pipe.
  auto done = runner_->run(shell("head -c 3000000 /dev/zero | tr '\\0' e >&2; head -c 2000000 /dev/zero | tr '\\0' o"));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(done->succeeded()) << done->describe();
  EXPECT_EQ(done->out.size(), 2000000u);
  EXPECT_EQ(done->err.size(), 3000000u);
  EXPECT_EQ(done->out.find_first_not_of('o'), std::string::npos);
  EXPECT_EQ(done->err.find_first_not_of('e'), std::string::npos);
}

TEST_F(Process, OutputPastTheCapKeepsTheNewestBytesAndNeverBlocksTheChild) {
  // 5 MB of 'a', then a last line, on stdout; 3 MB on stderr; each stream is capped at 1 MiB.
  auto command = shell(
      "head -c 3000000 /dev/zero | tr '\\0' e >&2; head -c 5000000 /dev/zero | tr '\\0' a; echo; echo the-end", 30s);
  command.max_output = 1 << 20;
  auto done = runner_->run(command);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(done->succeeded()) << done->describe() << " (a child blocked on a full pipe would time out)";
  const std::string note = "[ccci: the first ";
  EXPECT_EQ(done->out.rfind(note, 0), 0u) << done->out.substr(0, 80);
  EXPECT_EQ(done->out.substr(done->out.size() - 8), "the-end\n") << "the tail is what messages quote";
  EXPECT_LE(done->out.size(), (1u << 20) + 100);
  EXPECT_LE(done->err.size(), (1u << 20) + 100);
  EXPECT_EQ(done->dropped, (5000000u + 1 + 8 - (1u << 20)) + (3000000u - (1u << 20)));
  EXPECT_NE(done->out.find(std::to_string(5000000u + 1 + 8 - (1u << 20)) + " bytes of this output were dropped]\n"),
            std::string::npos);
}

TEST_F(Process, ExplicitEnvironmentIsTheChildsWholeEnvironment) {
  ::setenv("CCCI_PROCESS_TEST_NOT_PASSED", "leak", 1);
  Command command = shell("env");
  command.env["CCCI_PASSED"] = "yes it is";
  auto done = runner_->run(command);
  ::unsetenv("CCCI_PROCESS_TEST_NOT_PASSED");
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_NE(done->out.find("CCCI_PASSED=yes it is\n"), std::string::npos) << done->out;
  EXPECT_EQ(done->out.find("CCCI_PROCESS_TEST_NOT_PASSED"), std::string::npos) << done->out;
}

TEST_F(Process, RunsInTheGivenWorkingDirectory) {
  fakes::TempDir dir;
  Command command = shell("pwd -P");
  command.cwd = dir.path();
  auto done = runner_->run(command);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->out, std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST_F(Process, MissingWorkingDirectoryIsNotFound) {
  Command command = shell("true");
  command.cwd = "/nonexistent/ccci-dir";
  auto done = runner_->run(command);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().kind, ErrorKind::not_found);
  EXPECT_NE(done.error().message.find("/nonexistent/ccci-dir"), std::string::npos);
}

TEST_F(Process, MissingExecutableIsNotFoundNamingIt) {
  auto done = runner_->run(Command{{"ccci-no-such-tool", "--x"}, inherited_environment({"PATH"}), {}, 5s});
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().kind, ErrorKind::not_found);
  EXPECT_NE(done.error().message.find("ccci-no-such-tool"), std::string::npos) << done.error().message;
}

TEST_F(Process, ExecutableIsLookedUpInTheCommandsPathNotOurs) {
  fakes::TempDir dir;
  auto tool = dir.write("bin/ccci-private-tool", "#!/bin/sh\necho private \"$1\"\n");
  std::filesystem::permissions(tool, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
  Environment env = inherited_environment({"PATH"});
  env["PATH"] = (dir.path() / "bin").string() + ":" + env["PATH"];
  auto done = runner_->run(Command{{"ccci-private-tool", "hello"}, env, {}, 5s});
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->out, "private hello\n");

  auto without = runner_->run(Command{{"ccci-private-tool"}, inherited_environment({"PATH"}), {}, 5s});
  ASSERT_FALSE(without.ok());
  EXPECT_EQ(without.error().kind, ErrorKind::not_found);
}

TEST_F(Process, ZeroTimeoutIsAUsageError) {
  auto done = runner_->run(shell("true", 0ms));
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().kind, ErrorKind::usage);
}

TEST_F(Process, EmptyArgvIsAUsageError) {
  auto done = runner_->run(Command{{}, inherited_environment({"PATH"}), {}, 5s});
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().kind, ErrorKind::usage);
}

TEST_F(Process, InterruptKillsTheChildsGroupAndReportsInterrupted) {
  fakes::TempDir dir;
  auto pid_file = dir.path() / "grandchild.pid";
  std::thread interrupter([&] {
    for (int i = 0; i < 200 && !std::filesystem::exists(pid_file); ++i) std::this_thread::sleep_for(10ms);
    request_interrupt_for_tests(SIGINT);
  });
  auto started = std::chrono::steady_clock::now();
  // Written then renamed: the interrupter must never see the file before the pid is in it.
  auto done = runner_->run(shell("sleep 30 & echo $! > '" + pid_file.string() + ".new' && mv '" + pid_file.string() +
                                     ".new' '" + pid_file.string() + "'; wait",
                                 20s));
  interrupter.join();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().kind, ErrorKind::interrupted);
  EXPECT_NE(done.error().message.find("SIGINT"), std::string::npos) << done.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  pid_t grandchild = read_pid(pid_file);
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(process_is_gone(grandchild)) << "grandchild sleep " << grandchild << " survived the interrupt";
}

TEST_F(Process, PendingInterruptRefusesToStartUnlessShielded) {
  request_interrupt_for_tests(SIGTERM);
  auto refused = runner_->run(shell("echo started"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::interrupted);
  EXPECT_EQ(pending_interrupt(), SIGTERM);

  InterruptShield teardown;
  auto shielded = runner_->run(shell("echo started"));
  ASSERT_TRUE(shielded.ok()) << shielded.error().message;
  EXPECT_EQ(shielded->out, "started\n");

  request_interrupt_for_tests(SIGINT);  // a second signal does not break through the shield
  auto still = runner_->run(shell("echo still"));
  ASSERT_TRUE(still.ok()) << still.error().message;
  EXPECT_EQ(still->out, "still\n");
  EXPECT_EQ(pending_interrupt(), SIGTERM) << "the first signal decides the exit code";
}

TEST_F(Process, LogsEverySpawnWithArgvOutcomeAndDuration) {
  log_.redactor().add_secret("s3cret-token");
  auto done = runner_->run(shell("exit 4 # s3cret-token"));
  ASSERT_TRUE(done.ok());
  std::string text = log_text_.str();
  EXPECT_NE(text.find("[process] sh -c "), std::string::npos) << text;
  EXPECT_NE(text.find(": exit 4 after "), std::string::npos) << text;
  EXPECT_EQ(text.find("s3cret-token"), std::string::npos) << text;
}

}  // namespace
}  // namespace ccci::harness
