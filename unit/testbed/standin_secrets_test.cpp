#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "testbed/abra/app_commands.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::testbed {
namespace {

TEST(StandinChaosVersion, IsTheFirstEightHexOfHeadPlusUWhenDirty) {
  const std::string head = "d0e96233a8f940b3ac4a9f10da84b9a9c0a2686a";
  EXPECT_EQ(chaos_version(head, false), "d0e96233");
  EXPECT_EQ(chaos_version(head, true), "d0e96233+U");
}

TEST(StandinSecrets, GeneratedValuesHaveTheAskedLengthAndAreAlphanumeric) {
  for (size_t length : {1u, 32u, 64u}) {
    std::string value = generate_secret(length);
    EXPECT_EQ(value.size(), length);
    EXPECT_TRUE(std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isalnum(c); })) << value;
  }
  EXPECT_NE(generate_secret(32), generate_secret(32));
}

TEST(StandinSecrets, PlansHonourNamesVersionsAndTheEnvModifiers) {
  fakes::TempDir dir;
  dir.write("compose.yml", R"(version: "3.8"
services:
  app:
    image: ccci/fixture-db:1.1
    secrets: [db_password, api_key, admin_token]
secrets:
  db_password:
    external: true
    name: ${STACK_NAME}_db_password_${SECRET_DB_PASSWORD_VERSION}
  api_key:
    external: true
  admin_token:
    external: true
)");
  App app;
  app.domain = "fixt-1a2b3c.ccci.test";
  app.stack = "fixt-1a2b3c_ccci_test";
  app.recipe = "fixture-db";
  app.recipe_dir = dir.path();
  auto env = harness::parse_env_file(
      "COMPOSE_FILE=compose.yml\n"
      "SECRET_DB_PASSWORD_VERSION=v2 # length=48\n"
      "SECRET_API_KEY_VERSION=v1 # generate=false\n",
      "app.env");
  ASSERT_TRUE(env.ok()) << env.error().message;
  app.env = *env;

  auto plans = secret_plans(app);
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  ASSERT_EQ(plans->size(), 3u);
  std::map<std::string, SecretPlan> by_key;
  for (const auto& plan : *plans) by_key[plan.key] = plan;
  EXPECT_EQ(by_key["db_password"].name, "fixt-1a2b3c_ccci_test_db_password_v2");
  EXPECT_EQ(by_key["db_password"].length, 48u);
  EXPECT_TRUE(by_key["db_password"].generate);
  EXPECT_EQ(by_key["api_key"].name, "fixt-1a2b3c_ccci_test_api_key_v1");
  EXPECT_FALSE(by_key["api_key"].generate);
  EXPECT_EQ(by_key["admin_token"].name, "fixt-1a2b3c_ccci_test_admin_token_v1");
  EXPECT_EQ(by_key["admin_token"].length, 32u);
}

// Without --chaos a recipe-loading command checks out the .env-pinned version; the git calls are
// answered by the fake runner.
class StandinPinnedCheckout : public ::testing::Test {
 protected:
  StandinPinnedCheckout() {
    dir_.write("abra/servers/default/a.ccci.test.env", "TYPE=fixture-web:1.2.0\n");
    app_.domain = "a.ccci.test";
    app_.recipe = "fixture-web";
    app_.env_version = "1.2.0";
    app_.recipe_dir = dir_.path() / "abra" / "recipes" / "fixture-web";
  }
  bool checked_out() const { return runner_.count({"git", "-C", app_.recipe_dir.string(), "-c"}) > 0; }

  fakes::TempDir dir_;
  fakes::FakeProcessRunner runner_;
  Context context_{runner_, {{"ABRA_DIR", (dir_.path() / "abra").string()}}};
  App app_;
};

TEST_F(StandinPinnedCheckout, WithoutChaosTheEnvPinnedTagIsCheckedOut) {
  ASSERT_TRUE(check_out_pinned_version(context_, app_, false).ok());
  auto checkout = runner_.first({"git", "-C", app_.recipe_dir.string(), "-c"});
  EXPECT_EQ(checkout.argv.back(), "refs/tags/1.2.0");
}

TEST_F(StandinPinnedCheckout, ChaosOrNoPinnedVersionKeepsTheCheckout) {
  ASSERT_TRUE(check_out_pinned_version(context_, app_, true).ok());
  app_.env_version.clear();
  ASSERT_TRUE(check_out_pinned_version(context_, app_, false).ok());
  EXPECT_FALSE(checked_out());
}

TEST_F(StandinPinnedCheckout, ADirtyTreeIsRefusedLikeDeployDoes) {
  runner_.on({"git", "-C", app_.recipe_dir.string(), "status"}, fakes::exited(0, "?? compose.override.yml\n"));
  auto status = check_out_pinned_version(context_, app_, false);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("has locally unstaged changes"), std::string::npos) << status.error().message;
  EXPECT_FALSE(checked_out());
}

TEST_F(StandinPinnedCheckout, TheCommandTableDecidesWhichCommandsCheckOut) {
  auto backup = parse_command_line({"app", "backup", "create", "a.ccci.test"});
  ASSERT_TRUE(backup.ok());
  ASSERT_TRUE(check_out_pinned_version(context_, *backup).ok());
  EXPECT_TRUE(checked_out()) << "backup create without --chaos checks out TYPE's version";

  fakes::FakeProcessRunner quiet;
  Context untouched{quiet, {{"ABRA_DIR", (dir_.path() / "abra").string()}}};
  auto chaos = parse_command_line({"app", "backup", "create", "a.ccci.test", "--chaos"});
  auto undeploy = parse_command_line({"app", "undeploy", "a.ccci.test"});
  ASSERT_TRUE(chaos.ok() && undeploy.ok());
  ASSERT_TRUE(check_out_pinned_version(untouched, *chaos).ok());
  ASSERT_TRUE(check_out_pinned_version(untouched, *undeploy).ok());
  EXPECT_TRUE(quiet.commands().empty());
}

}  // namespace
}  // namespace ccci::testbed
