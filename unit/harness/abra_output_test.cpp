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

TEST(AbraParsing, UnexpectedSnapshotLineIsInfrastructureWithTheRawTail) {
  auto snapshots = parse_snapshot_lines("2025-03-01T12:00:00 3f2a1b4c\nTraceback (most recent call last):\n");
  ASSERT_FALSE(snapshots.ok());
  EXPECT_EQ(snapshots.error().kind, ErrorKind::infra);
  EXPECT_NE(snapshots.error().message.find("Traceback"), std::string::npos);
  EXPECT_FALSE(parse_snapshot_lines("yesterday 3f2a1b4c\n").ok());
  EXPECT_FALSE(parse_snapshot_lines("2025-03-01T12:00:00 not-hex!\n").ok());
}

TEST(AbraParsing, UnexpectedBackupListLineIsInfrastructure) {
  auto paths = parse_backup_paths("/var/lib/docker/volumes/x_data/_data\nrestic: repository is locked\n");
  ASSERT_FALSE(paths.ok());
  EXPECT_EQ(paths.error().kind, ErrorKind::infra);
  EXPECT_NE(paths.error().message.find("repository is locked"), std::string::npos);
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
