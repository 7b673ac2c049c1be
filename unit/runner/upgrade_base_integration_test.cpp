#include "runner/upgrade_base.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "harness/git.hpp"
#include "harness/log.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/git_repo.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using namespace std::chrono_literals;
using fakes::GitRepo;
using harness::ErrorKind;

class UpgradeBaseTest : public ::testing::Test {
 protected:
  UpgradeBaseTest() : store_(dir_.path() / "last-green") {}

  /// A recipe repo: 1.0.0+1.0 (annotated) → 1.1.0+1.1 (annotated) → an untagged commit on `branch`.
  GitRepo& make_recipe(const std::string& branch = "main") {
    recipe_.emplace(dir_.path() / "recipe", branch);
    v1_ = recipe_->commit({{"compose.yml", "v1\n"}}, "one");
    recipe_->annotated_tag("1.0.0+1.0");
    v1_1_ = recipe_->commit({{"compose.yml", "v1.1\n"}}, "one point one");
    recipe_->annotated_tag("1.1.0+1.1");
    tip_ = recipe_->commit({{"compose.yml", "next\n"}}, "unreleased");
    return *recipe_;
  }

  BaseInputs inputs(std::string head = "f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed") const {
    BaseInputs in;
    in.recipe = "custom-html";
    in.repo_url = recipe_ ? recipe_->url() : (dir_.path() / "nowhere").string();
    in.head_commit = std::move(head);
    return in;
  }

  harness::Result<UpgradeBase> resolve(const BaseInputs& in) { return resolve_upgrade_base(in, store_, *git_); }

  fakes::TempDir dir_;
  LastGreenStore store_;
  std::optional<GitRepo> recipe_;
  std::string v1_, v1_1_, tip_;
  std::ostringstream log_text_;
  harness::Logger log_{log_text_};
  std::unique_ptr<harness::ProcessRunner> runner_ = harness::make_process_runner(log_);
  std::unique_ptr<harness::Git> git_ = harness::make_git(*runner_, GitRepo::hermetic_env(), 30s);
};

TEST_F(UpgradeBaseTest, PinnedVersionWinsOverLastGreen) {
  make_recipe();
  ASSERT_TRUE(store_.write("custom-html", {"1.1.0+1.1", v1_1_, "", ""}).ok());
  auto in = inputs();
  in.pinned = "1.0.0+1.0";
  auto base = resolve(in);
  ASSERT_TRUE(base.ok()) << base.error().message;
  EXPECT_EQ(base->source, BaseSource::pin);
  EXPECT_EQ(base->version, "1.0.0+1.0");
  EXPECT_EQ(base->commit, v1_) << "the annotated tag's commit, not the tag object";
}

TEST_F(UpgradeBaseTest, PinThatIsNotATagIsASpecError) {
  make_recipe();
  auto in = inputs();
  in.pinned = "9.9.9+9";
  auto base = resolve(in);
  ASSERT_FALSE(base.ok());
  EXPECT_EQ(base.error().kind, ErrorKind::spec);
  EXPECT_EQ(base.error().message, "pinned upgrade base 9.9.9+9 is not a tag of " + recipe_->url());
}

TEST_F(UpgradeBaseTest, UsesLastGreenRecordWhenItsTagStillExists) {
  make_recipe();
  ASSERT_TRUE(store_.write("custom-html", {"1.0.0+1.0", v1_, "", ""}).ok());
  auto base = resolve(inputs());
  ASSERT_TRUE(base.ok()) << base.error().message;
  EXPECT_EQ(base->source, BaseSource::last_green);
  EXPECT_EQ(base->version, "1.0.0+1.0");
  EXPECT_EQ(base->commit, v1_);
  EXPECT_FALSE(base->reason.empty());
  ASSERT_TRUE(base->fallback) << "where install goes when that version no longer deploys";
  EXPECT_EQ(base->fallback->branch, "main");
  EXPECT_EQ(base->fallback->commit, tip_);
}

TEST_F(UpgradeBaseTest, FallsBackToMainTipWhenNoLastGreen) {
  make_recipe();
  auto base = resolve(inputs());
  ASSERT_TRUE(base.ok()) << base.error().message;
  EXPECT_EQ(base->source, BaseSource::target_branch);
  EXPECT_EQ(base->branch, "main");
  EXPECT_EQ(base->commit, tip_);
  EXPECT_TRUE(base->version.empty());
  EXPECT_NE(base->reason.find("no last-green record"), std::string::npos) << base->reason;
}

TEST_F(UpgradeBaseTest, FallsBackToMasterTipWhenNoMain) {
  make_recipe("master");
  auto base = resolve(inputs());
  ASSERT_TRUE(base.ok()) << base.error().message;
  EXPECT_EQ(base->source, BaseSource::target_branch);
  EXPECT_EQ(base->branch, "master");
  EXPECT_EQ(base->commit, tip_);
}

TEST_F(UpgradeBaseTest, PrefersMainOverMasterWhenBothExist) {
  make_recipe("master");
  recipe_->branch("main", v1_1_);
  auto base = resolve(inputs());
  ASSERT_TRUE(base.ok()) << base.error().message;
  EXPECT_EQ(base->branch, "main");
  EXPECT_EQ(base->commit, v1_1_);
}

TEST_F(UpgradeBaseTest, LastGreenWhoseTagVanishedFallsThroughWithTheReason) {
  make_recipe();
  ASSERT_TRUE(store_.write("custom-html", {"0.9.0+0.9", v1_, "", ""}).ok());
  auto base = resolve(inputs());
  ASSERT_TRUE(base.ok()) << base.error().message;
  EXPECT_EQ(base->source, BaseSource::target_branch);
  EXPECT_EQ(base->commit, tip_);
  EXPECT_NE(base->reason.find("last-green 0.9.0+0.9 is no longer a tag"), std::string::npos) << base->reason;
}

TEST_F(UpgradeBaseTest, LastGreenWhoseTagMovedFallsThroughWithTheReason) {
  make_recipe();
  ASSERT_TRUE(store_.write("custom-html", {"1.0.0+1.0", v1_1_, "", ""}).ok());
  auto base = resolve(inputs());
  ASSERT_TRUE(base.ok()) << base.error().message;
  EXPECT_EQ(base->source, BaseSource::target_branch);
  EXPECT_NE(base->reason.find("now points to"), std::string::npos) << base->reason;
}

TEST_F(UpgradeBaseTest, SkipsWithReasonWhenNoLastGreenAndNoMainOrMaster) {
  make_recipe("develop");
  auto base = resolve(inputs());
  ASSERT_TRUE(base.ok()) << base.error().message;
  EXPECT_EQ(base->source, BaseSource::skip);
  EXPECT_TRUE(base->commit.empty());
  EXPECT_EQ(base->reason, "no last-green record and the repo has neither main nor master");
}

TEST_F(UpgradeBaseTest, SkipsWhenUpgradeIsNotWantedWithoutTouchingGit) {
  fakes::FakeProcessRunner fake;
  auto fake_git = harness::make_git(fake, {});
  auto in = inputs();
  in.upgrade_wanted = false;
  auto base = resolve_upgrade_base(in, store_, *fake_git);
  ASSERT_TRUE(base.ok()) << base.error().message;
  EXPECT_EQ(base->source, BaseSource::skip);
  EXPECT_FALSE(base->reason.empty());
  EXPECT_TRUE(fake.commands().empty());
}

TEST_F(UpgradeBaseTest, BaseEqualToHeadIsASkipForEverySource) {
  make_recipe();
  auto tip_as_head = resolve(inputs(tip_.substr(0, 7)));  // an abbreviated REF still matches
  ASSERT_TRUE(tip_as_head.ok()) << tip_as_head.error().message;
  EXPECT_EQ(tip_as_head->source, BaseSource::skip);
  EXPECT_EQ(tip_as_head->reason.rfind("base equals head: nothing to upgrade from", 0), 0u) << tip_as_head->reason;

  ASSERT_TRUE(store_.write("custom-html", {"1.1.0+1.1", v1_1_, "", ""}).ok());
  auto last_green_as_head = resolve(inputs(v1_1_));
  ASSERT_TRUE(last_green_as_head.ok());
  EXPECT_EQ(last_green_as_head->source, BaseSource::skip);
  EXPECT_EQ(last_green_as_head->reason.rfind("base equals head: nothing to upgrade from", 0), 0u);

  auto pinned = inputs(v1_);
  pinned.pinned = "1.0.0+1.0";
  auto pin_as_head = resolve(pinned);
  ASSERT_TRUE(pin_as_head.ok());
  EXPECT_EQ(pin_as_head->source, BaseSource::skip);
}

TEST_F(UpgradeBaseTest, MalformedLastGreenRecordIsASpecErrorNamingTheFile) {
  make_recipe();
  auto file = dir_.path() / "last-green" / "custom-html.json";
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "{\"version\": \"1.0.0+1.0\"";
  auto base = resolve(inputs());
  ASSERT_FALSE(base.ok());
  EXPECT_EQ(base.error().kind, ErrorKind::spec);
  EXPECT_NE(base.error().message.find(file.string()), std::string::npos) << base.error().message;
}

TEST_F(UpgradeBaseTest, UnreachableRepoIsInfra) {
  auto base = resolve(inputs());  // no recipe repo was made: repo_url names nothing
  ASSERT_FALSE(base.ok());
  EXPECT_EQ(base.error().kind, ErrorKind::infra) << base.error().message;
}

}  // namespace
}  // namespace ccci::runner
