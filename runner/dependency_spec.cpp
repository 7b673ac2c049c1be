#include "runner/dependency_spec.hpp"

#include <algorithm>
#include <array>

namespace ccci::runner {
namespace {

constexpr std::array<std::string_view, 10> dependency_facts{"DOMAIN",
                                                            "DEP_DOMAIN",
                                                            "OIDC_ISSUER",
                                                            "OIDC_DISCOVERY_URL",
                                                            "OIDC_TOKEN_URL",
                                                            "OIDC_AUTHORIZATION_URL",
                                                            "OIDC_REALM",
                                                            "OIDC_CLIENT_ID",
                                                            "OIDC_CLIENT_SECRET",
                                                            "OIDC_USERNAME"};

constexpr std::string_view secret_fact = "OIDC_CLIENT_SECRET";

/// Calls `on_name(name)` for every `${NAME}` and `on_text(piece)` for the text between them; an
/// unterminated `${` is returned as the problem.
template <class OnText, class OnName>
std::optional<std::string> walk(std::string_view text, OnText on_text, OnName on_name) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("${", pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) return std::string("a ${ without its }");
    on_text(text.substr(pos, open - pos));
    if (auto problem = on_name(text.substr(open + 2, close - open - 2))) return problem;
    pos = close + 1;
  }
  on_text(text.substr(std::min(pos, text.size())));
  return std::nullopt;
}

}  // namespace

bool is_known_provider(std::string_view name) { return name == "keycloak"; }

std::optional<std::string> dependency_template_problem(std::string_view text, TemplatePlace place) {
  return walk(
      text, [](std::string_view) {},
      [&](std::string_view name) -> std::optional<std::string> {
        if (std::find(dependency_facts.begin(), dependency_facts.end(), name) == dependency_facts.end()) {
          std::string known;
          for (auto fact : dependency_facts) known += (known.empty() ? "" : ", ") + std::string(fact);
          return "unknown fact ${" + std::string(name.substr(0, 64)) + "} (known: " + known + ")";
        }
        if (place == TemplatePlace::redirect_uri && name != "DOMAIN" && name != "DEP_DOMAIN")
          return "${" + std::string(name) +
                 "} is not known before provisioning: a redirect URI takes ${DOMAIN} and ${DEP_DOMAIN}";
        if (name == secret_fact && place != TemplatePlace::secret)
          return std::string("${OIDC_CLIENT_SECRET} is a secret: only sso.secrets may use it, never the .env");
        return std::nullopt;
      });
}

std::string expand_dependency_template(std::string_view text, const std::map<std::string, std::string>& facts) {
  std::string out;
  (void)walk(
      text, [&](std::string_view piece) { out += piece; },
      [&](std::string_view name) -> std::optional<std::string> {
        auto found = facts.find(std::string(name));
        if (found != facts.end()) out += found->second;
        return std::nullopt;
      });
  return out;
}

std::map<std::string, std::string> mapped_env_placeholders(const std::vector<DependencySpec>& deps) {
  std::map<std::string, std::string> env;
  for (const auto& dep : deps) {
    for (const auto& [key, value] : dep.sso.env) env[key] = "set-by-dependency-" + dep.recipe;
  }
  return env;
}

}  // namespace ccci::runner
