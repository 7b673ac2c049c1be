// Dependencies on the testbed: fixture-sso (fixture-web behind single sign-on) needs the keycloak
// recipe, whose image is the testbed's Keycloak stand-in (a real OpenID Connect provider). Its
// spec (recipes/fixture-sso) deploys keycloak first, provisions a realm, client and test user,
// maps them into the app's .env and secrets before its one deploy, and checks the login by the
// password grant and in Chromium through the provider's login page. The negative controls
// (unit/e2e/specs-deps-*) give the dependency the stand-in's faults: never ready, and a refused
// client. Every run leaves neither stack behind (Lifecycle::checked).
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "unit/e2e/lifecycle.hpp"
#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

class Dependencies : public Lifecycle {
 protected:
  RunResult run_with_specs(const std::string& specs) {
    return checked(
        run_ccci("fixture-sso", 1, {"--recipes-dir=" + (std::filesystem::path(CCCI_SOURCE_DIR) / specs).string()}));
  }
  const json::object& keycloak() const { return results().at("dependencies").at(0).as_object(); }
  /// Red in install naming `expected`, nothing after it run, the dep's own service in the evidence.
  void expect_red_in_install(const RunResult& result, const std::string& expected) {
    ASSERT_EQ(result.exit_code, 1) << result.output;
    EXPECT_EQ(results().at("verdict").as_string(), "red");
    EXPECT_EQ(status("install"), "fail") << reason("install");
    EXPECT_NE(reason("install").find(expected), std::string::npos) << reason("install");
    for (const char* later : {"upgrade", "backup", "restore", "custom"}) EXPECT_EQ(status(later), "skipped") << later;
    std::string dep_stack(keycloak().at("domain").as_string());
    std::replace(dep_stack.begin(), dep_stack.end(), '.', '_');
    EXPECT_TRUE(std::filesystem::is_regular_file(result.out_dir / "evidence/logs" / (dep_stack + "_app.log")))
        << "the dependency's log is evidence: " << results().at("evidence");
    EXPECT_NE(read_text(result.out_dir / "evidence/tasks.txt").find("## " + dep_stack + "_app"), std::string::npos);
    EXPECT_TRUE(keycloak().at("torn_down").as_bool()) << keycloak();
  }
};

TEST_F(Dependencies, TheSsoFixtureIsGreenThroughEveryTierWithItsProviderDeployedFirstAndGoneAfter) {
  RunResult result = run_with_specs("recipes");
  expect_green_through_every_tier(result);
  EXPECT_EQ(results().at("deploy_count").as_int64(), 2) << "the app once, keycloak once";
  EXPECT_EQ(results().at("expected_deploy_count").as_int64(), 2);
  const auto& dep = keycloak();
  EXPECT_EQ(dep.at("recipe").as_string(), "keycloak");
  for (const char* fact : {"deployed", "ready", "provisioned", "torn_down"}) EXPECT_TRUE(dep.at(fact).as_bool()) << dep;
  EXPECT_FALSE(dep.at("warm").as_bool());
  for (const auto& [tier_name, check_name] :
       std::vector<std::pair<std::string, std::string>>{{"install", "app_knows_its_issuer"},
                                                        {"install", "sso_password_login"},
                                                        {"upgrade", "sso_password_login_after_upgrade"},
                                                        {"custom", "sso_password_login"},
                                                        {"custom", "sso_browser_login"}})
    check_message(tier_name, check_name, "pass");
  for (const char* shot : {"provider-login.png", "back-at-the-app.png"})
    EXPECT_TRUE(std::filesystem::is_regular_file(result.out_dir / "artifacts/custom/sso_browser_login" / shot)) << shot;
  // The deps file names the provisioned realm and gives its secrets only as files, gone with the run.
  std::string facts = read_text(result.out_dir / "artifacts/deps.json");
  auto deps = json::parse(facts).at("deps").at(0).as_object();
  EXPECT_EQ(std::string(deps.at("realm").as_string()).rfind("ccci-", 0), 0u) << facts;
  for (const char* file : {"client_secret_file", "password_file"}) {
    std::filesystem::path secret(std::string(deps.at(file).as_string()));
    EXPECT_FALSE(secret.string().rfind(result.out_dir.string(), 0) == 0) << "a secret file inside OUT: " << secret;
    EXPECT_FALSE(std::filesystem::exists(secret)) << secret << " outlived the run";
  }
}

TEST_F(Dependencies, ADependencyThatNeverGetsHealthyIsRedInInstallAndTheAppIsNeverDeployed) {
  expected_deploys_ = 1;  // keycloak's; the app never
  RunResult result = run_with_specs("unit/e2e/specs-deps-never-ready");
  expect_red_in_install(result,
                        "dependency keycloak: `abra app deploy " + std::string(keycloak().at("domain").as_string()));
  EXPECT_FALSE(keycloak().at("deployed").as_bool()) << "abra's deploy of it failed: " << keycloak();
  EXPECT_FALSE(keycloak().at("ready").as_bool());
  EXPECT_FALSE(keycloak().at("provisioned").as_bool());
}

TEST_F(Dependencies, AProviderThatRefusesTheClientIsRedInInstallNamingTheProvisioningStep) {
  expected_deploys_ = 1;
  RunResult result = run_with_specs("unit/e2e/specs-deps-reject-clients");
  expect_red_in_install(result, "dependency keycloak: provisioning step 'create client' failed: keycloak answered 403");
  EXPECT_TRUE(keycloak().at("ready").as_bool()) << keycloak();
  EXPECT_FALSE(keycloak().at("provisioned").as_bool());
}

TEST_F(Dependencies, ARunKilledWhileItsDependencyDeploysIsReapedWithItByTheNextRun) {
  Watch watch;
  watch.after_line = "deploying keycloak at ";
  // Once the dep's stack has a service, SIGKILL: nothing of the run's own tears down.
  watch.capture = R"sh(
domain=$(sed -n 's/.*deploying keycloak at \([a-z0-9.-]*\).*/\1/p' "$CCCI_E2E_LOG" | head -n1)
stack=$(echo "$domain" | tr . _)
for attempt in $(seq 1 1200); do
  [ -n "$(docker service ls -q --filter "label=com.docker.stack.namespace=$stack")" ] && break
  sleep 0.05
done
kill -KILL "$CCCI_E2E_PID" && echo "$stack")sh";
  std::string dep_stack;
  RunResult killed = run_ccci_watched("fixture-sso", 1, watch, dep_stack);
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.output;
  ASSERT_TRUE(killed.plan.is_object()) << killed.output;
  ASSERT_EQ(dep_stack.rfind("keyc-", 0), 0u) << dep_stack << "\n" << killed.output;
  std::string run_id(killed.plan.at("run_id").as_string());
  wait_for_orphans(run_id);
  EXPECT_NE(leftovers_of(dep_stack), std::vector<std::string>{}) << "the killed run left its dependency running";

  RunResult next = checked(run_ccci("fixture-sso", 1));
  EXPECT_EQ(results().at("verdict").as_string(), "green") << next.output;
  EXPECT_NE(next.output.find("[reap] run " + run_id + ": removed service " + dep_stack + "_app"), std::string::npos)
      << next.output;
  EXPECT_EQ(leftovers_of(dep_stack), std::vector<std::string>{});
  EXPECT_EQ(leftovers_of_run(killed), std::vector<std::string>{});
}

}  // namespace
}  // namespace ccci::e2e
