#include "runner/volume_markers.hpp"

#include <gtest/gtest.h>

#include "runner/generic_checks.hpp"
#include "unit/fakes/fake_drivers.hpp"

namespace ccci::runner {
namespace {

using harness::VolumeBackup;

VolumeBackup whole(std::string key) { return {key, "s_" + key, "ccci/app:1", false, false, {}}; }
VolumeBackup restricted(std::string key, std::vector<std::string> paths) {
  return {key, "s_" + key, "ccci/db:1", false, true, std::move(paths)};
}
VolumeBackup excluded(std::string key) { return {key, "s_" + key, "ccci/app:1", true, false, {}}; }

TEST(PlanMarkers, AWholeVolumeGetsOneAtItsRootAPathRestrictedOneInEachPathAnExcludedOneNone) {
  auto plan = plan_markers({whole("data"), restricted("db", {"dumps", "backup.sql"}), excluded("cache")});
  ASSERT_EQ(plan.sites.size(), 3u);
  EXPECT_EQ(plan.sites[0].where(), "data");
  EXPECT_EQ(plan.sites[0].file(), ".ccci-marker");
  EXPECT_EQ(plan.sites[1].where(), "db/dumps");
  EXPECT_EQ(plan.sites[1].file(), "dumps/.ccci-marker");
  EXPECT_EQ(plan.sites[2].where(), "db/backup.sql") << "whether it is a directory is known only in the volume";
  EXPECT_EQ(plan.not_covered, std::vector<std::string>{"cache (backupbot.backup.volumes.cache=false)"});
  EXPECT_EQ(plan.image, "ccci/app:1");
}

TEST(PlanMarkers, APathThatLeavesTheVolumeOrIsAbsoluteIsNotWrittenUnder) {
  auto plan = plan_markers({restricted("db", {"../etc", "/abs", "a/./b", "ok/dir"})});
  ASSERT_EQ(plan.sites.size(), 1u);
  EXPECT_EQ(plan.sites[0].dir, "ok/dir");
  EXPECT_EQ(plan.not_judged.size(), 3u);
  EXPECT_EQ(plan.not_judged[0], "db/../etc (not a plain relative path)");
}

TEST(PlanMarkers, ARestrictionThatNamesNoPathCoversNothing) {
  auto plan = plan_markers({restricted("db", {})});
  EXPECT_TRUE(plan.sites.empty());
  EXPECT_EQ(plan.not_covered, std::vector<std::string>{"db (its backupbot.backup.volumes.db.path names no path)"});
}

class VolumeMarkersTest : public ::testing::Test {
 protected:
  VolumeMarkersTest() {
    files.volumes = {"s_data", "s_db"};
    files.dirs["s_db"] = {"dumps"};
  }
  /// What a restore does: every file back as the snapshot (taken at `backup()`) holds it.
  void backup() { snapshot = files.files; }
  void restore() { files.files = snapshot; }

  fakes::FakeVolumeFiles files;
  std::map<std::string, std::map<std::string, std::string>> snapshot;
  VolumeMarkers markers{files, "s"};
  MarkerPlan plan = plan_markers({whole("data"), restricted("db", {"dumps", "backup.sql"}), excluded("cache")});
};

TEST_F(VolumeMarkersTest, MarkersARestoreBringsBackPassAndTheUnjudgedAreSaid) {
  ASSERT_TRUE(markers.plant(plan).ok());
  EXPECT_EQ(files.files["s_data"].count(".ccci-marker"), 1u);
  EXPECT_EQ(files.files["s_db"].count("dumps/.ccci-marker"), 1u);
  std::string planted = files.files["s_data"][".ccci-marker"];
  EXPECT_EQ(planted.rfind("ccci volume marker ", 0), 0u);
  EXPECT_EQ(planted.size(), std::string("ccci volume marker \n").size() + 32) << "128 random bits in hex";
  backup();
  ASSERT_TRUE(markers.overwrite().ok());
  EXPECT_NE(files.files["s_data"][".ccci-marker"], planted) << "overwritten before the restore";
  restore();
  auto outcome = markers.check();
  EXPECT_EQ(outcome.name, generic::volume_markers_restored);
  EXPECT_EQ(outcome.status, CheckStatus::pass) << outcome.message;
  EXPECT_EQ(outcome.message,
            "markers back in data, db/dumps; not covered: cache (backupbot.backup.volumes.cache=false); not judged: "
            "db/backup.sql (not a directory in the volume: a file such as a dump cannot hold a marker; the spec's "
            "seeds judge its data)");
}

TEST_F(VolumeMarkersTest, ARestoreThatBringsNothingBackFailsNamingEachVolume) {
  ASSERT_TRUE(markers.plant(plan).ok());
  backup();
  ASSERT_TRUE(markers.overwrite().ok());
  auto outcome = markers.check();  // no restore
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_EQ(outcome.message.rfind("the restore did not bring back ccci's marker in data (still as ccci overwrote it "
                                  "before the restore), db/dumps (still as ccci overwrote it before the restore)",
                                  0),
            0u)
      << outcome.message;
  EXPECT_NE(outcome.detail.find("data: still as ccci overwrote it before the restore"), std::string::npos);
}

TEST_F(VolumeMarkersTest, AVolumeLeftOutOfTheSnapshotFailsAndOnlyIt) {
  ASSERT_TRUE(markers.plant(plan).ok());
  backup();
  snapshot.erase("s_db");  // the backup left db out
  ASSERT_TRUE(markers.overwrite().ok());
  restore();
  auto outcome = markers.check();
  EXPECT_EQ(outcome.status, CheckStatus::fail);
  EXPECT_EQ(outcome.message.rfind("the restore did not bring back ccci's marker in db/dumps (gone)", 0), 0u)
      << outcome.message;
  EXPECT_NE(outcome.detail.find("data: back"), std::string::npos);
}

TEST_F(VolumeMarkersTest, AVolumeThatDoesNotExistYetIsNotJudgedNorCreated) {
  files.volumes = {"s_db"};
  ASSERT_TRUE(markers.plant(plan).ok());
  EXPECT_EQ(files.files.count("s_data"), 0u);
  backup();
  ASSERT_TRUE(markers.overwrite().ok());
  restore();
  auto outcome = markers.check();
  EXPECT_EQ(outcome.status, CheckStatus::pass);
  EXPECT_NE(outcome.message.find("not judged: data (the volume s_data does not exist yet)"), std::string::npos)
      << outcome.message;
}

TEST_F(VolumeMarkersTest, NothingThatCanHoldAMarkerSkipsWithWhy) {
  ASSERT_TRUE(markers.plant(plan_markers({restricted("db", {"backup.sql"}), excluded("cache")})).ok());
  auto outcome = markers.check();
  EXPECT_EQ(outcome.status, CheckStatus::skip);
  EXPECT_EQ(outcome.message.rfind("no place the backup covers could hold a marker; not covered: cache", 0), 0u)
      << outcome.message;
  EXPECT_EQ(std::count_if(files.calls.begin(), files.calls.end(),
                          [](const std::string& call) { return call.rfind("read", 0) == 0; }),
            0);
}

TEST_F(VolumeMarkersTest, DockerTroubleIsAnErrorNeverAVerdictOnTheRecipe) {
  files.failures.emplace("existing", harness::make_error(harness::ErrorKind::infra, "daemon gone"));
  auto planted = markers.plant(plan);
  ASSERT_FALSE(planted.ok());
  EXPECT_EQ(planted.error().kind, harness::ErrorKind::infra);
  files.failures.clear();
  ASSERT_TRUE(markers.plant(plan).ok());
  files.failures.emplace("read", harness::make_error(harness::ErrorKind::infra, "daemon gone"));
  EXPECT_EQ(markers.check().status, CheckStatus::error);
}

TEST(VolumeMarkersUnplanted, ACheckWithoutAPlantingIsAnError) {
  fakes::FakeVolumeFiles files;
  VolumeMarkers markers{files, "s"};
  EXPECT_EQ(markers.check().status, CheckStatus::error);
}

}  // namespace
}  // namespace ccci::runner
