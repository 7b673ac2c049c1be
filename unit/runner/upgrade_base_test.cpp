#include "runner/upgrade_base.hpp"

#include <gtest/gtest.h>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

TEST(LastGreenStore, RoundTripsARecordAndReportsAbsence) {
  fakes::TempDir dir;
  LastGreenStore store(dir.path() / "records");
  auto none = store.read("discourse");
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store.write("discourse", {"0.8.1+3.5.0", "f87c612d71b4aaaaaaaaaaaaaaaaaaaaaaaaaaaa"}).ok());
  auto read = store.read("discourse");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->version, "0.8.1+3.5.0");
  EXPECT_EQ((*read)->commit, "f87c612d71b4aaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

TEST(LastGreenStore, RejectsRecordsWithMissingOrWrongFields) {
  fakes::TempDir dir;
  LastGreenStore store(dir.path());
  for (const char* text : {"[]", "{\"version\": \"1.0.0\"}", "{\"version\": 1, \"commit\": \"abcdef1\"}",
                           "{\"version\": \"1.0.0\", \"commit\": \"not-a-sha\"}", "not json"}) {
    dir.write("bad.json", text);
    auto read = store.read("bad");
    ASSERT_FALSE(read.ok()) << text;
    EXPECT_EQ(read.error().kind, ErrorKind::spec) << text;
    EXPECT_NE(read.error().message.find("bad.json"), std::string::npos) << read.error().message;
  }
}

TEST(LastGreenStore, RefusesRecipeNamesThatCouldEscapeTheDirectory) {
  fakes::TempDir dir;
  LastGreenStore store(dir.path());
  EXPECT_EQ(store.read("../etc/passwd").error().kind, ErrorKind::usage);
  EXPECT_EQ(store.write("../x", {"1.0.0", "abcdef1"}).error().kind, ErrorKind::usage);
}

TEST(BaseSourceNames, MatchTheReportVocabulary) {
  EXPECT_EQ(to_string(BaseSource::pin), "pin");
  EXPECT_EQ(to_string(BaseSource::last_green), "last-green");
  EXPECT_EQ(to_string(BaseSource::target_branch), "target-branch");
  EXPECT_EQ(to_string(BaseSource::skip), "skip");
}

}  // namespace
}  // namespace ccci::runner
