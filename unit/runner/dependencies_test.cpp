// Dependencies against in-memory abra, docker, git, HTTP and identity provider: the sequence
// deploy → ready → provision, never-ready and refusals failing the install, the teardown in reverse
// order and its residue, warm mode, the facts file, and no secret anywhere but in 0600 files.
#include "runner/dependencies.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <fstream>
#include <iterator>
#include <sstream>

#include "harness/env_file.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_git.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_identity_provider.hpp"
#include "unit/fakes/temp_dir.hpp"
#include "unit/fakes/test_jwt.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

constexpr const char* parent_domain = "fixt-abc123.ccci.test";
constexpr const char* keycloak_domain = "keyc-abc123-fixt.ccci.test";
constexpr const char* redis_domain = "redi-abc123-fixt.ccci.test";

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

DependencyTarget keycloak_target() {
  DependencyTarget target;
  target.spec.recipe = "keycloak";
  target.spec.provider = "keycloak";
  target.spec.sso.client_id = "fixture";
  target.spec.sso.redirect_uris = {"https://${DOMAIN}/oidc/callback"};
  target.spec.sso.env = {{"OIDC_ISSUER", "${OIDC_ISSUER}"}, {"OIDC_CLIENT_ID", "${OIDC_CLIENT_ID}"}};
  target.spec.sso.secrets = {{"oidc_client_secret", "${OIDC_CLIENT_SECRET}"}};
  target.domain = keycloak_domain;
  target.repo_url = "/repos/keycloak";
  target.health_path = "/health/ready";
  return target;
}

/// A dep without a provider: deployed and torn down, never provisioned.
DependencyTarget redis_target() {
  DependencyTarget target;
  target.spec.recipe = "redis";
  target.domain = redis_domain;
  target.repo_url = "/repos/redis";
  return target;
}

class DependenciesTest : public ::testing::Test {
 protected:
  DependenciesTest() : abra(dir.path() / "abra") {
    http.respond("GET", std::string("https://") + redis_domain + "/", 200, "ok");
    settings.parent_recipe = "fixture";
    settings.parent_domain = parent_domain;
    settings.realm = "ccci-abc123";
    settings.deps = {keycloak_target()};
    settings.deploy_timeout = std::chrono::minutes(5);
    settings.secrets_dir = dir.path() / "run" / "dep-secrets";
    settings.facts_file = dir.path() / "out" / "artifacts" / "deps.json";
  }

  Dependencies& deps() {
    if (!deps_) {
      if (keycloak_ready)
        http.respond("GET", std::string("https://") + keycloak_domain + "/health/ready", 200, "{\"status\":\"UP\"}");
      ProviderFactory factory = [this](const std::string&, harness::KeycloakSettings admin) {
        record.base_urls.push_back(admin.base_url);
        record.admin_passwords.push_back(admin.admin_password);
        return std::make_unique<fakes::FakeIdentityProvider>(record, admin.base_url, provision_error, remove_error);
      };
      deps_ = std::make_unique<Dependencies>(
          settings, DependenciesSeams{abra, docker, git, http, clock, log, std::move(factory)});
    }
    return *deps_;
  }

  /// The abra calls for `domain`, in order.
  std::vector<std::string> calls_for(const std::string& domain) const {
    std::vector<std::string> calls;
    for (size_t i = 0; i < abra.calls.size(); ++i) {
      if (abra.call_domains[i] == domain) calls.push_back(abra.calls[i]);
    }
    return calls;
  }

  fakes::TempDir dir;
  fakes::FakeAbra abra;
  fakes::FakeDocker docker;
  fakes::FakeGit git;
  fakes::FakeHttpClient http;
  fakes::FakeClock clock;
  std::ostringstream log_text;
  harness::Logger log{log_text};
  fakes::IdentityProviderRecord record;
  std::optional<harness::Error> provision_error;
  std::optional<harness::Error> remove_error;
  bool keycloak_ready = true;  ///< its health path answers 200 (else only what a test scripts)
  DependenciesSettings settings;
  std::unique_ptr<Dependencies> deps_;
};

TEST_F(DependenciesTest, DeploysWaitsUntilReadyThenProvisionsARealmForTheParent) {
  auto deployed = deps().deploy_all();
  ASSERT_TRUE(deployed.ok()) << deployed.error().message;
  EXPECT_EQ(calls_for(keycloak_domain),
            (std::vector<std::string>{"app_new keycloak chaos", "secret_insert admin_password v1",
                                      "secret_generate_all", "deploy chaos"}));
  EXPECT_EQ(git.calls.at(0), "clone /repos/keycloak " + (dir.path() / "abra" / "recipes" / "keycloak").string());
  EXPECT_EQ(deps().deploys(), 1);
  // The admin password abra got is the one the provider logs in with, and the redactor knows it.
  ASSERT_EQ(record.admin_passwords.size(), 1u);
  EXPECT_EQ(abra.inserted.at(std::string(keycloak_domain) + " admin_password"), record.admin_passwords[0]);
  EXPECT_EQ(record.base_urls[0], std::string("https://") + keycloak_domain);
  ASSERT_EQ(record.provisioned.size(), 1u);
  const auto& request = record.provisioned[0];
  EXPECT_EQ(request.realm, "ccci-abc123");
  EXPECT_EQ(request.client_id, "fixture");
  EXPECT_EQ(request.redirect_uris, std::vector<std::string>{"https://fixt-abc123.ccci.test/oidc/callback"});
  EXPECT_EQ(request.username, "ccci-test");
  EXPECT_EQ(request.email, "ccci-test@fixt-abc123.ccci.test");
  EXPECT_NE(request.password, record.admin_passwords[0]);
  EXPECT_EQ(log.redactor().redact(request.password).find(request.password), std::string::npos);
  const auto& report = deps().reports().at(0);
  EXPECT_TRUE(report.deployed && report.ready && report.provisioned && !report.torn_down);

  ParentMapping mapping = deps().parent_mapping();
  std::string issuer = std::string("https://") + keycloak_domain + "/realms/ccci-abc123";
  EXPECT_EQ(mapping.env, (std::map<std::string, std::string>{{"OIDC_CLIENT_ID", "fixture"}, {"OIDC_ISSUER", issuer}}));
  EXPECT_EQ(mapping.secrets.at("oidc_client_secret"), "client-secret-ccci-abc123-Zq81");
}

TEST_F(DependenciesTest, TheDepsOwnEnvIsWrittenIntoItsEnvFileNotTheParents) {
  settings.deps[0].spec.env = {{"OIDC_FAULT", "reject-clients"}, {"KEYCLOAK_ADMIN", "root"}};
  ASSERT_TRUE(deps().deploy_all().ok());
  auto env = harness::read_env_file(abra.app_env_path(keycloak_domain));
  ASSERT_TRUE(env.ok()) << env.error().message;
  ASSERT_NE(env->find("OIDC_FAULT"), nullptr);
  EXPECT_EQ(env->find("OIDC_FAULT")->value, "reject-clients");
  EXPECT_EQ(env->find("KEYCLOAK_ADMIN")->value, "root");
  EXPECT_EQ(env->find("TYPE")->value, "fixture");  // the sample's keys stay
  EXPECT_TRUE(deps().parent_mapping().env.count("OIDC_FAULT") == 0);
}

TEST_F(DependenciesTest, ADepThatNeverServesFailsTheInstallNamingItsLastAnswer) {
  keycloak_ready = false;
  http.respond("GET", std::string("https://") + keycloak_domain + "/health/ready", 503, "starting");
  auto deployed = deps().deploy_all();
  ASSERT_FALSE(deployed.ok());
  EXPECT_EQ(deployed.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(deployed.error().message,
            "dependency keycloak never became ready at https://keyc-abc123-fixt.ccci.test/health/ready within 300s: "
            "answered 503 \"starting\"");
  EXPECT_TRUE(record.provisioned.empty());
  const auto& report = deps().reports().at(0);
  EXPECT_TRUE(report.deployed && !report.ready && !report.provisioned);
  EXPECT_NE(report.note.find("never became ready"), std::string::npos);
  // What was deployed still goes.
  auto down = deps().teardown();
  EXPECT_TRUE(down.clean) << down.message;
  EXPECT_EQ(calls_for(keycloak_domain).back(), "remove");
}

TEST_F(DependenciesTest, AProvisioningRefusalFailsNamingTheStep) {
  provision_error = harness::make_error(ErrorKind::check_failed,
                                        "provisioning step 'create client' failed: keycloak answered 403 Forbidden");
  auto deployed = deps().deploy_all();
  ASSERT_FALSE(deployed.ok());
  EXPECT_EQ(deployed.error().kind, ErrorKind::check_failed);
  EXPECT_NE(deployed.error().message.find("provisioning step 'create client' failed"), std::string::npos);
  EXPECT_FALSE(deps().reports().at(0).provisioned);
  EXPECT_FALSE(std::filesystem::exists(settings.facts_file));
}

TEST_F(DependenciesTest, TeardownGoesInReverseOrderAndEveryCreatedDepGoes) {
  settings.deps.push_back(redis_target());
  ASSERT_TRUE(deps().deploy_all().ok());
  EXPECT_EQ(deps().deploys(), 2);
  EXPECT_EQ(record.provisioned.size(), 1u);  // redis has no provider
  abra.calls.clear();
  abra.call_domains.clear();
  auto down = deps().teardown();
  EXPECT_TRUE(down.clean) << down.message;
  EXPECT_EQ(abra.calls, (std::vector<std::string>{"undeploy", "remove", "undeploy", "remove"}));
  EXPECT_EQ(abra.call_domains,
            (std::vector<std::string>{redis_domain, redis_domain, keycloak_domain, keycloak_domain}));
  EXPECT_TRUE(deps().reports().at(0).torn_down && deps().reports().at(1).torn_down);
  EXPECT_FALSE(std::filesystem::exists(settings.secrets_dir));
}

TEST_F(DependenciesTest, AFailedDeployStillTearsDownWhatWasCreatedAndNothingElse) {
  settings.deps.push_back(redis_target());
  abra.failures["deploy chaos"] = harness::make_error(ErrorKind::check_failed, "abra deploy failed: FATA boom");
  auto deployed = deps().deploy_all();
  ASSERT_FALSE(deployed.ok());
  EXPECT_EQ(deployed.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(deps().deploys(), 1);
  auto down = deps().teardown();
  EXPECT_TRUE(down.clean);
  EXPECT_EQ(calls_for(redis_domain), std::vector<std::string>{});
  EXPECT_EQ(calls_for(keycloak_domain).back(), "remove");
  EXPECT_EQ(deps().reports().at(1).note, "not started: dependency keycloak failed first");
  EXPECT_FALSE(deps().reports().at(1).torn_down);
}

TEST_F(DependenciesTest, ResidueOfADepMakesTheTeardownNotCleanNamingIt) {
  ASSERT_TRUE(deps().deploy_all().ok());
  harness::Residue left;
  left.volumes = {"keyc-abc123-fixt_ccci_test_data"};
  docker.residues = {left};
  auto down = deps().teardown();
  EXPECT_FALSE(down.clean);
  EXPECT_EQ(down.message.rfind("dependency keycloak left volumes: keyc-abc123-fixt_ccci_test_data", 0), 0u)
      << down.message;
  ASSERT_EQ(down.residue.size(), 1u);
  EXPECT_FALSE(deps().reports().at(0).torn_down);
}

TEST_F(DependenciesTest, AWarmProviderIsNotDeployedAndItsRealmIsRemovedAtTeardown) {
  settings.deps[0].warm = WarmProvider{"https://sso.example.org", "admin", "warm-admin-pass-551"};
  ASSERT_TRUE(deps().deploy_all().ok());
  EXPECT_TRUE(abra.calls.empty());
  EXPECT_TRUE(git.calls.empty());
  EXPECT_EQ(deps().deploys(), 0);
  EXPECT_EQ(record.base_urls, std::vector<std::string>{"https://sso.example.org"});
  EXPECT_EQ(record.admin_passwords, std::vector<std::string>{"warm-admin-pass-551"});
  EXPECT_EQ(deps().parent_mapping().env.at("OIDC_ISSUER"), "https://sso.example.org/realms/ccci-abc123");
  EXPECT_EQ(log.redactor().redact("warm-admin-pass-551").find("warm-admin-pass-551"), std::string::npos);
  auto down = deps().teardown();
  EXPECT_TRUE(down.clean) << down.message;
  EXPECT_EQ(record.removed_realms, std::vector<std::string>{"ccci-abc123"});
  EXPECT_TRUE(abra.calls.empty());
}

TEST_F(DependenciesTest, AWarmRealmThatCannotBeRemovedIsResidueNamingTheRealm) {
  settings.deps[0].warm = WarmProvider{"https://sso.example.org", "admin", "warm-admin-pass-551"};
  remove_error = harness::make_error(ErrorKind::infra, "realm removal step 'delete realm' failed: 500");
  ASSERT_TRUE(deps().deploy_all().ok());
  auto down = deps().teardown();
  EXPECT_FALSE(down.clean);
  EXPECT_NE(down.message.find("dependency keycloak left realm ccci-abc123 in https://sso.example.org"),
            std::string::npos)
      << down.message;
}

TEST_F(DependenciesTest, TheFactsFileHoldsNoSecretOnlyPathsToPrivateFiles) {
  ASSERT_TRUE(deps().deploy_all().ok());
  std::string facts = read(settings.facts_file);
  const auto& request = record.provisioned.at(0);
  for (const std::string& secret :
       {request.password, record.admin_passwords[0], std::string("client-secret-ccci-abc123-Zq81")}) {
    EXPECT_EQ(facts.find(secret), std::string::npos);
    EXPECT_EQ(log_text.str().find(secret), std::string::npos);
  }
  for (const auto* key :
       {"\"issuer\"", "\"discovery_url\"", "\"realm\"", "\"client_id\"", "\"username\"", "\"url\"", "\"domain\""})
    EXPECT_NE(facts.find(key), std::string::npos) << key;
  auto secret_file = settings.secrets_dir / "keycloak-client_secret";
  auto password_file = settings.secrets_dir / "keycloak-password";
  EXPECT_NE(facts.find(secret_file.string()), std::string::npos) << facts;
  EXPECT_NE(facts.find(password_file.string()), std::string::npos) << facts;
  EXPECT_EQ(read(secret_file), "client-secret-ccci-abc123-Zq81");
  EXPECT_EQ(read(password_file), request.password);
  EXPECT_EQ(std::filesystem::status(password_file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_TRUE(deps().teardown().clean);
  EXPECT_FALSE(std::filesystem::exists(password_file));
}

TEST_F(DependenciesTest, AnOidcLoginWithoutAProvisionedIdentityIsAnError) {
  auto outcome = deps().oidc_login("sso_login", "keycloak");
  EXPECT_EQ(outcome.status, CheckStatus::error);
  EXPECT_EQ(outcome.message, "dependency keycloak has no identity provisioned for this run");
}

TEST_F(DependenciesTest, AnOidcLoginTheProviderRefusesFailsWithoutASecret) {
  ASSERT_TRUE(deps().deploy_all().ok());
  std::string issuer = std::string("https://") + keycloak_domain + "/realms/ccci-abc123";
  http.respond("GET", issuer + "/.well-known/openid-configuration", 404, "{\"error\":\"Realm does not exist\"}");
  auto outcome = deps().oidc_login("sso_login", "keycloak");
  EXPECT_EQ(outcome.status, CheckStatus::fail) << outcome.message;
  EXPECT_EQ(outcome.message.rfind("OIDC login of ccci-test at " + issuer + ": OIDC discovery: ", 0), 0u)
      << outcome.message;
  EXPECT_EQ(outcome.message.find(record.provisioned.at(0).password), std::string::npos);
}

TEST_F(DependenciesTest, AnOidcLoginOfTheProvisionedUserPasses) {
  ASSERT_TRUE(deps().deploy_all().ok());
  const std::string issuer = std::string("https://") + keycloak_domain + "/realms/ccci-abc123";
  const std::string oidc = issuer + "/protocol/openid-connect";
  constexpr int64_t wall_start = 1767225600;  // FakeClock's wall time
  static const auto key = fakes::TestSigningKey::rsa("kc-rs256");
  std::string id_token = key.token({{"exp", wall_start + 300},
                                    {"iat", wall_start},
                                    {"iss", issuer},
                                    {"aud", "fixture"},
                                    {"sub", "0f6c"},
                                    {"azp", "fixture"},
                                    {"preferred_username", "ccci-test"}});
  http.respond("GET", issuer + "/.well-known/openid-configuration", 200,
               boost::json::serialize(boost::json::object{{"issuer", issuer},
                                                          {"authorization_endpoint", oidc + "/auth"},
                                                          {"token_endpoint", oidc + "/token"},
                                                          {"jwks_uri", oidc + "/certs"}}));
  http.respond("POST", oidc + "/token", 200,
               boost::json::serialize(boost::json::object{
                   {"access_token", "access-4e5f"}, {"token_type", "Bearer"}, {"id_token", id_token}}));
  http.respond("GET", oidc + "/certs", 200, fakes::jwk_set({key.public_jwk()}));
  auto outcome = deps().oidc_login("sso_login", "keycloak");
  EXPECT_EQ(outcome.status, CheckStatus::pass) << outcome.message;
  EXPECT_EQ(outcome.name, "sso_login");
}

}  // namespace
}  // namespace ccci::runner
