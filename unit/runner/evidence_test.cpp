#include "runner/evidence.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using namespace std::chrono_literals;
using harness::ErrorKind;

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

class EvidenceTest : public ::testing::Test {
 protected:
  EvidenceTest() { settings.out = out.path(); }

  Evidence collect(const std::vector<std::string>& services) {
    return collect_evidence(docker, clock, redactor, settings,
                            EvidenceSources{services, abra.path() / "logs" / "default"});
  }

  fakes::TempDir out;
  fakes::TempDir abra;
  fakes::FakeDocker docker;
  fakes::FakeClock clock;
  harness::Redactor redactor;
  EvidenceSettings settings;
};

TEST_F(EvidenceTest, GathersTasksLogsAndAbrasLogsIntoOutEvidence) {
  docker.tasks["st_app"] =
      "ID NAME IMAGE NODE DESIRED STATE CURRENT STATE ERROR\nx st_app.1 img vm Running Failed 2s ago \"task: non-zero "
      "exit (1)\"\n";
  docker.tasks["st_db"] = "ID NAME ...\ny st_db.1 img vm Running Running 5s ago\n";
  docker.logs["st_app"] =
      "2026-11-30T10:00:00Z st_app.1.x@vm | listening\n2026-11-30T10:00:01Z st_app.1.x@vm | crashed\n";
  docker.logs["st_db"] = "2026-11-30T10:00:00Z st_db.1.y@vm | ready\n";
  abra.write("logs/default/app.ccci.test_2026-11-30T100000Z_42", "abra app deploy app.ccci.test\nFATA deploy failed\n");

  Evidence evidence = collect({"st_app", "st_db"});

  EXPECT_EQ(evidence.files,
            (std::vector<std::string>{"evidence/logs/st_app.log", "evidence/logs/st_db.log", "evidence/tasks.txt",
                                      "evidence/abra/app.ccci.test_2026-11-30T100000Z_42"}));
  EXPECT_TRUE(evidence.notes.empty()) << evidence.notes.front();
  std::string tasks = read(out.path() / "evidence/tasks.txt");
  EXPECT_TRUE(contains(tasks, "## st_app\n")) << tasks;
  EXPECT_TRUE(contains(tasks, "task: non-zero exit (1)")) << tasks;
  EXPECT_TRUE(contains(tasks, "## st_db\n")) << tasks;
  EXPECT_TRUE(contains(read(out.path() / "evidence/logs/st_app.log"), "crashed"));
  EXPECT_TRUE(contains(read(out.path() / "evidence/abra/app.ccci.test_2026-11-30T100000Z_42"), "FATA deploy failed"));
}

TEST_F(EvidenceTest, EveryFileIsRedactedBeforeItIsCutAndACutKeepsTheEnd) {
  std::string secret = "hunter2-generated-password";
  redactor.add_secret(secret);
  settings.max_file_bytes = 100;
  // The secret straddles the cut: cutting first would leave its last half.
  docker.logs["st_app"] = std::string(1000, 'a') + secret + std::string(80, 'z') + "the end\n";
  docker.tasks["st_app"] = "tasks " + secret + "\n";
  abra.write("logs/default/run.log", "password=" + secret + "\n");

  Evidence evidence = collect({"st_app"});

  for (const auto& file : evidence.files) {
    std::string text = read(out.path() / file);
    EXPECT_FALSE(contains(text, "hunter2")) << file << ": " << text;
  }
  std::string log = read(out.path() / "evidence/logs/st_app.log");
  EXPECT_TRUE(contains(log, "bytes are cut ...]\n")) << log;
  EXPECT_TRUE(contains(log, "the end\n")) << log;
  EXPECT_LE(log.size(), 100u + 60u);
}

TEST_F(EvidenceTest, WhatCannotBeGatheredIsANoteAndTheRestIsStillWritten) {
  docker.tasks["st_app"] = "tasks\n";
  docker.logs["st_app"] = "logs\n";
  // st_gone has neither tasks nor logs (not_found from the fake); abra wrote no logs at all.
  Evidence evidence = collect({"st_app", "st_gone"});
  EXPECT_EQ(evidence.files, (std::vector<std::string>{"evidence/logs/st_app.log", "evidence/tasks.txt"}));
  ASSERT_EQ(evidence.notes.size(), 3u);
  EXPECT_TRUE(contains(evidence.notes[0], "tasks of st_gone")) << evidence.notes[0];
  EXPECT_TRUE(contains(evidence.notes[1], "logs of st_gone")) << evidence.notes[1];
  EXPECT_TRUE(contains(evidence.notes[2], "abra wrote no logs")) << evidence.notes[2];
  EXPECT_TRUE(contains(read(out.path() / "evidence/tasks.txt"), "## st_gone\n(not available: "));
}

TEST_F(EvidenceTest, AnExhaustedBudgetAsksDockerNothingAndSaysSo) {
  settings.budget = 0ms;
  docker.tasks["st_app"] = "tasks\n";
  docker.logs["st_app"] = "logs\n";
  abra.write("logs/default/run.log", "abra\n");
  Evidence evidence = collect({"st_app"});
  EXPECT_TRUE(docker.calls.empty()) << docker.calls.front();
  EXPECT_TRUE(contains(evidence.notes.back(), "the evidence budget of 0ms ran out")) << evidence.notes.back();
  EXPECT_EQ(evidence.files, std::vector<std::string>{"evidence/tasks.txt"}) << "the tasks file says why it is empty";
}

TEST_F(EvidenceTest, FilesBeyondTheTotalBoundAreNotWritten) {
  settings.max_total_bytes = 150;
  docker.tasks["st_app"] = std::string(100, 't');
  docker.logs["st_app"] = std::string(100, 'l');
  Evidence evidence = collect({"st_app"});
  EXPECT_EQ(evidence.files, std::vector<std::string>{"evidence/logs/st_app.log"});
  EXPECT_TRUE(contains(evidence.notes.front(), "evidence/tasks.txt not written")) << evidence.notes.front();
}

}  // namespace
}  // namespace ccci::runner
