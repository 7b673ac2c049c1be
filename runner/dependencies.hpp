#pragma once
/// Dependencies: the apps a recipe needs beside it (spec `deps:`), each deployed on its own
/// per-run domain before the parent, provisioned through its identity provider, and torn down
/// after the parent, in reverse order.
///
/// deploy_all(), for each dep in order: clone its recipe into the run's abra home, `abra app new
/// <dep> --domain <dep domain>` (chaos: its repository's default branch as cloned), write the spec's
/// `env` for the dep into its .env, insert a per-run admin password (generated here, registered
/// with the redactor) as its `admin_password` secret, deploy, and wait until
/// https://<dep domain><health path> answers within the spec's deploy timeout; then provision a
/// realm `ccci-<nonce>`, a confidential client and the test user `ccci-test` (password generated
/// here, registered with the redactor). A dep in warm mode
/// (WarmProvider: an operator's running provider) is not deployed: only its realm is provisioned,
/// and removed at teardown. Errors: a dep that never serves is ErrorKind::check_failed ("dependency
/// keycloak never became ready at https://…: <last answer>"); a provisioning refusal keeps the
/// provider's check_failed naming its step; abra's and docker's own failures keep their kinds. A
/// failure stops the sequence; what was created stays known for teardown().
///
/// parent_mapping() gives the values the parent's install writes into its .env and inserts as its
/// secrets before its one deploy (the spec's sso mapping, its ${…} facts filled in). teardown()
/// undeploys, removes and (by identity) force-removes every dep stack created, in reverse order,
/// and removes warm realms; what is left makes it not clean, naming the dep. No message, report or
/// file written here holds a secret: the deps file gives secrets as paths of 0600 files in a
/// run-private directory (DependenciesSettings::secrets_dir), which teardown() removes.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/abra.hpp"
#include "harness/clock.hpp"
#include "harness/docker.hpp"
#include "harness/git.hpp"
#include "harness/http.hpp"
#include "harness/identity_provider.hpp"
#include "harness/keycloak.hpp"
#include "harness/log.hpp"
#include "runner/dependency_logins.hpp"
#include "runner/dependency_spec.hpp"
#include "runner/outcome.hpp"

namespace ccci::runner {

/// An operator's running identity provider: ccci deploys nothing for the dep and provisions a
/// per-run realm there (config CCCI_WARM_KEYCLOAK_URL, CCCI_WARM_KEYCLOAK_ADMIN_PASSWORD_FILE).
struct WarmProvider {
  std::string base_url;  ///< https://…
  std::string admin_username = "admin";
  std::string admin_password;
};

struct DependencyTarget {
  DependencySpec spec;
  std::string domain;    ///< runner/naming.hpp dependency_domain
  std::string repo_url;  ///< where its recipe is cloned from
  std::string health_path = "/";
  std::vector<int> health_ok{200};
  std::optional<WarmProvider> warm;
};

struct DependenciesSettings {
  std::string parent_recipe;
  std::string parent_domain;
  std::string realm;  ///< per run: "ccci-<nonce>"
  std::vector<DependencyTarget> deps;
  std::chrono::milliseconds deploy_timeout{std::chrono::minutes(15)};
  std::chrono::milliseconds call_timeout{std::chrono::seconds(15)};  ///< each provider and OIDC request
  std::chrono::milliseconds teardown_budget{std::chrono::minutes(10)};
  std::filesystem::path secrets_dir;  ///< run-private, outside OUT; created on demand, removed by teardown()
  std::filesystem::path facts_file;   ///< CCCI_DEPS_FILE, written after provisioning (in secrets_dir's parent)
};

/// Makes the provider driver named `kind` ("keycloak") for a provider at `settings.base_url`.
using ProviderFactory =
    std::function<std::unique_ptr<harness::IdentityProvider>(const std::string& kind, harness::KeycloakSettings)>;

struct DependenciesSeams {
  harness::AbraDriver& abra;
  harness::DockerDriver& docker;
  harness::Git& git;
  harness::HttpClient& http;
  harness::Clock& clock;
  harness::Logger& log;
  ProviderFactory providers;
};

/// The parent's side of the sso mappings, filled in.
struct ParentMapping {
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> secrets;  ///< name → value: secrets, registered with the redactor
};

class Dependencies final : public DependencyLogins {
 public:
  Dependencies(DependenciesSettings settings, DependenciesSeams seams);

  harness::Status deploy_all();
  ParentMapping parent_mapping() const;
  TeardownOutcome teardown();
  CheckOutcome oidc_login(const std::string& name, const std::string& dep) override;

  int deploys() const { return deploys_; }
  /// `value` in a 0600 file `name` of the run-private secrets directory: for abra's secret insert.
  harness::Result<std::filesystem::path> write_secret_file(const std::string& name, const std::string& value) const;
  const std::vector<DependencyReport>& reports() const { return reports_; }
  /// The stacks of the deps this run created (not a warm provider's): whose services a red run's
  /// evidence shows beside the app's.
  std::vector<std::string> created_stacks() const;

 private:
  struct Live {
    bool created = false;  ///< abra app new ran: the stack must go at teardown
    bool realm_requested = false;
    std::unique_ptr<harness::IdentityProvider> provider;
    std::optional<harness::ProvisionedIdentity> identity;
  };
  harness::Status deploy_one(size_t i);
  harness::Status wait_until_ready(const DependencyTarget& dep);
  harness::Status provision(size_t i, const std::string& base_url, harness::KeycloakSettings admin);
  /// Undeploy, remove, force-remove by identity; "" when nothing is left, else what is.
  std::string remove_stack(const DependencyTarget& dep, std::chrono::steady_clock::time_point deadline);
  std::map<std::string, std::string> facts_of(size_t i) const;
  harness::Status write_facts_file() const;

  DependenciesSettings settings_;
  DependenciesSeams seams_;
  std::vector<Live> live_;
  std::vector<DependencyReport> reports_;
  int deploys_ = 0;
};

}  // namespace ccci::runner
