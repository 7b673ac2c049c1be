#include "harness/jws.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

#include "unit/fakes/test_jwt.hpp"

namespace ccci::harness {
namespace {

using fakes::TestSigningKey;

/// One RSA key for the suite: making a 2048-bit key takes a while.
const TestSigningKey& rsa_key() {
  static const TestSigningKey key = TestSigningKey::rsa("rsa-1");
  return key;
}

const boost::json::object claims{{"iss", "https://sso.example/realms/run"}, {"sub", "u-1"}, {"exp", 1767229200}};

std::string message_of(const Status& status) { return status.ok() ? "(ok)" : status.error().message; }

/// Asserts a check failure whose message contains `expected`.
void expect_refused(const Status& status, const std::string& expected) {
  ASSERT_FALSE(status.ok()) << "expected a refusal containing: " << expected;
  EXPECT_EQ(status.error().kind, ErrorKind::check_failed);
  EXPECT_NE(status.error().message.find(expected), std::string::npos) << status.error().message;
}

Status verified(const std::string& token, const std::string& jwks) {
  auto jws = verify_jws(token, jwks);
  if (!jws.ok()) return jws.error();
  return ok_status();
}

TEST(Jws, ATokenSignedByAKeyOfTheSetVerifies) {
  auto jwks = fakes::jwk_set({rsa_key().public_jwk()});
  auto jws = verify_jws(rsa_key().token(claims), jwks);
  ASSERT_TRUE(jws.ok()) << jws.error().message;
  EXPECT_EQ(jws->alg, "RS256");
  EXPECT_EQ(jws->kid, "rsa-1");
  EXPECT_EQ(jws->payload.at("sub").as_string(), "u-1");
}

TEST(Jws, TheKidPicksTheKeyAmongSeveral) {
  auto other = TestSigningKey::p256("ec-1");
  auto jwks = fakes::jwk_set({other.public_jwk(), rsa_key().public_jwk()});
  EXPECT_TRUE(verified(rsa_key().token(claims), jwks).ok()) << message_of(verified(rsa_key().token(claims), jwks));
  EXPECT_TRUE(verified(other.token(claims), jwks).ok()) << message_of(verified(other.token(claims), jwks));
}

TEST(Jws, RsaSha384And512AreAccepted) {
  auto jwk = rsa_key().public_jwk();
  jwk.erase("alg");
  auto jwks = fakes::jwk_set({jwk});
  for (const char* alg : {"RS384", "RS512"}) {
    auto token = rsa_key().sign({{"alg", alg}, {"kid", "rsa-1"}}, claims);
    EXPECT_TRUE(verified(token, jwks).ok()) << alg << ": " << message_of(verified(token, jwks));
  }
}

TEST(Jws, WithoutAKidTheOnlySigningKeyOfTheTypeIsUsed) {
  auto token = rsa_key().sign({{"alg", "RS256"}}, claims);
  // Keycloak publishes an encryption key beside the signing key: it is not a candidate.
  auto encryption = TestSigningKey::rsa("enc-1").public_jwk();
  encryption["use"] = "enc";
  encryption["alg"] = "RSA-OAEP";
  EXPECT_TRUE(verified(token, fakes::jwk_set({encryption, rsa_key().public_jwk()})).ok());
  auto second = TestSigningKey::rsa("rsa-2").public_jwk();
  expect_refused(verified(token, fakes::jwk_set({rsa_key().public_jwk(), second})), "ambiguous");
  expect_refused(verified(token, fakes::jwk_set({encryption})), "has no RSA signing key for RS256");
}

TEST(Jws, ATamperedPayloadOrSignatureDoesNotVerify) {
  auto jwks = fakes::jwk_set({rsa_key().public_jwk()});
  std::string token = rsa_key().token(claims);
  size_t first = token.find('.');
  size_t second = token.find('.', first + 1);
  boost::json::object forged = claims;
  forged["sub"] = "admin";
  std::string tampered_payload =
      token.substr(0, first + 1) + fakes::base64url(boost::json::serialize(forged)) + token.substr(second);
  expect_refused(verified(tampered_payload, jwks), "RS256 signature does not verify with key 'rsa-1'");
  std::string tampered_signature = token;
  tampered_signature[second + 5] = tampered_signature[second + 5] == 'A' ? 'B' : 'A';
  expect_refused(verified(tampered_signature, jwks), "does not verify");
  auto stranger = TestSigningKey::rsa("rsa-1");  // same kid, another key
  expect_refused(verified(stranger.token(claims), jwks), "does not verify");
}

TEST(Jws, AnUnknownKidOrAKeyOfTheWrongTypeIsRefused) {
  auto ec = TestSigningKey::p256("ec-1");
  auto jwks = fakes::jwk_set({rsa_key().public_jwk(), ec.public_jwk()});
  auto unknown = rsa_key().sign({{"alg", "RS256"}, {"kid", "rotated-away"}}, claims);
  expect_refused(verified(unknown, jwks), "kid 'rotated-away' is not in the JWK set (its kids: 'rsa-1', 'ec-1')");
  auto wrong_type = rsa_key().sign({{"alg", "RS256"}, {"kid", "ec-1"}}, claims);
  expect_refused(verified(wrong_type, jwks), "key 'ec-1' is of type 'EC', alg RS256 needs RSA");
  auto other_alg = rsa_key().sign({{"alg", "RS512"}, {"kid", "rsa-1"}}, claims);
  expect_refused(verified(other_alg, jwks), "key 'rsa-1' is meant for another alg than the token's RS512");
}

TEST(Jws, UnsignedAndSymmetricTokensAreRefused) {
  auto jwks = fakes::jwk_set({rsa_key().public_jwk()});
  expect_refused(verified(fakes::unsigned_token(claims), jwks), "alg is none");
  // The confusion attack: the public key, which anyone has, used as an HMAC secret.
  expect_refused(verified(fakes::hs256_token(claims, rsa_key().public_pem(), "rsa-1"), jwks),
                 "alg is 'HS256': symmetric algorithms are refused");
  expect_refused(verified(rsa_key().sign({{"alg", "PS256"}, {"kid", "rsa-1"}}, claims), jwks),
                 "alg 'PS256' is not accepted");
  expect_refused(
      verified(rsa_key().sign({{"alg", "RS256"}, {"kid", "rsa-1"}, {"crit", boost::json::array{"exp"}}}, claims), jwks),
      "crit");
}

TEST(Jws, MalformedTokensAreRefusedSayingWhy) {
  std::string token = rsa_key().token(claims);
  auto parsed = [](std::string_view text) -> Status {
    auto jws = parse_jws(text);
    if (!jws.ok()) return jws.error();
    return ok_status();
  };
  expect_refused(parsed(""), "the token is empty");
  expect_refused(parsed("abc"), "it has 1 parts, not 3");
  expect_refused(parsed(token + ".x"), "it has 4 parts, not 3");
  expect_refused(parsed(token + " "), "the JWS signature is not base64url: \" \" at offset");
  expect_refused(parsed(token + "="), "the JWS signature is not base64url");
  expect_refused(parsed("eyJhbGciOiJSUzI1NiJ9+." + token.substr(token.find('.') + 1)),
                 "the JWS header is not base64url");
  expect_refused(parsed(fakes::base64url("[1]") + ".e30.c2ln"), "the JWS header is not a JSON object");
  expect_refused(parsed(fakes::base64url("{\"alg\":\"RS256\"} x") + ".e30.c2ln"),
                 "the JWS header is not a JSON object");
  expect_refused(parsed(fakes::base64url("{\"alg\":\"RS256\"}") + ".bnVsbA.c2ln"),
                 "the JWS payload is not a JSON object");
  expect_refused(parsed(fakes::base64url("{\"typ\":\"JWT\"}") + ".e30.c2ln"), "has no string alg");
  expect_refused(parsed(fakes::base64url("{\"alg\":\"RS256\",\"kid\":7}") + ".e30.c2ln"),
                 "kid is not a non-empty string");
  expect_refused(parsed(std::string(JwsLimits::max_token_bytes + 1, 'a')), "more than the 16384 accepted");
}

TEST(Jws, Base64urlIsStrictAndCanonical) {
  EXPECT_EQ(*base64url_decode("", "x"), "");
  EXPECT_EQ(*base64url_decode("Zm9vYmFy", "x"), "foobar");
  EXPECT_EQ(*base64url_decode("Zm9vYg", "x"), "foob");
  EXPECT_EQ(*base64url_decode("_-8", "x"), "\xff\xef");
  EXPECT_EQ(fakes::base64url("\xff\xef"), "_-8");
  expect_refused(base64url_decode("Zm9vYh", "part").error(), "part is not canonical base64url");
  expect_refused(base64url_decode("Zm9vY", "part").error(), "no encoding has its length");
  expect_refused(base64url_decode("Zm9vYg==", "part").error(), "not base64url");
  expect_refused(base64url_decode("Zm9v/g", "part").error(), "\"/\" at offset 4");
}

TEST(Jws, HostileJwkSetsAreRefusedSayingWhy) {
  std::string token = rsa_key().token(claims);
  expect_refused(verified(token, "[]"), "the JWK set is not a JSON object");
  expect_refused(verified(token, "{\"keys\":{}}"), "the JWK set has no keys array");
  expect_refused(verified(token, "{\"keys\":[1]}"), "a key that is not a JSON object");
  expect_refused(verified(token, std::string(JwsLimits::max_jwks_bytes + 1, ' ')), "more than the 65536 accepted");
  boost::json::object tiny = rsa_key().public_jwk();
  tiny["n"] = fakes::base64url(std::string(128, '\xc5'));  // 1024 bits
  expect_refused(verified(token, fakes::jwk_set({tiny})), "an RSA key of 1024 bits, outside the 2048 to 8192");
  boost::json::object broken = rsa_key().public_jwk();
  broken["n"] = "not base64!";
  expect_refused(verified(token, fakes::jwk_set({broken})), "key 'rsa-1''s n is not base64url");
  broken.erase("n");
  expect_refused(verified(token, fakes::jwk_set({broken})), "key 'rsa-1' has no n");
  boost::json::object even = rsa_key().public_jwk();
  even["e"] = "AQAA";
  expect_refused(verified(token, fakes::jwk_set({even})), "an RSA exponent no signer would use");
}

TEST(Jws, Es256NeedsAPointOnP256AndA64ByteSignature) {
  auto ec = TestSigningKey::p256("ec-1");
  std::string token = ec.token(claims);
  auto off_curve = ec.public_jwk();
  off_curve["y"] = fakes::base64url(std::string(32, '\x01'));
  expect_refused(verified(token, fakes::jwk_set({off_curve})), "key 'ec-1'");
  auto other_curve = ec.public_jwk();
  other_curve["crv"] = "P-384";
  expect_refused(verified(token, fakes::jwk_set({other_curve})), "is not on curve P-256");
  std::string short_signature = token.substr(0, token.rfind('.') + 1) + fakes::base64url(std::string(63, 'x'));
  expect_refused(verified(short_signature, fakes::jwk_set({ec.public_jwk()})), "ES256 signature has 63 bytes");
}

}  // namespace
}  // namespace ccci::harness
