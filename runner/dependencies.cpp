#include "runner/dependencies.hpp"

#include <algorithm>

#include "harness/env_file.hpp"
#include "harness/oidc.hpp"
#include "harness/poll.hpp"
#include "harness/text.hpp"
#include "runner/script_facts.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::make_error;
using harness::Status;

constexpr std::string_view test_username = "ccci-test";
constexpr std::string_view admin_secret = "admin_password";

/// A password no provider's rules refuse, fresh for each call (runner/script_facts.hpp).
std::string new_password() { return make_admin_account("x").password; }

/// The version abra's .env names for `secret` ("SECRET_ADMIN_PASSWORD_VERSION=v1"); v1 without one.
std::string secret_version(harness::AbraDriver& abra, const std::string& domain, const std::string& secret) {
  auto env = harness::read_env_file(abra.app_env_path(domain));
  if (!env.ok()) return "v1";
  std::string key = "SECRET_" + harness::lowercase(secret) + "_VERSION";
  for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto* line = env->find(key);
  return line == nullptr || line->value.empty() ? "v1" : line->value;
}

}  // namespace

Dependencies::Dependencies(DependenciesSettings settings, DependenciesSeams seams)
    : settings_(std::move(settings)), seams_(std::move(seams)) {
  for (const auto& dep : settings_.deps) {
    live_.emplace_back();
    DependencyReport report;
    report.recipe = dep.spec.recipe;
    report.domain = dep.warm ? dep.warm->base_url : dep.domain;
    report.warm = dep.warm.has_value();
    reports_.push_back(std::move(report));
  }
}

Status Dependencies::deploy_all() {
  for (size_t i = 0; i < settings_.deps.size(); ++i) {
    auto done = deploy_one(i);
    if (!done.ok()) {
      // Whatever failed (abra, docker, the provider) says which dep it was for.
      const std::string prefix = "dependency " + settings_.deps[i].spec.recipe;
      if (done.error().message.rfind(prefix, 0) != 0)
        done = make_error(done.error().kind, prefix + ": " + done.error().message);
      reports_[i].note = seams_.log.redactor().redact(done.error().message);
      for (size_t later = i + 1; later < reports_.size(); ++later)
        reports_[later].note = "not started: dependency " + settings_.deps[i].spec.recipe + " failed first";
      return done;
    }
  }
  return write_facts_file();
}

Status Dependencies::deploy_one(size_t i) {
  const auto& dep = settings_.deps[i];
  auto& report = reports_[i];
  if (dep.warm) {
    seams_.log.info("deps", dep.spec.recipe + ": the warm provider at " + dep.warm->base_url + " (not deployed)");
    if (dep.spec.provider.empty()) return harness::ok_status();
    return provision(i, dep.warm->base_url, {dep.warm->base_url, dep.warm->admin_username, dep.warm->admin_password});
  }
  CCCI_TRY_STATUS(seams_.git.clone(dep.repo_url, seams_.abra.recipe_dir(dep.spec.recipe)));
  CCCI_TRY_STATUS(seams_.abra.app_new(dep.spec.recipe, std::nullopt, dep.domain, harness::SecretGeneration::skip));
  live_[i].created = true;
  if (!dep.spec.env.empty())
    CCCI_TRY_STATUS(harness::set_env_values(seams_.abra.app_env_path(dep.domain), dep.spec.env));
  std::string admin_password = new_password();
  seams_.log.redactor().add_secret(admin_password);
  CCCI_TRY(auto file, write_secret_file(dep.spec.recipe + "-" + std::string(admin_secret), admin_password));
  CCCI_TRY_STATUS(seams_.abra.secret_insert(dep.domain, std::string(admin_secret),
                                            secret_version(seams_.abra, dep.domain, std::string(admin_secret)), file));
  CCCI_TRY_STATUS(seams_.abra.secret_generate_all(dep.domain));  // any other secret the dep declares
  harness::DeployOptions options;
  options.mode = harness::DeployMode::chaos();
  options.timeout = settings_.deploy_timeout;
  ++deploys_;
  seams_.log.info("deps", "deploying " + dep.spec.recipe + " at " + dep.domain);
  CCCI_TRY_STATUS(seams_.abra.deploy(dep.domain, options));
  report.deployed = true;
  CCCI_TRY_STATUS(wait_until_ready(dep));
  report.ready = true;
  if (dep.spec.provider.empty()) return harness::ok_status();
  std::string base_url = "https://" + dep.domain;
  return provision(i, base_url, {base_url, "admin", admin_password});
}

Status Dependencies::wait_until_ready(const DependencyTarget& dep) {
  const std::string url = "https://" + dep.domain + dep.health_path;
  harness::PollOptions options;
  options.timeout = settings_.deploy_timeout;
  auto result = harness::poll_until(seams_.clock, options, [&] {
    harness::HttpRequest request;
    request.url = url;
    request.timeout = settings_.call_timeout;
    auto response = seams_.http.send(request);
    if (!response.ok()) return harness::ProbeReport::pending(response.error().message);
    if (std::find(dep.health_ok.begin(), dep.health_ok.end(), static_cast<int>(response->status)) !=
        dep.health_ok.end())
      return harness::ProbeReport::done();
    return harness::ProbeReport::pending(
        "answered " + std::to_string(response->status) + " " +
        harness::printable(seams_.log.redactor().redact(response->body.substr(0, 4096)), 200));
  });
  if (result.done()) return harness::ok_status();
  if (result.end == harness::PollResult::End::interrupted) return harness::to_status(result, url);
  // Never ready is the dependency's failure, like an app that never serves: red, never a skip.
  return make_error(ErrorKind::check_failed, "dependency " + dep.spec.recipe + " never became ready at " + url +
                                                 " within " + harness::format_duration(settings_.deploy_timeout) +
                                                 ": " + result.last_message);
}

Status Dependencies::provision(size_t i, const std::string& base_url, harness::KeycloakSettings admin) {
  const auto& dep = settings_.deps[i];
  auto& live = live_[i];
  seams_.log.redactor().add_secret(admin.admin_password);
  admin.base_url = base_url;
  admin.call_timeout = settings_.call_timeout;
  live.provider = seams_.providers(dep.spec.provider, std::move(admin));
  if (!live.provider) return make_error(ErrorKind::infra, "no driver for identity provider " + dep.spec.provider);
  harness::ProvisionRequest request;
  request.realm = settings_.realm;
  request.client_id = dep.spec.sso.client_id.empty() ? settings_.parent_recipe : dep.spec.sso.client_id;
  std::map<std::string, std::string> facts{{"DOMAIN", settings_.parent_domain}, {"DEP_DOMAIN", dep.domain}};
  for (const auto& uri : dep.spec.sso.redirect_uris)
    request.redirect_uris.push_back(expand_dependency_template(uri, facts));
  if (request.redirect_uris.empty()) request.redirect_uris.push_back("https://" + settings_.parent_domain + "/*");
  request.web_origins.push_back("https://" + settings_.parent_domain);
  request.username = std::string(test_username);
  request.email = std::string(test_username) + "@" + settings_.parent_domain;
  request.password = new_password();
  seams_.log.redactor().add_secret(request.password);
  live.realm_requested = true;  // from here on the realm may exist: teardown removes it
  seams_.log.info("deps", "provisioning realm " + request.realm + " in " + dep.spec.recipe);
  CCCI_TRY(auto identity, live.provider->provision(request));
  seams_.log.redactor().add_secret(identity.client_secret);
  live.identity = std::move(identity);
  reports_[i].provisioned = true;
  return harness::ok_status();
}

std::map<std::string, std::string> Dependencies::facts_of(size_t i) const {
  const auto& dep = settings_.deps[i];
  std::map<std::string, std::string> facts{{"DOMAIN", settings_.parent_domain}, {"DEP_DOMAIN", dep.domain}};
  if (const auto& id = live_[i].identity) {
    facts.insert({{"OIDC_ISSUER", id->issuer},
                  {"OIDC_DISCOVERY_URL", id->discovery_url},
                  {"OIDC_TOKEN_URL", id->token_url},
                  {"OIDC_AUTHORIZATION_URL", id->authorization_url},
                  {"OIDC_REALM", id->realm},
                  {"OIDC_CLIENT_ID", id->client_id},
                  {"OIDC_CLIENT_SECRET", id->client_secret},
                  {"OIDC_USERNAME", id->username}});
  }
  return facts;
}

std::vector<std::string> Dependencies::created_stacks() const {
  std::vector<std::string> stacks;
  for (size_t i = 0; i < settings_.deps.size(); ++i) {
    if (live_[i].created) stacks.push_back(harness::stack_name_for(settings_.deps[i].domain));
  }
  return stacks;
}

ParentMapping Dependencies::parent_mapping() const {
  ParentMapping mapping;
  for (size_t i = 0; i < settings_.deps.size(); ++i) {
    auto facts = facts_of(i);
    for (const auto& [key, value] : settings_.deps[i].spec.sso.env)
      mapping.env[key] = expand_dependency_template(value, facts);
    for (const auto& [name, value] : settings_.deps[i].spec.sso.secrets)
      mapping.secrets[name] = expand_dependency_template(value, facts);
  }
  return mapping;
}

CheckOutcome Dependencies::oidc_login(const std::string& name, const std::string& dep) {
  CheckOutcome outcome;
  outcome.name = name;
  outcome.source = CheckSource::overlay;
  auto start = seams_.clock.now();
  auto found = std::find_if(settings_.deps.begin(), settings_.deps.end(),
                            [&](const DependencyTarget& d) { return d.spec.recipe == dep; });
  size_t i = static_cast<size_t>(found - settings_.deps.begin());
  if (found == settings_.deps.end() || !live_[i].identity) {
    outcome.status = CheckStatus::error;
    outcome.message = "dependency " + dep + " has no identity provisioned for this run";
    return outcome;
  }
  const auto& id = *live_[i].identity;
  harness::OidcLogin login{id.client_id, id.client_secret, id.username, id.password};
  auto checked = harness::check_password_login(seams_.http, id.issuer, login, seams_.log.redactor(), seams_.clock,
                                               settings_.call_timeout);
  outcome.duration = std::chrono::duration_cast<std::chrono::milliseconds>(seams_.clock.now() - start);
  if (checked.ok()) return outcome;
  outcome.status = checked.error().kind == ErrorKind::check_failed ? CheckStatus::fail : CheckStatus::error;
  outcome.message = "OIDC login of " + id.username + " at " + id.issuer + ": " +
                    seams_.log.redactor().redact(checked.error().message);
  return outcome;
}

}  // namespace ccci::runner
