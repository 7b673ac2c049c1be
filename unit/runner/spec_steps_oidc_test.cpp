// SpecSteps hands an oidc_login check to the run's dependencies; without them it is an error.
#include <gtest/gtest.h>

#include <sstream>

#include "runner/spec_steps.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

class RecordedLogins final : public DependencyLogins {
 public:
  std::vector<std::string> asked;
  CheckOutcome oidc_login(const std::string& name, const std::string& dep) override {
    asked.push_back(name + " " + dep);
    CheckOutcome outcome;
    outcome.name = name;
    outcome.status = CheckStatus::fail;
    outcome.message = "OIDC login of ccci-test: password grant refused";
    return outcome;
  }
};

class SpecStepsOidcTest : public ::testing::Test {
 protected:
  SpecStepsOidcTest() {
    SpecCheck check;
    check.name = "sso_login";
    check.kind = OidcLoginCheck{"keycloak"};
    spec.checks[Tier::custom].push_back(check);
    facts.domain = "app.ccci.test";
    facts.stack = "app_ccci_test";
    facts.out = out.path();
  }

  fakes::TempDir out;
  RecipeSpec spec;
  StepFacts facts;
  fakes::FakeHttpClient http;
  fakes::FakeDocker docker;
  fakes::FakeProcessRunner processes;
  fakes::FakeClock clock;
  std::ostringstream logged;
  harness::Logger log{logged};
};

TEST_F(SpecStepsOidcTest, AnOidcLoginCheckIsAskedOfTheDependencies) {
  SpecSteps steps(spec, facts, http, docker, processes, clock, log);
  RecordedLogins logins;
  steps.use_dependency_logins(logins);
  auto outcomes = steps.checks(Tier::custom);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, CheckStatus::fail);
  EXPECT_NE(outcomes[0].message.find("password grant refused"), std::string::npos) << outcomes[0].message;
  ASSERT_FALSE(logins.asked.empty());
  EXPECT_EQ(logins.asked[0], "sso_login keycloak");
}

TEST_F(SpecStepsOidcTest, WithoutDependenciesAnOidcLoginCheckIsAnError) {
  SpecSteps steps(spec, facts, http, docker, processes, clock, log);
  auto outcomes = steps.checks(Tier::custom);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, CheckStatus::error);
  EXPECT_EQ(outcomes[0].message, "no dependency of this run can take an OIDC login");
}

}  // namespace
}  // namespace ccci::runner
