#include "harness/id_token.hpp"

#include <gtest/gtest.h>

#include <string>

#include "unit/fakes/test_jwt.hpp"

namespace ccci::harness {
namespace {

using fakes::TestSigningKey;
using std::chrono::seconds;

const std::string issuer = "https://sso-web-7f3a.ccci.test/realms/ccci-7f3a";
constexpr int64_t issued = 1767225600;  // 2026-01-01T00:00:00Z
const std::chrono::system_clock::time_point now{seconds(issued + 5)};

const TestSigningKey& signing_key() {
  static const TestSigningKey key = TestSigningKey::rsa("kc-rs256");
  return key;
}

/// Claims as Keycloak issues them to client "web" after a password grant.
boost::json::object keycloak_claims() {
  return {{"exp", issued + 300}, {"iat", issued},          {"jti", "a1b2"},
          {"iss", issuer},       {"aud", "web"},           {"sub", "0f6c-user"},
          {"typ", "ID"},         {"azp", "web"},           {"sid", "5e1d"},
          {"at_hash", "q1w2"},   {"email_verified", true}, {"preferred_username", "ccci-test"}};
}

Status verified(const boost::json::object& claims, std::chrono::system_clock::time_point at = now) {
  return verify_id_token(signing_key().token(claims), fakes::jwk_set({signing_key().public_jwk()}), {issuer, "web"},
                         at);
}

void expect_refused(const Status& status, const std::string& expected) {
  ASSERT_FALSE(status.ok()) << "expected a refusal containing: " << expected;
  EXPECT_EQ(status.error().kind, ErrorKind::check_failed);
  EXPECT_NE(status.error().message.find(expected), std::string::npos) << status.error().message;
}

TEST(IdToken, AKeycloakTokenForTheClientPasses) {
  auto status = verified(keycloak_claims());
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(IdToken, ABadSignatureIsNamedBeforeAnyClaim) {
  auto claims = keycloak_claims();
  claims["iss"] = "https://evil.example";
  auto stranger = TestSigningKey::p256("kc-rs256");
  auto status =
      verify_id_token(stranger.token(claims), fakes::jwk_set({signing_key().public_jwk()}), {issuer, "web"}, now);
  expect_refused(status, "the ID token is not trusted: key 'kc-rs256' is of type 'RSA', alg ES256 needs EC");
}

TEST(IdToken, AnotherIssuerIsRefusedNamingBoth) {
  auto claims = keycloak_claims();
  claims["iss"] = "https://sso-web-7f3a.ccci.test/realms/master";
  expect_refused(verified(claims),
                 "the ID token's iss is \"https://sso-web-7f3a.ccci.test/realms/master\", expected \"" + issuer + "\"");
  claims.erase("iss");
  expect_refused(verified(claims), "the ID token's iss is missing");
}

TEST(IdToken, TheAudienceMustHoldTheClient) {
  auto claims = keycloak_claims();
  claims["aud"] = "account";
  expect_refused(verified(claims), "the ID token's aud is \"account\", expected it to hold \"web\"");
  claims["aud"] = boost::json::array{"account", "other"};
  expect_refused(verified(claims), "aud is [\"account\",\"other\"], expected it to hold \"web\"");
  claims["aud"] = boost::json::array{"web", 7};
  expect_refused(verified(claims), "which holds a non-string");
  claims.erase("aud");
  expect_refused(verified(claims), "the ID token's aud is missing");
}

TEST(IdToken, SeveralAudiencesNeedAzpToBeTheClient) {
  auto claims = keycloak_claims();
  claims["aud"] = boost::json::array{"web", "account"};
  EXPECT_TRUE(verified(claims).ok());
  claims.erase("azp");
  expect_refused(verified(claims), "several audiences, and it has no azp; expected azp \"web\"");
  claims["aud"] = "web";
  EXPECT_TRUE(verified(claims).ok()) << "a single audience needs no azp";
  claims["azp"] = "account";
  expect_refused(verified(claims), "the ID token's azp is \"account\", expected \"web\"");
}

TEST(IdToken, AnExpiredTokenIsRefusedBeyondTheLeeway) {
  auto claims = keycloak_claims();
  const seconds lifetime(300);
  EXPECT_TRUE(verified(claims, now + lifetime + id_token_leeway - seconds(5)).ok()) << "within the leeway";
  expect_refused(verified(claims, std::chrono::system_clock::time_point(seconds(issued + 300 + 61))),
                 "the ID token's exp is 1767225900, it expired 61 s ago, now is 1767225961 (leeway 60 s)");
  claims["exp"] = "tomorrow";
  expect_refused(verified(claims), "the ID token's exp is \"tomorrow\", not a date in seconds");
  claims["exp"] = 1e300;
  expect_refused(verified(claims), "not a date in seconds");
  claims.erase("exp");
  expect_refused(verified(claims), "the ID token's exp is missing");
}

TEST(IdToken, ATokenFromTheFutureIsRefused) {
  auto claims = keycloak_claims();
  claims["iat"] = issued + 3600;
  claims["exp"] = issued + 7200;
  expect_refused(verified(claims), "the ID token's iat is 1767229200, 3595 s in the future");
  claims["iat"] = issued + 30;
  EXPECT_TRUE(verified(claims).ok()) << "a clock 30 s ahead is within the leeway";
  claims["nbf"] = issued + 600;
  expect_refused(verified(claims), "the ID token's nbf is 1767226200, 595 s in the future");
  claims.erase("nbf");
  claims.erase("iat");
  expect_refused(verified(claims), "the ID token's iat is missing");
}

TEST(IdToken, NoMessageQuotesTheToken) {
  auto claims = keycloak_claims();
  claims["aud"] = "account";
  std::string token = signing_key().token(claims);
  auto status = verify_id_token(token, fakes::jwk_set({signing_key().public_jwk()}), {issuer, "web"}, now);
  ASSERT_FALSE(status.ok());
  std::string signature = token.substr(token.rfind('.') + 1);
  std::string payload = token.substr(token.find('.') + 1, 40);
  EXPECT_EQ(status.error().message.find(signature.substr(0, 16)), std::string::npos) << status.error().message;
  EXPECT_EQ(status.error().message.find(payload), std::string::npos) << status.error().message;
}

}  // namespace
}  // namespace ccci::harness
