#pragma once
/// DependencySpec: one entry of a recipe spec's `deps:` (docs/recipe-spec.md), and the closed list
/// of facts a dependency's `sso:` mapping may use as `${NAME}`.
///
/// `deps: [keycloak]` is the short form: recipe keycloak, provider keycloak (the recipe's name is a
/// known provider), no mapping. The long form names the provider, sets the dependency's own .env
/// (`env`, plain values) and maps the provisioned identity into the parent's .env (`sso.env`) and
/// secrets (`sso.secrets`) before the parent's one deploy.
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
  std::string provider;                    ///< the identity-provider driver ("keycloak"); empty: none
  std::map<std::string, std::string> env;  ///< written into the DEPENDENCY's own .env before its deploy
  SsoMapping sso;
  harness::Mark mark;
};

/// The identity-provider drivers ccci has: "keycloak".
bool is_known_provider(std::string_view name);

/// Where a template stands, which decides the facts it may use: a redirect URI is filled in before
/// the provider is asked (DOMAIN and DEP_DOMAIN only); the .env takes every fact but the client
/// secret; a secret takes them all.
enum class TemplatePlace { redirect_uri, env, secret };

/// What is wrong with `text` as a dependency template at `place`, or nullopt: a `${` without its
/// `}`, a name outside the closed list or not known at `place`. A `$` not followed by `{` is a
/// plain character.
std::optional<std::string> dependency_template_problem(std::string_view text, TemplatePlace place);

/// `text` with every `${NAME}` replaced by facts[NAME] (a name `facts` lacks becomes empty: the
/// spec reader has refused unknown names already).
std::string expand_dependency_template(std::string_view text, const std::map<std::string, std::string>& facts);

/// The parent .env keys the deps' sso mappings write, each with a stand-in value naming its dep:
/// what ccci reads of the head's compose before any dep is provisioned (the backup-coverage
/// analysis) interpolates with these, so a `${OIDC_ISSUER:?}` the deps will fill is not missing.
std::map<std::string, std::string> mapped_env_placeholders(const std::vector<DependencySpec>& deps);

}  // namespace ccci::runner
