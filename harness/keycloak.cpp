#include "harness/keycloak.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <optional>
#include <utility>

#include "harness/json_document.hpp"
#include "harness/redactor.hpp"
#include "harness/text.hpp"

namespace ccci::harness {
namespace {

constexpr std::string_view step_token = "fetch admin token";
constexpr std::string_view step_realm = "create realm";
constexpr std::string_view step_client = "create client";
constexpr std::string_view step_secret = "read client secret";
constexpr std::string_view step_user = "create user";
constexpr std::string_view step_password = "set user password";
constexpr std::string_view step_delete = "delete realm";

// Keycloak's access tokens are a few KiB; client secrets a few dozen bytes.
constexpr size_t max_token_bytes = size_t{64} * 1024;
constexpr size_t max_secret_bytes = 4096;

bool is_success(const HttpResponse& response) { return response.status >= 200 && response.status < 300; }

/// A header value may carry only visible ASCII: nothing an answer sends can add a header line.
bool is_visible_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

boost::json::array json_strings(const std::vector<std::string>& items) {
  boost::json::array array;
  for (const auto& item : items) array.emplace_back(item);
  return array;
}

class KeycloakProvider final : public IdentityProvider {
 public:
  KeycloakProvider(HttpClient& http, KeycloakSettings settings, Redactor& redactor)
      : http_(http), settings_(std::move(settings)), redactor_(redactor) {
    while (!settings_.base_url.empty() && settings_.base_url.back() == '/') settings_.base_url.pop_back();
    redactor_.add_secret(settings_.admin_password);
  }

  std::string_view kind() const override { return "keycloak"; }

  Result<ProvisionedIdentity> provision(const ProvisionRequest& request) override {
    StepErrors errors("keycloak", "provisioning", ErrorKind::check_failed, redactor_);
    redactor_.add_secret(request.password);
    CCCI_TRY_STATUS(check_request(errors, request));
    CCCI_TRY(std::string token, admin_token(errors));
    CCCI_TRY_STATUS(create_realm(errors, token, request.realm));
    CCCI_TRY(std::string client_secret, create_client(errors, token, request));
    CCCI_TRY_STATUS(create_user(errors, token, request));

    ProvisionedIdentity identity;
    identity.issuer = settings_.base_url + "/realms/" + request.realm;
    identity.discovery_url = identity.issuer + "/.well-known/openid-configuration";
    identity.token_url = identity.issuer + "/protocol/openid-connect/token";
    identity.authorization_url = identity.issuer + "/protocol/openid-connect/auth";
    identity.realm = request.realm;
    identity.client_id = request.client_id;
    identity.client_secret = std::move(client_secret);
    identity.username = request.username;
    identity.password = request.password;
    return identity;
  }

  Status remove_realm(const std::string& realm) override {
    // A realm left behind is residue of the run's teardown: infrastructure, not the recipe.
    StepErrors errors("keycloak", "realm removal", ErrorKind::infra, redactor_);
    if (!is_plain_realm_name(realm)) {
      return errors.bad_request(step_delete, "the realm name " + printable(realm) + " is not a plain name");
    }
    CCCI_TRY_STATUS(check_base_url(errors));
    CCCI_TRY(std::string token, admin_token(errors));
    CCCI_TRY(HttpResponse deleted, send(errors, step_delete, admin_request("DELETE", realm_url(realm), token)));
    if (deleted.status == 404 || is_success(deleted)) return ok_status();  // 404: already gone
    return errors.refused(step_delete, deleted);
  }

 private:
  Status check_base_url(const StepErrors& errors) const {
    const std::string& base = settings_.base_url;
    bool web = base.starts_with("https://") || base.starts_with("http://");
    if (!web || !is_visible_ascii(base)) {
      return errors.bad_request(step_token, "the base URL " + printable(base) + " is not an http(s) URL");
    }
    return ok_status();
  }

  Status check_request(const StepErrors& errors, const ProvisionRequest& request) const {
    CCCI_TRY_STATUS(check_base_url(errors));
    if (!is_plain_realm_name(request.realm)) {
      return errors.bad_request(step_realm, "the realm name " + printable(request.realm) +
                                                " is not a plain name (1 to 64 of [A-Za-z0-9._-])");
    }
    if (request.client_id.empty()) return errors.bad_request(step_client, "the client id is empty");
    if (request.username.empty()) return errors.bad_request(step_user, "the username is empty");
    if (request.password.empty()) return errors.bad_request(step_password, "the password is empty");
    return ok_status();
  }

  std::string realm_url(const std::string& realm) const { return settings_.base_url + "/admin/realms/" + realm; }

  Status create_realm(const StepErrors& errors, const std::string& token, const std::string& realm) {
    boost::json::object body{{"realm", realm}, {"enabled", true}};
    CCCI_TRY(HttpResponse created,
             send(errors, step_realm, json_request("POST", settings_.base_url + "/admin/realms", token, body)));
    if (created.status == 409) {
      return errors.refused(step_realm, created,
                            "the per-run realm " + printable(realm) + " already exists (a per-run realm must be new)");
    }
    if (!is_success(created)) return errors.refused(step_realm, created);
    return ok_status();
  }

  /// The confidential client's secret.
  Result<std::string> create_client(const StepErrors& errors, const std::string& token,
                                    const ProvisionRequest& request) {
    boost::json::object body{{"clientId", request.client_id},
                             {"protocol", "openid-connect"},
                             {"publicClient", false},
                             {"standardFlowEnabled", true},
                             {"directAccessGrantsEnabled", true},
                             {"redirectUris", json_strings(request.redirect_uris)},
                             {"webOrigins", json_strings(request.web_origins)}};
    const std::string clients_url = realm_url(request.realm) + "/clients";
    CCCI_TRY(HttpResponse created,
             send_expecting_success(errors, step_client, json_request("POST", clients_url, token, body)));
    CCCI_TRY(std::string uuid, created_id(errors, step_client, created, "clients"));
    CCCI_TRY(HttpResponse secret,
             send_expecting_success(errors, step_secret,
                                    admin_request("GET", clients_url + "/" + uuid + "/client-secret", token)));
    return string_field(errors, step_secret, secret, "value", max_secret_bytes);
  }

  /// An enabled user with a verified email, nothing left to do at first login, and the
  /// request's password (not temporary).
  Status create_user(const StepErrors& errors, const std::string& token, const ProvisionRequest& request) {
    boost::json::object body{{"username", request.username},
                             {"email", request.email},
                             {"emailVerified", true},
                             {"enabled", true},
                             {"firstName", "CCCI"},
                             {"lastName", "Test"},
                             {"requiredActions", boost::json::array{}}};
    const std::string users_url = realm_url(request.realm) + "/users";
    CCCI_TRY(HttpResponse created,
             send_expecting_success(errors, step_user, json_request("POST", users_url, token, body)));
    CCCI_TRY(std::string id, created_id(errors, step_user, created, "users"));
    boost::json::object credential{{"type", "password"}, {"value", request.password}, {"temporary", false}};
    CCCI_TRY_STATUS(send_expecting_success(
        errors, step_password, json_request("PUT", users_url + "/" + id + "/reset-password", token, credential)));
    return ok_status();
  }

  HttpRequest base_request(std::string method, std::string url) const {
    HttpRequest request;
    request.method = std::move(method);
    request.url = std::move(url);
    request.timeout = settings_.call_timeout;
    request.headers.emplace_back("Accept", "application/json");
    return request;
  }

  HttpRequest admin_request(std::string method, std::string url, const std::string& token) const {
    HttpRequest request = base_request(std::move(method), std::move(url));
    request.headers.emplace_back("Authorization", "Bearer " + token);
    return request;
  }

  HttpRequest json_request(std::string method, std::string url, const std::string& token,
                           const boost::json::object& body) const {
    HttpRequest request = admin_request(std::move(method), std::move(url), token);
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = boost::json::serialize(body);
    return request;
  }

  Result<HttpResponse> send(const StepErrors& errors, std::string_view step, const HttpRequest& request) {
    auto response = http_.send(request);
    if (!response.ok()) return errors.transport(step, response.error());
    return std::move(response).value();
  }

  Result<HttpResponse> send_expecting_success(const StepErrors& errors, std::string_view step,
                                              const HttpRequest& request) {
    CCCI_TRY(HttpResponse response, send(errors, step, request));
    if (!is_success(response)) return errors.refused(step, response);
    return response;
  }

  Result<std::string> admin_token(const StepErrors& errors) {
    HttpRequest request = base_request("POST", settings_.base_url + "/realms/master/protocol/openid-connect/token");
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    request.body = form_urlencoded({{"grant_type", "password"},
                                    {"client_id", "admin-cli"},
                                    {"username", settings_.admin_username},
                                    {"password", settings_.admin_password}});
    CCCI_TRY(HttpResponse answer, send_expecting_success(errors, step_token, request));
    CCCI_TRY(std::string token, string_field(errors, step_token, answer, "access_token", max_token_bytes));
    if (!is_visible_ascii(token)) return errors.malformed(step_token, "has an access_token that is not visible ASCII");
    return token;
  }

  /// The string `name` of the JSON object `answer` carries, registered with the Redactor (every
  /// field read here is a secret): non-empty and at most `max_bytes`.
  Result<std::string> string_field(const StepErrors& errors, std::string_view step, const HttpResponse& answer,
                                   std::string_view name, size_t max_bytes) {
    auto document = parse_json_document(answer.body);
    if (!document.ok()) return errors.malformed(step, "is unusable: " + document.error().message);
    const boost::json::object* object = document->if_object();
    if (object == nullptr) return errors.malformed(step, "is not a JSON object");
    const boost::json::value* field = object->if_contains(boost::json::string_view(name.data(), name.size()));
    if (field == nullptr || !field->is_string()) {
      return errors.malformed(step, "has no string \"" + std::string(name) + "\"");
    }
    std::string value(field->get_string());
    redactor_.add_secret(value);
    if (value.empty() || value.size() > max_bytes) {
      return errors.malformed(step, "has a \"" + std::string(name) + "\" that is empty or longer than " +
                                        std::to_string(max_bytes) + " bytes");
    }
    return value;
  }

  /// The id of what `answer` created, from its Location header `.../<collection>/<id>`.
  static Result<std::string> created_id(const StepErrors& errors, std::string_view step, const HttpResponse& answer,
                                        std::string_view collection) {
    auto location = header_value(answer.headers, "location");
    if (!location) return errors.malformed(step, "has no Location header naming what it created");
    std::string_view path = *location;
    size_t last = path.rfind('/');
    std::string_view id = last == std::string_view::npos ? std::string_view{} : path.substr(last + 1);
    std::string_view parent = last == std::string_view::npos ? std::string_view{} : path.substr(0, last);
    bool in_collection = parent.ends_with("/" + std::string(collection));
    if (!in_collection || !is_plain_id(id)) {
      return errors.malformed(step, "has a Location header " + printable(*location) + " that does not end in /" +
                                        std::string(collection) + "/<id of 1 to 64 [A-Za-z0-9-]>");
    }
    return std::string(id);
  }

  HttpClient& http_;
  KeycloakSettings settings_;
  Redactor& redactor_;
};

}  // namespace

std::unique_ptr<IdentityProvider> make_keycloak_provider(HttpClient& http, KeycloakSettings settings,
                                                         Redactor& redactor) {
  return std::make_unique<KeycloakProvider>(http, std::move(settings), redactor);
}

}  // namespace ccci::harness
