#pragma once
/// OIDC checks against a run's identity provider, over HttpClient: the discovery document, a
/// password grant for the test user, the JWK set, and check_password_login doing all of them and
/// verify_id_token (harness/id_token.hpp) in turn.
///
/// The provider's answers are hostile input: bodies are bounded (OidcLimits), endpoints must be
/// https URLs on the issuer's host, and nothing it says is quoted unbounded. A provider that
/// answers wrongly is ErrorKind::check_failed; a send that fails keeps its kind (infra, timeout).
/// Secrets — the client secret, the password and the tokens received — are registered with the
/// Redactor given and never put in a message.
#include <chrono>
#include <optional>
#include <string>

#include "harness/http.hpp"
#include "harness/result.hpp"

namespace ccci::harness {

class Clock;
class Redactor;

struct OidcLimits {
  static constexpr size_t max_discovery_bytes = size_t{256} * 1024;
  static constexpr size_t max_token_response_bytes = size_t{64} * 1024;
};

/// The endpoints of a provider's discovery document that the checks use.
struct OidcDiscovery {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
};

/// How a confidential client proves itself at the token endpoint (OIDC Core §9). Keycloak takes
/// either; an oidc-provider client takes the one it was registered with, basic by default.
enum class ClientAuthentication {
  secret_basic,  ///< `Authorization: Basic` of the form-encoded id and secret (RFC 6749 §2.3.1)
  secret_post,   ///< client_id and client_secret in the form
};

/// Who logs in: a confidential client and a user. client_secret and password are secrets.
struct OidcLogin {
  std::string client_id;
  std::string client_secret;
  std::string username;
  std::string password;
  ClientAuthentication authentication = ClientAuthentication::secret_basic;
};

/// A password grant's answer. Both tokens are secrets.
struct TokenSet {
  std::string access_token;
  std::string id_token;
  std::string token_type;                          ///< "Bearer" (in any case)
  std::optional<std::chrono::seconds> expires_in;  ///< when the provider says
};

/// GETs `<issuer>/.well-known/openid-configuration` (a trailing `/` of the issuer dropped first,
/// OIDC Discovery §4.1). Its `issuer` must equal `issuer` byte for byte; authorization_endpoint,
/// token_endpoint and jwks_uri must be https URLs on the issuer's host and port. An `issuer` that
/// is not an https URL is ErrorKind::spec.
Result<OidcDiscovery> fetch_discovery(HttpClient& http, const std::string& issuer, std::chrono::milliseconds timeout);

/// POSTs grant_type=password, the user's name and password and scope=openid to the token
/// endpoint, the client authenticated as `login.authentication` says. Any answer but 200 is check_failed naming the
/// status and the provider's `error` and `error_description` (redacted, bounded); a 200 must carry an access_token, an
/// id_token and a Bearer token_type.
Result<TokenSet> password_grant(HttpClient& http, const OidcDiscovery& discovery, const OidcLogin& login,
                                Redactor& redactor, std::chrono::milliseconds timeout);

/// GETs jwks_uri: the JWK set's text, at most JwsLimits::max_jwks_bytes.
Result<std::string> fetch_jwks(HttpClient& http, const OidcDiscovery& discovery, std::chrono::milliseconds timeout);

/// Discovery, password grant, JWK set, then verify_id_token for `login.client_id` at the clock's
/// wall time after the JWK set arrived; the error starts with the step that failed ("OIDC
/// discovery: ", "password grant for user '…': ", "JWKS: ", "ID token: "). Each request gets
/// `timeout`.
Status check_password_login(HttpClient& http, const std::string& issuer, const OidcLogin& login, Redactor& redactor,
                            const Clock& clock, std::chrono::milliseconds timeout);

}  // namespace ccci::harness
