// Backups that exist but do not bring the data back (issue 11): each broken fixture is red in the
// restore tier with a message naming the marker or the volume, and what ccci's static analysis said
// before anything was deployed. The generic volume marker and the spec's database seed are shown
// side by side: each catches what the other cannot.
#include <gtest/gtest.h>

#include <string>

#include "unit/e2e/lifecycle.hpp"

namespace ccci::e2e {
namespace {

bool has_warning(const json::value& json, const std::string& start) {
  for (const auto& warning : json.at("backup_coverage").at("warnings").as_array()) {
    if (std::string(warning.as_string()).rfind(start, 0) == 0) return true;
  }
  return false;
}

class BackupIntegrity : public Lifecycle {
 protected:
  /// The backup passed, the restore is red, and the database row the spec wrote before the backup
  /// (deleted before the restore) is not back.
  void expect_backed_up_and_the_seed_lost(const RunResult& result) {
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_EQ(status("backup"), "pass");
    EXPECT_EQ(status("restore"), "fail");
    auto seed = check_message("restore", "backup_marker_restored", "fail");
    EXPECT_EQ(seed.rfind("GET /cgi-bin/marker/backup answered 404", 0), 0u) << seed;
    expect_evidence(result, "restore__overlay.xml");
  }
};

// mattermost-lts and ghost shipped this: the dump is in the snapshot, nothing reimports it.
TEST_F(BackupIntegrity, DumpNeverReimportedIsRedInRestoreThoughTheDumpVolumesMarkerComesBack) {
  auto result = run("fixture-db", 2);
  expect_backed_up_and_the_seed_lost(result);
  // The file-level marker alone would have passed: the dump volume came back whole.
  EXPECT_EQ(check_message("restore", "volume_markers_restored", "pass"),
            "markers back in db-dumps; not covered: db-data (backupbot.backup.volumes.db-data=false)");
  for (const auto* json : {&result.plan, &last_.results}) {
    EXPECT_TRUE(has_warning(*json, "db: dumps before a backup (backupbot.backup.pre-hook: ")) << *json;
    EXPECT_TRUE(has_warning(*json, "db: volume db-data (at /var/lib/sqlite) is excluded from backups")) << *json;
  }
}

// ghost's hook had no pipefail: a dump name the backup never wrote, and the restore still "worked".
TEST_F(BackupIntegrity, RestoreHookThatExitsZeroRestoringNothingIsRedInRestore) {
  auto result = run("fixture-db", 3);
  expect_backed_up_and_the_seed_lost(result);
  check_message("restore", "volume_markers_restored", "skip");  // the dump file cannot hold a marker
  EXPECT_TRUE(has_warning(result.plan, "db: backupbot.restore.post-hook pipes commands without pipefail"))
      << result.plan;
}

// No spec, no per-recipe work: the generic marker alone catches a restore that leaves the data gone.
TEST_F(BackupIntegrity, RestoreHookThatEmptiesTheVolumeIsRedInRestoreForARecipeWithoutASpec) {
  auto result = run("fixture-plain", 2);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(status("backup"), "pass");
  EXPECT_EQ(status("restore"), "fail");
  EXPECT_EQ(check_message("restore", "volume_markers_restored", "fail"),
            "the restore did not bring back ccci's marker in data (gone)");
  EXPECT_EQ(reason("restore"),
            "check volume_markers_restored failed: the restore did not bring back ccci's marker in data (gone)");
  EXPECT_EQ(results().at("level").as_int64(), 2);
  expect_evidence(result, "restore__generic.xml");
}

}  // namespace
}  // namespace ccci::e2e
