#include "runner/upgrade_base.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

TEST(LastGreenStore, RoundTripsARecordAndReportsAbsence) {
  fakes::TempDir dir;
  LastGreenStore store(dir.path() / "records");
  auto none = store.read("discourse");
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store.write("discourse", {"0.8.1+3.5.0", "f87c612d71b4aaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", ""}).ok());
  auto read = store.read("discourse");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->version, "0.8.1+3.5.0");
  EXPECT_EQ((*read)->commit, "f87c612d71b4aaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

TEST(LastGreenStore, RejectsRecordsWithMissingOrWrongFields) {
  fakes::TempDir dir;
  LastGreenStore store(dir.path());
  for (const char* text : {"[]", "{\"version\": \"1.0.0\"}", "{\"version\": 1, \"commit\": \"abcdef1\"}",
                           "{\"version\": \"1.0.0\", \"commit\": \"not-a-sha\"}", "not json"}) {
    dir.write("bad.json", text);
    auto read = store.read("bad");
    ASSERT_FALSE(read.ok()) << text;
    EXPECT_EQ(read.error().kind, ErrorKind::spec) << text;
    EXPECT_NE(read.error().message.find("bad.json"), std::string::npos) << read.error().message;
  }
}

TEST(LastGreenStore, RoundTripsTheRunAndTimeAndReadsOlderRecordsWithoutThem) {
  fakes::TempDir dir;
  LastGreenStore store(dir.path());
  ASSERT_TRUE(
      store.write("fixture-web", {"1.2.0+1.2", "abcdef1234", "fixture-web-main-1a2b3c", "2026-11-30T21:00:00Z"}).ok());
  auto read = store.read("fixture-web");
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->run_id, "fixture-web-main-1a2b3c");
  EXPECT_EQ((*read)->recorded_at, "2026-11-30T21:00:00Z");
  dir.write("old.json", R"({"version": "1.0.0", "commit": "abcdef1"})");
  auto old = store.read("old");
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ((*old)->run_id, "");
  dir.write("bad.json", R"({"version": "1.0.0", "commit": "abcdef1", "run_id": 7})");
  EXPECT_EQ(store.read("bad").error().kind, ErrorKind::spec);
}

TEST(LastGreenStore, ClearRemovesTheRecordAndSaysWhetherThereWasOne) {
  fakes::TempDir dir;
  LastGreenStore store(dir.path());
  ASSERT_TRUE(store.write("fixture-web", {"1.2.0+1.2", "abcdef1234", "", ""}).ok());
  auto cleared = store.clear("fixture-web");
  ASSERT_TRUE(cleared.ok());
  EXPECT_TRUE(*cleared);
  EXPECT_FALSE(store.read("fixture-web")->has_value());
  EXPECT_FALSE(*store.clear("fixture-web"));
  EXPECT_EQ(store.clear("../x").error().kind, ErrorKind::usage);
}

TEST(LastGreenStore, TwoRunsWritingTogetherLeaveOneWholeRecordNeverATornOne) {
  fakes::TempDir dir;
  LastGreenStore store(dir.path());
  auto writer = [&](const std::string& version, const std::string& commit) {
    for (int i = 0; i < 100; ++i)
      EXPECT_TRUE(store.write("fixture-web", {version, commit, "run-" + version, "t"}).ok());
  };
  std::thread first(writer, "1.1.0+1.1", std::string(40, 'a'));
  std::thread second(writer, "1.2.0+1.2", std::string(40, 'b'));
  for (int i = 0; i < 200; ++i) {
    auto read = store.read("fixture-web");
    ASSERT_TRUE(read.ok()) << read.error().message;  // never half a record
    if (!read->has_value()) continue;                // before the first rename
    bool whole = ((*read)->version == "1.1.0+1.1" && (*read)->commit == std::string(40, 'a')) ||
                 ((*read)->version == "1.2.0+1.2" && (*read)->commit == std::string(40, 'b'));
    EXPECT_TRUE(whole) << (*read)->version << " " << (*read)->commit;
  }
  first.join();
  second.join();
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) left.push_back(entry.path().filename());
  EXPECT_EQ(left, std::vector<std::string>{"fixture-web.json"}) << "no temporary file is left behind";
}

TEST(LastGreenStore, RefusesRecipeNamesThatCouldEscapeTheDirectory) {
  fakes::TempDir dir;
  LastGreenStore store(dir.path());
  EXPECT_EQ(store.read("../etc/passwd").error().kind, ErrorKind::usage);
  EXPECT_EQ(store.write("../x", {"1.0.0", "abcdef1", "", ""}).error().kind, ErrorKind::usage);
}

const std::string main_tip = "da4fa07699b4c576b637ba9c8911d7ce8eb17b5d";
const std::string head = "d0e96233a8f940b3ac4a9f10da84b9a9c0a2686a";

UpgradeBase last_green(std::optional<BranchTip> fallback) {
  return {BaseSource::last_green, "1.2.0+1.2", std::string(40, 'c'), "", "the newest version that passed every tier",
          std::move(fallback)};
}

TEST(FallThrough, ALastGreenBaseFallsBackToItsBranchTipCarryingWhy) {
  UpgradeBase next =
      fall_through(last_green(BranchTip{"main", main_tip}), "last-green 1.2.0+1.2 not deployable: x", head);
  EXPECT_EQ(next.source, BaseSource::target_branch);
  EXPECT_EQ(next.branch, "main");
  EXPECT_EQ(next.commit, main_tip);
  EXPECT_EQ(next.reason, "tip of main (last-green 1.2.0+1.2 not deployable: x)");
  EXPECT_FALSE(next.fallback) << "a branch tip falls no further";
}

TEST(FallThrough, ToATipThatIsTheHeadItIsASkipThatStillSaysWhy) {
  UpgradeBase next = fall_through(last_green(BranchTip{"main", head}), "last-green 1.2.0+1.2 not deployable: x", head);
  EXPECT_EQ(next.source, BaseSource::skip);
  EXPECT_EQ(next.reason.rfind("base equals head: nothing to upgrade from (target-branch main is d0e96233a8f9", 0), 0u)
      << next.reason;
}

TEST(FallThrough, EveryOtherBaseBecomesASkipWithTheReason) {
  EXPECT_EQ(fall_through(last_green(std::nullopt), "why", head).reason, "why");
  UpgradeBase tip{BaseSource::target_branch, "", main_tip, "main", "tip of main (no last-green record)"};
  UpgradeBase next = fall_through(tip, "main@da4fa07699b4 has no compose.yml: nothing to upgrade from", head);
  EXPECT_EQ(next.source, BaseSource::skip);
  EXPECT_EQ(next.reason, "main@da4fa07699b4 has no compose.yml: nothing to upgrade from");
  UpgradeBase pin{BaseSource::pin, "1.0.0+1.0", main_tip, "", "pinned in the recipe spec"};
  EXPECT_EQ(fall_through(pin, "why", head).source, BaseSource::skip);
}

TEST(BaseSourceNames, MatchTheReportVocabulary) {
  EXPECT_EQ(to_string(BaseSource::pin), "pin");
  EXPECT_EQ(to_string(BaseSource::last_green), "last-green");
  EXPECT_EQ(to_string(BaseSource::target_branch), "target-branch");
  EXPECT_EQ(to_string(BaseSource::skip), "skip");
}

}  // namespace
}  // namespace ccci::runner
