// The keycloak driver's failures: each step refused, malformed answers, transport errors, and no
// secret in any message. Recorded answers: unit/fakes/keycloak_responses.hpp.
#include <gtest/gtest.h>

#include <functional>

#include "harness/keycloak.hpp"
#include "harness/redactor.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/keycloak_responses.hpp"

namespace ccci::harness {
namespace {

namespace kc = fakes::keycloak;
using namespace std::chrono_literals;

/// One provider on its own fake, scripted by the test first and then with every step succeeding
/// (a route's first scripted answer is consumed first, so the test's own answers win).
struct Scenario {
  fakes::FakeHttpClient http;
  Redactor redactor;
  std::unique_ptr<IdentityProvider> provider;

  explicit Scenario(const std::function<void(fakes::FakeHttpClient&)>& script = {}) {
    if (script) script(http);
    http.respond("POST", kc::token_url, kc::token_granted());
    http.respond("POST", kc::realms_url, kc::realm_created());
    http.respond("POST", kc::clients_url, kc::client_created());
    http.respond("GET", kc::secret_url, kc::client_secret_answer());
    http.respond("POST", kc::users_url, kc::user_created());
    http.respond("PUT", kc::reset_password_url, kc::no_content());
    http.respond("DELETE", kc::realm_url, kc::no_content());
    KeycloakSettings settings;
    settings.base_url = kc::base_url;
    settings.admin_username = "admin";
    settings.admin_password = kc::admin_password;
    settings.call_timeout = 7s;
    provider = make_keycloak_provider(http, settings, redactor);
  }

  Error provision_error() {
    ProvisionRequest request;
    request.realm = kc::realm;
    request.client_id = "fixture-web";
    request.redirect_uris = {"https://web-7f3a.ci.example/oidc/callback"};
    request.username = "ccci-test";
    request.email = "ccci-test@web-7f3a.ci.example";
    request.password = kc::user_password;
    redactor.add_secret(request.password);  // as the runner does before provisioning
    auto result = provider->provision(request);
    EXPECT_FALSE(result.ok());
    return result.ok() ? Error{} : result.error();
  }
};

TEST(KeycloakFailure, AWrongAdminPasswordNamesTheTokenStep) {
  Scenario scenario([](auto& http) { http.respond("POST", kc::token_url, kc::token_refused()); });
  Error error = scenario.provision_error();
  EXPECT_EQ(error.kind, ErrorKind::check_failed);
  EXPECT_EQ(error.message,
            "provisioning step 'fetch admin token' failed: keycloak answered 401 Unauthorized: "
            R"({"error":"invalid_grant","error_description":"Invalid user credentials"})");
  EXPECT_EQ(scenario.http.requests().size(), 1U);
}

TEST(KeycloakFailure, AnExistingPerRunRealmIsAFailure) {
  Scenario scenario([](auto& http) { http.respond("POST", kc::realms_url, kc::realm_exists()); });
  Error error = scenario.provision_error();
  EXPECT_EQ(error.kind, ErrorKind::check_failed);
  EXPECT_EQ(error.message,
            "provisioning step 'create realm' failed: keycloak answered 409 Conflict: the per-run realm "
            R"("ccci-run-7f3a-b2" already exists (a per-run realm must be new): )"
            R"({"errorMessage":"Realm ccci-run-7f3a-b2 already exists"})");
  EXPECT_EQ(scenario.http.count("POST", kc::clients_url), 0);
}

TEST(KeycloakFailure, AForbiddenClientCreationNamesItsStep) {
  Scenario scenario([](auto& http) { http.respond("POST", kc::clients_url, kc::forbidden()); });
  Error error = scenario.provision_error();
  EXPECT_EQ(error.kind, ErrorKind::check_failed);
  EXPECT_EQ(
      error.message,
      R"(provisioning step 'create client' failed: keycloak answered 403 Forbidden: {"error":"HTTP 403 Forbidden"})");
  EXPECT_EQ(scenario.http.count("GET", kc::secret_url), 0);
}

TEST(KeycloakFailure, ARefusedUserNamesItsStep) {
  Scenario scenario([](auto& http) { http.respond("POST", kc::users_url, kc::invalid_email()); });
  Error error = scenario.provision_error();
  EXPECT_EQ(error.kind, ErrorKind::check_failed);
  EXPECT_EQ(error.message,
            "provisioning step 'create user' failed: keycloak answered 400 Bad Request: "
            R"({"field":"email","errorMessage":"error-invalid-email","params":["email","not-an-email"]})");
  EXPECT_EQ(scenario.http.count("PUT", kc::reset_password_url), 0);
}

TEST(KeycloakFailure, ARefusedPasswordNamesItsStep) {
  Scenario scenario([](auto& http) { http.respond("PUT", kc::reset_password_url, kc::password_policy_refused()); });
  Error error = scenario.provision_error();
  EXPECT_EQ(error.kind, ErrorKind::check_failed);
  EXPECT_EQ(
      error.message,
      "provisioning step 'set user password' failed: keycloak answered 400 Bad Request: "
      R"({"error":"invalidPasswordMinLengthMessage","error_description":"Invalid password: minimum length 24."})");
}

TEST(KeycloakFailure, AServerErrorAfterTheClientsRetriesIsAFailureOnOneLine) {
  Scenario scenario([](auto& http) { http.respond("GET", kc::secret_url, kc::proxy_error_page()); });
  Error error = scenario.provision_error();
  EXPECT_EQ(error.kind, ErrorKind::check_failed);
  EXPECT_EQ(
      error.message,
      "provisioning step 'read client secret' failed: keycloak answered 502 Bad Gateway: <html>  <head><title>502 "
      "Bad Gateway</title></head>  <body>Bad Gateway</body>  </html>  ");
}

TEST(KeycloakFailure, AMissingLocationHeaderStopsBeforeTheNextStep) {
  Scenario scenario([](auto& http) { http.respond("POST", kc::clients_url, kc::answer(201, "", {})); });
  Error error = scenario.provision_error();
  EXPECT_EQ(error.kind, ErrorKind::check_failed);
  EXPECT_EQ(
      error.message,
      "provisioning step 'create client' failed: keycloak's answer has no Location header naming what it created");
  EXPECT_EQ(scenario.http.requests().size(), 3U);
}

TEST(KeycloakFailure, AHostileLocationNeverReachesAUrl) {
  const std::string users = kc::users_url;
  for (const std::string& location :
       {users + "/../../master", users + "/9a1e6f0c?x=1", users + "/9a1e%2F..", users + "/" + std::string(65, 'a'),
        users + "/", std::string(kc::clients_url) + "/" + kc::user_id, users + "/9a1e\r\nX-Injected: 1",
        std::string(kc::user_id), std::string("")}) {
    Scenario scenario([&](auto& http) { http.respond("POST", kc::users_url, kc::created(location)); });
    Error error = scenario.provision_error();
    EXPECT_EQ(error.kind, ErrorKind::check_failed) << location;
    EXPECT_TRUE(
        error.message.starts_with("provisioning step 'create user' failed: keycloak's answer has a Location "
                                  "header "))
        << error.message;
    EXPECT_EQ(error.message.find('\n'), std::string::npos) << error.message;
    EXPECT_EQ(scenario.http.requests().size(), 5U) << location;
  }
}

TEST(KeycloakFailure, ABodyThatIsNotJsonNamesItsStep) {
  Scenario token([](auto& http) { http.respond("POST", kc::token_url, 200, "<html><body>Sign in</body></html>"); });
  Error error = token.provision_error();
  EXPECT_EQ(error.kind, ErrorKind::check_failed);
  EXPECT_TRUE(error.message.starts_with(
      "provisioning step 'fetch admin token' failed: keycloak's answer is unusable: the body is not JSON"))
      << error.message;

  Scenario secret([](auto& http) { http.respond("GET", kc::secret_url, 200, "secret"); });
  EXPECT_TRUE(secret.provision_error().message.starts_with(
      "provisioning step 'read client secret' failed: keycloak's answer is unusable: the body is not JSON"));
}

TEST(KeycloakFailure, MissingOrIllTypedFieldsNameTheField) {
  Scenario no_token([](auto& http) { http.respond("POST", kc::token_url, 200, R"({"token_type":"Bearer"})"); });
  EXPECT_EQ(no_token.provision_error().message,
            R"(provisioning step 'fetch admin token' failed: keycloak's answer has no string "access_token")");
  Scenario number([](auto& http) { http.respond("GET", kc::secret_url, 200, R"({"type":"secret","value":42})"); });
  EXPECT_EQ(number.provision_error().message,
            R"(provisioning step 'read client secret' failed: keycloak's answer has no string "value")");
  Scenario array([](auto& http) { http.respond("GET", kc::secret_url, 200, R"(["secret"])"); });
  EXPECT_EQ(array.provision_error().message,
            "provisioning step 'read client secret' failed: keycloak's answer is not a JSON object");
  Scenario empty([](auto& http) { http.respond("GET", kc::secret_url, 200, R"({"type":"secret","value":""})"); });
  EXPECT_EQ(empty.provision_error().kind, ErrorKind::check_failed);
}

TEST(KeycloakFailure, ATokenThatCouldBreakAHeaderIsRefused) {
  Scenario scenario([](auto& http) {
    http.respond("POST", kc::token_url, 200, R"({"access_token":"abc.def\r\nX-Injected: 1","expires_in":60})");
  });
  Error error = scenario.provision_error();
  EXPECT_EQ(
      error.message,
      "provisioning step 'fetch admin token' failed: keycloak's answer has an access_token that is not visible ASCII");
  EXPECT_EQ(scenario.http.requests().size(), 1U);
}

TEST(KeycloakFailure, ATimeoutKeepsItsKindAndNamesTheStep) {
  Scenario scenario([](auto& http) {
    http.fail("POST", kc::clients_url, ErrorKind::timeout,
              "POST " + std::string(kc::clients_url) + ": timed out after 7s");
  });
  Error error = scenario.provision_error();
  EXPECT_EQ(error.kind, ErrorKind::timeout);
  EXPECT_EQ(error.message,
            "provisioning step 'create client' failed: POST " + std::string(kc::clients_url) + ": timed out after 7s");
}

TEST(KeycloakFailure, AConnectionErrorKeepsItsKind) {
  Scenario scenario([](auto& http) { http.fail("POST", kc::token_url, ErrorKind::infra, "connection refused"); });
  Error error = scenario.provision_error();
  EXPECT_EQ(error.kind, ErrorKind::infra);
  EXPECT_EQ(error.message, "provisioning step 'fetch admin token' failed: connection refused");
}

TEST(KeycloakFailure, NoSecretReachesAMessageEvenWhenAnAnswerEchoesIt) {
  const std::string token = kc::access_token;
  const std::string secret = kc::client_secret;
  const std::string password = kc::user_password;
  // An answer can echo only what the driver has sent or received by then.
  const std::string form_password = "adm1n%20pw%26x%3D%2B%25%2FZq9";
  const std::string admin = "admin=" + std::string(kc::admin_password) + " form=" + form_password;
  const std::string all = admin + " token=" + token + " secret=" + secret + " password=" + password;
  std::vector<std::function<void(fakes::FakeHttpClient&)>> scripts = {
      [&](auto& http) { http.respond("POST", kc::token_url, 401, R"({"error_description":")" + admin + "\"}"); },
      [&](auto& http) { http.fail("POST", kc::token_url, ErrorKind::infra, "reset while sending " + admin); },
      [&](auto& http) { http.respond("POST", kc::realms_url, 409, R"({"errorMessage":")" + admin + token + "\"}"); },
      [&](auto& http) { http.respond("POST", kc::users_url, 400, R"({"errorMessage":")" + all + "\"}"); },
      [&](auto& http) { http.respond("PUT", kc::reset_password_url, 400, all); },
      [&](auto& http) { http.fail("PUT", kc::reset_password_url, ErrorKind::timeout, all); },
      [&](auto& http) {
        http.respond("POST", kc::users_url, kc::created(std::string(kc::users_url) + "/" + secret + "?"));
      },
      [&](auto& http) {
        http.respond("GET", kc::secret_url, 200,
                     R"({"type":"secret","value":")" + secret + std::string(5000, 'x') + "\"}");
      },
  };
  for (size_t i = 0; i < scripts.size(); ++i) {
    Scenario scenario(scripts[i]);
    Error error = scenario.provision_error();
    for (const std::string& leaked : {std::string(kc::admin_password), form_password, token.substr(0, 40),
                                      token.substr(token.size() - 40), secret, password}) {
      EXPECT_EQ(error.message.find(leaked), std::string::npos) << "scenario " << i << ": " << error.message;
    }
    EXPECT_FALSE(error.message.empty()) << "scenario " << i;
  }
}

TEST(KeycloakRemoval, DeletesTheRealmWithItsOwnToken) {
  Scenario scenario;
  ASSERT_TRUE(scenario.provider->remove_realm(kc::realm).ok());
  auto requests = scenario.http.requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[0].url, kc::token_url);
  EXPECT_EQ(requests[1].method, "DELETE");
  EXPECT_EQ(requests[1].url, kc::realm_url);
  EXPECT_EQ(requests[1].timeout, 7s);
  bool bearer = false;
  for (const auto& [name, value] : requests[1].headers)
    bearer |= name == "Authorization" && value == "Bearer " + std::string(kc::access_token);
  EXPECT_TRUE(bearer);
}

TEST(KeycloakRemoval, ARealmAlreadyGoneIsRemoved) {
  Scenario scenario([](auto& http) { http.respond("DELETE", kc::realm_url, kc::realm_not_found()); });
  EXPECT_TRUE(scenario.provider->remove_realm(kc::realm).ok());
}

TEST(KeycloakRemoval, AServerErrorIsInfrastructureNamingTheStep) {
  Scenario scenario([](auto& http) { http.respond("DELETE", kc::realm_url, kc::unknown_error()); });
  auto removed = scenario.provider->remove_realm(kc::realm);
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().kind, ErrorKind::infra);
  EXPECT_EQ(
      removed.error().message,
      R"(realm removal step 'delete realm' failed: keycloak answered 500 Internal Server Error: {"error":"unknown_error"})");
}

TEST(KeycloakRemoval, ARefusedTokenIsInfrastructureToo) {
  Scenario scenario([](auto& http) { http.respond("POST", kc::token_url, kc::token_refused()); });
  auto removed = scenario.provider->remove_realm(kc::realm);
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().kind, ErrorKind::infra);
  EXPECT_TRUE(
      removed.error().message.starts_with("realm removal step 'fetch admin token' failed: keycloak answered 401"));
  EXPECT_EQ(scenario.http.count("DELETE", kc::realm_url), 0);
}

TEST(KeycloakRemoval, ATimeoutKeepsItsKind) {
  Scenario scenario([](auto& http) { http.fail("DELETE", kc::realm_url, ErrorKind::timeout, "timed out after 7s"); });
  auto removed = scenario.provider->remove_realm(kc::realm);
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().kind, ErrorKind::timeout);
  EXPECT_EQ(removed.error().message, "realm removal step 'delete realm' failed: timed out after 7s");
}

TEST(KeycloakRemoval, ARealmNameThatIsNotPlainIsNeverSent) {
  Scenario scenario;
  auto removed = scenario.provider->remove_realm("../master");
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().kind, ErrorKind::usage);
  EXPECT_TRUE(scenario.http.requests().empty());
}

}  // namespace
}  // namespace ccci::harness
