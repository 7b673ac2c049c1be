#pragma once
/// JWS: a compact JSON Web Signature (an OIDC ID token) read and its signature verified against a
/// JWK set — the only module that talks OpenSSL.
///
/// Both the token and the JWK set come from an identity provider: hostile input. parse_jws takes
/// exactly three strict base64url parts (no padding, no other characters, nothing after the
/// signature) within JwsLimits, a JSON object header with a string `alg` and a JSON object payload.
/// verify_jws_signature accepts only asymmetric algorithms — RS256, RS384, RS512 (RSA of 2048 to
/// 8192 bits) and ES256 (P-256) — and picks the key by the token's `kid`, or, when the token has
/// none, the one signing key of the algorithm's key type. `alg: none`, any HS* (a public key used
/// as an HMAC secret is the classic confusion attack), `crit` headers, an unknown kid, a key of
/// the wrong type, curve, size or intended algorithm, and a key marked for encryption are refused.
/// Every failure is ErrorKind::check_failed saying what was wrong; no message quotes the token or
/// its signature.
#include <boost/json/object.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "harness/result.hpp"

namespace ccci::harness {

struct JwsLimits {
  static constexpr size_t max_token_bytes = size_t{16} * 1024;
  static constexpr size_t max_jwks_bytes = size_t{64} * 1024;
  static constexpr size_t max_keys = 32;
};

/// A compact JWS, split and decoded; its signature not yet verified.
struct Jws {
  boost::json::object header;
  boost::json::object payload;
  std::string alg;            ///< the header's `alg`
  std::string kid;            ///< the header's `kid`; empty when it has none
  std::string signing_input;  ///< "<header>.<payload>" as received: what the signature covers
  std::string signature;      ///< the decoded signature bytes
};

/// Strict base64url (RFC 4648 §5) without padding; the unused bits of the last character must be
/// zero, so each byte string has exactly one encoding. `what` names the part in the error.
Result<std::string> base64url_decode(std::string_view text, std::string_view what);

Result<Jws> parse_jws(std::string_view compact);

/// Verifies `jws`'s signature with the key `jwks_json` (a JWK set, `{"keys":[...]}`) holds for it.
Status verify_jws_signature(const Jws& jws, std::string_view jwks_json);

/// parse_jws, then verify_jws_signature: the verified token.
Result<Jws> verify_jws(std::string_view compact, std::string_view jwks_json);

}  // namespace ccci::harness
