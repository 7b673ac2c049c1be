#pragma once
/// TestSigningKey: a key pair made in the test with OpenSSL, its public JWK, and tokens it signs —
/// so the JWS and OIDC checks are tested against real signatures with no fixture key on disk.
/// RSA keys are 2048 bits (slow to make in a loop: tests share one per suite); EC keys are P-256.
/// Test code only: an OpenSSL failure aborts naming the call.
#include <openssl/types.h>

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ccci::fakes {

/// RFC 4648 §5 base64url without padding.
std::string base64url(std::string_view bytes);

class TestSigningKey {
 public:
  static TestSigningKey rsa(std::string kid);
  static TestSigningKey p256(std::string kid);

  const std::string& kid() const { return kid_; }
  /// "RS256" or "ES256".
  const std::string& alg() const { return alg_; }
  /// The public key as a JWK: {"kty","kid","use":"sig","alg",...}.
  boost::json::object public_jwk() const;
  /// The public key in PEM (SubjectPublicKeyInfo), as an attacker would use it for HS256.
  std::string public_pem() const;

  /// A compact JWS of `payload` with header {"alg": alg(), "typ": "JWT", "kid": kid()}.
  std::string token(const boost::json::object& payload) const;
  /// A compact JWS with exactly `header`; signed with the digest its `alg` names (RS256/384/512,
  /// ES256), or with SHA-256 when it names another.
  std::string sign(const boost::json::object& header, const boost::json::object& payload) const;

 private:
  TestSigningKey(std::shared_ptr<EVP_PKEY> key, std::string kid, std::string alg);
  std::shared_ptr<EVP_PKEY> key_;
  std::string kid_;
  std::string alg_;
};

/// {"keys":[...]} as JSON text.
std::string jwk_set(const std::vector<boost::json::object>& keys);

/// "<header>.<payload>." with header {"alg":"none"}: an unsigned token.
std::string unsigned_token(const boost::json::object& payload);

/// A compact JWS with header {"alg":"HS256","kid":kid} signed by HMAC-SHA256 with `secret`.
std::string hs256_token(const boost::json::object& payload, std::string_view secret, const std::string& kid);

}  // namespace ccci::fakes
