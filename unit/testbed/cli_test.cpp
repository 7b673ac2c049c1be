#include "testbed/abra/cli.hpp"

#include <gtest/gtest.h>

namespace ccci::testbed {
namespace {

using harness::ErrorKind;

TEST(StandinCli, ParsesTheArgvCcciIssuesForAChaosDeploy) {
  auto parsed = parse_command_line({"app", "deploy", "fixt-1a2b3c.ccci.test", "-C", "-f", "-n", "-o"});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->command, "app deploy");
  EXPECT_EQ(parsed->positionals, std::vector<std::string>{"fixt-1a2b3c.ccci.test"});
  EXPECT_EQ(parsed->switches, (std::set<std::string>{"chaos", "force", "no-input", "offline"}));
}

TEST(StandinCli, ValueFlagsTakeTheNextWordOrAnInlineValue) {
  auto app_new = parse_command_line({"app", "new", "fixture-web", "-s", "default", "--domain=a.ccci.test", "-C", "-n"});
  ASSERT_TRUE(app_new.ok()) << app_new.error().message;
  EXPECT_EQ(app_new->value("server"), "default");
  EXPECT_EQ(app_new->value("domain"), "a.ccci.test");
  EXPECT_TRUE(app_new->has("chaos"));
  EXPECT_FALSE(app_new->has("secrets"));
}

TEST(StandinCli, TheLongestCommandNameWins) {
  auto list = parse_command_line({"app", "backup", "list", "a.ccci.test", "-s", "2d16542a", "-a", "-n"});
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(list->command, "app backup list");
  EXPECT_EQ(list->value("snapshot"), "2d16542a");
  EXPECT_TRUE(list->has("all"));
}

TEST(StandinCli, AnUnknownFlagIsAnErrorNotIgnored) {
  auto parsed = parse_command_line({"app", "deploy", "a.ccci.test", "--prune"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().kind, ErrorKind::usage);
  EXPECT_EQ(parsed.error().message, "unknown flag: --prune (for abra app deploy)");
  // A flag of another subcommand is unknown here too: undeploy has no --chaos.
  EXPECT_FALSE(parse_command_line({"app", "undeploy", "a.ccci.test", "-C"}).ok());
}

TEST(StandinCli, AnUnknownCommandIsAnError) {
  auto parsed = parse_command_line({"app", "logs", "a.ccci.test"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "unknown command: app logs a.ccci.test");
  EXPECT_FALSE(parse_command_line({}).ok());
}

TEST(StandinCli, PositionalCountsAreChecked) {
  auto parsed = parse_command_line({"app", "undeploy"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "abra app undeploy takes 1 arguments, got 0");
  EXPECT_FALSE(parse_command_line({"app", "rm", "a.ccci.test", "b.ccci.test", "-f"}).ok());
}

TEST(StandinCli, AValueFlagWithoutItsValueAndASwitchWithOneAreErrors) {
  EXPECT_EQ(parse_command_line({"app", "restore", "a.ccci.test", "-s"}).error().message, "flag needs an argument: -s");
  EXPECT_EQ(parse_command_line({"app", "deploy", "a.ccci.test", "--chaos=yes"}).error().message,
            "flag takes no argument: --chaos=yes");
}

}  // namespace
}  // namespace ccci::testbed
