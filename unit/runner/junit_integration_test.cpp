#include "runner/junit.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "unit/fakes/sample_report.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

// What the files say is checked in junit_test.cpp; here, that Jenkins would read them.

const std::string schema = std::string(CCCI_SOURCE_DIR) + "/docs/junit.xsd";

/// xmllint's verdict on `file` against Jenkins' junit-10.xsd.
int validate(const std::filesystem::path& file) {
  std::string command = "xmllint --noout --schema '" + schema + "' '" + file.string() + "' 2>/dev/null";
  return std::system(command.c_str());
}

/// Every file written into `dir` is schema-valid; returns how many there were.
int expect_every_file_valid(const std::filesystem::path& dir) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(validate(entry.path()), 0) << entry.path();
  }
  return files;
}

TEST(JunitSchema, EveryFileOfAGreenRunIsSchemaValid) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  ASSERT_TRUE(write_junit(fakes::green_report(), dir.path(), redactor).ok());
  EXPECT_EQ(expect_every_file_valid(dir.path()), 11);
}

TEST(JunitSchema, TheSchemaCheckCanFail) {
  fakes::TempDir dir;
  auto bad = dir.write("bad.xml", "<testsuite name=\"x\"><testcase/></testsuite>");  // no tests/failures/errors
  EXPECT_NE(validate(bad), 0);
}

TEST(JunitSchema, FailuresErrorsSkipsAndHostileTextStayValid) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  redactor.add_secret("hunter2");
  ASSERT_TRUE(write_junit(fakes::mixed_report(), dir.path(), redactor).ok());
  EXPECT_GT(expect_every_file_valid(dir.path()), 0);
}

TEST(JunitSchema, AFlakyCaseStaysValid) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  ASSERT_TRUE(write_junit(fakes::with_flaky_check(fakes::green_report()), dir.path(), redactor).ok());
  EXPECT_EQ(expect_every_file_valid(dir.path()), 11);
}

TEST(JunitSchema, ArtifactLinksStayValid) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  RunReport report = fakes::with_evidence(fakes::mixed_report());
  report.tiers[1].checks[1].artifacts = {"artifacts/upgrade/marker_survived/failure.png"};
  report.tiers[0].checks[0].artifacts = {"artifacts/install/x/end.png"};
  ASSERT_TRUE(write_junit(report, dir.path(), redactor).ok());
  EXPECT_GT(expect_every_file_valid(dir.path()), 0);
}

TEST(JunitSchema, EvidenceLinksStayValid) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  RunReport report = fakes::with_evidence(fakes::mixed_report());
  ASSERT_TRUE(write_junit(report, dir.path(), redactor).ok());
  EXPECT_GT(expect_every_file_valid(dir.path()), 0);
}

}  // namespace
}  // namespace ccci::runner
