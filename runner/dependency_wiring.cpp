#include "runner/dependency_wiring.hpp"

#include <fstream>
#include <iterator>

#include "runner/naming.hpp"
#include "runner/run_journal.hpp"
#include "runner/wiring.hpp"

namespace ccci::runner {
namespace {

/// A warm provider's password file: far larger than any password is a wrong file.
constexpr std::streamsize max_password_file = 4096;

harness::Result<std::string> read_password_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return harness::make_error(harness::ErrorKind::usage, "cannot read " + file.string());
  std::string text(static_cast<size_t>(max_password_file) + 1, '\0');
  in.read(text.data(), max_password_file + 1);
  text.resize(static_cast<size_t>(in.gcount()));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  if (text.empty() || text.size() > static_cast<size_t>(max_password_file) ||
      text.find_first_of(std::string_view("\n\0", 2)) != std::string::npos)
    return harness::make_error(harness::ErrorKind::usage,
                               file.string() + " must hold one password on one line (at most 4096 bytes)");
  return text;
}

/// The dep's repository: the parent's SRC with its last component replaced by the dep.
std::string dependency_repo_url(const Config& config, const std::string& dep) {
  Config for_dep = config;
  auto slash = config.src.rfind('/');
  for_dep.src = (slash == std::string::npos ? std::string() : config.src.substr(0, slash + 1)) + dep;
  return repo_url(for_dep);
}

}  // namespace

harness::Result<DependenciesSettings> dependencies_settings(const Config& config, const RecipeSpec& spec,
                                                            const Plan& plan) {
  DependenciesSettings settings;
  const std::string nonce = nonce_of(plan.run_id);
  settings.parent_recipe = plan.recipe;
  settings.parent_domain = plan.domain;
  settings.realm = "ccci-" + nonce;
  settings.deploy_timeout = spec.timeouts.deploy;
  settings.teardown_budget = config.teardown_timeout;
  settings.secrets_dir = run_abra_dir(config, plan) / "ccci-dependency-secrets";
  settings.facts_file = config.out / "artifacts" / "deps.json";
  for (const auto& dep : spec.dependencies) {
    DependencyTarget target;
    target.spec = dep;
    target.domain = dependency_domain(dep.recipe, plan.recipe, nonce, config.domain_suffix);
    target.repo_url = dependency_repo_url(config, dep.recipe);
    CCCI_TRY(auto dep_spec, load_spec(config.recipes_dir, dep.recipe));
    target.health_path = dep_spec.health.path;
    target.health_ok = dep_spec.health.ok;
    if (dep.provider == "keycloak" && config.warm_keycloak_url && config.warm_keycloak_admin_password_file) {
      CCCI_TRY(auto password, read_password_file(*config.warm_keycloak_admin_password_file));
      target.warm = WarmProvider{*config.warm_keycloak_url, "admin", password};
    }
    settings.deps.push_back(std::move(target));
  }
  return settings;
}

}  // namespace ccci::runner
