#include "harness/redactor.hpp"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "unit/fakes/secret_forms.hpp"

namespace ccci::harness {
namespace {

using fakes::Alphabet;
using fakes::HexCase;
using fakes::JsonStyle;
using fakes::Padding;

/// The scan sees the secret in `planted` (so this form is one it can decode), and not in what the
/// redactor makes of it.
void expect_masked(const Redactor& redactor, const std::string& planted, const std::string& secret) {
  SCOPED_TRACE("planted: " + planted);
  ASSERT_TRUE(fakes::surviving_form(planted, secret)) << "the scan cannot see this form";
  std::string out = redactor.redact(planted);
  if (auto leak = fakes::surviving_form(out, secret)) ADD_FAILURE() << "leaked (" << *leak << ") in: " << out;
  EXPECT_NE(out.find(Redactor::mask), std::string::npos) << out;
}

class RedactorForms : public ::testing::Test {
 protected:
  RedactorForms() {
    for (const auto& secret : secrets_) redactor_.add_secret(secret);
  }
  std::vector<std::string> secrets_ = fakes::sample_secrets();
  Redactor redactor_;
};

TEST_F(RedactorForms, MasksThePlainValue) {
  for (const auto& secret : secrets_) {
    expect_masked(redactor_, secret, secret);
    expect_masked(redactor_, "password=" + secret + "; then more", secret);
    EXPECT_EQ(redactor_.redact("[" + secret + "]"), "[********]");
  }
}

TEST_F(RedactorForms, MasksBase64AtEveryOffsetInBothAlphabetsPaddedOrNot) {
  const std::string context =
      "\x01Zq~\xff"
      "9";
  for (const auto& secret : secrets_) {
    for (size_t before = 0; before <= 5; ++before) {
      for (size_t after = 0; after <= 3; ++after) {
        std::string bytes = context.substr(0, before) + secret + context.substr(0, after);
        for (auto alphabet : {Alphabet::standard, Alphabet::url_safe}) {
          for (auto padding : {Padding::kept, Padding::dropped}) {
            expect_masked(redactor_, "payload: " + fakes::base64_encode(bytes, alphabet, padding) + " end", secret);
          }
        }
      }
    }
  }
}

TEST_F(RedactorForms, MasksHttpBasicCredentialsWhateverTheUserLength) {
  for (const auto& secret : secrets_) {
    for (size_t length = 1; length <= 6; ++length) {
      std::string user = std::string("abcdef").substr(0, length);
      std::string header =
          "Authorization: Basic " + fakes::base64_encode(user + ":" + secret, Alphabet::standard, Padding::kept);
      expect_masked(redactor_, header + "\r\n", secret);
    }
  }
}

TEST_F(RedactorForms, MasksPercentAndFormEncodingsHoweverMuchTheyEscape) {
  for (const auto& secret : secrets_) {
    expect_masked(redactor_, "?p=" + fakes::percent_encode(secret, fakes::is_unreserved, HexCase::upper) + "&x=1",
                  secret);
    expect_masked(redactor_, "?p=" + fakes::percent_encode(secret, fakes::is_unreserved, HexCase::lower) + "&x=1",
                  secret);
    expect_masked(redactor_, "p=" + fakes::percent_encode(secret, fakes::is_unreserved, HexCase::upper, '+') + "&x=1",
                  secret);
    expect_masked(redactor_, "p=" + fakes::percent_encode(secret, fakes::is_not_reserved, HexCase::upper) + "&x=1",
                  secret);
    expect_masked(redactor_, "p=" + fakes::percent_encode(secret, fakes::is_plain_or_utf8, HexCase::lower, '+') + "&x",
                  secret);
    expect_masked(redactor_,
                  "p=" + fakes::percent_encode(
                             secret, [](unsigned char) { return false; }, HexCase::lower),
                  secret);
  }
}

TEST_F(RedactorForms, MasksJsonEscapedValuesWithOrWithoutEnsureAscii) {
  for (const auto& secret : secrets_) {
    for (auto style : {JsonStyle::minimal, JsonStyle::escaped_slash, JsonStyle::ensure_ascii,
                       JsonStyle::ensure_ascii_upper, JsonStyle::all_unicode}) {
      expect_masked(redactor_, R"({"user":"x","password":")" + fakes::json_escape(secret, style) + R"("})", secret);
    }
  }
}

TEST(Redactor, MasksEachLineOfAMultiLineValueOnItsOwn) {
  std::string lines[] = {fakes::generated_secret(11, "é"), fakes::generated_secret(12, "€"),
                         fakes::generated_secret(13, "😀")};
  std::string value = lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n";
  Redactor redactor;
  redactor.add_secret(value);
  expect_masked(redactor, "key:\n" + value + "done", value);
  expect_masked(redactor, R"({"key":")" + fakes::json_escape(value, JsonStyle::ensure_ascii) + R"("})", value);
  for (const auto& line : lines) {
    expect_masked(redactor, "stderr: " + line + "\n", line);
    expect_masked(redactor, "stderr:   " + line + "  \n", line);
  }
}

TEST(Redactor, LeavesTextWithoutSecretsUnchangedByteForByte) {
  // Escape-heavy noise: every byte value, with '%', '\', '+', hex digits and 'u' over-represented.
  std::mt19937 random(7);
  std::string noise;
  const std::string_view heavy = "%\\+u0aFdD8\"/ntb";
  for (size_t i = 0; i < size_t{64} * 1024; ++i) {
    noise += random() % 2 ? static_cast<char>(random() % 256) : heavy[random() % heavy.size()];
  }
  std::string log =
      "[process] abra app deploy -n -o app.example.org: exit 0 after 4.2s\n"
      "[http] GET https://app.example.org/?q=a%20b+c -> 200 {\"k\":\"\\u00e9\\/\"}\n";
  Redactor empty;
  EXPECT_FALSE(empty.has_secrets());
  EXPECT_EQ(empty.redact(noise), noise);
  EXPECT_EQ(empty.redact(log), log);
  Redactor redactor;
  for (const auto& secret : fakes::sample_secrets()) redactor.add_secret(secret);
  EXPECT_TRUE(redactor.has_secrets());
  EXPECT_EQ(redactor.redact(noise), noise);
  EXPECT_EQ(redactor.redact(log), log);
  EXPECT_EQ(redactor.redact(""), "");
}

TEST(Redactor, IgnoresSecretsShorterThanFourBytes) {
  Redactor redactor;
  redactor.add_secret("");
  redactor.add_secret("abc");
  redactor.add_secret("a\nb");
  EXPECT_FALSE(redactor.has_secrets());
  EXPECT_EQ(redactor.redact("abc a\nb YWJj"), "abc a\nb YWJj");
  redactor.add_secret("abcd");
  EXPECT_TRUE(redactor.has_secrets());
  EXPECT_EQ(redactor.redact("abc abcd"), "abc ********");
}

TEST(Redactor, MaskWinsOverOrdinaryWordsOverlapsAndSecretsWithinSecrets) {
  Redactor redactor;
  redactor.add_secret("pass");
  EXPECT_EQ(redactor.redact("password=pass;"), "********word=********;");
  redactor.add_secret("hunter2");
  redactor.add_secret("hunter2-and-more");
  EXPECT_EQ(redactor.redact("a hunter2-and-more b hunter2 c"), "a ******** b ******** c");
  redactor.add_secret("abcdef");
  redactor.add_secret("defghi");
  EXPECT_EQ(redactor.redact("<abcdefghi>"), "<********>") << "overlapping occurrences: one mask";
  EXPECT_EQ(redactor.redact("<abcdefdefghi>"), "<********>") << "touching occurrences: one mask";
  EXPECT_EQ(redactor.redact("<abcdef defghi>"), "<******** ********>");
  EXPECT_EQ(redactor.redact("<abcdef%20defghi>"), "<********%20********>");
}

TEST(Redactor, FollowsBothReadingsWhereAByteAndAnEscapeBothFit) {
  // '%25' reads as "%25" and as '%'; '\\' reads as two backslashes and as one: a secret holding
  // such a sequence must match whichever reading the text meant.
  Redactor redactor;
  redactor.add_secret("100%25off");
  redactor.add_secret(R"(ab\\cd)");
  EXPECT_EQ(redactor.redact("[100%25off]"), "[********]");
  EXPECT_EQ(redactor.redact("[100%2525off]"), "[********]");
  EXPECT_EQ(redactor.redact(R"([ab\\cd])"), "[********]");
  EXPECT_EQ(redactor.redact(R"([ab\\\\cd])"), "[********]");
}

TEST(Redactor, CanBeSharedByThreadsAddingAndRedacting) {
  Redactor redactor;
  constexpr int threads = 4;
  constexpr int per_thread = 25;
  auto secret = [](int thread, int i) { return "secret-" + std::to_string(thread) + "-" + std::to_string(i) + "-x"; };
  std::vector<std::thread> workers;
  std::vector<int> leaks(threads, 0);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        redactor.add_secret(secret(t, i));
        std::string text;
        for (int j = 0; j <= i; ++j) text += secret(t, j) + " ";
        if (redactor.redact(text).find("secret-") != std::string::npos) ++leaks[t];
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(leaks, std::vector<int>(threads, 0));
  for (int t = 0; t < threads; ++t) {
    for (int i = 0; i < per_thread; ++i) EXPECT_EQ(redactor.redact(secret(t, i)), "********");
  }
}

}  // namespace
}  // namespace ccci::harness
