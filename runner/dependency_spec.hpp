#pragma once
/// DependencySpec: one entry of a recipe spec's `deps:` (docs/recipe-spec.md), and the closed list
/// of facts a dependency's `sso:` mapping may use as `${NAME}`.
///
/// `deps: [keycloak]` is the short form: recipe keycloak, provider keycloak (the recipe's name is a
/// known provider), no mapping. The long form names the provider and maps the provisioned identity
/// into the parent's .env (`sso.env`) and secrets (`sso.secrets`) before the parent's one deploy.
/// OIDC_CLIENT_SECRET is a secret: only `sso.secrets` may use it, never the .env in clear.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/yaml.hpp"

namespace ccci::runner {

/// What the parent gets from a dependency that is an identity provider.
struct SsoMapping {
  std::string client_id;                       ///< empty: the parent recipe's name
  std::vector<std::string> redirect_uris;      ///< templates
  std::map<std::string, std::string> env;      ///< parent .env key → template
  std::map<std::string, std::string> secrets;  ///< parent secret name → template
};

struct DependencySpec {
  std::string recipe;
  std::string provider;  ///< the identity-provider driver ("keycloak"); empty: none
  SsoMapping sso;
  harness::Mark mark;
};

/// The identity-provider drivers ccci has: "keycloak".
bool is_known_provider(std::string_view name);

/// Whether a `${NAME}` may appear where `secret_allowed` says.
enum class SecretFacts { allowed, refused };

/// What is wrong with `text` as a dependency template, or nullopt: a `${` without its `}`, a name
/// outside the closed list, OIDC_CLIENT_SECRET where secrets are refused. A `$` not followed by `{`
/// is a plain character.
std::optional<std::string> dependency_template_problem(std::string_view text, SecretFacts secrets);

/// `text` with every `${NAME}` replaced by facts[NAME] (a name `facts` lacks becomes empty: the
/// spec reader has refused unknown names already).
std::string expand_dependency_template(std::string_view text, const std::map<std::string, std::string>& facts);

}  // namespace ccci::runner
