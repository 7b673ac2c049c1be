#include "runner/repo_local.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

namespace fs = std::filesystem;

constexpr const char* checks_yml = R"(checks:
  custom:
    - {name: roundtrip, script: checks/roundtrip.sh}
  install:
    - {http: {path: /, status: 200}}
)";

class RepoLocalTest : public ::testing::Test {
 protected:
  fs::path checkout() const { return repo.path(); }
  fs::path recipes() const { return ccci.path(); }
  fs::path copy() const { return run.path() / "repo-local"; }
  void ship_checks() {
    repo.write(".ccci/checks.yml", checks_yml);
    auto script = repo.write(".ccci/checks/roundtrip.sh", "#!/bin/sh\nexit 0\n");
    fs::permissions(script, fs::perms::owner_exec, fs::perm_options::add);
  }
  harness::Result<RepoLocal> take(const RepoLocalLimits& limits = {}) {
    return take_repo_local(checkout(), recipes(), "fixture-db", copy(), limits);
  }

  fakes::TempDir repo;  // the head's checkout
  fakes::TempDir ccci;  // ccci's recipes directory
  fakes::TempDir run;   // the run's directory
};

TEST_F(RepoLocalTest, ARepositoryWithoutChecksIsAbsent) {
  auto found = take();
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->state, RepoLocal::State::absent);
  EXPECT_EQ(found->note, "none: the recipe's repository has no .ccci/checks.yml");
}

TEST_F(RepoLocalTest, WithoutTheAllowListNothingIsReadOrCopied) {
  ship_checks();
  repo.write(".ccci/checks.yml", "this: [is not even read");  // malformed: reading it would fail
  auto found = take();
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->state, RepoLocal::State::denied);
  EXPECT_EQ(found->note, ".ccci/checks.yml not run: fixture-db is not on " +
                             (recipes() / "repo-local-approved.txt").string() +
                             " (repo-local checks are code from the PR's author; default deny)");
  EXPECT_TRUE(found->checks.empty());
  EXPECT_FALSE(fs::exists(copy()));
}

TEST_F(RepoLocalTest, ARecipeOffTheListIsDeniedCommentsAndOtherNamesDoNotCount) {
  ship_checks();
  ccci.write("repo-local-approved.txt", "# fixture-db\nfixture-dbx\n  fixture-web  # approved\n\n");
  auto found = take();
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->state, RepoLocal::State::denied);
  EXPECT_TRUE(repo_local_approved(recipes(), "fixture-web").value());
}

TEST_F(RepoLocalTest, AnApprovedRecipesChecksAreCopiedOutOfTheCheckoutAndParsed) {
  ship_checks();
  ccci.write("repo-local-approved.txt", "fixture-web\nfixture-db   # reviewed\n");
  auto found = take();
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->state, RepoLocal::State::approved);
  EXPECT_EQ(found->dir, copy());
  ASSERT_EQ(found->checks[Tier::custom].size(), 1u);
  EXPECT_EQ(found->checks[Tier::custom][0].name, "roundtrip");
  EXPECT_EQ(found->checks[Tier::install].size(), 1u);
  EXPECT_TRUE(fs::is_regular_file(copy() / "checks/roundtrip.sh"));
  EXPECT_NE(fs::status(copy() / "checks/roundtrip.sh").permissions() & fs::perms::owner_exec, fs::perms::none)
      << "a script stays executable";
  EXPECT_EQ(found->note.rfind("2 check(s) from .ccci/checks.yml (fixture-db is on ", 0), 0u) << found->note;
}

TEST_F(RepoLocalTest, ASymlinkAnUnknownKeyOrTooMuchIsASpecErrorNamingIt) {
  ship_checks();
  ccci.write("repo-local-approved.txt", "fixture-db\n");
  fs::create_symlink("/etc/passwd", checkout() / ".ccci/checks/passwd");
  auto linked = take();
  ASSERT_FALSE(linked.ok());
  EXPECT_EQ(linked.error().kind, harness::ErrorKind::spec);
  EXPECT_EQ(linked.error().message, ".ccci/checks/passwd: only regular files and folders may be in .ccci");
  fs::remove(checkout() / ".ccci/checks/passwd");

  RepoLocalLimits one_file;
  one_file.max_files = 1;
  fs::remove_all(copy());
  auto many = take(one_file);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().kind, harness::ErrorKind::spec);

  fs::remove_all(copy());
  repo.write(".ccci/checks.yml", "checks: {}\nseeds: {}\n");
  auto unknown = take();
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, harness::ErrorKind::spec);
  EXPECT_NE(unknown.error().message.find("checks.yml:2:1"), std::string::npos) << unknown.error().message;
}

class ScriptedSteps final : public RecipeSteps {
 public:
  explicit ScriptedSteps(std::string name) : name_(std::move(name)) {}
  harness::Status seed(SeedOp) override {
    ++seeds;
    return harness::ok_status();
  }
  std::vector<CheckOutcome> checks(Tier) override {
    return {CheckOutcome{name_, CheckSource::overlay, CheckStatus::pass, {}, {}, {}}};
  }
  int seeds = 0;

 private:
  std::string name_;
};

TEST(WithRepoLocalChecks, ApprovedChecksFollowTheSpecsMarkedRepoLocalAndSeedsAreTheSpecsOnly) {
  ScriptedSteps spec("spec_check");
  ScriptedSteps repo("repo_check");
  RepoLocal approved;
  approved.state = RepoLocal::State::approved;
  WithRepoLocalChecks steps(spec, &repo, approved);
  auto outcomes = steps.checks(Tier::install);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].source, CheckSource::overlay);
  EXPECT_EQ(outcomes[1].name, "repo_check");
  EXPECT_EQ(outcomes[1].source, CheckSource::repo_local);
  ASSERT_TRUE(steps.seed(SeedOp::pre_backup).ok());
  EXPECT_EQ(spec.seeds, 1);
  EXPECT_EQ(repo.seeds, 0);
}

TEST(WithRepoLocalChecks, ADeniedRunSaysSoOnceInItsCustomTier) {
  ScriptedSteps spec("spec_check");
  RepoLocal denied;
  denied.state = RepoLocal::State::denied;
  denied.note = ".ccci/checks.yml not run: fixture-db is not on the list";
  WithRepoLocalChecks steps(spec, nullptr, denied);
  EXPECT_EQ(steps.checks(Tier::install).size(), 1u);
  auto custom = steps.checks(Tier::custom);
  ASSERT_EQ(custom.size(), 2u);
  EXPECT_EQ(custom[1].name, "repo_local_checks");
  EXPECT_EQ(custom[1].status, CheckStatus::skip);
  EXPECT_EQ(custom[1].source, CheckSource::repo_local);
  EXPECT_EQ(custom[1].message, denied.note);
}

}  // namespace
}  // namespace ccci::runner
