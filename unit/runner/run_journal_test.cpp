// The creation journal: written a whole line at a time, read back as untrusted input.
#include "runner/run_journal.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

const std::string run = "fixture-web-pr1-3a9c1e";
const std::string stack = "fixt-3a9c1e_ccci_test";

struct RunJournalTest : ::testing::Test {
  fakes::TempDir state;
  std::filesystem::path file = state.path() / "journal";
  std::filesystem::path abra_home = state.path() / "abra" / "runs" / run;
  std::filesystem::path scratch = state.path() / "runs" / run / "plan-clone";

  RunIdentity identity() const {
    WallTime start{std::chrono::seconds(1'780'000'000)};
    return {run, "fixture-web", 1, 4242, start, start + std::chrono::minutes(180)};
  }
  static std::string text_of(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  VettedJournal vet(const std::string& text) const { return vet_journal(parse_journal(text), run, state.path()); }
  static std::string header() { return "ccci-run-journal 1\nrun " + run + "\n"; }
};

TEST_F(RunJournalTest, WhatIsRecordedIsReadBack) {
  {
    auto journal = RunJournal::create(file, identity());
    ASSERT_TRUE(journal.ok()) << journal.error().message;
    ASSERT_TRUE(journal->record_stack(stack).ok());
    ASSERT_TRUE(journal->record_directory(abra_home).ok());
    ASSERT_TRUE(journal->record_directory(scratch).ok());
  }
  auto content = read_journal(file);
  ASSERT_TRUE(content.ok()) << content.error().message;
  EXPECT_EQ(content->run_id, run);
  EXPECT_EQ(content->pid, 4242);
  EXPECT_EQ(content->expires, identity().expires);
  EXPECT_EQ(content->stacks, std::vector<std::string>{stack});
  EXPECT_EQ(content->directories, (std::vector<std::string>{abra_home.string(), scratch.string()}));
  EXPECT_TRUE(content->refused.empty());
  auto vetted = vet_journal(*content, run, state.path());
  EXPECT_EQ(vetted.stacks, std::vector<std::string>{stack});
  EXPECT_EQ(vetted.directories, (std::vector<std::filesystem::path>{abra_home, scratch}));
  EXPECT_TRUE(vetted.refused.empty());
  EXPECT_EQ(text_of(file).back(), '\n') << "every entry is a whole line";
}

TEST_F(RunJournalTest, AnExistingJournalIsNeverOverwritten) {
  ASSERT_TRUE(RunJournal::create(file, identity()).ok());
  auto again = RunJournal::create(file, identity());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, harness::ErrorKind::infra);
}

TEST_F(RunJournalTest, ATornLastLineIsIgnored) {
  {
    auto journal = RunJournal::create(file, identity());
    ASSERT_TRUE(journal.ok());
    ASSERT_TRUE(journal->record_stack(stack).ok());
  }
  std::ofstream(file, std::ios::app) << "stack fixt-3a9c1e_ccci_te";  // killed mid-write
  auto content = read_journal(file);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(content->stacks, std::vector<std::string>{stack});
  EXPECT_TRUE(content->refused.empty());
  // The negative control: the same bytes with their newline are an entry.
  EXPECT_EQ(parse_journal(text_of(file) + "\n").stacks.size(), 2u);
}

TEST_F(RunJournalTest, AnEmptyOrHalfWrittenHeaderIsNoCrash) {
  for (const char* text : {"", "ccci-run-j", "ccci-run-journal 1\nru", "\n\n\n", "garbage\nstack x\n"}) {
    auto content = parse_journal(text);
    EXPECT_FALSE(content.run_id) << text;
    EXPECT_TRUE(vet_journal(content, run, state.path()).directories.empty());
  }
}

TEST_F(RunJournalTest, HostileStacksAreRefusedNotReturned) {
  for (const std::string& hostile :
       std::vector<std::string>{"-rf", "fixt-3a9c1e_ccci test", "fixt-3a9c1e;rm", "other-bbbbbb_ccci_test", "",
                                std::string(70, 'a') + "-3a9c1e", "../fixt-3a9c1e"}) {
    auto vetted = vet(header() + "stack " + hostile + "\n");
    EXPECT_TRUE(vetted.stacks.empty()) << hostile;
    ASSERT_EQ(vetted.refused.size(), 1u) << hostile;
    EXPECT_EQ(vetted.refused[0].rfind("stack '", 0), 0u) << vetted.refused[0];
  }
  EXPECT_EQ(vet(header() + "stack " + stack + "\n").stacks, std::vector<std::string>{stack}) << "negative control";
}

TEST_F(RunJournalTest, DirectoriesOutsideTheRunsOwnPlacesAreRefused) {
  const auto root = state.path().string();
  for (const std::string& hostile : std::vector<std::string>{
           "/etc", root, root + "/last-green", root + "/runs", root + "/abra/runs",
           root + "/abra/runs/other-run-bbbbbb", root + "/runs/" + run + "/../other-run-bbbbbb",
           root + "/abra/runs/" + run + "/../../../..", "abra/runs/" + run, root + "/abra/runs/" + run + "x"}) {
    auto vetted = vet(header() + "dir " + hostile + "\n");
    EXPECT_TRUE(vetted.directories.empty()) << hostile;
    ASSERT_EQ(vetted.refused.size(), 1u) << hostile;
  }
  EXPECT_EQ(vet(header() + "dir " + abra_home.string() + "/\n").directories.size(), 1u) << "negative control";
}

TEST_F(RunJournalTest, ASymlinkOutOfTheStateDirIsRefused) {
  fakes::TempDir elsewhere;
  std::filesystem::create_directories(state.path() / "runs" / run);
  std::filesystem::create_directory_symlink(elsewhere.path(), state.path() / "runs" / run / "plan-clone");
  auto vetted = vet(header() + "dir " + scratch.string() + "\n");
  EXPECT_TRUE(vetted.directories.empty());
  ASSERT_EQ(vetted.refused.size(), 1u);
  EXPECT_NE(vetted.refused[0].find("symlink"), std::string::npos) << vetted.refused[0];
  // A symlinked parent, into another run's place inside the state dir, is refused as well.
  std::filesystem::create_directories(state.path() / "abra" / "runs" / "other-run-bbbbbb");
  std::filesystem::create_directory_symlink(state.path() / "abra" / "runs" / "other-run-bbbbbb", abra_home);
  EXPECT_TRUE(vet(header() + "dir " + abra_home.string() + "/servers\n").directories.empty());
}

TEST_F(RunJournalTest, AJournalOfAnotherRunIsRefusedWhole) {
  auto vetted = vet("ccci-run-journal 1\nrun other-run-bbbbbb\nstack " + stack + "\ndir " + abra_home.string() + "\n");
  EXPECT_TRUE(vetted.stacks.empty());
  EXPECT_TRUE(vetted.directories.empty());
  EXPECT_EQ(vetted.refused.size(), 2u);
}

TEST_F(RunJournalTest, UnknownEntriesAndBadNumbersAreRefusedWithTheirLine) {
  auto content = parse_journal(header() + "pid -4\nexpires soon\nrm -rf /\nstack a\x01z\n");
  EXPECT_FALSE(content.pid);
  EXPECT_FALSE(content.expires);
  ASSERT_EQ(content.refused.size(), 4u);
  EXPECT_EQ(content.refused[0].rfind("line 3: pid", 0), 0u) << content.refused[0];
  EXPECT_EQ(content.refused[2].rfind("line 5: unknown entry", 0), 0u) << content.refused[2];
}

TEST_F(RunJournalTest, AValueWithAControlCharacterIsNeverWritten) {
  auto journal = RunJournal::create(file, identity());
  ASSERT_TRUE(journal.ok());
  EXPECT_FALSE(journal->record_stack("a\nstack b").ok());
  EXPECT_TRUE(read_journal(file)->stacks.empty());
}

TEST_F(RunJournalTest, AKeptEntryIsReadBackAndOnlyItsOwnWordCounts) {
  {
    auto journal = RunJournal::create(file, identity());
    ASSERT_TRUE(journal.ok()) << journal.error().message;
    ASSERT_TRUE(journal->record_stack(stack).ok());
    auto before = read_journal(file);
    ASSERT_TRUE(before.ok());
    EXPECT_FALSE(before->kept);
    ASSERT_TRUE(journal->record_kept().ok());
  }
  auto content = read_journal(file);
  ASSERT_TRUE(content.ok()) << content.error().message;
  EXPECT_TRUE(content->kept);
  EXPECT_EQ(content->expires, identity().expires) << "the expiry stays the header's";
  EXPECT_TRUE(content->refused.empty());
  auto forged = parse_journal(header() + "kept forever\n");
  EXPECT_FALSE(forged.kept);
  ASSERT_EQ(forged.refused.size(), 1u);
  EXPECT_EQ(forged.refused[0], "line 3: kept 'forever' is not 'for-debugging'");
  EXPECT_FALSE(parse_journal(header() + "kept for-debugging").kept) << "a torn last line is not an entry";
}

}  // namespace
}  // namespace ccci::runner
