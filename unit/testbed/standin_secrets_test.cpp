#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "testbed/abra/app_commands.hpp"
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

}  // namespace
}  // namespace ccci::testbed
