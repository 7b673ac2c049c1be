#include "harness/regex.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ccci::harness {
namespace {

std::string refusal(const std::string& pattern) {
  auto regex = Regex::compile(pattern, RegexGroups::ignored);
  EXPECT_FALSE(regex.ok()) << pattern;
  if (regex.ok()) return {};
  EXPECT_EQ(regex.error().kind, ErrorKind::spec);
  return regex.error().message;
}

TEST(Regex, SearchesAnywhereWithExtendedSyntax) {
  auto regex = Regex::compile("\"id\":\"[0-9a-f]{4}\"", RegexGroups::ignored);
  ASSERT_TRUE(regex.ok()) << regex.error().message;
  EXPECT_TRUE(regex->search(R"({"text":"x","id":"00af"})"));
  EXPECT_FALSE(regex->search(R"({"id":"00AF"})"));
  auto either = Regex::compile("^(ok|ready)$", RegexGroups::ignored);
  ASSERT_TRUE(either.ok());
  EXPECT_TRUE(either->search("ready"));
  EXPECT_FALSE(either->search("not ready"));
}

TEST(Regex, ANulByteNeitherEndsNorHidesTheText) {
  auto regex = Regex::compile("after", RegexGroups::ignored);
  ASSERT_TRUE(regex.ok());
  EXPECT_TRUE(regex->search(std::string("before\0after", 12)));
  auto anchored = Regex::compile("^before$", RegexGroups::ignored);
  ASSERT_TRUE(anchored.ok());
  EXPECT_FALSE(anchored->search(std::string("before\0after", 12))) << "the text goes on after the NUL";
}

TEST(Regex, FirstGroupIsTheCapturedText) {
  auto regex = Regex::compile("id=([0-9]+)", RegexGroups::kept);
  ASSERT_TRUE(regex.ok());
  EXPECT_EQ(regex->groups(), 1u);
  EXPECT_EQ(regex->first_group("<a href=\"/n?id=42&x=1\">"), "42");
  EXPECT_EQ(regex->first_group("no id here"), std::nullopt);
  auto optional_group = Regex::compile("x(y)?", RegexGroups::kept);
  ASSERT_TRUE(optional_group.ok());
  EXPECT_EQ(optional_group->first_group("x"), std::nullopt) << "the group took no part in the match";
}

TEST(Regex, LongBodiesDoNotExhaustTheStack) {
  std::string body(size_t{8} * 1024 * 1024, 'a');
  auto regex = Regex::compile("(a|b)*c", RegexGroups::ignored);
  ASSERT_TRUE(regex.ok());
  EXPECT_FALSE(regex->search(body));
  body.back() = 'c';
  EXPECT_TRUE(regex->search(body));
}

TEST(Regex, CostlyOrMalformedPatternsAreRefusedWithTheReason) {
  EXPECT_NE(refusal("(a)\\1").find("back-references (\\1) are not allowed"), std::string::npos);
  EXPECT_NE(refusal(std::string(1025, 'a')).find("longer than 1024 bytes"), std::string::npos);
  EXPECT_NE(refusal("a{256}").find("bound over 255"), std::string::npos);
  EXPECT_NE(refusal("a{1,999}").find("bound over 255"), std::string::npos);
  EXPECT_NE(refusal("((a{200}){200}){200}").find("multiply to more than 65536"), std::string::npos);
  EXPECT_NE(refusal("(unclosed").find("not a POSIX extended regular expression"), std::string::npos);
  EXPECT_NE(refusal("").find("empty"), std::string::npos);
  EXPECT_NE(refusal(std::string("a\0b", 3)).find("NUL"), std::string::npos);
  EXPECT_TRUE(Regex::compile(std::string(1024, 'a'), RegexGroups::ignored).ok()) << "1 KiB exactly is fine";
  EXPECT_TRUE(
      Regex::compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexGroups::ignored).ok());
  EXPECT_TRUE(Regex::compile("\\{1000\\}", RegexGroups::ignored).ok()) << "an escaped brace is no bound";
}

}  // namespace
}  // namespace ccci::harness
