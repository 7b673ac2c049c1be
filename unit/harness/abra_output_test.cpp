#include "harness/abra_output.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ccci::harness {
namespace {

TEST(AbraParsing, SnapshotLinesSkipLogsCarriageReturnsAndColours) {
  auto snapshots = parse_snapshot_lines(
      "\x1b[1mINFO\x1b[0m backupbot: listing snapshots\r\n"
      "{\"message\": \"restic snapshots\", \"levelname\": \"INFO\"}\r\n"
      "2025-03-01T12:00:00 3f2a1b4c 1.2.0+3.4.5\r\n"
      "2025-03-02T08:30:05 0a1b2c3d\r\n"
      "2025-03-03 09:00:00 deadbeef 1.3.0+3.4.5\n");
  ASSERT_TRUE(snapshots.ok()) << snapshots.error().message;
  EXPECT_EQ(*snapshots, (std::vector<Snapshot>{{"2025-03-01T12:00:00", "3f2a1b4c", "1.2.0+3.4.5"},
                                               {"2025-03-02T08:30:05", "0a1b2c3d", ""},
                                               {"2025-03-03 09:00:00", "deadbeef", "1.3.0+3.4.5"}}));
}

TEST(AbraParsing, NoSnapshotsNoticeMeansAnEmptyList) {
  auto snapshots = parse_snapshot_lines("WARNING: No Snapshots found for app app1.ci.example.net\n");
  ASSERT_TRUE(snapshots.ok());
  EXPECT_TRUE(snapshots->empty());
  auto plain = parse_snapshot_lines("No Snapshots found for app app1_ci_example_net\n");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->empty());
}

TEST(AbraParsing, SnapshotTablesWithHeadersBordersAndMoreColumnsAreRead) {
  const std::vector<Snapshot> expected{{"2025-03-01 12:00:00", "3f2a1b4c", "1.2.0+3.4.5"},
                                       {"2025-03-02 08:30:05", "0a1b2c3d", ""}};
  // Id first, a header, a separator and host/tags/paths columns, as restic prints its own table.
  auto restic_like = parse_snapshot_lines(
      "ID        Time                 Host  Tags                              Paths\n"
      "-----------------------------------------------------------------------------------\n"
      "3f2a1b4c  2025-03-01 12:00:00  ccci  app_example,version=1.2.0+3.4.5  /var/lib/docker/volumes\n"
      "0a1b2c3d  2025-03-02 08:30:05  ccci  app_example                      /var/lib/docker/volumes\n"
      "-----------------------------------------------------------------------------------\n"
      "2 snapshots\n");
  ASSERT_TRUE(restic_like.ok()) << restic_like.error().message;
  EXPECT_EQ(*restic_like, expected);
  // A box-drawn table with a coloured header, time first.
  auto boxed = parse_snapshot_lines(
      "┌─────────────────────┬──────────┬─────────────┐\n"
      "│ \x1b[1mTIME\x1b[0m                │ ID       │ VERSION     │\n"
      "├─────────────────────┼──────────┼─────────────┤\n"
      "│ 2025-03-01 12:00:00 │ 3f2a1b4c │ 1.2.0+3.4.5 │\n"
      "│ 2025-03-02 08:30:05 │ 0a1b2c3d │             │\n"
      "└─────────────────────┴──────────┴─────────────┘\n");
  ASSERT_TRUE(boxed.ok()) << boxed.error().message;
  EXPECT_EQ(*boxed, expected);
  // Full 64-digit ids and zoned times.
  std::string full(64, 'a');
  auto long_ids = parse_snapshot_lines("2025-03-01T12:00:00.123Z  " + full + "  v2.0.1\n");
  ASSERT_TRUE(long_ids.ok()) << long_ids.error().message;
  EXPECT_EQ(*long_ids, (std::vector<Snapshot>{{"2025-03-01T12:00:00.123Z", full, "v2.0.1"}}));
}

TEST(AbraParsing, LinesThatAreNotEntriesAreSkippedBesideEntries) {
  // A traceback or a python log line that mentions a hex word beside a real entry is not a snapshot.
  auto snapshots = parse_snapshot_lines(
      "2025-03-01 12:00:00,123 INFO snapshot 1a2b3c4d saved\n"
      "[2025-03-01 12:00:00] WARNING: restic cache deadbeef stale\n"
      "2025-03-01T12:00:00 3f2a1b4c\n"
      "restic: created snapshot cafebabe\n"
      "Traceback (most recent call last):\n");
  ASSERT_TRUE(snapshots.ok()) << snapshots.error().message;
  EXPECT_EQ(*snapshots, (std::vector<Snapshot>{{"2025-03-01T12:00:00", "3f2a1b4c", ""}}));
  // A size column of digits is not taken for the id when a lettered hex word is there.
  auto sized = parse_snapshot_lines("2025-03-01T12:00:00  12345678  3f2a1b4c\n");
  ASSERT_TRUE(sized.ok());
  EXPECT_EQ(sized->front().id, "3f2a1b4c");
}

TEST(AbraParsing, SnapshotOutputWithoutAnyEntryIsInfrastructureQuotingWhatWasSeen) {
  auto garbage = parse_snapshot_lines("Traceback (most recent call last):\n  File \"backup.py\"\x07, line 3\n");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().kind, ErrorKind::infra);
  EXPECT_NE(garbage.error().message.find("Traceback"), std::string::npos) << garbage.error().message;
  EXPECT_NE(garbage.error().message.find("\\x07"), std::string::npos) << "control characters are shown, not sent";
  // A hex word without a time, a time without an id, a log line with both: none is an entry.
  EXPECT_FALSE(parse_snapshot_lines("restic: created snapshot 3f2a1b4c\n").ok());
  EXPECT_FALSE(parse_snapshot_lines("yesterday 3f2a1b4c\n").ok());
  EXPECT_FALSE(parse_snapshot_lines("2025-03-01T12:00:00 not-hex!\n").ok());
  EXPECT_FALSE(parse_snapshot_lines("2025-03-01T12:00:00 3f2a1b4\n").ok()) << "7 hex digits are too few";
  EXPECT_FALSE(parse_snapshot_lines("2025-03-01T12:00:00 " + std::string(65, 'a') + "\n").ok());
  EXPECT_FALSE(parse_snapshot_lines("ID  TIME  VERSION\n----  ----  ----\n").ok()) << "a header alone";
  // Only log lines: no data, an empty list (the caller finds no snapshot of the app).
  auto logs = parse_snapshot_lines("2025-03-01 12:00:00,123 INFO snapshot 1a2b3c4d saved\n");
  ASSERT_TRUE(logs.ok());
  EXPECT_TRUE(logs->empty());
  // The quote is bounded.
  std::string many;
  for (int i = 0; i < 500; ++i) many += "noise line " + std::to_string(i) + "\n";
  auto bounded = parse_snapshot_lines(many);
  ASSERT_FALSE(bounded.ok());
  EXPECT_LT(bounded.error().message.size(), 1500U);
  EXPECT_NE(bounded.error().message.find("494 more lines"), std::string::npos) << bounded.error().message;
}

TEST(AbraParsing, BackupListReadsPlainTimedAndTabledPaths) {
  using V = std::vector<std::string>;
  auto plain = parse_backup_paths("/var/lib/docker/volumes/x_data/_data\nrestic: repository is locked\n");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, (V{"/var/lib/docker/volumes/x_data/_data"}));
  auto timed = parse_backup_paths(
      "INFO listing snapshot 3f2a1b4c\n"
      "TIME                 PATH\n"
      "2025-03-01T12:00:00  /var/lib/docker/volumes/x_data/_data\n"
      "2025-03-01 12:00:00 /var/lib/docker/volumes/x_data/_data/a file\n"
      "| 2025-03-01 12:00:00 | /var/lib/docker/volumes/y_db/_data |\n");
  ASSERT_TRUE(timed.ok()) << timed.error().message;
  EXPECT_EQ(*timed, (V{"/var/lib/docker/volumes/x_data/_data", "/var/lib/docker/volumes/x_data/_data/a file",
                       "/var/lib/docker/volumes/y_db/_data"}));
  auto empty = parse_backup_paths("INFO nothing in snapshot\n");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(AbraParsing, BackupListWithoutAnyPathIsInfrastructureQuotingWhatWasSeen) {
  auto paths = parse_backup_paths("restic: repository is locked\nvar/lib/relative\n");
  ASSERT_FALSE(paths.ok());
  EXPECT_EQ(paths.error().kind, ErrorKind::infra);
  EXPECT_NE(paths.error().message.find("repository is locked"), std::string::npos);
  EXPECT_NE(paths.error().message.find("var/lib/relative"), std::string::npos);
}

TEST(GeneratedSecrets, ValuesAreReadFromEveryPlausibleTableShape) {
  using V = std::vector<std::string>;
  EXPECT_EQ(parse_generated_secrets("NAME          VALUE\ndb_password   Zq3xR9mWv2Lp\nadmin_token   aaaa bbbb cccc\n"),
            (V{"Zq3xR9mWv2Lp", "aaaa bbbb cccc"}));
  EXPECT_EQ(parse_generated_secrets(
                "┌─────────────┬──────────────┐\n│ NAME        │ VALUE        │\n├─────────────┼──────────────┤\n"
                "│ db_password │ Zq3xR9mWv2Lp │\n└─────────────┴──────────────┘\n"),
            (V{"Zq3xR9mWv2Lp"}));
  EXPECT_EQ(parse_generated_secrets("+------+-------+\n| NAME | VALUE |\n+------+-------+\n| key  | s3cr3t-v |\n"),
            (V{"s3cr3t-v"}));
  // A single space between name and value, and a bare value: both readings are kept.
  EXPECT_EQ(parse_generated_secrets("db_password Zq3xR9mWv2Lp\n"), (V{"Zq3xR9mWv2Lp", "db_password Zq3xR9mWv2Lp"}));
  // abra's log lines and colours are not values.
  EXPECT_EQ(parse_generated_secrets("INFO generating secrets\n\x1b[1mdb_password\x1b[0m  Zq3xR9mWv2Lp\n"),
            (V{"Zq3xR9mWv2Lp"}));
}

TEST(AbraOutput, TheTailForMessagesDropsColoursAndKeepsTheEnd) {
  std::string output = "\x1b[31mFATA\x1b[0m deploy failed\n";
  EXPECT_EQ(abra_output_tail(output), "FATA deploy failed");
  std::string many;
  for (int i = 1; i <= 40; ++i) many += "line " + std::to_string(i) + "\n";
  std::string tail = abra_output_tail(many);
  EXPECT_NE(tail.find("line 40"), std::string::npos);
  EXPECT_EQ(tail.find("line 1\n"), std::string::npos) << "only the last lines";
}

TEST(AbraErrorLines, KeepsOnlyAbrasOwnFatalAndErrorLines) {
  const std::string output =
      "INFO deploying\n"
      "\x1b[31mERRO\x1b[0m app: task failed\n"
      "app_1  | FATA: database: connection refused\n"  // a service's line, echoed
      "2026/11/30 17:00:01 FATA deploy failed\n"
      "3:04PM ERRO short timestamp\n"
      "WARN No Snapshots found\n"
      "ERROR: a python logger, not abra\n";
  EXPECT_EQ(abra_error_lines(output),
            (std::vector<std::string>{"ERRO app: task failed", "2026/11/30 17:00:01 FATA deploy failed",
                                      "3:04PM ERRO short timestamp"}));
  EXPECT_EQ(abra_error_lines(output, true).size(), 4u) << "with warnings the WARN line is abra's too";
  EXPECT_TRUE(abra_error_lines("backing up\n/var/lib/docker\n").empty());
}

TEST(UnknownFlag, RecognisesCobraAndUrfaveRefusals) {
  EXPECT_EQ(unknown_flag("Error: unknown flag: --chaos\nUsage:\n"), "--chaos");
  EXPECT_EQ(unknown_flag("\x1b[0mError: unknown shorthand flag: 'C' in -C\n"), "-C");
  EXPECT_EQ(unknown_flag("Incorrect Usage: flag provided but not defined: -offline\n"), "-offline");
  EXPECT_EQ(unknown_flag("flag provided but not defined: -x\n"), "-x");
  EXPECT_EQ(unknown_flag("FATA flag provided but not defined: -y\n"), "-y");
}

TEST(UnknownFlag, IgnoresTheSameWordsInOtherLines) {
  EXPECT_EQ(unknown_flag("app_1  | flag provided but not defined: -config\n"), std::nullopt);
  EXPECT_EQ(unknown_flag("app_1  | Error: unknown flag: --verbose\n"), std::nullopt);
  EXPECT_EQ(unknown_flag("FATA deploy failed\n"), std::nullopt);
  EXPECT_EQ(unknown_flag(""), std::nullopt);
}

}  // namespace
}  // namespace ccci::harness
