#include "harness/git.hpp"

#include <gtest/gtest.h>

#include "unit/fakes/fake_process.hpp"

namespace ccci::harness {
namespace {

using namespace std::chrono_literals;
using fakes::exited;
using fakes::FakeProcessRunner;
using fakes::timed_out;

TEST(GitArgv, RefusesRepositoriesAndRefsThatCouldBecomeOptions) {
  FakeProcessRunner runner;
  auto git = make_git(runner, {});
  auto listed = git->list_remote_refs("--upload-pack=touch /tmp/pwned");
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().kind, ErrorKind::usage);
  EXPECT_EQ(git->clone("-oProxyCommand=x", "/tmp/c").error().kind, ErrorKind::usage);
  EXPECT_EQ(git->fetch_and_checkout("/tmp/c", "--upload-pack=x").error().kind, ErrorKind::usage);
  EXPECT_EQ(git->fetch_and_checkout("/tmp/c", "refs/pull/1/head:refs/heads/main").error().kind, ErrorKind::usage);
  EXPECT_EQ(git->fetch_and_checkout("/tmp/c", "+refs/pull/1/head").error().kind, ErrorKind::usage);
  EXPECT_EQ(git->resolve_remote_ref("/tmp/repo", "-x").error().kind, ErrorKind::usage);
  EXPECT_TRUE(runner.commands().empty()) << "nothing may be spawned for a refused value";
}

TEST(GitArgv, BuildsArgvAndEnvironmentWithoutAShell) {
  FakeProcessRunner runner;
  runner.on({"git", "ls-remote"}, exited(0, "abc123\tHEAD\nabc123\trefs/heads/main\n"));
  auto git = make_git(runner, {{"PATH", "/usr/bin"}}, 7s);
  auto refs = git->list_remote_refs("https://git.example/recipe.git");
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_EQ(refs->at("refs/heads/main"), "abc123");
  auto command = runner.first({"git", "ls-remote"});
  EXPECT_EQ(command.argv, (std::vector<std::string>{"git", "ls-remote", "--", "https://git.example/recipe.git"}));
  EXPECT_EQ(command.timeout, 7s);
  EXPECT_EQ(command.env.at("PATH"), "/usr/bin");
  EXPECT_EQ(command.env.at("GIT_TERMINAL_PROMPT"), "0");

  ASSERT_TRUE(git->fetch_and_checkout("/work/clone", "refs/pull/4/head").ok());
  auto argvs = runner.argvs();
  ASSERT_EQ(argvs.size(), 3u);
  EXPECT_EQ(argvs[1], (std::vector<std::string>{"git", "fetch", "--quiet", "origin", "refs/pull/4/head"}));
  EXPECT_EQ(argvs[2], (std::vector<std::string>{"git", "checkout", "--quiet", "--detach", "FETCH_HEAD"}));
  EXPECT_EQ(runner.commands()[2].cwd, "/work/clone");
}

TEST(GitArgv, ListsEachRepoOnceAndRetriesAFailedListing) {
  FakeProcessRunner runner;
  runner.once({"git", "ls-remote", "--", "/a"}, exited(128, "", "fatal: unable to access\n"));
  runner.on({"git", "ls-remote", "--", "/a"}, exited(0, "abc123\trefs/heads/main\n"));
  runner.on({"git", "ls-remote", "--", "/b"}, exited(0, "def456\trefs/heads/master\n"));
  auto git = make_git(runner, {});
  EXPECT_FALSE(git->list_remote_refs("/a").ok());
  EXPECT_EQ(git->resolve_remote_ref("/a", "refs/heads/main").value(), "abc123");
  EXPECT_EQ(git->list_remote_refs("/a")->at("refs/heads/main"), "abc123");
  EXPECT_EQ(git->resolve_remote_ref("/b", "master").value(), "def456");
  EXPECT_EQ(runner.count({"git", "ls-remote", "--", "/a"}), 2u);
  EXPECT_EQ(runner.count({"git", "ls-remote", "--", "/b"}), 1u);
}

TEST(GitArgv, GarbledLsRemoteOutputIsInfra) {
  FakeProcessRunner runner;
  runner.on({"git", "ls-remote"}, exited(0, "not a ref line\n"));
  auto refs = make_git(runner, {})->list_remote_refs("/repo");
  ASSERT_FALSE(refs.ok());
  EXPECT_EQ(refs.error().kind, ErrorKind::infra);
}

TEST(GitArgv, AFailedFetchIsNotFoundOnlyWhenOriginSaysByExitCodeThatTheRefIsMissing) {
  // git fetch exits 128 for a missing ref and for an unreachable origin alike; the message is
  // never read (the second case claims a missing ref in words, yet origin lists it).
  auto fetch_failing = [](std::string fetch_err, harness::Completion probe, ErrorKind expected) {
    FakeProcessRunner runner;
    runner.on({"git", "fetch"}, exited(128, "", std::move(fetch_err)));
    runner.on({"git", "ls-remote", "--exit-code"}, std::move(probe));
    auto checked_out = make_git(runner, {})->fetch_and_checkout("/work/clone", "refs/pull/9/head");
    ASSERT_FALSE(checked_out.ok());
    EXPECT_EQ(checked_out.error().kind, expected) << checked_out.error().message;
    EXPECT_EQ(runner.argvs().back(),
              (std::vector<std::string>{"git", "ls-remote", "--exit-code", "--quiet", "origin", "refs/pull/9/head"}));
    EXPECT_EQ(runner.commands().back().cwd, "/work/clone");
  };
  fetch_failing("fatal: something went wrong\n", exited(2), ErrorKind::not_found);
  fetch_failing("fatal: couldn't find remote ref refs/pull/9/head\n", exited(0, "abc\trefs/pull/9/head\n"),
                ErrorKind::infra);
  fetch_failing("fatal: unable to access\n", exited(128), ErrorKind::infra);
  fetch_failing("", timed_out(), ErrorKind::infra);
}

TEST(GitArgv, AGitThatCannotBeStartedIsInfra) {
  FakeProcessRunner runner;
  runner.on({"git"}, make_error(ErrorKind::not_found, "executable git not found"));
  auto refs = make_git(runner, {})->list_remote_refs("/repo");
  ASSERT_FALSE(refs.ok());
  EXPECT_EQ(refs.error().kind, ErrorKind::infra) << "a missing git is the host's problem, not a missing ref";
}

TEST(GitArgv, GitTimeoutIsInfraNamingTheOperation) {
  FakeProcessRunner runner;
  runner.on({"git"}, timed_out());
  auto refs = make_git(runner, {})->list_remote_refs("/repo");
  ASSERT_FALSE(refs.ok());
  EXPECT_EQ(refs.error().kind, ErrorKind::infra);
  EXPECT_NE(refs.error().message.find("timed out"), std::string::npos) << refs.error().message;
}

}  // namespace
}  // namespace ccci::harness
