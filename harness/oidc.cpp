#include "harness/oidc.hpp"

#include <boost/json/object.hpp>
#include <cstdint>

#include "harness/clock.hpp"
#include "harness/id_token.hpp"
#include "harness/json_document.hpp"
#include "harness/jws.hpp"
#include "harness/redactor.hpp"
#include "harness/text.hpp"

namespace ccci::harness {
namespace {

Error failed(std::string message) { return make_error(ErrorKind::check_failed, std::move(message)); }

/// The authority (host and port, lower case) of an https URL; nothing when `url` is not one, or
/// names a user (`https://issuer@elsewhere/`), or holds spaces or control characters.
std::optional<std::string> https_authority(std::string_view url) {
  constexpr std::string_view scheme = "https://";
  if (url.size() <= scheme.size() || lowercase(url.substr(0, scheme.size())) != scheme) return std::nullopt;
  std::string_view rest = url.substr(scheme.size());
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string_view::npos || has_control_characters(url) ||
      url.find(' ') != std::string_view::npos) {
    return std::nullopt;
  }
  return lowercase(authority);
}

std::string base64(std::string_view bytes) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  unsigned count = 0;
  for (char c : bytes) {
    bits = (bits << 8U) | static_cast<unsigned char>(c);
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(alphabet[(bits >> count) & 0x3FU]);
    }
    bits &= (1U << count) - 1U;
  }
  if (count > 0) out.push_back(alphabet[(bits << (6 - count)) & 0x3FU]);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

HttpRequest grant_request(const OidcDiscovery& discovery, const OidcLogin& login, std::chrono::milliseconds timeout) {
  HttpRequest request;
  request.method = "POST";
  request.url = discovery.token_endpoint;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  request.body = "grant_type=password&username=" + form_encoded(login.username) +
                 "&password=" + form_encoded(login.password) + "&scope=openid";
  if (login.authentication == ClientAuthentication::secret_basic) {
    request.headers.emplace_back(
        "Authorization", "Basic " + base64(form_encoded(login.client_id) + ":" + form_encoded(login.client_secret)));
  } else {
    request.body +=
        "&client_id=" + form_encoded(login.client_id) + "&client_secret=" + form_encoded(login.client_secret);
  }
  request.timeout = timeout;
  request.connect_timeout = std::min(request.connect_timeout, timeout);
  return request;
}

Result<HttpResponse> get(HttpClient& http, const std::string& url, std::chrono::milliseconds timeout) {
  HttpRequest request;
  request.url = url;
  request.headers = {{"Accept", "application/json"}};
  request.timeout = timeout;
  request.connect_timeout = std::min(request.connect_timeout, timeout);
  return http.send(request);
}

Result<boost::json::object> json_object(const HttpResponse& response, const std::string& what, size_t max_bytes) {
  if (response.body.size() > max_bytes) {
    return failed(what + " is " + std::to_string(response.body.size()) + " bytes, more than the " +
                  std::to_string(max_bytes) + " accepted");
  }
  auto document = parse_json_document(response.body);
  if (!document.ok() || !document->is_object()) return failed(what + " is not a JSON object");
  return std::move(document->as_object());
}

Result<std::string> endpoint(const boost::json::object& document, std::string_view name, const std::string& authority) {
  const boost::json::value* value = document.if_contains(name);
  if (!value || !value->is_string()) {
    return failed("the discovery document's " + std::string(name) + " is " +
                  (value ? json_shown(*value) : std::string("missing")));
  }
  std::string url(value->as_string());
  if (https_authority(url) != authority) {
    return failed("the discovery document's " + std::string(name) + " " + quoted(url, '"', 200) +
                  " is not an https URL on " + authority);
  }
  return url;
}

/// The provider's reason for refusing a grant, e.g. ": invalid_grant (Invalid user credentials)".
std::string provider_reason(const HttpResponse& response, const Redactor& redactor) {
  auto answer = json_object(response, "the answer", OidcLimits::max_token_response_bytes);
  if (!answer.ok()) return " (not a JSON error answer)";
  auto member = [&](std::string_view name) -> std::string {
    const boost::json::value* value = answer->if_contains(name);
    if (!value || !value->is_string()) return {};
    std::string shown = printable(redactor.redact(value->as_string()), 200);
    return shown.substr(1, shown.size() - 2);  // without printable's quotes
  };
  std::string error = member("error");
  std::string description = member("error_description");
  if (error.empty()) return " (no error named)";
  return ": " + error + (description.empty() ? "" : " (" + description + ")");
}

Error in_step(const std::string& step, const Error& error, const Redactor& redactor) {
  return make_error(error.kind, step + ": " + redactor.redact(error.message));
}

}  // namespace

Result<OidcDiscovery> fetch_discovery(HttpClient& http, const std::string& issuer, std::chrono::milliseconds timeout) {
  std::optional<std::string> authority = https_authority(issuer);
  if (!authority) return make_error(ErrorKind::spec, "the issuer " + quoted(issuer, '"', 200) + " is not an https URL");
  std::string url =
      (issuer.back() == '/' ? issuer.substr(0, issuer.size() - 1) : issuer) + "/.well-known/openid-configuration";
  CCCI_TRY(HttpResponse response, get(http, url, timeout));
  if (response.status != 200) {
    return failed("the discovery document " + url + " answered " + std::to_string(response.status));
  }
  CCCI_TRY(boost::json::object document,
           json_object(response, "the discovery document " + url, OidcLimits::max_discovery_bytes));
  const boost::json::value* found = document.if_contains("issuer");
  if (!found || !found->is_string() || found->as_string() != issuer) {
    return failed("the discovery document's issuer is " + (found ? json_shown(*found, 200) : std::string("missing")) +
                  ", expected " + quoted(issuer, '"', 200));
  }
  OidcDiscovery discovery;
  discovery.issuer = issuer;
  CCCI_TRY(discovery.authorization_endpoint, endpoint(document, "authorization_endpoint", *authority));
  CCCI_TRY(discovery.token_endpoint, endpoint(document, "token_endpoint", *authority));
  CCCI_TRY(discovery.jwks_uri, endpoint(document, "jwks_uri", *authority));
  return discovery;
}

Result<TokenSet> password_grant(HttpClient& http, const OidcDiscovery& discovery, const OidcLogin& login,
                                Redactor& redactor, std::chrono::milliseconds timeout) {
  redactor.add_secret(login.client_secret);
  redactor.add_secret(login.password);
  auto sent = http.send(grant_request(discovery, login, timeout));
  if (!sent.ok()) return make_error(sent.error().kind, redactor.redact(sent.error().message));
  const HttpResponse& response = *sent;
  if (response.status != 200) {
    return failed("the token endpoint " + discovery.token_endpoint + " answered " + std::to_string(response.status) +
                  provider_reason(response, redactor));
  }
  CCCI_TRY(boost::json::object answer,
           json_object(response, "the token endpoint's answer", OidcLimits::max_token_response_bytes));
  TokenSet tokens;
  for (auto [name, token] :
       {std::pair{"access_token", &tokens.access_token}, std::pair{"id_token", &tokens.id_token}}) {
    const boost::json::value* value = answer.if_contains(name);
    if (!value || !value->is_string() || value->as_string().empty()) {
      return failed("the token endpoint's answer has no " + std::string(name) + " (scope openid was asked for)");
    }
    *token = std::string(value->as_string());
    redactor.add_secret(*token);
  }
  const boost::json::value* type = answer.if_contains("token_type");
  if (!type || !type->is_string() || lowercase(std::string_view(type->as_string())) != "bearer") {
    return failed("the token endpoint's token_type is " + (type ? json_shown(*type, 40) : std::string("missing")) +
                  ", expected Bearer");
  }
  tokens.token_type = std::string(type->as_string());
  const boost::json::value* expires_in = answer.if_contains("expires_in");
  if (expires_in && expires_in->is_int64() && expires_in->as_int64() > 0) {
    tokens.expires_in = std::chrono::seconds(expires_in->as_int64());
  }
  return tokens;
}

Result<std::string> fetch_jwks(HttpClient& http, const OidcDiscovery& discovery, std::chrono::milliseconds timeout) {
  CCCI_TRY(HttpResponse response, get(http, discovery.jwks_uri, timeout));
  if (response.status != 200) {
    return failed("the JWK set " + discovery.jwks_uri + " answered " + std::to_string(response.status));
  }
  if (response.body.size() > JwsLimits::max_jwks_bytes) {
    return failed("the JWK set " + discovery.jwks_uri + " is " + std::to_string(response.body.size()) +
                  " bytes, more than the " + std::to_string(JwsLimits::max_jwks_bytes) + " accepted");
  }
  return std::move(response.body);
}

Status check_password_login(HttpClient& http, const std::string& issuer, const OidcLogin& login, Redactor& redactor,
                            const Clock& clock, std::chrono::milliseconds timeout) {
  auto discovery = fetch_discovery(http, issuer, timeout);
  if (!discovery.ok()) return in_step("OIDC discovery", discovery.error(), redactor);
  auto tokens = password_grant(http, *discovery, login, redactor, timeout);
  if (!tokens.ok()) {
    return in_step("password grant for user " + quoted(login.username, '\'', 80), tokens.error(), redactor);
  }
  auto jwks = fetch_jwks(http, *discovery, timeout);
  if (!jwks.ok()) return in_step("JWKS", jwks.error(), redactor);
  auto verified = verify_id_token(tokens->id_token, *jwks, {issuer, login.client_id}, clock.wall_now());
  if (!verified.ok()) return in_step("ID token", verified.error(), redactor);
  return ok_status();
}

}  // namespace ccci::harness
