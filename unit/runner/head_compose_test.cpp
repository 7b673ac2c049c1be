#include "runner/head_compose.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "unit/fakes/fake_git.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

const char* const excluded_volume = R"(services:
  app:
    image: ccci/fixture:1.1
    volumes: [data:/data, cache:/cache]
    environment:
      - TITLE=${TITLE}
    deploy:
      labels:
        backupbot.backup: "${ENABLE_BACKUPS:-true}"
        backupbot.backup.volumes.data: "${BACKUP_DATA:-true}"
volumes:
  data:
  cache:
)";

class HeadCompose : public ::testing::Test {
 protected:
  HeadCompose() {
    git.files_at["refs/pull/1/head"] = {{"compose.yml", excluded_volume},
                                        {".env.sample", "TYPE=fixture\nBACKUP_DATA=false\nTITLE=x\n"}};
  }
  HeadComposeSource source{"/repos/fixture", "refs/pull/1/head", "fixt-abc123.ccci.test", {}};
  fakes::TempDir dir;
  std::filesystem::path scratch = dir.path() / "plan-clone";
  fakes::FakeGit git;
};

TEST_F(HeadCompose, AnalysesTheHeadWithItsEnvSampleAndRemovesTheScratchClone) {
  BackupCoverage coverage = analyse_head_backup_coverage(git, source, scratch);
  ASSERT_TRUE(coverage.analysed) << coverage.note;
  ASSERT_EQ(coverage.warnings.size(), 1u);
  EXPECT_NE(coverage.warnings[0].find("data"), std::string::npos) << coverage.warnings[0];
  EXPECT_EQ(git.calls, (std::vector<std::string>{"clone /repos/fixture " + scratch.string(),
                                                 "checkout " + scratch.string() + " refs/pull/1/head"}));
  EXPECT_FALSE(std::filesystem::exists(scratch));
  EXPECT_EQ(describe(coverage), "1 coverage warning");
}

TEST_F(HeadCompose, TheSpecsEnvIsWhatTheAppWillHaveSoItWins) {
  source.env_overlay = {{"BACKUP_DATA", "true"}};
  BackupCoverage coverage = analyse_head_backup_coverage(git, source, scratch);
  ASSERT_TRUE(coverage.analysed) << coverage.note;
  EXPECT_EQ(coverage.warnings, std::vector<std::string>{});
}

TEST_F(HeadCompose, AHeadThatCannotBeReadIsNotAnalysedSayingWhyAndLeavesNothing) {
  git.files_at["refs/pull/1/head"]["compose.yml"] = "services:\n  app:\n    image: [unclosed\n";
  BackupCoverage coverage = analyse_head_backup_coverage(git, source, scratch);
  EXPECT_FALSE(coverage.analysed);
  EXPECT_TRUE(coverage.warnings.empty());
  EXPECT_EQ(coverage.note.rfind("the head's compose files could not be read: ", 0), 0u) << coverage.note;
  EXPECT_EQ(describe(coverage).rfind("not analysed: the head's compose files could not be read: ", 0), 0u);
  EXPECT_FALSE(std::filesystem::exists(scratch));

  git.clone_failures.emplace("/repos/fixture", harness::make_error(harness::ErrorKind::infra, "cannot reach it"));
  coverage = analyse_head_backup_coverage(git, source, scratch);
  EXPECT_FALSE(coverage.analysed);
  EXPECT_EQ(coverage.note, "the head's compose files could not be read: cannot reach it");
}

TEST(BackupCoverageText, SaysHowManyWarningsOrNone) {
  EXPECT_EQ(describe(coverage_of({})), "no coverage warnings");
  EXPECT_EQ(describe(coverage_of({{"app", "a"}, {"db", "b"}})), "2 coverage warnings");
  EXPECT_EQ(coverage_of({{"app", "a"}, {"", "b"}}).warnings, (std::vector<std::string>{"app: a", "b"}));
}

}  // namespace
}  // namespace ccci::runner
