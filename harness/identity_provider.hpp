#pragma once
/// IdentityProvider: what a parent app needs for SSO, provisioned per run on a provider (keycloak
/// first, authentik to follow): a realm, a confidential OIDC client and a test user.
///
/// The caller (the runner) chooses the per-run realm name, generates the test user's password and
/// registers it with the run's Redactor before calling provision(). A provisioning failure names
/// its step: "provisioning step 'create client' failed: keycloak answered 403 Forbidden: <redacted
/// excerpt>". An answer that refuses (any status but 2xx, including a 5xx the HttpClient already
/// retried) or that is malformed is ErrorKind::check_failed: the dependency misbehaved and the run
/// goes red naming the step. A transport error keeps the HttpClient's kind (infra, timeout). A
/// request the caller got wrong (a realm name that is not a plain name) is ErrorKind::usage.
/// provision() does not clean up after a failure: the caller removes the realm it named with
/// remove_realm(), as at teardown. remove_realm() of a realm already gone succeeds; its other
/// failures are ErrorKind::infra (a teardown that leaves a realm behind is residue) unless a
/// transport error says timeout.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/http.hpp"
#include "harness/result.hpp"

namespace ccci::harness {

class Redactor;

struct ProvisionRequest {
  std::string realm;  ///< per run; a plain name (see is_plain_realm_name)
  std::string client_id;
  std::vector<std::string> redirect_uris;
  std::vector<std::string> web_origins;
  std::string username;
  std::string email;
  std::string password;  ///< generated per run by the caller, registered with its Redactor
};

struct ProvisionedIdentity {
  std::string issuer;  ///< keycloak: `<base_url>/realms/<realm>`
  std::string discovery_url;
  std::string token_url;
  std::string authorization_url;
  std::string realm;
  std::string client_id;
  std::string client_secret;  ///< registered with the Redactor on receipt
  std::string username;
  std::string password;
};

class IdentityProvider {
 public:
  virtual ~IdentityProvider() = default;
  virtual Result<ProvisionedIdentity> provision(const ProvisionRequest& request) = 0;
  virtual Status remove_realm(const std::string& realm) = 0;
  /// "keycloak", "authentik": names the provider in messages.
  virtual std::string_view kind() const = 0;
};

/// Whether `realm` may go into a URL path as is: 1 to 64 characters of [A-Za-z0-9._-], not "."
/// or "..".
bool is_plain_realm_name(std::string_view realm);

/// Whether `id` is a plain id from a provider's answer: 1 to 64 characters of [A-Za-z0-9-].
bool is_plain_id(std::string_view id);

/// "403 Forbidden" for the statuses a provider answers with; the number alone for others.
std::string status_line(long status);

/// The errors of one phase ("provisioning", "realm removal") of a provider's work, each naming
/// its step; everything quoted from an answer or a transport error is redacted first.
class StepErrors {
 public:
  StepErrors(std::string provider, std::string phase, ErrorKind refusal_kind, const Redactor& redactor);

  /// The answer refused: "<phase> step '<step>' failed: <provider> answered 403 Forbidden: <why>:
  /// <excerpt of the body>", of the refusal kind.
  Error refused(std::string_view step, const HttpResponse& response, std::string_view why = {}) const;
  /// The answer was malformed: "<phase> step '<step>' failed: <provider>'s answer <what>", of
  /// the refusal kind.
  Error malformed(std::string_view step, std::string_view what) const;
  /// The request never got an answer: the transport error's kind, its message redacted.
  Error transport(std::string_view step, const Error& cause) const;
  /// The caller's request cannot be sent: ErrorKind::usage.
  Error bad_request(std::string_view step, std::string_view what) const;

 private:
  std::string prefix(std::string_view step) const;

  std::string provider_;
  std::string phase_;
  ErrorKind refusal_kind_;
  const Redactor& redactor_;
};

}  // namespace ccci::harness
