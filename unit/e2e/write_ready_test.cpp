// The write-ready window on the testbed. fixture-db PR 4's restore post-hook stalls the database's
// writes (503, which the app passes on as 502) for 4 s from the first write after the restore,
// while reads and health stay green: the restore tier's write waits it out and is green, saying
// how long it waited. PR 5's database never takes a write again (the negative control): the write
// fails with its last answer once timeouts.write_ready has passed. With the write marked
// `writes: false`, PR 4 is red at the first answer: the window is what made it green.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "unit/e2e/lifecycle.hpp"
#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

constexpr const char* stalled_write =
    "PUT /cgi-bin/marker/after-restore answered 502, expected 201; body \"database write failed\\x0a\"";

class WriteReady : public Lifecycle {
 protected:
  RunResult run_pr(int pr, const std::string& specs) {
    return checked(run_ccci(
        "fixture-db", pr, {"--recipes-dir=" + (std::filesystem::path(CCCI_SOURCE_DIR) / "unit/e2e" / specs).string()}));
  }
  std::string message(const std::string& tier_name, const std::string& check_name) const {
    const auto* found = check(tier_name, check_name);
    return found ? std::string(found->at("status").as_string()) + ": " + std::string(found->at("message").as_string())
                 : "no check " + check_name;
  }
};

TEST_F(WriteReady, AWriteStalledForSecondsAfterTheRestoreIsGreenAndReportsTheWait) {
  RunResult result = run_pr(4, "specs-write-ready");
  expect_green_through_every_tier(result);
  EXPECT_EQ(message("restore", "backup_marker_restored"), "pass: ") << "reads work at once after the restore";
  std::string write = message("restore", "write_after_restore");
  // The stall lasts 3 to 4 s from the first write: the window waited at least 3 s, well within 20 s.
  std::smatch waited;
  ASSERT_TRUE(std::regex_match(
      write, waited, std::regex(R"(pass: write-ready after ([0-9]+)\.[0-9] s \(([0-9]+) attempts; first: (.*)\))")))
      << write;
  EXPECT_GE(std::stoi(waited[1]), 2) << write;
  EXPECT_LT(std::stoi(waited[1]), 20) << write;
  EXPECT_GE(std::stoi(waited[2]), 3) << write;
  EXPECT_EQ(waited[3], stalled_write);
  EXPECT_NE(result.output.find("write_after_restore: not write-ready yet (+0.0 s): " + std::string(stalled_write)),
            std::string::npos)
      << "every retry is logged\n"
      << result.output;
  EXPECT_EQ(message("custom", "write_read_back"), "pass: ") << "the write was stored";
}

TEST_F(WriteReady, AWriteThatNeverComesBackIsRedInRestoreNamingItsLastAnswerAndTheBoundedWait) {
  RunResult result = run_pr(5, "specs-write-ready");
  ASSERT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "red");
  EXPECT_EQ(status("upgrade"), "pass") << reason("upgrade");
  EXPECT_EQ(status("backup"), "pass") << reason("backup");
  EXPECT_EQ(status("restore"), "fail") << reason("restore");
  EXPECT_EQ(message("restore", "backup_marker_restored"), "pass: ");
  std::string write = message("restore", "write_after_restore");
  std::smatch waited;
  ASSERT_TRUE(std::regex_match(
      write, waited,
      std::regex(
          R"(fail: (.*); not write-ready within timeouts.write_ready 20.0 s: still failing after ([0-9]+)\.[0-9] s \(([0-9]+) attempts; first: (.*)\))")))
      << write;
  EXPECT_EQ(waited[1], stalled_write);
  // The last attempt starts at the bound; it takes well under a second.
  EXPECT_GE(std::stoi(waited[2]), 20) << write;
  EXPECT_LE(std::stoi(waited[2]), 25) << write;
  EXPECT_GE(std::stoi(waited[3]), 10) << write;
  EXPECT_EQ(waited[4], stalled_write);
  expect_evidence(result, "restore__overlay.xml");
}

TEST_F(WriteReady, WithoutTheWindowTheStalledWriteIsRedAtItsFirstAnswer) {
  RunResult result = run_pr(4, "specs-write-ready-off");
  ASSERT_EQ(result.exit_code, 1) << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "red");
  EXPECT_EQ(status("restore"), "fail") << reason("restore");
  // Without the window a failed check is only run once more, at once: the 3-4 s stall is still on.
  EXPECT_EQ(message("restore", "write_after_restore"), "fail: " + std::string(stalled_write) + " (failed twice)");
  EXPECT_EQ(result.output.find("not write-ready yet"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace ccci::e2e
