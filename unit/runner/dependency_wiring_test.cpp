// The warm Keycloak settings and what the wiring makes of a spec's deps.
#include "runner/dependency_wiring.hpp"

#include <gtest/gtest.h>

#include "runner/wiring.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using Env = std::map<std::string, std::string>;

TEST(DependencyWiring, TheWarmKeycloakSettingsGoTogether) {
  auto both = parse_config({{"RECIPE", "discourse"},
                            {"CCCI_WARM_KEYCLOAK_URL", "https://sso.example.org/"},
                            {"CCCI_WARM_KEYCLOAK_ADMIN_PASSWORD_FILE", "/etc/ccci/kc"}},
                           {});
  ASSERT_TRUE(both.ok()) << both.error().message;
  EXPECT_EQ(both->warm_keycloak_url, "https://sso.example.org");
  auto url_only = parse_config({{"RECIPE", "discourse"}, {"CCCI_WARM_KEYCLOAK_URL", "https://sso.example.org"}}, {});
  ASSERT_FALSE(url_only.ok());
  EXPECT_EQ(url_only.error().kind, harness::ErrorKind::usage);
  EXPECT_NE(url_only.error().message.find("go together"), std::string::npos);
  auto plain_http = parse_config({{"RECIPE", "discourse"},
                                  {"CCCI_WARM_KEYCLOAK_URL", "http://sso.example.org"},
                                  {"CCCI_WARM_KEYCLOAK_ADMIN_PASSWORD_FILE", "/etc/ccci/kc"}},
                                 {});
  EXPECT_FALSE(plain_http.ok());
}

class DependencyWiringTest : public ::testing::Test {
 protected:
  DependencyWiringTest() {
    dir.write("recipes/keycloak/recipe.yml", "health: {path: /health/ready, ok: [200]}\n");
    dir.write("kc-password", "warm-pass-8812\n");
    config.recipe = "fixture";
    config.src = "coop-cloud/fixture";
    config.git_base = "/srv/git";
    config.recipes_dir = dir.path() / "recipes";
    config.state_dir = dir.path() / "state";
    config.out = dir.path() / "out";
    config.domain_suffix = "ccci.test";
    plan.recipe = "fixture";
    plan.run_id = "fixture-pr1-abc123";
    plan.domain = "fixt-abc123.ccci.test";
    DependencySpec keycloak;
    keycloak.recipe = "keycloak";
    keycloak.provider = "keycloak";
    spec.deps = {"keycloak"};
    spec.dependencies = {keycloak};
  }

  fakes::TempDir dir;
  Config config;
  RecipeSpec spec;
  Plan plan;
};

TEST_F(DependencyWiringTest, ADepIsDeployedBesideTheParentAndJudgedByItsOwnHealth) {
  auto settings = dependencies_settings(config, spec, plan);
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->realm, "ccci-abc123");
  ASSERT_EQ(settings->deps.size(), 1u);
  const auto& dep = settings->deps[0];
  EXPECT_EQ(dep.repo_url, "/srv/git/coop-cloud/keycloak");
  EXPECT_EQ(dep.health_path, "/health/ready");
  EXPECT_FALSE(dep.warm);
  EXPECT_EQ(settings->secrets_dir.parent_path(), run_abra_dir(config, plan));
  EXPECT_EQ(settings->facts_file, config.out / "artifacts" / "deps.json");
}

TEST_F(DependencyWiringTest, AWarmKeycloakReadsItsPasswordFile) {
  config.warm_keycloak_url = "https://sso.example.org";
  config.warm_keycloak_admin_password_file = dir.path() / "kc-password";
  auto settings = dependencies_settings(config, spec, plan);
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  ASSERT_TRUE(settings->deps[0].warm);
  EXPECT_EQ(settings->deps[0].warm->admin_password, "warm-pass-8812");
  EXPECT_EQ(plan_inputs(config, spec, "abc123").warm_deps, 1);
  config.warm_keycloak_admin_password_file = dir.path() / "missing";
  auto missing = dependencies_settings(config, spec, plan);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, harness::ErrorKind::usage);
}

}  // namespace
}  // namespace ccci::runner
