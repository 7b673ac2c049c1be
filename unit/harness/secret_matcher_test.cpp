#include "harness/secret_matcher.hpp"

#include <gtest/gtest.h>

namespace ccci::harness {
namespace {

using Spans = std::vector<TextSpan>;

TEST(SecretMatcher, FindsEachPlainOccurrenceAsAByteRange) {
  SecretMatcher matcher({"hunter2-pass"});
  EXPECT_EQ(matcher.find("a hunter2-pass b hunter2-pass"), (Spans{{2, 14}, {17, 29}}));
  EXPECT_EQ(matcher.find("a hunter2-pas b"), Spans{}) << "a prefix of a needle is not an occurrence";
  EXPECT_EQ(matcher.find(""), Spans{});
}

TEST(SecretMatcher, DropsNeedlesShorterThanFourBytesAndDuplicates) {
  SecretMatcher matcher({"abc", "", "hunter2", "hunter2", "abcd"});
  EXPECT_EQ(matcher.needles().size(), 2u);
  EXPECT_EQ(matcher.find("abc abc"), Spans{});
  EXPECT_EQ(matcher.find("abcd"), (Spans{{0, 4}}));
  EXPECT_TRUE(SecretMatcher({"ab", "xyz"}).empty());
}

TEST(SecretMatcher, FindsPercentAndFormEncodingInEitherCaseAndMixedWithPlainBytes) {
  SecretMatcher matcher({"p@ss word/1"});
  EXPECT_EQ(matcher.find("x=p%40ss+word%2F1&"), (Spans{{2, 17}}));
  EXPECT_EQ(matcher.find("x=p%40ss%20word%2f1"), (Spans{{2, 19}}));
  EXPECT_EQ(matcher.find("%70%40%73%73%20%77%6F%72%64%2F%31"), (Spans{{0, 33}})) << "every byte escaped";
  EXPECT_EQ(matcher.find("p%41ss word/1"), Spans{}) << "%41 is A, not @";
}

TEST(SecretMatcher, FindsJsonEscapesIncludingUnicodeEscapesAndSurrogatePairs) {
  SecretMatcher quoted({"a\"b\\c/d\n"});
  EXPECT_EQ(quoted.find(R"({"k":"a\"b\\c\/d\n"})"), (Spans{{6, 18}}));
  EXPECT_EQ(quoted.find(R"(\u0061\u0022b\u005Cc/d\u000a)"), (Spans{{0, 28}}));

  SecretMatcher clef({"key-\xf0\x9d\x84\x9e"});  // U+1D11E, outside the BMP
  EXPECT_EQ(clef.find(R"("key-\ud834\udd1e")"), (Spans{{1, 17}}));
  EXPECT_EQ(clef.find(R"("key-\uD834\uDD1E")"), (Spans{{1, 17}}));
  EXPECT_EQ(clef.find("\"key-\xf0\x9d\x84\x9e\""), (Spans{{1, 9}}));
  EXPECT_EQ(clef.find(R"("key-\ud834")"), Spans{}) << "half a surrogate pair is not the code point";
}

TEST(SecretMatcher, MergesOccurrencesThatOverlapOrTouch) {
  SecretMatcher matcher({"abcd", "cdef", "wxyz"});
  EXPECT_EQ(matcher.find("abcdef"), (Spans{{0, 6}}));
  EXPECT_EQ(matcher.find("abcdwxyz"), (Spans{{0, 8}}));
  EXPECT_EQ(matcher.find("abcd wxyz"), (Spans{{0, 4}, {5, 9}}));
}

TEST(SecretMatcher, ReportsOnlyOccurrencesStartingBeforeTheLimitButWhole) {
  SecretMatcher matcher({"hunter2-pass"});
  const std::string text = "xxhunter2-pass";
  EXPECT_EQ(matcher.find(text, 2), Spans{});
  EXPECT_EQ(matcher.find(text, 3), (Spans{{2, 14}})) << "an occurrence may run past the limit";
}

TEST(SecretMatcher, LongestOccurrenceIsEveryByteWrittenAsAUnicodeEscape) {
  EXPECT_EQ(SecretMatcher({"abcd", "hunter2"}).longest_occurrence(), 7u * 6u);
  EXPECT_EQ(SecretMatcher().longest_occurrence(), 0u);
  // The bound holds: the longest spelling of the needle is found in full.
  SecretMatcher matcher({"abcd"});
  std::string escaped = R"(\u0061\u0062\u0063\u0064)";
  ASSERT_EQ(escaped.size(), matcher.longest_occurrence());
  EXPECT_EQ(matcher.find(escaped), (Spans{{0, escaped.size()}}));
}

}  // namespace
}  // namespace ccci::harness
