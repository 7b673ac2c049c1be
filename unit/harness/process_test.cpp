#include "harness/process.hpp"

#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "harness/log.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

using namespace std::chrono_literals;

TEST(InheritedEnvironment, KeepsOnlyTheNamedVariables) {
  ::setenv("CCCI_KEEP_ME", "kept", 1);
  ::setenv("CCCI_DROP_ME", "dropped", 1);
  Environment env = inherited_environment({"CCCI_KEEP_ME", "CCCI_NOT_SET_ANYWHERE"});
  ::unsetenv("CCCI_KEEP_ME");
  ::unsetenv("CCCI_DROP_ME");
  EXPECT_EQ(env, (Environment{{"CCCI_KEEP_ME", "kept"}}));
}

TEST(BoundedCapture, KeepsEverythingUpToTheCapAndOnlyTheNewestBytesPastIt) {
  BoundedCapture small{{}, 10, 0};
  small.append("hello");
  EXPECT_EQ(small.finish(), "hello");

  BoundedCapture capture{{}, 10, 0};
  for (int i = 0; i < 100; ++i) capture.append("0123456789");
  EXPECT_LE(capture.text.size(), 20u) << "memory stays within twice the cap while reading";
  EXPECT_EQ(capture.finish(), "[ccci: the first 990 bytes of this output were dropped]\n0123456789");
  EXPECT_EQ(capture.dropped, 990u);

  BoundedCapture edge{{}, 4, 0};
  edge.append("abcdef");  // over the cap but under twice it: trimmed only at the end
  EXPECT_EQ(edge.text, "abcdef");
  EXPECT_EQ(edge.finish(), "[ccci: the first 2 bytes of this output were dropped]\ncdef");
}

TEST(CompletionDescribe, NamesTimeoutsInSeconds) {
  Completion timed_out;
  timed_out.timed_out = true;
  timed_out.elapsed = 30000ms;
  EXPECT_EQ(timed_out.describe(), "timed out after 30s");
  timed_out.elapsed = 1500ms;
  EXPECT_EQ(timed_out.describe(), "timed out after 1.5s");
}

// The fake of this seam: other tests rely on its matching rules, so they are pinned here.
TEST(FakeProcessRunner, LongestPrefixWinsAndOnceRulesAnswerInOrder) {
  fakes::FakeProcessRunner fake;
  fake.on({"docker"}, fakes::exited(1))
      .once({"docker", "ps"}, fakes::exited(0, "first"))
      .once({"docker", "ps"}, make_error(ErrorKind::infra, "daemon gone"))
      .on({"docker", "ps"}, fakes::exited(0, "steady"));
  Command ps{{"docker", "ps", "-q"}, {}, {}, 1s};
  EXPECT_EQ(fake.run(ps)->out, "first");
  EXPECT_EQ(fake.run(ps).error().kind, ErrorKind::infra);
  EXPECT_EQ(fake.run(ps)->out, "steady");
  EXPECT_EQ(fake.run(ps)->out, "steady");
  EXPECT_EQ(fake.run(Command{{"docker", "info"}, {}, {}, 1s})->exit_code, 1);
  EXPECT_TRUE(fake.run(Command{{"abra"}, {}, {}, 1s})->succeeded()) << "the default answer is exit 0";
  EXPECT_EQ(fake.count({"docker", "ps"}), 4u);
  EXPECT_EQ(fake.argvs().back(), (std::vector<std::string>{"abra"}));
}

TEST(NormalizeTerminalOutput, EndsLinesAtEveryCarriageReturnAndKeepsNone) {
  EXPECT_EQ(normalize_terminal_output("a\r\nb\r\n"), "a\nb\n");
  EXPECT_EQ(normalize_terminal_output("a\r\r\nb"), "a\nb") << "ONLCR on a program's own \\r\\n";
  EXPECT_EQ(normalize_terminal_output("10%\r50%\rdone\n"), "10%\n50%\ndone\n") << "redrawn progress is kept";
  EXPECT_EQ(normalize_terminal_output("end\r"), "end\n");
  EXPECT_EQ(normalize_terminal_output("plain\nlines\n"), "plain\nlines\n");
  EXPECT_EQ(normalize_terminal_output(""), "");
}

// Real children under a pseudo-terminal. The unit run is hermetic (PATH=/nonexistent), so every
// program is named by its absolute path and the child's PATH is explicit.
class PseudoTerminalProcess : public ::testing::Test {
 protected:
  static Command shell(const std::string& script, std::chrono::milliseconds timeout = 10s,
                       Terminal terminal = Terminal::pseudo) {
    Command command{{"/bin/sh", "-c", script}, {{"PATH", "/usr/bin:/bin"}}, {}, timeout};
    command.terminal = terminal;
    return command;
  }

  static std::size_t open_descriptors() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
    return count;
  }

  std::ostringstream log_text_;
  Logger log_{log_text_};
  std::unique_ptr<ProcessRunner> runner_ = make_process_runner(log_);
};

TEST_F(PseudoTerminalProcess, TheChildSeesATerminalOnItsThreeStreams) {
  const std::string script = "/usr/bin/test -t 0 && /usr/bin/test -t 1 && /usr/bin/test -t 2 && echo terminal";
  auto done = runner_->run(shell(script));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(done->succeeded()) << done->describe() << ": " << done->out;
  EXPECT_EQ(done->out, "terminal\n");

  auto piped = runner_->run(shell(script, 10s, Terminal::none));
  ASSERT_TRUE(piped.ok()) << piped.error().message;
  EXPECT_EQ(piped->exit_code, 1) << "without Terminal::pseudo stdin is /dev/null, not a terminal";
}

TEST_F(PseudoTerminalProcess, StdoutAndStderrArriveMergedInOrderWithoutCarriageReturns) {
  auto done = runner_->run(shell("echo one; echo two >&2; /usr/bin/printf 'three\\r\\nfour\\rfive\\n'; exit 4"));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->exit_code, 4);
  EXPECT_EQ(done->out, "one\ntwo\nthree\nfour\nfive\n");
  EXPECT_EQ(done->err, "");
}

TEST_F(PseudoTerminalProcess, ReadsEverythingWrittenJustBeforeExit) {
  auto done = runner_->run(shell("/usr/bin/head -c 200000 /dev/zero | /usr/bin/tr '\\0' x; echo; echo last"));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(done->succeeded()) << done->describe();
  EXPECT_EQ(done->out, std::string(200000, 'x') + "\nlast\n");
}

TEST_F(PseudoTerminalProcess, TimeoutKillsAChildThatNeverExits) {
  auto done = runner_->run(shell("exec /usr/bin/sleep 30", 300ms));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(done->timed_out);
  EXPECT_EQ(done->signal, SIGTERM);
  EXPECT_LT(done->elapsed, 5s);
}

// A process outside the child's group (setsid) keeps the terminal open after the group is
// killed: the runner stops waiting for it after the kill drain instead of hanging.
TEST_F(PseudoTerminalProcess, TimeoutEndsTheRunEvenWhenAnEscapedProcessHoldsTheTerminal) {
  fakes::TempDir dir;
  auto pid_file = dir.path() / "escaped.pid";
  auto done = runner_->run(
      shell("/usr/bin/setsid /usr/bin/sleep 30 & echo $! > '" + pid_file.string() + "'; /usr/bin/sleep 30", 300ms));
  std::ifstream in(pid_file);
  pid_t escaped = 0;
  in >> escaped;
  if (escaped > 0) ::kill(escaped, SIGKILL);  // the sleep this test started
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(done->timed_out);
  EXPECT_LT(done->elapsed, 8s);
}

TEST_F(PseudoTerminalProcess, LeaksNoDescriptorToTheChildOrInThisProcess) {
  auto before = open_descriptors();
  Command ls{{"/usr/bin/ls", "/proc/self/fd"}, {}, {}, 10s};
  ls.terminal = Terminal::pseudo;
  auto done = runner_->run(ls);
  ASSERT_TRUE(done.ok()) << done.error().message;
  std::istringstream listed(done->out);
  std::vector<int> fds;
  for (int fd; listed >> fd;) fds.push_back(fd);
  std::sort(fds.begin(), fds.end());
  ASSERT_GE(fds.size(), 4u) << done->out;
  fds.pop_back();  // ls's own descriptor for reading the directory
  EXPECT_EQ(fds, (std::vector<int>{0, 1, 2})) << done->out;
  EXPECT_EQ(open_descriptors(), before) << "the terminal's master or slave was left open here";
}

}  // namespace
}  // namespace ccci::harness
