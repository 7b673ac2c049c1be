#include "harness/oidc.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

#include "harness/jws.hpp"
#include "harness/redactor.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/test_jwt.hpp"

namespace ccci::harness {
namespace {

using fakes::TestSigningKey;
using std::chrono::milliseconds;

const std::string realm = "https://sso-web-7f3a.ccci.test/realms/ccci-7f3a";
const std::string oidc = realm + "/protocol/openid-connect";
const std::string discovery_url = realm + "/.well-known/openid-configuration";
constexpr milliseconds timeout{5000};
constexpr int64_t wall_start = 1767225600;  // FakeClock's wall time, 2026-01-01T00:00:00Z

const OidcLogin login{"web", "client-secret-9d8f7e", "ccci-test", "p@ss w&rd=9b1c"};

const TestSigningKey& signing_key() {
  static const TestSigningKey key = TestSigningKey::rsa("kc-rs256");
  return key;
}

/// Keycloak's discovery document for a realm, trimmed to a realistic handful of its fields.
boost::json::object keycloak_discovery() {
  return {{"issuer", realm},
          {"authorization_endpoint", oidc + "/auth"},
          {"token_endpoint", oidc + "/token"},
          {"introspection_endpoint", oidc + "/token/introspect"},
          {"userinfo_endpoint", oidc + "/userinfo"},
          {"end_session_endpoint", oidc + "/logout"},
          {"jwks_uri", oidc + "/certs"},
          {"grant_types_supported", boost::json::array{"authorization_code", "implicit", "refresh_token", "password"}},
          {"response_types_supported", boost::json::array{"code", "none", "id_token", "token"}},
          {"id_token_signing_alg_values_supported", boost::json::array{"PS384", "ES384", "RS384", "RS256"}}};
}

std::string keycloak_id_token(const std::string& aud = "web") {
  return signing_key().token({{"exp", wall_start + 300},
                              {"iat", wall_start},
                              {"jti", "8c1e"},
                              {"iss", realm},
                              {"aud", aud},
                              {"sub", "0f6c"},
                              {"typ", "ID"},
                              {"azp", "web"},
                              {"preferred_username", "ccci-test"}});
}

std::string keycloak_token_answer(const std::string& id_token) {
  return boost::json::serialize(boost::json::object{{"access_token", "eyJhbGciOiJSUzI1NiJ9.access.sig-4e5f"},
                                                    {"expires_in", 300},
                                                    {"refresh_expires_in", 1800},
                                                    {"refresh_token", "eyJhbGciOiJIUzI1NiJ9.refresh.sig"},
                                                    {"token_type", "Bearer"},
                                                    {"id_token", id_token},
                                                    {"not-before-policy", 0},
                                                    {"session_state", "5e1d"},
                                                    {"scope", "openid profile email"}});
}

/// Keycloak publishes its encryption key beside the signing key.
std::string keycloak_jwks() {
  auto encryption = TestSigningKey::p256("kc-enc").public_jwk();
  encryption["use"] = "enc";
  encryption["alg"] = "ECDH-ES";
  return fakes::jwk_set({encryption, signing_key().public_jwk()});
}

struct Provider {
  fakes::FakeHttpClient http;
  fakes::FakeClock clock;
  Redactor redactor;

  void answer_all(const std::string& id_token) {
    http.respond("GET", discovery_url, 200, boost::json::serialize(keycloak_discovery()));
    http.respond("POST", oidc + "/token", 200, keycloak_token_answer(id_token));
    http.respond("GET", oidc + "/certs", 200, keycloak_jwks());
  }
  Status login() { return check_password_login(http, realm, harness::login, redactor, clock, timeout); }
};

void expect_error(const Status& status, ErrorKind kind, const std::string& expected) {
  ASSERT_FALSE(status.ok()) << "expected an error containing: " << expected;
  EXPECT_EQ(status.error().kind, kind) << status.error().message;
  EXPECT_NE(status.error().message.find(expected), std::string::npos) << status.error().message;
  for (const std::string& secret : {login.client_secret, login.password, std::string("p%40ss")}) {
    EXPECT_EQ(status.error().message.find(secret), std::string::npos) << status.error().message;
  }
}

TEST(Oidc, APasswordLoginAgainstKeycloakPasses) {
  Provider provider;
  std::string id_token = keycloak_id_token();
  provider.answer_all(id_token);
  auto status = provider.login();
  ASSERT_TRUE(status.ok()) << status.error().message;
  auto requests = provider.http.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].body, "grant_type=password&username=ccci-test&password=p%40ss%20w%26rd%3D9b1c&scope=openid");
  EXPECT_EQ(requests[1].headers,
            (Headers{{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"},
                     {"Authorization", "Basic d2ViOmNsaWVudC1zZWNyZXQtOWQ4Zjdl"}}));  // web:client-secret-9d8f7e
  for (const auto& request : requests) EXPECT_EQ(request.timeout, timeout);
  EXPECT_EQ(provider.redactor.redact("id " + id_token), "id " + std::string(Redactor::mask))
      << "the ID token is a secret";
  EXPECT_EQ(provider.redactor.redact(login.password), Redactor::mask);
}

TEST(Oidc, AnOidcProviderShapedLoginPasses) {
  // node oidc-provider: the issuer has no path, its JWK set names no alg, aud is the client alone.
  const std::string issuer = "https://sso.ccci.test";
  fakes::FakeHttpClient http;
  http.respond("GET", issuer + "/.well-known/openid-configuration", 200,
               R"({"issuer":"https://sso.ccci.test","authorization_endpoint":"https://sso.ccci.test/auth",)"
               R"("token_endpoint":"https://sso.ccci.test/token","jwks_uri":"https://sso.ccci.test/jwks",)"
               R"("claims_parameter_supported":false,"scopes_supported":["openid","offline_access"]})");
  auto jwk = signing_key().public_jwk();
  jwk.erase("alg");
  http.respond("GET", issuer + "/jwks", 200, fakes::jwk_set({jwk}));
  std::string id_token = signing_key().token(
      {{"sub", "ccci-test"}, {"iat", wall_start}, {"exp", wall_start + 3600}, {"aud", "web"}, {"iss", issuer}});
  http.respond("POST", issuer + "/token", 200,
               R"({"access_token":"oAv9x","expires_in":3600,"id_token":")" + id_token +
                   R"(","scope":"openid","token_type":"Bearer"})");
  fakes::FakeClock clock;
  Redactor redactor;
  auto status = check_password_login(http, issuer + "/", login, redactor, clock, timeout);
  expect_error(status, ErrorKind::check_failed,
               "OIDC discovery: the discovery document's issuer is \"https://sso.ccci.test\", expected "
               "\"https://sso.ccci.test/\"");
  status = check_password_login(http, issuer, login, redactor, clock, timeout);
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(Oidc, DiscoveryMustNameTheExpectedIssuer) {
  Provider provider;
  auto document = keycloak_discovery();
  document["issuer"] = "https://sso-web-7f3a.ccci.test/realms/master";
  provider.http.respond("GET", discovery_url, 200, boost::json::serialize(document));
  expect_error(provider.login(), ErrorKind::check_failed,
               "OIDC discovery: the discovery document's issuer is \"https://sso-web-7f3a.ccci.test/realms/master\", "
               "expected \"" +
                   realm + "\"");
  EXPECT_EQ(provider.http.requests().size(), 1u) << "no credentials go to a provider that is not the expected one";
}

TEST(Oidc, EndpointsMustBeHttpsOnTheIssuersHost) {
  for (auto [name, url, expected] : {
           std::tuple{"token_endpoint", std::string("http://sso-web-7f3a.ccci.test/token"), "token_endpoint"},
           std::tuple{"jwks_uri", std::string("https://elsewhere.test/certs"), "jwks_uri \"https://elsewhere.test"},
           std::tuple{"token_endpoint", std::string("https://sso-web-7f3a.ccci.test@evil.test/token"), "evil.test"},
           std::tuple{"authorization_endpoint", std::string("https://sso-web-7f3a.ccci.test:8443/auth"), ":8443"},
       }) {
    auto document = keycloak_discovery();
    document[name] = url;
    fakes::FakeHttpClient http;
    http.respond("GET", discovery_url, 200, boost::json::serialize(document));
    auto discovery = fetch_discovery(http, realm, timeout);
    ASSERT_FALSE(discovery.ok()) << url;
    EXPECT_EQ(discovery.error().kind, ErrorKind::check_failed);
    EXPECT_NE(discovery.error().message.find(expected), std::string::npos) << discovery.error().message;
    EXPECT_NE(discovery.error().message.find("is not an https URL on sso-web-7f3a.ccci.test"), std::string::npos)
        << discovery.error().message;
  }
}

TEST(Oidc, ADiscoveryDocumentThatIsNotOneIsRefused) {
  fakes::FakeHttpClient http;
  http.respond("GET", discovery_url, 404, "Realm does not exist");
  http.respond("GET", discovery_url, 200, "<html>starting</html>");
  http.respond("GET", discovery_url, 200, R"({"issuer":")" + realm + R"("})");
  expect_error(fetch_discovery(http, realm, timeout).error(), ErrorKind::check_failed, "answered 404");
  expect_error(fetch_discovery(http, realm, timeout).error(), ErrorKind::check_failed, "is not a JSON object");
  expect_error(fetch_discovery(http, realm, timeout).error(), ErrorKind::check_failed,
               "the discovery document's authorization_endpoint is missing");
  expect_error(fetch_discovery(http, "http://sso.ccci.test/realms/x", timeout).error(), ErrorKind::spec,
               "is not an https URL");
  fakes::FakeHttpClient down;
  down.fail("GET", discovery_url, ErrorKind::timeout, "timed out after 5s");
  expect_error(fetch_discovery(down, realm, timeout).error(), ErrorKind::timeout, "timed out");
}

TEST(Oidc, ARefusedGrantNamesTheProvidersReasonAndNoSecret) {
  Provider provider;
  provider.http.respond("GET", discovery_url, 200, boost::json::serialize(keycloak_discovery()));
  provider.http.respond("POST", oidc + "/token", 401,
                        R"({"error":"invalid_grant","error_description":"Invalid user credentials"})");
  // A provider that echoes what it was sent: the secrets are masked all the same.
  provider.http.respond("POST", oidc + "/token", 400,
                        R"({"error":"unauthorized_client","error_description":"bad secret client-secret-9d8f7e for )"
                        R"(password p%40ss%20w%26rd%3D9b1c"})");
  provider.http.respond("POST", oidc + "/token", 502, "<html>Bad Gateway</html>");
  expect_error(provider.login(), ErrorKind::check_failed,
               "password grant for user 'ccci-test': the token endpoint " + oidc +
                   "/token answered 401: invalid_grant (Invalid user credentials)");
  expect_error(provider.login(), ErrorKind::check_failed,
               "answered 400: unauthorized_client (bad secret ******** for password ********)");
  expect_error(provider.login(), ErrorKind::check_failed, "answered 502 (not a JSON error answer)");
}

TEST(Oidc, AGrantAnswerWithoutAnIdTokenFails) {
  fakes::FakeHttpClient http;
  Redactor redactor;
  OidcDiscovery discovery{realm, oidc + "/auth", oidc + "/token", oidc + "/certs"};
  // Scripted up front: the fake repeats a route's last answer, it does not move on to a later one.
  http.respond("POST", oidc + "/token", 200, R"({"access_token":"a-token-1","token_type":"Bearer"})");
  http.respond("POST", oidc + "/token", 200,
               R"({"access_token":"a-token-1","id_token":"i-token-1","token_type":"mac"})");
  http.respond("POST", oidc + "/token", 200,
               R"({"access_token":"a-token-1","id_token":"i-token-1","token_type":"bearer","expires_in":60})");
  expect_error(password_grant(http, discovery, login, redactor, timeout).error(), ErrorKind::check_failed,
               "has no id_token (scope openid was asked for)");
  expect_error(password_grant(http, discovery, login, redactor, timeout).error(), ErrorKind::check_failed,
               "token_type is \"mac\", expected Bearer");
  auto tokens = password_grant(http, discovery, login, redactor, timeout);
  ASSERT_TRUE(tokens.ok()) << tokens.error().message;
  EXPECT_EQ(tokens->id_token, "i-token-1");
  EXPECT_EQ(tokens->expires_in, std::chrono::seconds(60));
  EXPECT_EQ(redactor.redact("Bearer a-token-1"), "Bearer " + std::string(Redactor::mask)) << "tokens are secrets";
}

TEST(Oidc, TheClientAuthenticatesInTheHeaderOrInTheForm) {
  OidcDiscovery discovery{realm, oidc + "/auth", oidc + "/token", oidc + "/certs"};
  fakes::FakeHttpClient http;
  Redactor redactor;
  http.respond("POST", oidc + "/token", 401, R"({"error":"invalid_client"})");
  OidcLogin basic{"my client", "s3cr:t/+", "ccci-test", "pw-1234"};
  expect_error(password_grant(http, discovery, basic, redactor, timeout).error(), ErrorKind::check_failed,
               "answered 401: invalid_client");
  // RFC 6749 §2.3.1: id and secret form-encoded, then base64 of "my%20client:s3cr%3At%2F%2B".
  EXPECT_EQ(http.requests().back().headers.back(),
            (std::pair<std::string, std::string>{"Authorization", "Basic bXklMjBjbGllbnQ6czNjciUzQXQlMkYlMkI="}));
  OidcLogin post = basic;
  post.authentication = ClientAuthentication::secret_post;
  (void)password_grant(http, discovery, post, redactor, timeout);
  EXPECT_EQ(http.requests().back().body,
            "grant_type=password&username=ccci-test&password=pw-1234&scope=openid"
            "&client_id=my%20client&client_secret=s3cr%3At%2F%2B");
  EXPECT_EQ(http.requests().back().headers.size(), 2u) << "no Authorization header";
}

TEST(Oidc, OversizedAnswersAndFailedSendsAreRefused) {
  fakes::FakeHttpClient http;
  OidcDiscovery discovery{realm, oidc + "/auth", oidc + "/token", oidc + "/certs"};
  http.respond("GET", discovery_url, 200, std::string(OidcLimits::max_discovery_bytes + 1, ' '));
  expect_error(fetch_discovery(http, realm, timeout).error(), ErrorKind::check_failed,
               "is 262145 bytes, more than the 262144 accepted");
  http.respond("GET", oidc + "/certs", 200, std::string(JwsLimits::max_jwks_bytes + 1, ' '));
  expect_error(fetch_jwks(http, discovery, timeout).error(), ErrorKind::check_failed,
               "the JWK set " + oidc + "/certs is 65537 bytes, more than the 65536 accepted");
  Provider slow;
  slow.http.respond("GET", discovery_url, 200, boost::json::serialize(keycloak_discovery()));
  slow.http.fail("POST", oidc + "/token", ErrorKind::timeout, "POST " + oidc + "/token timed out after 5s");
  expect_error(slow.login(), ErrorKind::timeout,
               "password grant for user 'ccci-test': POST " + oidc + "/token timed out");
}

TEST(Oidc, EachStepIsNamedInTheError) {
  Provider jwks_down;
  jwks_down.http.respond("GET", discovery_url, 200, boost::json::serialize(keycloak_discovery()));
  jwks_down.http.respond("POST", oidc + "/token", 200, keycloak_token_answer(keycloak_id_token()));
  jwks_down.http.respond("GET", oidc + "/certs", 500, "");
  expect_error(jwks_down.login(), ErrorKind::check_failed, "JWKS: the JWK set " + oidc + "/certs answered 500");
  Provider wrong_audience;
  wrong_audience.answer_all(keycloak_id_token("account"));
  expect_error(wrong_audience.login(), ErrorKind::check_failed,
               "ID token: the ID token's aud is \"account\", expected it to hold \"web\"");
  Provider expired;
  expired.answer_all(keycloak_id_token());
  expired.clock.advance(std::chrono::minutes(10));
  expect_error(expired.login(), ErrorKind::check_failed,
               "ID token: the ID token's exp is 1767225900, it expired 300 s");
}

}  // namespace
}  // namespace ccci::harness
