#pragma once
/// verify_id_token: whether an OIDC ID token may be trusted by the client it was issued to
/// (OpenID Connect Core §3.1.3.7): its signature verifies against the provider's JWK set (jws),
/// `iss` is the expected issuer exactly, `aud` (a string or an array) holds the client id and,
/// when it holds several audiences or the token names one, `azp` is the client id, `exp` has not
/// passed, and `iat` and `nbf` are not ahead of now. Clocks may differ by id_token_leeway in
/// either direction. Every failure is ErrorKind::check_failed naming the claim, its value and the
/// expected one — never the token.
#include <chrono>
#include <string>
#include <string_view>

#include "harness/result.hpp"

namespace ccci::harness {

/// How far the provider's clock may be from ours: a token expired less than this ago still
/// passes, one issued less than this in the future too.
inline constexpr std::chrono::seconds id_token_leeway{60};

struct IdTokenExpectations {
  std::string issuer;     ///< the realm's issuer URL, compared byte for byte
  std::string client_id;  ///< the client the token must be issued to
};

Status verify_id_token(std::string_view id_token, std::string_view jwks_json, const IdTokenExpectations& expected,
                       std::chrono::system_clock::time_point now);

}  // namespace ccci::harness
