// backup-bot-two's enumeration race, reproduced on the testbed: CCCI_STANDIN_BACKUP_RACE makes the
// stand-in stop fixture-db's db container after its settledness check and before it enumerates,
// so the snapshot really lacks the db volume while `backup create` exits 0 — what the ghost run
// hit (docs/abra-standin.md "Backups"). ccci must see it in the snapshot, wait for the stack to
// settle, run the whole backup again, and report every attempt. Skips where no Docker daemon can start.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>

#include "unit/e2e/lifecycle.hpp"
#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

const std::string db_dump = "_db-data/_data/backup.sql";

/// How many times `needle` occurs in `text`.
size_t occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

class BackupCoverage : public Lifecycle {
 protected:
  RunResult timed_run(const std::string& race) {
    auto start = std::chrono::steady_clock::now();
    auto result = run_with("fixture-db", 1, {{"CCCI_STANDIN_BACKUP_RACE", race}});
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
    RecordProperty("seconds", static_cast<int>(seconds.count()));
    std::cout << "ccci-run with CCCI_STANDIN_BACKUP_RACE=" << race << " took " << seconds.count() << " s\n";
    return result;
  }
  std::string coverage_message() const {
    const auto* coverage = check("backup", "snapshot_covers_volumes");
    if (coverage == nullptr) return "<no snapshot_covers_volumes check>";
    return std::string(coverage->at("message").as_string());
  }
};

TEST_F(BackupCoverage, ABackupThatLeavesTheDbVolumeOutEveryTimeFailsNamingItAndEveryAttempt) {
  auto result = timed_run("db:always");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(status("install"), "pass");
  EXPECT_EQ(status("upgrade"), "pass");
  EXPECT_EQ(status("backup"), "fail") << reason("backup");
  const auto* coverage = check("backup", "snapshot_covers_volumes");
  ASSERT_NE(coverage, nullptr);
  EXPECT_EQ(coverage->at("status").as_string(), "fail");
  std::string message = coverage_message();
  EXPECT_NE(message.find("after 3 backups"), std::string::npos) << message;
  for (const char* attempt : {"attempt 1 (snapshot ", "attempt 2 (snapshot ", "attempt 3 (snapshot "})
    EXPECT_NE(message.find(attempt), std::string::npos) << attempt << " in: " << message;
  EXPECT_EQ(occurrences(message, db_dump), 4u) << "named as lacking, then by every attempt: " << message;
  EXPECT_EQ(status("restore"), "skipped");
  EXPECT_EQ(reason("restore"), "backup failed");
  expect_evidence(result, "backup__generic.xml");
}

TEST_F(BackupCoverage, ABackupThatLeavesTheDbVolumeOutOnceIsRunAgainGreenAndReportsTheRetry) {
  auto result = timed_run("db:1");
  expect_green_through_every_tier(result);
  std::string message = coverage_message();
  EXPECT_NE(message.find(db_dump + " at attempt 2 of 3; attempt 1 (snapshot "), std::string::npos) << message;
  EXPECT_EQ(occurrences(message, db_dump), 2u) << "covered by attempt 2, missed by attempt 1: " << message;
  EXPECT_EQ(message.find("attempt 3"), std::string::npos) << message;
}

}  // namespace
}  // namespace ccci::e2e
