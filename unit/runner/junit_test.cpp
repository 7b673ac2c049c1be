#include "runner/junit.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "unit/fakes/sample_report.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

// Schema validity of these same files is checked with xmllint in junit_integration_test.cpp.

pugi::xml_node suite_of(pugi::xml_document& doc, const std::filesystem::path& file) {
  EXPECT_TRUE(doc.load_file(file.c_str())) << file;
  return doc.child("testsuite");
}

TEST(Junit, AGreenRunWritesOneFilePerTierAndCheckKind) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  ASSERT_TRUE(write_junit(fakes::green_report(), dir.path(), redactor).ok());
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 11);  // five tiers × (generic, overlay) + teardown
  pugi::xml_document doc;
  auto suite = suite_of(doc, dir.path() / "install__generic.xml");
  EXPECT_STREQ(suite.attribute("tests").value(), "1");
  EXPECT_STREQ(suite.attribute("failures").value(), "0");
  EXPECT_STREQ(suite.attribute("time").value(), "1.234");
  EXPECT_STREQ(suite.child("testcase").attribute("classname").value(), "ccci.fixture-web.install.generic");
}

TEST(Junit, FailureErrorAndSkippedComeFromTheTypedOutcomeAndHostileTextIsCleaned) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  redactor.add_secret("hunter2");
  ASSERT_TRUE(write_junit(fakes::mixed_report(), dir.path(), redactor).ok());

  pugi::xml_document generic;
  auto suite = suite_of(generic, dir.path() / "upgrade__generic.xml");
  EXPECT_STREQ(suite.attribute("errors").value(), "1");
  auto error = suite.child("testcase").child("error");
  ASSERT_TRUE(error);
  EXPECT_STREQ(error.attribute("message").value(), "docker inspect timed out");
  std::string body = error.text().get();
  EXPECT_EQ(body.find('\x1b'), std::string::npos);
  EXPECT_EQ(body.find('\x07'), std::string::npos);
  EXPECT_NE(body.find("red ANSI"), std::string::npos);
  EXPECT_NE(body.find("]]>"), std::string::npos);
  EXPECT_NE(body.find("\xef\xbf\xbd"), std::string::npos);
  EXPECT_EQ(body.find("hunter2"), std::string::npos);

  pugi::xml_document overlay;
  auto failure = suite_of(overlay, dir.path() / "upgrade__overlay.xml").child("testcase").child("failure");
  ASSERT_TRUE(failure);
  EXPECT_STREQ(failure.attribute("message").value(), "GET /cgi-bin/marker answered 404 <&>\"'");

  pugi::xml_document restore;
  auto skipped = suite_of(restore, dir.path() / "restore__generic.xml").child("testcase").child("skipped");
  ASSERT_TRUE(skipped) << "a n/a tier is visible with its reason";
  EXPECT_STREQ(skipped.attribute("message").value(), "backup is n/a: no backupbot labels");

  pugi::xml_document teardown;
  auto teardown_error = suite_of(teardown, dir.path() / "teardown__generic.xml").child("testcase").child("error");
  ASSERT_TRUE(teardown_error);
  EXPECT_NE(std::string(teardown_error.text().get()).find("volume fixt-3a9c1e_ccci_test_data"), std::string::npos);
}

TEST(Junit, FailedAndErroredCasesLinkTheEvidence) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  RunReport report = fakes::with_evidence(fakes::mixed_report());
  ASSERT_TRUE(write_junit(report, dir.path(), redactor).ok());

  pugi::xml_document overlay;
  auto failed = suite_of(overlay, dir.path() / "upgrade__overlay.xml").child("testcase");
  EXPECT_STREQ(failed.child("system-out").text().get(),
               "[[ATTACHMENT|evidence/tasks.txt]]\n[[ATTACHMENT|evidence/logs/fixt_app.log]]\n");
  pugi::xml_document restore;
  auto skipped = suite_of(restore, dir.path() / "restore__generic.xml").child("testcase");
  EXPECT_FALSE(skipped.child("system-out")) << "only failures and errors carry evidence";
  pugi::xml_document install;
  for (auto testcase : suite_of(install, dir.path() / "install__generic.xml").children("testcase")) {
    EXPECT_FALSE(testcase.child("system-out")) << "a passing check carries no evidence";
  }
}

TEST(Junit, AFlakyPassIsMarkedOnItsCaseAndItsSuiteNeverAPlainPass) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  ASSERT_TRUE(write_junit(fakes::with_flaky_check(fakes::green_report()), dir.path(), redactor).ok());
  pugi::xml_document doc;
  auto suite = suite_of(doc, dir.path() / "custom__overlay.xml");
  EXPECT_STREQ(suite.attribute("failures").value(), "0") << "it passed, when run again";
  auto property = suite.child("properties").child("property");
  EXPECT_STREQ(property.attribute("name").value(), "flaky");
  EXPECT_STREQ(property.attribute("value").value(), "note_roundtrip");
  auto flaky = suite.find_child_by_attribute("testcase", "name", "note_roundtrip");
  ASSERT_TRUE(flaky);
  EXPECT_STREQ(flaky.attribute("status").value(), "flaky");
  EXPECT_NE(std::string(flaky.child("system-out").text().get()).find("answered 502"), std::string::npos);
  auto plain = suite.find_child_by_attribute("testcase", "name", "custom_overlay");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain.attribute("status")) << "only the flaky case is marked";
}

TEST(Junit, ACheckLinksItsOwnArtifactsWhateverItsStatus) {
  fakes::TempDir dir;
  harness::Redactor redactor;
  RunReport report = fakes::with_evidence(fakes::mixed_report());
  report.tiers[1].checks[1].artifacts = {"artifacts/upgrade/marker_survived/failure.png"};
  RunReport green = fakes::green_report();
  green.tiers[4].checks[1].artifacts = {"artifacts/custom/custom_overlay/saved.png",
                                        "artifacts/custom/custom_overlay/end.png"};
  ASSERT_TRUE(write_junit(report, dir.path() / "red", redactor).ok());
  ASSERT_TRUE(write_junit(green, dir.path() / "green", redactor).ok());

  pugi::xml_document overlay;
  auto failed = suite_of(overlay, dir.path() / "red/upgrade__overlay.xml").child("testcase");
  EXPECT_STREQ(failed.child("system-out").text().get(),
               "[[ATTACHMENT|artifacts/upgrade/marker_survived/failure.png]]\n"
               "[[ATTACHMENT|evidence/tasks.txt]]\n[[ATTACHMENT|evidence/logs/fixt_app.log]]\n");
  EXPECT_FALSE(failed.child("properties")) << "the schema allows no properties on a case";

  pugi::xml_document custom;
  auto passed = suite_of(custom, dir.path() / "green/custom__overlay.xml").child("testcase");
  EXPECT_FALSE(passed.child("failure"));
  EXPECT_STREQ(passed.child("system-out").text().get(),
               "[[ATTACHMENT|artifacts/custom/custom_overlay/saved.png]]\n"
               "[[ATTACHMENT|artifacts/custom/custom_overlay/end.png]]\n");
  EXPECT_FALSE(passed.child("properties"));
}

TEST(Junit, XmlSafeKeepsValidUtf8AndDropsWhatXmlForbids) {
  EXPECT_EQ(xml_safe("héllo ✓ 𝄞"), "héllo ✓ 𝄞");
  EXPECT_EQ(xml_safe("a\x1b[1;31mb\x1b[0mc"), "abc");
  EXPECT_EQ(xml_safe(std::string("x\0y", 3)), "xy");
  EXPECT_EQ(xml_safe("tab\tnl\ncr\r"), "tab\tnl\ncr\r");
  EXPECT_EQ(xml_safe("\xc3"), "\xef\xbf\xbd");
  EXPECT_EQ(xml_safe("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a UTF-16 surrogate is not UTF-8
}

}  // namespace
}  // namespace ccci::runner
