#pragma once
/// FakeIdentityProvider: an IdentityProvider that records what it is asked and answers as scripted.
#include <optional>
#include <string>
#include <vector>

#include "harness/identity_provider.hpp"

namespace ccci::fakes {

struct IdentityProviderRecord {
  std::vector<harness::ProvisionRequest> provisioned;
  std::vector<std::string> removed_realms;
  std::vector<std::string> base_urls;        ///< of every provider the factory made
  std::vector<std::string> admin_passwords;  ///< likewise
};

class FakeIdentityProvider final : public harness::IdentityProvider {
 public:
  FakeIdentityProvider(IdentityProviderRecord& record, std::string base_url,
                       std::optional<harness::Error> provision_error, std::optional<harness::Error> remove_error)
      : record_(record),
        base_url_(std::move(base_url)),
        provision_error_(std::move(provision_error)),
        remove_error_(std::move(remove_error)) {}

  harness::Result<harness::ProvisionedIdentity> provision(const harness::ProvisionRequest& request) override {
    record_.provisioned.push_back(request);
    if (provision_error_) return *provision_error_;
    std::string issuer = base_url_ + "/realms/" + request.realm;
    return harness::ProvisionedIdentity{issuer,
                                        issuer + "/.well-known/openid-configuration",
                                        issuer + "/protocol/openid-connect/token",
                                        issuer + "/protocol/openid-connect/auth",
                                        request.realm,
                                        request.client_id,
                                        "client-secret-" + request.realm + "-Zq81",
                                        request.username,
                                        request.password};
  }

  harness::Status remove_realm(const std::string& realm) override {
    record_.removed_realms.push_back(realm);
    if (remove_error_) return *remove_error_;
    return harness::ok_status();
  }

  std::string_view kind() const override { return "keycloak"; }

 private:
  IdentityProviderRecord& record_;
  std::string base_url_;
  std::optional<harness::Error> provision_error_;
  std::optional<harness::Error> remove_error_;
};

}  // namespace ccci::fakes
