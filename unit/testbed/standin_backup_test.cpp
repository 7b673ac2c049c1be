#include <gtest/gtest.h>

#include "testbed/abra/backupbot.hpp"
#include "testbed/abra/context.hpp"

namespace ccci::testbed {
namespace {

TEST(StandinShellWords, SplitsLikeAPosixShellWithoutExpanding) {
  EXPECT_EQ(shell_words("sh -c 'sqlite3 /data/db.sqlite .dump > /data/backup.sql'"),
            (std::vector<std::string>{"sh", "-c", "sqlite3 /data/db.sqlite .dump > /data/backup.sql"}));
  EXPECT_EQ(shell_words(R"(echo "a \"b\" $HOME" c\ d)"), (std::vector<std::string>{"echo", R"(a "b" $HOME)", "c d"}));
  EXPECT_EQ(shell_words("  spaced   out  "), (std::vector<std::string>{"spaced", "out"}));
  EXPECT_EQ(shell_words("''"), (std::vector<std::string>{""}));
  EXPECT_TRUE(shell_words("").empty());
}

TEST(StandinResticSnapshots, ParsesTimeIdsAndVersionTagOldestFirst) {
  auto parsed = parse_restic_snapshots(R"([
    {"time":"2026-11-23T08:10:05.123456789Z","id":"bbbbbbbb22222222","short_id":"bbbbbbbb","tags":["fixt_ccci_test","version=1.1.0+1.1"]},
    {"time":"2026-11-23T08:00:00Z","id":"aaaaaaaa11111111","short_id":"aaaaaaaa","tags":["fixt_ccci_test"]}
  ])");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].short_id, "aaaaaaaa");
  EXPECT_EQ((*parsed)[0].time, "2026-11-23T08:00:00");
  EXPECT_EQ((*parsed)[0].version, "");
  EXPECT_EQ((*parsed)[1].id, "bbbbbbbb22222222");
  EXPECT_EQ((*parsed)[1].time, "2026-11-23T08:10:05");
  EXPECT_EQ((*parsed)[1].version, "1.1.0+1.1");
}

TEST(StandinResticSnapshots, GarbageIsAnErrorNotAnEmptyList) {
  EXPECT_FALSE(parse_restic_snapshots("Fatal: unable to open config file").ok());
  EXPECT_FALSE(parse_restic_snapshots(R"({"not":"a list"})").ok());
  EXPECT_FALSE(parse_restic_snapshots(R"([{"time":"2026-11-23T08:00:00Z"}])").ok());
  EXPECT_FALSE(parse_restic_snapshots(R"([42])").ok());
  auto empty = parse_restic_snapshots("[]");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace ccci::testbed
