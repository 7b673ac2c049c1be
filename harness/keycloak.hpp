#pragma once
/// The keycloak IdentityProvider: Keycloak's admin REST API (Keycloak >= 17 paths, no /auth
/// prefix), spoken only through HttpClient.
///
/// provision() fetches one admin token (password grant of `admin-cli` on the master realm), then
/// creates the realm (a 409 is a failure: a per-run realm must be new), a confidential OIDC
/// client (its secret read back), and a user whose password is set, not temporary. remove_realm()
/// fetches its own token and deletes the realm (a 404 is success). Every call carries
/// `call_timeout`; JSON bodies are built with Boost.JSON and answers read within JsonLimits; ids
/// from Location headers are checked to be plain ids before they reach a URL. The admin password,
/// the token and the client secret are registered with the Redactor as soon as they are known.
/// Errors: see identity_provider.hpp.
#include <chrono>
#include <memory>
#include <string>

#include "harness/http.hpp"
#include "harness/identity_provider.hpp"

namespace ccci::harness {

class Redactor;

struct KeycloakSettings {
  std::string base_url;  ///< https://<domain>, a trailing '/' ignored
  std::string admin_username;
  std::string admin_password;
  std::chrono::milliseconds call_timeout{std::chrono::seconds(15)};
};

/// `http` and `redactor` must outlive the provider.
std::unique_ptr<IdentityProvider> make_keycloak_provider(HttpClient& http, KeycloakSettings settings,
                                                         Redactor& redactor);

}  // namespace ccci::harness
