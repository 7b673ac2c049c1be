#include "runner/env_upgrade.hpp"

#include <gtest/gtest.h>

namespace ccci::runner {
namespace {

using harness::ErrorKind;

std::vector<std::string> keys(const EnvSampleDiff& diff) {
  std::vector<std::string> out;
  for (const auto& added : diff.added) out.push_back(added.key);
  return out;
}

TEST(EnvSampleDiff, ReportsAddedKeysWithTheHeadsDefaultsAndRemovedKeys) {
  auto diff = diff_env_samples("TYPE=web\nDOMAIN=web.example.com\nOLD_FLAG=1\nTIMEOUT=120\n",
                               "TYPE=web\nDOMAIN=web.example.com\nTIMEOUT=300\nGREETING=hello\nLANG=en\n");
  ASSERT_TRUE(diff.ok()) << diff.error().message;
  EXPECT_EQ(keys(*diff), (std::vector<std::string>{"GREETING", "LANG"})) << "in the head's order";
  EXPECT_EQ(diff->added[0].value, "hello");
  EXPECT_EQ(diff->removed, std::vector<std::string>{"OLD_FLAG"});
  EXPECT_TRUE(diff->secrets.empty());
}

TEST(EnvSampleDiff, IdenticalSamplesChangeNothingAndAChangedDefaultIsNoNewKey) {
  auto diff = diff_env_samples("A=1\nB=2\n", "B=3\nA=1\n");
  ASSERT_TRUE(diff.ok()) << diff.error().message;
  EXPECT_TRUE(diff->added.empty());
  EXPECT_TRUE(diff->removed.empty());
}

TEST(EnvSampleDiff, ANewSecretVersionKeyIsAddedAndNamesTheSecretToGenerate) {
  auto diff = diff_env_samples("SECRET_DB_PASSWORD_VERSION=v1\n",
                               "SECRET_DB_PASSWORD_VERSION=v2\nSECRET_API_KEY_VERSION=v1 # length=64\n");
  ASSERT_TRUE(diff.ok()) << diff.error().message;
  EXPECT_EQ(keys(*diff), std::vector<std::string>{"SECRET_API_KEY_VERSION"});
  EXPECT_EQ(diff->added[0].value, "v1") << "the modifier comment is no part of the value";
  EXPECT_EQ(diff->secrets, std::vector<std::string>{"api_key"}) << "a bumped version is no new secret";
}

TEST(EnvSampleDiff, CommentedOutKeysAreDocumentationNotKeys) {
  // `#KEY=` documents an optional setting: abra copies it commented, so a fresh app lacks it too.
  auto diff = diff_env_samples("A=1\n#EXTRA_DOMAINS=x\n## Heading\n#LEGACY=1\n",
                               "A=1\n#PAGE_TITLE=fixture-web\n# SECRET_SMTP_VERSION=v1\n");
  ASSERT_TRUE(diff.ok()) << diff.error().message;
  EXPECT_TRUE(diff->added.empty());
  EXPECT_TRUE(diff->secrets.empty());
  EXPECT_TRUE(diff->removed.empty()) << "a documented key the head drops was never set";
}

TEST(EnvSampleDiff, QuotedValuesAreReadAsThemselvesAndExportAndRepeatsCountOnce) {
  auto diff = diff_env_samples("", "export A='single $NOT # kept'\nB=\"two words\" # a note\nC=x\nC=y\nD=$C-z\n");
  ASSERT_TRUE(diff.ok()) << diff.error().message;
  ASSERT_EQ(keys(*diff), (std::vector<std::string>{"A", "B", "C", "D"}));
  EXPECT_EQ(diff->added[0].value, "single $NOT # kept");
  EXPECT_EQ(diff->added[1].value, "two words");
  EXPECT_EQ(diff->added[2].value, "y") << "the last value wins, as abra reads it";
  EXPECT_EQ(diff->added[3].value, "y-z") << "expanded from the sample's earlier lines";
}

TEST(EnvSampleDiff, AKeyThatIsNoVariableNameIsRefusedNamingTheFileAndLine) {
  for (const char* hostile :
       {"A=1\n--force=1\n", "A=1\nX Y=1\n", "A=1\n$(touch /tmp/x)=1\n", "A=1\n;rm -rf /\n", "A=1\n1ABC=1\n"}) {
    auto diff = diff_env_samples("A=1\n", hostile);
    ASSERT_FALSE(diff.ok()) << hostile;
    EXPECT_EQ(diff.error().kind, ErrorKind::spec);
    EXPECT_NE(diff.error().message.find("the head's .env.sample:2"), std::string::npos) << diff.error().message;
  }
  auto base = diff_env_samples("A=1\nbad line\n", "A=1\n");
  ASSERT_FALSE(base.ok());
  EXPECT_NE(base.error().message.find("the base's .env.sample:2"), std::string::npos) << base.error().message;
}

TEST(EnvSampleDiff, AnUnterminatedQuoteIsRefusedNotGuessed) {
  auto diff = diff_env_samples("", "A=\"never closed\n");
  ASSERT_FALSE(diff.ok());
  EXPECT_EQ(diff.error().kind, ErrorKind::spec);
}

TEST(SecretOfVersionKey, NamesTheSecretOnlyForSecretVersionKeys) {
  EXPECT_EQ(secret_of_version_key("SECRET_API_KEY_VERSION"), "api_key");
  EXPECT_EQ(secret_of_version_key("SECRET_SECRET_KEY_BASE_VERSION"), "secret_key_base");
  EXPECT_EQ(secret_of_version_key("SECRET__VERSION"), "");
  EXPECT_EQ(secret_of_version_key("SECRET_VERSION"), "");
  EXPECT_EQ(secret_of_version_key("MY_SECRET_API_KEY_VERSION"), "");
  EXPECT_EQ(secret_of_version_key("SECRET_API_KEY"), "");
}

}  // namespace
}  // namespace ccci::runner
