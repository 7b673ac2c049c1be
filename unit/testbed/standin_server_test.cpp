// The stand-in's `app new` knows only servers registered under $ABRA_DIR/servers/, as real abra
// does (docs/abra-contract.md): an unregistered server is FATA before any file is written.
#include <gtest/gtest.h>

#include "testbed/abra/app_commands.hpp"
#include "testbed/abra/cli.hpp"
#include "testbed/abra/context.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::testbed {
namespace {

namespace fs = std::filesystem;

class StandinAppNew : public ::testing::Test {
 protected:
  StandinAppNew() { dir.write("abra/recipes/fixture/.env.sample", "TYPE=fixture\nDOMAIN=fixture.example.com\n"); }

  harness::Status app_new_on(const std::string& server) {
    Context context(runner, harness::Environment{{"ABRA_DIR", (dir.path() / "abra").string()}});
    auto invocation = parse_command_line({"app", "new", "fixture", "--server", server, "--domain", domain, "--chaos"});
    EXPECT_TRUE(invocation.ok()) << invocation.error().message;
    return app_new(context, *invocation);
  }

  static constexpr const char* domain = "fixt-1.ccci.test";
  fakes::TempDir dir;
  fakes::FakeProcessRunner runner;
};

TEST_F(StandinAppNew, RefusesAServerThatIsNotRegistered) {
  auto made = app_new_on("default");
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().message.find("server default doesn't exist?"), std::string::npos) << made.error().message;
  EXPECT_NE(made.error().message.find("abra server add"), std::string::npos) << made.error().message;
  EXPECT_FALSE(fs::exists(dir.path() / "abra/servers/default")) << "nothing is written for an unknown server";
}

TEST_F(StandinAppNew, AFileNamedLikeTheServerIsNoRegistration) {
  dir.write("abra/servers/default", "");
  EXPECT_FALSE(app_new_on("default").ok());
}

TEST_F(StandinAppNew, WritesTheAppEnvOnARegisteredServer) {
  fs::create_directories(dir.path() / "abra/servers/default");
  auto made = app_new_on("default");
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_TRUE(fs::exists(dir.path() / "abra/servers/default" / (std::string(domain) + ".env")));
  EXPECT_FALSE(app_new_on("other").ok()) << "registering one server registers no other";
}

}  // namespace
}  // namespace ccci::testbed
