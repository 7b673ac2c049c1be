#include "testbed/abra/cli.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
  // cobra's words, which main prints after "Error: " and ccci's driver recognises.
  EXPECT_EQ(parsed.error().message, "unknown flag: --prune");
  EXPECT_EQ(parse_command_line({"app", "deploy", "a.ccci.test", "--prune=yes"}).error().message,
            "unknown flag: --prune");
  EXPECT_EQ(parse_command_line({"app", "undeploy", "a.ccci.test", "-C"}).error().message,
            "unknown shorthand flag: 'C' in -C");
}

// --chaos and --offline exist on the commands that load the recipe, and nowhere else.
TEST(StandinCli, ChaosAndOfflineAreAcceptedExactlyWhereAbraLoadsTheRecipe) {
  const std::vector<std::vector<std::string>> loading{
      {"app", "new", "fixture-web", "--server", "default", "--domain", "a.ccci.test"},
      {"app", "deploy", "a.ccci.test"},
      {"app", "restore", "a.ccci.test"},
      {"app", "backup", "create", "a.ccci.test"},
      {"app", "backup", "snapshots", "a.ccci.test"},
      {"app", "backup", "list", "a.ccci.test"},
      {"app", "secret", "generate", "a.ccci.test", "--all"},
      {"app", "secret", "insert", "a.ccci.test", "key", "v1", "/tmp/value", "--file"},
  };
  for (auto args : loading) {
    args.insert(args.end(), {"--chaos", "--offline", "--no-input"});
    auto parsed = parse_command_line(args);
    ASSERT_TRUE(parsed.ok()) << args[1] << " " << args[2] << ": " << parsed.error().message;
    EXPECT_TRUE(parsed->has("chaos"));
    EXPECT_TRUE(parsed->has("offline"));
  }
  const std::vector<std::vector<std::string>> not_loading{
      {"app", "undeploy", "a.ccci.test"},
      {"app", "rm", "a.ccci.test", "--force"},
      {"app", "volume", "rm", "a.ccci.test", "--force"},
  };
  for (auto args : not_loading) {
    for (const std::string flag : {"--chaos", "--offline"}) {
      auto with_flag = args;
      with_flag.push_back(flag);
      auto parsed = parse_command_line(with_flag);
      ASSERT_FALSE(parsed.ok()) << args[1] << " accepted " << flag;
      EXPECT_EQ(parsed.error().message, "unknown flag: " + flag);
    }
    EXPECT_TRUE(parse_command_line(args).ok()) << "the control: without the flag " << args[1] << " parses";
  }
}

TEST(StandinCli, BackupRestoreAndSecretInsertRefuseWithoutATerminalInDockersWords) {
  for (auto args : std::vector<std::vector<std::string>>{{"app", "backup", "create", "a.ccci.test"},
                                                         {"app", "restore", "a.ccci.test"},
                                                         {"app", "secret", "insert", "a.ccci.test", "k", "v1", "x"}}) {
    auto parsed = parse_command_line(args);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    auto refused = require_terminal(*parsed, false);
    ASSERT_FALSE(refused.ok()) << parsed->command;
    EXPECT_EQ(refused.error().message, "the input device is not a TTY");
    EXPECT_TRUE(require_terminal(*parsed, true).ok()) << parsed->command << " under a terminal runs";
  }
  auto deploy = parse_command_line({"app", "deploy", "a.ccci.test"});
  ASSERT_TRUE(deploy.ok());
  EXPECT_TRUE(require_terminal(*deploy, false).ok()) << "deploy never needed a terminal";
  auto snapshots = parse_command_line({"app", "backup", "snapshots", "a.ccci.test"});
  ASSERT_TRUE(snapshots.ok());
  EXPECT_TRUE(require_terminal(*snapshots, false).ok());
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
