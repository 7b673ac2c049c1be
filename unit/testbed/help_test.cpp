#include "testbed/abra/help.hpp"

#include <gtest/gtest.h>

#include "testbed/abra/cli.hpp"

namespace ccci::testbed {
namespace {

TEST(StandinHelp, EveryFlagTheStandinAcceptsIsInItsHelpAndNoOther) {
  for (const auto& command : command_table()) {
    std::vector<std::string> args;
    std::string name = command.name;
    for (size_t start = 0; start <= name.size();) {
      size_t space = name.find(' ', start);
      args.push_back(name.substr(start, space == std::string::npos ? std::string::npos : space - start));
      if (space == std::string::npos) break;
      start = space + 1;
    }
    args.emplace_back("--help");
    auto help = help_text(args);
    ASSERT_TRUE(help.ok()) << command.name;
    EXPECT_NE(help->find("Usage:\n  abra " + name), std::string::npos);
    size_t flag_lines = 0;
    for (const auto& flag : command.flags) {
      std::string spelling = std::string("--") + flag.long_name;
      if (flag.short_name) spelling = std::string("-") + flag.short_name + ", " + spelling;
      EXPECT_NE(help->find("  " + spelling + (flag.takes_value ? " string" : " ")), std::string::npos)
          << command.name << ": " << spelling << "\n"
          << *help;
      ++flag_lines;
    }
    // Usage, Flags: and one line per flag plus --help: nothing the parser would refuse.
    size_t dashes = 0;
    for (size_t at = help->find("\n  -"); at != std::string::npos; at = help->find("\n  -", at + 1)) ++dashes;
    for (size_t at = help->find("\n      --"); at != std::string::npos; at = help->find("\n      --", at + 1)) ++dashes;
    EXPECT_EQ(dashes, flag_lines + 1) << *help;
  }
}

TEST(StandinHelp, AnUnknownCommandHasNoHelp) {
  auto help = help_text({"app", "frobnicate", "--help"});
  ASSERT_FALSE(help.ok());
  EXPECT_EQ(help.error().message, "unknown command: app frobnicate");
}

TEST(StandinHelp, VersionAndHelpAreRecognised) {
  EXPECT_TRUE(asks_for_version({"--version"}));
  EXPECT_FALSE(asks_for_version({"app", "--version"}));
  EXPECT_TRUE(asks_for_help({"app", "deploy", "-h"}));
  EXPECT_FALSE(asks_for_help({"app", "deploy", "x.ccci.test", "-n"}));
  EXPECT_EQ(version_text(), "abra version 0.0.0-ccci-standin\n");
}

}  // namespace
}  // namespace ccci::testbed
