#include "harness/git.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "harness/log.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/git_repo.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

using namespace std::chrono_literals;
using fakes::exited;
using fakes::FakeProcessRunner;
using fakes::GitRepo;
using fakes::timed_out;

class GitOnRealRepos : public ::testing::Test {
 protected:
  GitOnRealRepos() : origin_(dir_.path() / "origin") {
    main_commit_ = origin_.commit({{"compose.yml", "services: {}\n"}}, "first");
    tagged_commit_ = main_commit_;
    origin_.annotated_tag("1.0.0+2.0.0");
    origin_.lightweight_tag("light");
    origin_.checkout("pr-work");
    pr_commit_ = origin_.commit({{"compose.yml", "services: {app: {}}\n"}}, "pr change");
    origin_.pull_ref(1, pr_commit_);
    origin_.checkout("main");
    origin_.git({"branch", "--quiet", "-D", "pr-work"});  // the PR head is only reachable via refs/pull/1/head
  }

  fakes::TempDir dir_;
  GitRepo origin_;
  std::string main_commit_;
  std::string tagged_commit_;
  std::string pr_commit_;
  std::ostringstream log_text_;
  Logger log_{log_text_};
  std::unique_ptr<ProcessRunner> runner_ = make_process_runner(log_);
  std::unique_ptr<Git> git_ = make_git(*runner_, GitRepo::hermetic_env(), 30s);
};

TEST_F(GitOnRealRepos, ListsRefsWithPeeledEntriesForAnnotatedTags) {
  auto refs = git_->list_remote_refs(origin_.url());
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_EQ(refs->at("refs/heads/main"), main_commit_);
  EXPECT_EQ(refs->at("refs/pull/1/head"), pr_commit_);
  EXPECT_EQ(refs->at("refs/tags/1.0.0+2.0.0^{}"), tagged_commit_);
  EXPECT_NE(refs->at("refs/tags/1.0.0+2.0.0"), tagged_commit_) << "an annotated tag's own sha is the tag object";
  EXPECT_EQ(refs->at("refs/tags/light"), tagged_commit_);
  EXPECT_EQ(refs->count("refs/tags/light^{}"), 0u);
  EXPECT_EQ(refs->count("refs/heads/pr-work"), 0u);
}

TEST_F(GitOnRealRepos, ResolvesAnnotatedTagToItsCommitNotTheTagObject) {
  auto commit = git_->resolve_remote_ref(origin_.url(), "1.0.0+2.0.0");
  ASSERT_TRUE(commit.ok()) << commit.error().message;
  EXPECT_EQ(*commit, tagged_commit_);
  auto full = git_->resolve_remote_ref(origin_.url(), "refs/tags/1.0.0+2.0.0");
  ASSERT_TRUE(full.ok()) << full.error().message;
  EXPECT_EQ(*full, tagged_commit_);
}

TEST_F(GitOnRealRepos, ResolvesBranchLightweightTagAndPullRequestRef) {
  EXPECT_EQ(git_->resolve_remote_ref(origin_.url(), "main").value(), main_commit_);
  EXPECT_EQ(git_->resolve_remote_ref(origin_.url(), "light").value(), tagged_commit_);
  EXPECT_EQ(git_->resolve_remote_ref(origin_.url(), "refs/pull/1/head").value(), pr_commit_);
}

TEST_F(GitOnRealRepos, MissingRefIsNotFound) {
  auto commit = git_->resolve_remote_ref(origin_.url(), "refs/pull/2/head");
  ASSERT_FALSE(commit.ok());
  EXPECT_EQ(commit.error().kind, ErrorKind::not_found);
  EXPECT_NE(commit.error().message.find("refs/pull/2/head"), std::string::npos);
}

TEST_F(GitOnRealRepos, UnreachableRepositoryIsInfra) {
  auto refs = git_->list_remote_refs((dir_.path() / "no-such-repo").string());
  ASSERT_FALSE(refs.ok());
  EXPECT_EQ(refs.error().kind, ErrorKind::infra);
  EXPECT_NE(refs.error().message.find("no-such-repo"), std::string::npos) << refs.error().message;
}

TEST_F(GitOnRealRepos, ClonesThenChecksOutThePullRequestHead) {
  auto clone = dir_.path() / "clone";
  ASSERT_TRUE(git_->clone(origin_.url(), clone).ok());
  auto head = git_->head_commit(clone);
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(*head, main_commit_);

  auto checked_out = git_->fetch_and_checkout(clone, "refs/pull/1/head");
  ASSERT_TRUE(checked_out.ok()) << checked_out.error().message;
  EXPECT_EQ(git_->head_commit(clone).value(), pr_commit_);
}

TEST_F(GitOnRealRepos, CheckingOutAnAnnotatedTagLandsOnItsCommit) {
  origin_.commit({{"later.txt", "x"}}, "later");
  auto clone = dir_.path() / "clone";
  ASSERT_TRUE(git_->clone(origin_.url(), clone).ok());
  ASSERT_TRUE(git_->fetch_and_checkout(clone, "refs/tags/1.0.0+2.0.0").ok());
  EXPECT_EQ(git_->head_commit(clone).value(), tagged_commit_);
}

TEST_F(GitOnRealRepos, FetchingAMissingRefIsNotFound) {
  auto clone = dir_.path() / "clone";
  ASSERT_TRUE(git_->clone(origin_.url(), clone).ok());
  auto checked_out = git_->fetch_and_checkout(clone, "refs/pull/9/head");
  ASSERT_FALSE(checked_out.ok());
  EXPECT_EQ(checked_out.error().kind, ErrorKind::not_found) << checked_out.error().message;
}

TEST_F(GitOnRealRepos, CloneOfUnreachableRepositoryIsInfra) {
  auto cloned = git_->clone((dir_.path() / "missing").string(), dir_.path() / "clone");
  ASSERT_FALSE(cloned.ok());
  EXPECT_EQ(cloned.error().kind, ErrorKind::infra);
}

TEST(GitEmptyRepo, ListsNoRefs) {
  fakes::TempDir dir;
  GitRepo empty(dir.path() / "empty");
  std::ostringstream log_text;
  Logger log{log_text};
  auto runner = make_process_runner(log);
  auto refs = make_git(*runner, GitRepo::hermetic_env())->list_remote_refs(empty.url());
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_TRUE(refs->empty());
}

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
