#include "harness/git.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "harness/log.hpp"
#include "unit/fakes/git_repo.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

using namespace std::chrono_literals;
using fakes::GitRepo;

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

}  // namespace
}  // namespace ccci::harness
