#include "harness/redacting_sink.hpp"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "unit/fakes/secret_forms.hpp"

namespace ccci::harness {
namespace {

using Release = RedactingSink::Release;

std::string through_sink(const Redactor& redactor, const std::vector<std::string_view>& writes, Release release) {
  std::ostringstream out;
  RedactingSink sink(out, redactor, release);
  for (auto piece : writes) sink.write(piece);
  sink.flush();
  return out.str();
}

class RedactingSinkSplits : public ::testing::Test {
 protected:
  RedactingSinkSplits() {
    for (const auto& secret : secrets_) redactor_.add_secret(secret);
  }

  /// Each secret in context: plain, in an HTTP Basic header, percent-encoded, JSON-escaped.
  std::vector<std::pair<std::string, std::string>> planted() const {
    std::vector<std::pair<std::string, std::string>> texts;
    for (const auto& secret : secrets_) {
      texts.emplace_back("got " + secret + " ok", secret);
      texts.emplace_back(
          "Basic " + fakes::base64_encode("ab:" + secret, fakes::Alphabet::standard, fakes::Padding::kept) + "\n",
          secret);
      texts.emplace_back("?p=" + fakes::percent_encode(secret, fakes::is_unreserved, fakes::HexCase::lower, '+'),
                         secret);
      texts.emplace_back("{\"p\":\"" + fakes::json_escape(secret, fakes::JsonStyle::ensure_ascii) + "\"}", secret);
    }
    return texts;
  }

  std::vector<std::string> secrets_ = fakes::sample_secrets();
  Redactor redactor_;
};

TEST_F(RedactingSinkSplits, MasksASecretSplitAcrossTwoWritesAtEveryPoint) {
  for (const auto& [text, secret] : planted()) {
    std::string whole = redactor_.redact(text);
    ASSERT_FALSE(fakes::surviving_form(whole, secret)) << whole;
    std::string_view view = text;
    for (size_t split = 0; split <= view.size(); ++split) {
      for (auto release : {Release::on_flush, Release::at_newline}) {
        std::string out = through_sink(redactor_, {view.substr(0, split), view.substr(split)}, release);
        ASSERT_EQ(out, whole) << "split at " << split << " of " << text;
        if (auto leak = fakes::surviving_form(out, secret)) FAIL() << *leak << " in " << out;
      }
    }
  }
}

TEST_F(RedactingSinkSplits, MasksASecretSplitAcrossThreeWritesAtEveryPairOfPoints) {
  for (const auto& [text, secret] : planted()) {
    std::string whole = redactor_.redact(text);
    std::string_view view = text;
    for (size_t first = 0; first <= view.size(); ++first) {
      for (size_t second = first; second <= view.size(); ++second) {
        auto pieces = {view.substr(0, first), view.substr(first, second - first), view.substr(second)};
        ASSERT_EQ(through_sink(redactor_, pieces, Release::on_flush), whole)
            << first << "/" << second << " of " << text;
      }
    }
  }
}

TEST_F(RedactingSinkSplits, MasksARunOfSecretsWrittenAByteAtATime) {
  std::string text = "a" + secrets_[0] + secrets_[1] + " b " + secrets_[2] + "%20" + secrets_[3] + secrets_[0];
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < text.size(); ++i) bytes.push_back(std::string_view(text).substr(i, 1));
  EXPECT_EQ(through_sink(redactor_, bytes, Release::on_flush), "a******** b ********%20********");
  EXPECT_EQ(through_sink(redactor_, bytes, Release::at_newline), "a******** b ********%20********");
}

TEST_F(RedactingSinkSplits, WritesWhatOneRedactionOfTheWholeStreamWouldForEveryChunkSize) {
  // Longer than the hold-back window, so occurrences straddle what each write releases: masks
  // carried over a release and occurrences touching one already written must still come out whole.
  std::string text;
  for (int round = 0; round < 6; ++round) {
    text += std::string(97 + 31 * round, '.') + "\n";
    for (const auto& [planted, secret] : planted()) text += planted + (round % 2 ? "" : " ");
    text += secrets_[0] + secrets_[0] + secrets_[1] + "\n" + secrets_[round % 4];
  }
  std::string whole = redactor_.redact(text);
  ASSERT_GT(text.size(), 4 * redactor_.matcher()->longest_occurrence());
  for (size_t chunk = 1; chunk <= 64; ++chunk) {
    std::vector<std::string_view> writes;
    for (size_t at = 0; at < text.size(); at += chunk) writes.push_back(std::string_view(text).substr(at, chunk));
    ASSERT_EQ(through_sink(redactor_, writes, Release::on_flush), whole) << "chunks of " << chunk;
    ASSERT_EQ(through_sink(redactor_, writes, Release::at_newline), whole) << "chunks of " << chunk;
  }
}

TEST(RedactingSink, PassesTextWithoutSecretsThroughUnchanged) {
  std::mt19937 random(3);
  std::string noise;
  for (size_t i = 0; i < 20000; ++i)
    noise += random() % 3 ? static_cast<char>(random() % 256) : "%\\+u\n"[random() % 5];
  Redactor redactor;
  for (const auto& secret : fakes::sample_secrets()) redactor.add_secret(secret);
  std::vector<std::string_view> chunks;
  for (size_t at = 0; at < noise.size();) {
    size_t size = std::min<size_t>(random() % 700, noise.size() - at);
    chunks.push_back(std::string_view(noise).substr(at, size));
    at += size;
  }
  EXPECT_EQ(through_sink(redactor, chunks, Release::on_flush), noise);
  EXPECT_EQ(through_sink(redactor, chunks, Release::at_newline), noise);
}

TEST(RedactingSink, HoldsBackLessThanTheLongestOccurrence) {
  Redactor redactor;
  std::ostringstream out;
  RedactingSink sink(out, redactor, Release::on_flush);
  sink.write("no secret yet, ");
  EXPECT_EQ(out.str(), "no secret yet, ") << "nothing to wait for";
  redactor.add_secret("correct horse battery staple");
  std::string text(5000, 'x');
  sink.write(text);
  size_t window = redactor.matcher()->longest_occurrence();
  EXPECT_EQ(out.str().size(), 15 + text.size() - (window - 1));
  sink.write("correct horse ");
  EXPECT_EQ(out.str().find("correct"), std::string::npos);
  sink.write("battery staple.");
  sink.flush();
  EXPECT_EQ(out.str(), "no secret yet, " + text + "********.");
}

TEST(RedactingSink, AtNewlineReleasesEachCompleteLineAtOnce) {
  Redactor redactor;
  redactor.add_secret("s3cret-token");
  std::ostringstream out;
  RedactingSink sink(out, redactor, Release::at_newline);
  sink.write("[tier] install: started\n");
  EXPECT_EQ(out.str(), "[tier] install: started\n");
  sink.write("token s3cr");
  EXPECT_EQ(out.str(), "[tier] install: started\n") << "the line's end could start the secret";
  sink.write("et-token used\nnext");
  EXPECT_EQ(out.str(), "[tier] install: started\ntoken ******** used\n");
  sink.flush();
  EXPECT_EQ(out.str(), "[tier] install: started\ntoken ******** used\nnext");
}

TEST(RedactingSink, FlushesWhatItHeldWhenDestroyed) {
  Redactor redactor;
  redactor.add_secret("s3cret-token");
  std::ostringstream out;
  {
    RedactingSink sink(out, redactor, Release::on_flush);
    sink.write("ends with s3cret-tok");
  }
  EXPECT_EQ(out.str(), "ends with s3cret-tok") << "never completed, so it was not the secret";
}

}  // namespace
}  // namespace ccci::harness
