#include "harness/process.hpp"

#include <stdlib.h>

#include <gtest/gtest.h>

#include "unit/fakes/fake_process.hpp"

namespace ccci::harness {
namespace {

using namespace std::chrono_literals;

TEST(InheritedEnvironment, KeepsOnlyTheNamedVariables) {
  ::setenv("CCCI_KEEP_ME", "kept", 1);
  ::setenv("CCCI_DROP_ME", "dropped", 1);
  Environment env = inherited_environment({"CCCI_KEEP_ME", "CCCI_NOT_SET_ANYWHERE"});
  ::unsetenv("CCCI_KEEP_ME");
  ::unsetenv("CCCI_DROP_ME");
  EXPECT_EQ(env, (Environment{{"CCCI_KEEP_ME", "kept"}}));
}

TEST(CompletionDescribe, NamesTimeoutsInSeconds) {
  Completion timed_out;
  timed_out.timed_out = true;
  timed_out.elapsed = 30000ms;
  EXPECT_EQ(timed_out.describe(), "timed out after 30s");
  timed_out.elapsed = 1500ms;
  EXPECT_EQ(timed_out.describe(), "timed out after 1.5s");
}

// The fake of this seam: other tests rely on its matching rules, so they are pinned here.
TEST(FakeProcessRunner, LongestPrefixWinsAndOnceRulesAnswerInOrder) {
  fakes::FakeProcessRunner fake;
  fake.on({"docker"}, fakes::exited(1))
      .once({"docker", "ps"}, fakes::exited(0, "first"))
      .once({"docker", "ps"}, make_error(ErrorKind::infra, "daemon gone"))
      .on({"docker", "ps"}, fakes::exited(0, "steady"));
  Command ps{{"docker", "ps", "-q"}, {}, {}, 1s};
  EXPECT_EQ(fake.run(ps)->out, "first");
  EXPECT_EQ(fake.run(ps).error().kind, ErrorKind::infra);
  EXPECT_EQ(fake.run(ps)->out, "steady");
  EXPECT_EQ(fake.run(ps)->out, "steady");
  EXPECT_EQ(fake.run(Command{{"docker", "info"}, {}, {}, 1s})->exit_code, 1);
  EXPECT_TRUE(fake.run(Command{{"abra"}, {}, {}, 1s})->succeeded()) << "the default answer is exit 0";
  EXPECT_EQ(fake.count({"docker", "ps"}), 4u);
  EXPECT_EQ(fake.argvs().back(), (std::vector<std::string>{"abra"}));
}

}  // namespace
}  // namespace ccci::harness
