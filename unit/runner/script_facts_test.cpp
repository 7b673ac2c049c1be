#include "runner/script_facts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

TEST(AdminAccount, IsTheFixedUserAtTheDomainWithAFreshRandomPasswordEachRun) {
  AdminAccount first = make_admin_account("fixt-3a9c1e.ccci.test");
  EXPECT_EQ(first.user, "ccciadmin");
  EXPECT_EQ(first.email, "ccciadmin@fixt-3a9c1e.ccci.test");
  ASSERT_EQ(first.password.size(), 28u);
  EXPECT_EQ(first.password.substr(0, 4), "Cc1-");
  std::string random = first.password.substr(4);
  EXPECT_TRUE(std::all_of(random.begin(), random.end(), [](unsigned char c) { return std::isalnum(c) != 0; }))
      << first.password;
  std::set<std::string> passwords;
  for (int i = 0; i < 20; ++i) passwords.insert(make_admin_account("a.test").password);
  EXPECT_EQ(passwords.size(), 20u) << "24 random characters of 62 never repeat in 20 draws";
}

TEST(ScriptEnvironment, WithoutAKnownCcciRunThePathIsLeftAsItWas) {
  StepFacts facts;
  facts.domain = "app.ccci.test";
  facts.script_env = {{"PATH", "/usr/bin"}};
  auto env = script_environment(facts, {});
  EXPECT_EQ(env.at("PATH"), "/usr/bin");
  EXPECT_EQ(env.count("CCCI_RUN"), 0u);
  EXPECT_EQ(env.at("CCCI_SERVICES"), "");
}

TEST(ScriptEnvironment, WithoutAPathCcciRunsDirectoryIsThePath) {
  StepFacts facts;
  facts.ccci_run = "/build/runner/ccci-run";
  auto env = script_environment(facts, {});
  EXPECT_EQ(env.at("PATH"), "/build/runner");
  EXPECT_EQ(env.at("CCCI_RUN"), "/build/runner/ccci-run");
}

TEST(ScriptEnvironment, WithGeneratedFactsCcciRunIsThisExecutableAndTheAccountIsNew) {
  StepFacts facts;
  facts.domain = "app.ccci.test";
  StepFacts generated = with_generated_facts(facts);
  EXPECT_TRUE(generated.ccci_run.is_absolute()) << generated.ccci_run;
  EXPECT_TRUE(std::filesystem::exists(generated.ccci_run)) << generated.ccci_run;
  EXPECT_EQ(generated.admin.email, "ccciadmin@app.ccci.test");
  EXPECT_NE(generated.admin.password, with_generated_facts(facts).admin.password);
}

TEST(ScriptStatus, ZeroPassesOneFailsAndAnyOtherEndIsAnError) {
  EXPECT_EQ(script_status(fakes::exited(0)), CheckStatus::pass);
  EXPECT_EQ(script_status(fakes::exited(1)), CheckStatus::fail);
  EXPECT_EQ(script_status(fakes::exited(2)), CheckStatus::error);
  EXPECT_EQ(script_status(fakes::exited(127)), CheckStatus::error) << "not found by the shell";
  EXPECT_EQ(script_status(fakes::exited(255)), CheckStatus::error);
  harness::Completion killed = fakes::exited(-1);
  killed.signal = 9;
  EXPECT_EQ(script_status(killed), CheckStatus::error);
  EXPECT_EQ(script_status(fakes::timed_out()), CheckStatus::fail);
}

TEST(ArtifactDir, IsMadeFreshUnderOutByTierAndCheck) {
  fakes::TempDir out;
  auto stale = out.write("artifacts/custom/login/old.png", "x");
  auto dir = fresh_artifact_dir(out.path(), Tier::custom, "login");
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  EXPECT_EQ(*dir, out.path() / "artifacts/custom/login");
  EXPECT_TRUE(std::filesystem::is_directory(*dir));
  EXPECT_FALSE(std::filesystem::exists(stale));
}

TEST(ArtifactDir, ListsRegularFilesRelativeToOutAndNoSymbolicLinks) {
  fakes::TempDir out;
  out.write("artifacts/custom/login/b.txt", "b");
  out.write("artifacts/custom/login/sub/a.txt", "a");
  std::filesystem::create_symlink("/etc/hostname", out.path() / "artifacts/custom/login/link");
  EXPECT_EQ(artifacts_in(out.path(), out.path() / "artifacts/custom/login"),
            (std::vector<std::string>{"artifacts/custom/login/b.txt", "artifacts/custom/login/sub/a.txt"}));
  EXPECT_TRUE(artifacts_in(out.path(), out.path() / "absent").empty());
}

TEST(DepsFile, IsWrittenOnceWithNoDependencies) {
  fakes::TempDir out;
  auto file = deps_file(out.path());
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(*file, out.path() / "artifacts/deps.json");
  std::filesystem::resize_file(*file, 0);
  ASSERT_TRUE(deps_file(out.path()).ok());
  EXPECT_EQ(std::filesystem::file_size(*file), 0u) << "an existing file is kept";
}

}  // namespace
}  // namespace ccci::runner
