// Deployment with dependencies: the deps deploy first, their identity reaches the app's .env and
// secrets before its one deploy, they count toward deploy_count, and they go after the app.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "harness/env_file.hpp"
#include "runner/deployment.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_git.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_identity_provider.hpp"
#include "unit/fakes/fake_steps.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

constexpr const char* domain = "fixt-abc123.ccci.test";
constexpr const char* keycloak_domain = "keyc-abc123-fixt.ccci.test";

class DeploymentDependenciesTest : public ::testing::Test {
 protected:
  DeploymentDependenciesTest() : abra(dir.path() / "abra") {
    dir.write("abra/recipes/fixture/compose.yml", "version: \"3.8\"\nservices:\n  app:\n    image: ccci/fixture:1.1\n");
    docker.images = {"ccci/fixture:1.1"};
    http.respond("GET", std::string("https://") + domain + "/health", 200, "ok");
    http.respond("GET", std::string("https://") + keycloak_domain + "/health/ready", 200, "UP");
    settings.recipe = "fixture";
    settings.domain = domain;
    settings.repo_url = "/repos/fixture";
    settings.head_ref = "refs/pull/1/head";
    settings.head_commit = "d0e96233a8f940b3ac4a9f10da84b9a9c0a2686a";
    settings.base = UpgradeBase{BaseSource::skip, "", "", "", "no base"};
    settings.health_path = "/health";
    settings.image_pull = ImagePull::never;
    git.commits = {{"refs/pull/1/head", settings.head_commit}};

    DependencyTarget keycloak;
    keycloak.spec.recipe = "keycloak";
    keycloak.spec.provider = "keycloak";
    keycloak.spec.sso.env = {{"OIDC_ISSUER", "${OIDC_ISSUER}"}, {"OIDC_REALM", "${OIDC_REALM}"}};
    keycloak.spec.sso.secrets = {{"oidc_client_secret", "${OIDC_CLIENT_SECRET}"}};
    keycloak.domain = keycloak_domain;
    keycloak.repo_url = "/repos/keycloak";
    keycloak.health_path = "/health/ready";
    DependenciesSettings deps_settings;
    deps_settings.parent_recipe = "fixture";
    deps_settings.parent_domain = domain;
    deps_settings.realm = "ccci-abc123";
    deps_settings.deps = {keycloak};
    deps_settings.secrets_dir = dir.path() / "run" / "dep-secrets";
    ProviderFactory factory = [this](const std::string&, harness::KeycloakSettings admin) {
      return std::make_unique<fakes::FakeIdentityProvider>(record, admin.base_url, std::nullopt, std::nullopt);
    };
    deps = std::make_unique<Dependencies>(deps_settings,
                                          DependenciesSeams{abra, docker, git, http, clock, log, std::move(factory)});
    deployment = std::make_unique<Deployment>(
        settings, DeploymentSeams{abra, docker, volume_files, git, http, clock, log, steps});
    deployment->use_dependencies(*deps);
  }

  fakes::TempDir dir;
  fakes::FakeAbra abra;
  fakes::FakeDocker docker;
  fakes::FakeVolumeFiles volume_files;
  fakes::FakeGit git;
  fakes::FakeHttpClient http;
  fakes::FakeClock clock;
  std::ostringstream log_text;
  harness::Logger log{log_text};
  fakes::FakeRecipeSteps steps;
  fakes::IdentityProviderRecord record;
  DeploymentSettings settings;
  std::unique_ptr<Dependencies> deps;
  std::unique_ptr<Deployment> deployment;
};

TEST_F(DeploymentDependenciesTest, TheIdentityReachesTheAppBeforeItsOneDeploy) {
  auto deployed = deployment->deploy_dependencies();
  ASSERT_TRUE(deployed.ok()) << deployed.error().message;
  auto installed = deployment->install();
  ASSERT_TRUE(installed.ok()) << installed.error().message;

  std::vector<std::string> app_calls;
  for (size_t i = 0; i < abra.calls.size(); ++i) {
    if (abra.call_domains[i] == domain) app_calls.push_back(abra.calls[i]);
  }
  EXPECT_EQ(app_calls, (std::vector<std::string>{"app_new fixture chaos", "secret_insert oidc_client_secret v1",
                                                 "secret_generate_all", "deploy chaos"}));
  // The dependency was deployed before anything of the app.
  EXPECT_EQ(abra.call_domains.front(), keycloak_domain);
  EXPECT_EQ(abra.inserted.at(std::string(domain) + " oidc_client_secret"), "client-secret-ccci-abc123-Zq81");
  auto env = harness::read_env_file(abra.app_env_path(domain));
  ASSERT_TRUE(env.ok());
  ASSERT_NE(env->find("OIDC_ISSUER"), nullptr);
  EXPECT_EQ(env->find("OIDC_ISSUER")->value, std::string("https://") + keycloak_domain + "/realms/ccci-abc123");
  EXPECT_EQ(env->find("OIDC_REALM")->value, "ccci-abc123");
  EXPECT_EQ(deployment->deploy_count(), 2);  // 1 + deps
  EXPECT_EQ(log_text.str().find("client-secret-ccci-abc123-Zq81"), std::string::npos);
}

TEST_F(DeploymentDependenciesTest, TheDepsGoAfterTheAppAndTheirResidueMakesTheTeardownNotClean) {
  ASSERT_TRUE(deployment->deploy_dependencies().ok());
  ASSERT_TRUE(deployment->install().ok());
  abra.calls.clear();
  abra.call_domains.clear();
  harness::Residue left;
  left.services = {"keyc-abc123-fixt_ccci_test_app"};
  // The app's stack holds nothing (one listing); the dep's holds its service, before and after.
  docker.residues = {harness::Residue{}, left};
  auto down = deployment->teardown();
  EXPECT_EQ(abra.call_domains, (std::vector<std::string>{domain, domain, keycloak_domain, keycloak_domain}));
  EXPECT_FALSE(down.clean);
  EXPECT_NE(down.message.find("dependency keycloak left services: keyc-abc123-fixt_ccci_test_app"), std::string::npos)
      << down.message;
}

TEST_F(DeploymentDependenciesTest, ARedRunsEvidenceShowsTheDepsServicesBesideTheApps) {
  ASSERT_TRUE(deployment->deploy_dependencies().ok());
  docker.calls.clear();
  deployment->collect_evidence();
  auto listed = [&](const std::string& stack) {
    return std::count(docker.calls.begin(), docker.calls.end(), "service_ls " + stack);
  };
  EXPECT_EQ(listed("fixt-abc123_ccci_test"), 1);
  EXPECT_EQ(listed("keyc-abc123-fixt_ccci_test"), 1);
}

TEST_F(DeploymentDependenciesTest, WithoutDependenciesDeployingThemIsAnError) {
  Deployment plain(settings, DeploymentSeams{abra, docker, volume_files, git, http, clock, log, steps});
  auto deployed = plain.deploy_dependencies();
  ASSERT_FALSE(deployed.ok());
  EXPECT_EQ(deployed.error().kind, harness::ErrorKind::infra);
}

}  // namespace
}  // namespace ccci::runner
