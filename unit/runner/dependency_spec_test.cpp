#include "runner/dependency_spec.hpp"

#include <gtest/gtest.h>

#include "runner/spec.hpp"
#include "unit/fakes/spec_text.hpp"

namespace ccci::runner {
namespace {

using fakes::parse_spec_text;
using fakes::spec_error_of;

TEST(DependencySpec, ShortFormIsTheRecipeWithItsKnownProvider) {
  auto spec = parse_spec_text("deps: [keycloak, redis]\n");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->deps, (std::vector<std::string>{"keycloak", "redis"}));
  ASSERT_EQ(spec->dependencies.size(), 2u);
  EXPECT_EQ(spec->dependencies[0].provider, "keycloak");
  EXPECT_TRUE(spec->dependencies[0].sso.env.empty());
  EXPECT_EQ(spec->dependencies[1].provider, "");
}

TEST(DependencySpec, LongFormMapsTheIdentityIntoTheParent) {
  auto spec = parse_spec_text(R"(deps:
  - recipe: keycloak
    provider: keycloak
    env:
      KEYCLOAK_LOGLEVEL: debug
    sso:
      client_id: ccci
      redirect_uris: ["https://${DOMAIN}/oidc/callback"]
      env:
        OIDC_ISSUER: ${OIDC_ISSUER}
        OIDC_CLIENT_ID: ${OIDC_CLIENT_ID}
      secrets:
        oidc_client_secret: ${OIDC_CLIENT_SECRET}
checks:
  custom:
    - {name: sso_login, oidc_login: {dep: keycloak}}
)");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const auto& dep = spec->dependencies.at(0);
  EXPECT_EQ(dep.recipe, "keycloak");
  EXPECT_EQ(dep.env, (std::map<std::string, std::string>{{"KEYCLOAK_LOGLEVEL", "debug"}}));
  EXPECT_EQ(dep.sso.client_id, "ccci");
  EXPECT_EQ(dep.sso.redirect_uris, std::vector<std::string>{"https://${DOMAIN}/oidc/callback"});
  EXPECT_EQ(dep.sso.env.at("OIDC_ISSUER"), "${OIDC_ISSUER}");
  EXPECT_EQ(dep.sso.secrets.at("oidc_client_secret"), "${OIDC_CLIENT_SECRET}");
  const auto& check = spec->checks.at(Tier::custom).at(0);
  ASSERT_TRUE(std::holds_alternative<OidcLoginCheck>(check.kind));
  EXPECT_EQ(std::get<OidcLoginCheck>(check.kind).dep, "keycloak");
  EXPECT_EQ(describe(check), "OIDC password login through dep keycloak");
}

struct BadDeps {
  std::string yaml;
  std::string message;
};

class DependencySpecErrors : public ::testing::TestWithParam<BadDeps> {};

TEST_P(DependencySpecErrors, NameTheirPosition) { EXPECT_EQ(spec_error_of(GetParam().yaml), GetParam().message); }

INSTANTIATE_TEST_SUITE_P(
    All, DependencySpecErrors,
    ::testing::Values(
        BadDeps{"deps:\n  - {recipe: keycloak, colour: red}\n",
                "recipe.yml:2:24: unknown key 'colour' in a dep (known: env, provider, recipe, sso)"},
        BadDeps{"deps:\n  - {recipe: keycloak, env: {lower: x}}\n",
                "recipe.yml:2:30: dep keycloak.env key 'lower' must be an upper-case variable name"},
        BadDeps{"deps:\n  - {recipe: keycloak, env: {A: [x]}}\n",
                "recipe.yml:2:33: dep keycloak.env.A must be a string, not a sequence"},
        BadDeps{"deps:\n  - {provider: keycloak}\n", "recipe.yml:2:5: a dep needs a recipe"},
        BadDeps{"deps:\n  - {recipe: keycloak, provider: okta}\n",
                "recipe.yml:2:34: dep keycloak.provider 'okta' is not one ccci has (keycloak)"},
        BadDeps{"deps:\n  - {recipe: redis, sso: {client_id: x}}\n",
                "recipe.yml:2:26: dep redis.sso needs a provider (keycloak)"},
        BadDeps{"deps:\n  - {recipe: keycloak, sso: {colour: x}}\n",
                "recipe.yml:2:30: unknown key 'colour' in dep keycloak.sso (known: client_id, env, redirect_uris, "
                "secrets)"},
        BadDeps{"deps:\n  - {recipe: keycloak, sso: {env: {X: \"${HOME}\"}}}\n",
                "recipe.yml:2:39: dep keycloak.sso.env.X: unknown fact ${HOME} (known: DOMAIN, DEP_DOMAIN, "
                "OIDC_ISSUER, OIDC_DISCOVERY_URL, OIDC_TOKEN_URL, OIDC_AUTHORIZATION_URL, OIDC_REALM, "
                "OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_USERNAME)"},
        BadDeps{"deps:\n  - {recipe: keycloak, sso: {env: {X: \"${OIDC_CLIENT_SECRET}\"}}}\n",
                "recipe.yml:2:39: dep keycloak.sso.env.X: ${OIDC_CLIENT_SECRET} is a secret: only sso.secrets may "
                "use it, never the .env"},
        BadDeps{"deps:\n  - {recipe: keycloak, sso: {redirect_uris: [\"https://${OIDC_CLIENT_SECRET}/\"]}}\n",
                "recipe.yml:2:46: each of dep keycloak.sso.redirect_uris: ${OIDC_CLIENT_SECRET} is not known before "
                "provisioning: a redirect URI takes ${DOMAIN} and ${DEP_DOMAIN}"},
        BadDeps{"deps:\n  - {recipe: keycloak, sso: {env: {X: \"${DOMAIN\"}}}\n",
                "recipe.yml:2:39: dep keycloak.sso.env.X: a ${ without its }"},
        BadDeps{"deps:\n  - {recipe: keycloak, sso: {env: {lower: x}}}\n",
                "recipe.yml:2:36: dep keycloak.sso.env key 'lower' must be an upper-case variable name"},
        BadDeps{"deps:\n  - {recipe: keycloak, sso: {secrets: {Bad: x}}}\n",
                "recipe.yml:2:40: dep keycloak.sso.secrets key 'Bad' must be a secret name (a-z, 0-9, _, -)"},
        BadDeps{"deps: [keycloak, {recipe: keycloak}]\n", "recipe.yml:1:18: dep 'keycloak' listed twice"},
        BadDeps{"checks:\n  custom:\n    - {name: login, oidc_login: {dep: keycloak}}\n",
                "recipe.yml:3:7: check login: oidc_login.dep 'keycloak' is not in deps"},
        BadDeps{"deps: [redis]\nchecks:\n  custom:\n    - {name: login, oidc_login: {dep: redis}}\n",
                "recipe.yml:4:7: check login: dep redis has no identity provider"},
        BadDeps{"deps: [keycloak]\nchecks:\n  custom:\n    - {name: login, oidc_login: {realm: x}}\n",
                "recipe.yml:4:34: unknown key 'realm' in checks.custom[0].oidc_login (known: dep)"},
        BadDeps{
            "deps: [keycloak]\nchecks:\n  custom:\n    - {name: login, oidc_login: {dep: keycloak}, writes: true}\n",
            "recipe.yml:4:58: checks.custom[0].writes does not apply to an oidc_login check"}));

TEST(DependencyTemplate, ExpandsKnownFactsAndKeepsPlainDollars) {
  std::map<std::string, std::string> facts{{"DOMAIN", "app.example"}, {"OIDC_REALM", "ccci-1a2b"}};
  EXPECT_EQ(expand_dependency_template("https://${DOMAIN}/cb?r=${OIDC_REALM}&p=$5", facts),
            "https://app.example/cb?r=ccci-1a2b&p=$5");
  EXPECT_EQ(dependency_template_problem("cost $5 ${DOMAIN}", TemplatePlace::env), std::nullopt);
  EXPECT_NE(dependency_template_problem("${OIDC_CLIENT_SECRET}", TemplatePlace::env), std::nullopt);
  EXPECT_EQ(dependency_template_problem("${OIDC_CLIENT_SECRET}", TemplatePlace::secret), std::nullopt);
  EXPECT_EQ(dependency_template_problem("https://${DEP_DOMAIN}/cb", TemplatePlace::redirect_uri), std::nullopt);
  EXPECT_NE(dependency_template_problem("https://${OIDC_REALM}/cb", TemplatePlace::redirect_uri), std::nullopt);
}

TEST(DependencySpec, TheKeysTheDepsWillFillHavePlaceholdersNamingTheirDep) {
  auto spec = parse_spec_text(R"(deps:
  - {recipe: keycloak, sso: {env: {OIDC_ISSUER: "${OIDC_ISSUER}"}, secrets: {oidc: "${OIDC_CLIENT_SECRET}"}}}
  - redis
)");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(mapped_env_placeholders(spec->dependencies),
            (std::map<std::string, std::string>{{"OIDC_ISSUER", "set-by-dependency-keycloak"}}));
}

}  // namespace
}  // namespace ccci::runner
