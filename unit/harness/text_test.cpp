#include "harness/text.hpp"

#include <gtest/gtest.h>

namespace ccci::harness {
namespace {

using namespace std::chrono_literals;

TEST(Text, StripAnsiRemovesCsiOscAndTwoByteSequences) {
  EXPECT_EQ(strip_ansi("\x1b[1;31mFATA\x1b[0m deploy failed"), "FATA deploy failed");
  EXPECT_EQ(strip_ansi("\x1b]0;title\x07text"), "text");
  EXPECT_EQ(strip_ansi("\x1b]8;;https://x\x1b\\link"), "link");
  EXPECT_EQ(strip_ansi("a\x1b"
                       "7b"),
            "ab");
  EXPECT_EQ(strip_ansi("cut\x1b["), "cut");
}

TEST(Text, TrimmedLinesDropBlankLinesAndCarriageReturns) {
  EXPECT_EQ(trimmed_lines("  one \r\n\n\t two\n   \nthree"), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_TRUE(trimmed_lines("\n \n").empty());
}

TEST(Text, LastLinesKeepsTheEndWithinBothBounds) {
  EXPECT_EQ(last_lines("a\nb\n\nc\nd\n", 2, 100), "c\nd");
  EXPECT_EQ(last_lines("0123456789", 5, 4), "...6789");
  EXPECT_EQ(last_lines("", 5, 4), "");
}

TEST(Text, JoinLowercasePrintable) {
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(join({}, ", "), "");
  EXPECT_EQ(lowercase("Cannot Connect"), "cannot connect");
  EXPECT_EQ(printable("a\nb\x7f"), "\"a\\x0ab\\x7f\"");
  EXPECT_EQ(printable(std::string(250, 'x')), "\"" + std::string(200, 'x') + "...\"");
  EXPECT_EQ(quoted("a\x1b", '\'', 80), "'a\\x1b'");
  EXPECT_EQ(quoted(std::string(30'000, 'y'), '\'', 80), "'" + std::string(80, 'y') + "...'");
}

TEST(Text, FormatDurationPicksTheReadableUnit) {
  EXPECT_EQ(format_duration(15ms), "15ms");
  EXPECT_EQ(format_duration(22s), "22s");
  EXPECT_EQ(format_duration(1500ms), "1.5s");
}

TEST(Split, KeepsEmptyPartsAndAlwaysYieldsOne) {
  EXPECT_EQ(split("a::b", ':'), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("28.0.1\tactive\t\t/x", '\t'), (std::vector<std::string>{"28.0.1", "active", "", "/x"}));
  EXPECT_EQ(split("", ':'), std::vector<std::string>{""});
  EXPECT_EQ(split(":", ':'), (std::vector<std::string>{"", ""}));
}

TEST(Text, ControlCharactersAreBelowSpaceAndDelNotUtf8) {
  EXPECT_FALSE(has_control_characters("fixt-3a9c1e_ccci_test /var/lib/ccci — ünïcode"));
  EXPECT_TRUE(has_control_characters("line\nbreak"));
  EXPECT_TRUE(has_control_characters(std::string("nul\0byte", 8)));
  EXPECT_TRUE(has_control_characters("del\x7f"));
}

}  // namespace
}  // namespace ccci::harness
