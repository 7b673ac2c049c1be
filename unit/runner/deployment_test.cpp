// Deployment, the real Operations, against in-memory abra, docker, git and HTTP: the order of
// operations, image prepull policies, orphan pruning, backup coverage with re-runs, restore by
// this run's snapshot, the head_deployed check and teardown's escalation. The same code runs on
// the testbed in unit/e2e/lifecycle_test.cpp.
#include "runner/deployment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "harness/env_file.hpp"
#include "runner/convergence.hpp"
#include "runner/generic_checks.hpp"
#include "unit/fakes/fake_clock.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_git.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_steps.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::make_error;

constexpr const char* domain = "fixt-abc123.ccci.test";
constexpr const char* stack = "fixt-abc123_ccci_test";
constexpr const char* health = "https://fixt-abc123.ccci.test/health";
const std::string data_path = std::string("/var/lib/docker/volumes/") + stack + "_data/_data";

class DeploymentTest : public ::testing::Test {
 protected:
  DeploymentTest() : abra(dir.path() / "abra") {
    write_compose(R"(version: "3.8"
services:
  app:
    image: ccci/fixture:1.1
    volumes: [data:/data]
    deploy:
      labels:
        backupbot.backup: "true"
volumes:
  data:
)");
    docker.images = {"ccci/fixture:1.1"};
    docker.services = {{"id1", std::string(stack) + "_app", "replicated", "1/1", "ccci/fixture:1.1"}};
    docker.labels[std::string(stack) + "_app"] = {
        {std::string("coop-cloud.") + stack + ".chaos-version", "d0e96233+U"}};
    http.respond("GET", health, 200, "ok");
    settings.recipe = "fixture";
    settings.domain = domain;
    settings.repo_url = "/repos/fixture";
    settings.head_ref = "refs/pull/1/head";
    settings.head_commit = "d0e96233a8f940b3ac4a9f10da84b9a9c0a2686a";
    settings.base =
        UpgradeBase{BaseSource::target_branch, "", "da4fa07699b4c576b637ba9c8911d7ce8eb17b5d", "main", "tip of main"};
    settings.health_path = "/health";
    settings.image_pull = ImagePull::never;
    git.commits = {{"refs/pull/1/head", settings.head_commit},
                   {"refs/heads/main", settings.base.commit},
                   {"refs/tags/1.0.0+1.0", "abc"}};
  }

  void write_compose(const std::string& text) { dir.write("abra/recipes/fixture/compose.yml", text); }

  /// What install says of a base it could not deploy; nullopt when there was none.
  std::optional<std::string> not_deployable() {
    std::string why = deployment().base_outcome().not_deployable;
    if (why.empty()) return std::nullopt;
    return why;
  }

  Deployment& deployment() {
    if (!deployment_)
      deployment_ = std::make_unique<Deployment>(
          settings, DeploymentSeams{abra, docker, volume_files, git, http, clock, log, steps});
    return *deployment_;
  }

  CheckOutcome check(Tier tier, std::string_view name) {
    for (auto& outcome : deployment().run_checks(tier)) {
      if (outcome.name == name) return outcome;
    }
    ADD_FAILURE() << "no check " << name << " in " << to_string(tier);
    return {};
  }

  fakes::TempDir dir;
  fakes::FakeAbra abra;
  fakes::FakeDocker docker;
  fakes::FakeVolumeFiles volume_files;
  fakes::FakeGit git;
  fakes::FakeHttpClient http;
  fakes::FakeClock clock;
  std::ostringstream log_text;
  harness::Logger log{log_text};
  fakes::FakeRecipeSteps steps;
  DeploymentSettings settings;
  std::unique_ptr<Deployment> deployment_;
};

TEST_F(DeploymentTest, ValuesOfEnvKeysThatNameSecretsAreRedactedFromInstallOn) {
  settings.env_overlay = {{"SMTP_PASSWORD", "overlay-pass-4411"},
                          {"OIDC_CLIENT_SECRET", "client-secret-9911"},
                          {"S3_KEY", "s3-key-value-77"},
                          {"PAGE_TITLE", "not-a-secret-title"},
                          {"SECRET_DB_PASSWORD_VERSION", "v12345"}};
  ASSERT_TRUE(deployment().install().ok());
  EXPECT_EQ(log.redactor().redact("overlay-pass-4411 client-secret-9911 s3-key-value-77"),
            "******** ******** ********");
  EXPECT_EQ(log.redactor().redact("not-a-secret-title v12345"), "not-a-secret-title v12345")
      << "ordinary settings and secret versions stay readable";
}

TEST_F(DeploymentTest, InstallDeploysTheBaseOnceAfterSecretsAndPrepull) {
  ASSERT_TRUE(deployment().install().ok());
  EXPECT_EQ(git.calls.back(), "checkout " + abra.recipe_dir("fixture").string() + " refs/heads/main");
  EXPECT_EQ(abra.calls, (std::vector<std::string>{"app_new fixture chaos", "secret_generate_all", "deploy chaos"}));
  EXPECT_EQ(docker.calls.front(), "image_present ccci/fixture:1.1");
  EXPECT_EQ(deployment().deploy_count(), 1);
  EXPECT_EQ(http.count("GET", health), 1);
}

TEST_F(DeploymentTest, APinnedBaseIsCheckedOutAndDeployedAsThatRelease) {
  settings.base = UpgradeBase{BaseSource::pin, "1.0.0+1.0", "abc", "", "pinned in the spec"};
  ASSERT_TRUE(deployment().install().ok());
  EXPECT_FALSE(not_deployable());
  EXPECT_EQ(git.calls.back(), "checkout " + abra.recipe_dir("fixture").string() + " refs/tags/1.0.0+1.0");
  EXPECT_EQ(abra.calls.front(), "app_new fixture 1.0.0+1.0");
  EXPECT_EQ(abra.calls.back(), "deploy release 1.0.0+1.0");
}

TEST_F(DeploymentTest, WithoutABaseTheHeadIsInstalled) {
  settings.base = UpgradeBase{BaseSource::skip, "", "", "", "no main branch"};
  ASSERT_TRUE(deployment().install().ok());
  EXPECT_EQ(git.calls.back(), "checkout " + abra.recipe_dir("fixture").string() + " refs/pull/1/head");
}

TEST_F(DeploymentTest, TheSpecEnvOverlayIsWrittenIntoTheAppEnvBeforeDeploying) {
  settings.env_overlay = {{"ENABLE_BACKUPS", "true"}};
  ASSERT_TRUE(deployment().install().ok());
  auto env = harness::read_env_file(abra.app_env_path(domain));
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->values().at("ENABLE_BACKUPS"), "true");
  EXPECT_EQ(env->values().at("COMPOSE_FILE"), "compose.yml") << "the rest of the .env is kept";
}

TEST_F(DeploymentTest, AMissingImageFailsBeforeAnyDeployNamingTheImage) {
  docker.images.clear();
  auto installed = deployment().install();
  ASSERT_FALSE(installed.ok());
  EXPECT_EQ(installed.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(not_deployable(),
            "base main@da4fa07699b4 not deployable: the upgrade base needs image ccci/fixture:1.1, which is not on "
            "this host (images are never pulled here: CCCI_PULL=never)");
  EXPECT_EQ(installed.error().message,
            "the head needs image ccci/fixture:1.1, which is not on this host (images are never pulled here: "
            "CCCI_PULL=never)")
      << "the head, installed instead, needs it too";
  EXPECT_EQ(std::count(abra.calls.begin(), abra.calls.end(), "deploy chaos"), 0);
  EXPECT_EQ(deployment().deploy_count(), 0);
}

TEST_F(DeploymentTest, WithPullingOnAMissingImageIsPulledAndOneThatDoesNotExistFails) {
  settings.image_pull = ImagePull::missing;
  docker.images.clear();
  docker.pullable = {"ccci/fixture:1.1"};
  ASSERT_TRUE(deployment().install().ok());
  EXPECT_NE(std::find(docker.calls.begin(), docker.calls.end(), "image_pull ccci/fixture:1.1"), docker.calls.end());

  write_compose("services:\n  app:\n    image: ccci/fixture:9.9\n");
  auto upgraded = deployment().upgrade();
  ASSERT_FALSE(upgraded.ok());
  EXPECT_EQ(upgraded.error().kind, ErrorKind::check_failed);
  EXPECT_NE(upgraded.error().message.find("the head needs image ccci/fixture:9.9, which does not exist"),
            std::string::npos)
      << upgraded.error().message;
}

TEST_F(DeploymentTest, AFailedPullForAnotherReasonIsTheInfrastructures) {
  settings.image_pull = ImagePull::missing;
  docker.images.clear();
  docker.failures.emplace("image_pull", make_error(ErrorKind::infra, "registry unreachable"));
  auto installed = deployment().install();
  ASSERT_FALSE(installed.ok());
  EXPECT_EQ(installed.error().kind, ErrorKind::infra);
}

TEST_F(DeploymentTest, UpgradeRedeploysTheHeadInPlaceAndPrunesServicesItDropped) {
  ASSERT_TRUE(deployment().install().ok());
  docker.services.push_back({"id2", std::string(stack) + "_worker", "replicated", "1/1", "ccci/fixture:1.0"});
  ASSERT_TRUE(deployment().upgrade().ok());
  EXPECT_EQ(git.calls.back(), "checkout " + abra.recipe_dir("fixture").string() + " refs/pull/1/head");
  EXPECT_EQ(abra.calls.back(), "deploy chaos force");
  EXPECT_NE(std::find(docker.calls.begin(), docker.calls.end(), "service_rm " + std::string(stack) + "_worker"),
            docker.calls.end());
  EXPECT_EQ(deployment().deploy_count(), 1) << "an upgrade is not a new deployment";
  auto pruned = check(Tier::upgrade, generic::orphans_pruned);
  EXPECT_EQ(pruned.status, CheckStatus::pass);
  EXPECT_EQ(pruned.message, "pruned " + std::string(stack) + "_worker");
}

TEST_F(DeploymentTest, APruneThatCannotResolveTheHeadsComposeRemovesNothingAndOrphansPrunedSaysItCouldNotJudge) {
  ASSERT_TRUE(deployment().install().ok());
  docker.services.push_back({"id2", std::string(stack) + "_worker", "replicated", "1/1", "ccci/fixture:1.0"});
  // The head's compose loaded for the prepull; after the deploy ccci can no longer resolve it.
  abra.on_call = [&](const std::string& line) {
    if (line == "deploy chaos force") write_compose("services:\n  app:\n    image: ccci/fixture:${TAG:?no tag}\n");
  };
  ASSERT_TRUE(deployment().upgrade().ok()) << "not judging the orphans is no reason to fail the upgrade";
  EXPECT_EQ(std::count_if(docker.calls.begin(), docker.calls.end(),
                          [](const std::string& call) { return call.rfind("service_rm", 0) == 0; }),
            0)
      << "nothing was removed";
  EXPECT_EQ(docker.services.size(), 2u);
  auto pruned = check(Tier::upgrade, generic::orphans_pruned);
  EXPECT_EQ(pruned.status, CheckStatus::skip) << "it could not be judged, so it never passes";
  EXPECT_EQ(pruned.message.rfind("not pruning: ccci could not resolve the head's compose: ", 0), 0u) << pruned.message;
  EXPECT_NE(pruned.message.find("required variable TAG is missing a value"), std::string::npos) << pruned.message;
  EXPECT_TRUE(pruned.message.ends_with("; nothing was removed")) << pruned.message;
  EXPECT_NE(log_text.str().find(pruned.message), std::string::npos) << "the log says so too: " << log_text.str();
  EXPECT_EQ(check(Tier::upgrade, generic::head_images).status, CheckStatus::skip);
}

TEST_F(DeploymentTest, WithPruningOffNothingIsRemovedAndOrphansPrunedFailsNamingTheServiceLeft) {
  settings.upgrade_prune = false;
  ASSERT_TRUE(deployment().install().ok());
  docker.services.push_back({"id2", std::string(stack) + "_worker", "replicated", "1/1", "ccci/fixture:1.0"});
  ASSERT_TRUE(deployment().upgrade().ok());
  EXPECT_EQ(std::count_if(docker.calls.begin(), docker.calls.end(),
                          [](const std::string& call) { return call.rfind("service_rm", 0) == 0; }),
            0);
  auto left = check(Tier::upgrade, generic::orphans_pruned);
  EXPECT_EQ(left.status, CheckStatus::fail);
  EXPECT_EQ(left.message, "still running: " + std::string(stack) + "_worker (pruning is off: upgrade.prune false)");

  docker.services.pop_back();  // a head that dropped nothing
  auto none = check(Tier::upgrade, generic::orphans_pruned);
  EXPECT_EQ(none.status, CheckStatus::pass);
  EXPECT_EQ(none.message, "nothing to prune (pruning is off: upgrade.prune false)");
}

TEST_F(DeploymentTest, HeadImagesPassesWhenEveryHeadServiceRunsItsImageWithOneInspectForTheStack) {
  write_compose("services:\n  app:\n    image: ccci/fixture:1.1\n  db:\n    image: postgres:16\n");
  docker.images = {"ccci/fixture:1.1", "postgres:16"};
  docker.services = {{"id1", std::string(stack) + "_app", "replicated", "1/1", "ccci/fixture:1.1@sha256:5d41402a"},
                     {"id2", std::string(stack) + "_db", "replicated", "1/1", "docker.io/library/postgres:16"}};
  ASSERT_TRUE(deployment().install().ok());
  ASSERT_TRUE(deployment().upgrade().ok());
  docker.calls.clear();
  auto images = check(Tier::upgrade, generic::head_images);
  EXPECT_EQ(images.status, CheckStatus::pass) << images.message;
  EXPECT_EQ(images.message, "app runs ccci/fixture:1.1; db runs postgres:16");
  EXPECT_EQ(std::count(docker.calls.begin(), docker.calls.end(),
                       "service_images " + std::string(stack) + "_app " + std::string(stack) + "_db"),
            1);
}

TEST_F(DeploymentTest, HeadImagesFailsNamingWantedAndRunningImagesAndAHeadServiceNotInTheStack) {
  ASSERT_TRUE(deployment().install().ok());
  write_compose("services:\n  app:\n    image: ccci/fixture:1.1\n  worker:\n    image: ccci/worker:2\n");
  docker.images = {"ccci/fixture:1.1", "ccci/worker:2"};
  docker.services = {{"id1", std::string(stack) + "_app", "replicated", "1/1", "ccci/fixture:1.0@sha256:aa"},
                     {"id9", std::string(stack) + "_old", "replicated", "1/1", "ccci/old:1"}};
  // `old`, which the head does not define, is orphans_pruned's to judge, not this check's.
  auto images = check(Tier::upgrade, generic::head_images);
  EXPECT_EQ(images.status, CheckStatus::fail);
  EXPECT_EQ(images.message,
            "app: wanted ccci/fixture:1.1, running ccci/fixture:1.0@sha256:aa; worker: wanted "
            "ccci/worker:2, not running in " +
                std::string(stack));

  docker.failures.emplace("service_images", make_error(ErrorKind::infra, "docker service inspect timed out"));
  auto unknown = check(Tier::upgrade, generic::head_images);
  EXPECT_EQ(unknown.status, CheckStatus::error);
  EXPECT_EQ(unknown.message, "docker service inspect timed out");
}

// --- the head's new configuration -------------------------------------------------------------

class UpgradeEnvTest : public DeploymentTest {
 protected:
  UpgradeEnvTest() {
    git.files_at["refs/heads/main"][".env.sample"] = "TYPE=fixture\nCOMPOSE_FILE=compose.yml\nOLD_FLAG=1\n";
    git.files_at["refs/pull/1/head"][".env.sample"] =
        "TYPE=fixture\nCOMPOSE_FILE=compose.yml\n#DOCUMENTED=1\nGREETING=hello\nAPI_TOKEN=sample-token-31337\n"
        "SECRET_API_KEY_VERSION=v1 # length=48\n";
  }
  std::map<std::string, std::string> app_env() {
    auto env = harness::read_env_file(abra.app_env_path(domain));
    EXPECT_TRUE(env.ok()) << env.error().message;
    return env.ok() ? env->values() : std::map<std::string, std::string>{};
  }
};

TEST_F(UpgradeEnvTest, TheHeadsNewKeysAndSecretsAreAddedBeforeItsDeployAndRemovedKeysOnlyReported) {
  ASSERT_TRUE(deployment().install().ok());
  abra.calls.clear();
  ASSERT_TRUE(deployment().upgrade().ok());
  auto env = app_env();
  EXPECT_EQ(env["GREETING"], "hello");
  EXPECT_EQ(env["SECRET_API_KEY_VERSION"], "v1");
  EXPECT_EQ(env.count("DOCUMENTED"), 0u) << "a commented-out key is documentation";
  EXPECT_EQ(abra.calls, (std::vector<std::string>{"secret_generate_all", "deploy chaos force"}))
      << "the new secret is generated before the head's deploy";
  const auto& report = deployment().env_upgrade();
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->applied);
  EXPECT_EQ(report->added, (std::vector<std::string>{"GREETING", "API_TOKEN", "SECRET_API_KEY_VERSION"}));
  EXPECT_EQ(report->secrets, std::vector<std::string>{"api_key"});
  EXPECT_EQ(report->removed, std::vector<std::string>{"OLD_FLAG"});
  EXPECT_EQ(log.redactor().redact("sample-token-31337"), "********") << "a new key naming a secret is redacted";
}

TEST_F(UpgradeEnvTest, AKeyTheAppAlreadyHasKeepsItsValueAndTheSpecsUpgradeEnvWins) {
  settings.env_overlay = {{"GREETING", "from-the-spec"}};
  settings.upgrade_env = {{"API_TOKEN", "upgrade-env-token"}, {"EXTRA", "x"}};
  ASSERT_TRUE(deployment().install().ok());
  ASSERT_TRUE(deployment().upgrade().ok());
  auto env = app_env();
  EXPECT_EQ(env["GREETING"], "from-the-spec");
  EXPECT_EQ(env["API_TOKEN"], "upgrade-env-token");
  EXPECT_EQ(env["EXTRA"], "x");
  const auto& report = deployment().env_upgrade();
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->kept, std::vector<std::string>{"GREETING"});
  EXPECT_EQ(report->added, (std::vector<std::string>{"API_TOKEN", "SECRET_API_KEY_VERSION"}));
  EXPECT_EQ(report->spec_keys, (std::vector<std::string>{"API_TOKEN", "EXTRA"}));
}

TEST_F(UpgradeEnvTest, WithApplicationOffNothingIsWrittenOrGeneratedAndTheReportSaysWhat) {
  settings.upgrade_apply_env = false;
  settings.upgrade_env = {{"EXTRA", "x"}};
  ASSERT_TRUE(deployment().install().ok());
  abra.calls.clear();
  ASSERT_TRUE(deployment().upgrade().ok());
  auto env = app_env();
  EXPECT_EQ(env.count("GREETING"), 0u);
  EXPECT_EQ(env.count("EXTRA"), 0u);
  EXPECT_EQ(abra.calls, std::vector<std::string>{"deploy chaos force"});
  const auto& report = deployment().env_upgrade();
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->applied);
  EXPECT_EQ(report->added, (std::vector<std::string>{"GREETING", "API_TOKEN", "SECRET_API_KEY_VERSION"}));
  EXPECT_TRUE(report->spec_keys.empty());
}

TEST_F(UpgradeEnvTest, AHeadWhoseComposeRequiresAKeyItsSampleAddsFailsNamingItWhenNotApplied) {
  settings.upgrade_apply_env = false;
  ASSERT_TRUE(deployment().install().ok());
  write_compose(R"(version: "3.8"
services:
  app:
    image: ccci/fixture:1.1
    environment: ["GREETING=${GREETING:?set it}"]
)");
  auto upgraded = deployment().upgrade();
  ASSERT_FALSE(upgraded.ok());
  EXPECT_EQ(upgraded.error().kind, ErrorKind::check_failed);
  EXPECT_NE(upgraded.error().message.find("required variable GREETING is missing a value"), std::string::npos)
      << upgraded.error().message;
}

TEST_F(UpgradeEnvTest, AHeadSampleThatIsNoEnvFileIsTheHeadsFailureAndNothingIsWritten) {
  git.files_at["refs/pull/1/head"][".env.sample"] = "TYPE=fixture\n--force=1\nGREETING=hello\n";
  ASSERT_TRUE(deployment().install().ok());
  abra.calls.clear();
  auto upgraded = deployment().upgrade();
  ASSERT_FALSE(upgraded.ok());
  EXPECT_EQ(upgraded.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(upgraded.error().message.rfind("the head's .env.sample: ", 0), 0u) << upgraded.error().message;
  EXPECT_EQ(app_env().count("GREETING"), 0u);
  EXPECT_TRUE(abra.calls.empty()) << "nothing deployed";
}

TEST_F(UpgradeEnvTest, WithoutNewSecretsNoSecretIsGenerated) {
  git.files_at["refs/pull/1/head"][".env.sample"] = "TYPE=fixture\nCOMPOSE_FILE=compose.yml\nGREETING=hello\n";
  ASSERT_TRUE(deployment().install().ok());
  abra.calls.clear();
  ASSERT_TRUE(deployment().upgrade().ok());
  EXPECT_EQ(abra.calls, std::vector<std::string>{"deploy chaos force"});
  EXPECT_EQ(app_env()["GREETING"], "hello");
}

// --- deploy.converge: ccci --------------------------------------------------------------------

harness::ServiceRollout rollout(const std::string& state, const std::string& task_state,
                                const std::string& error = "") {
  return {std::string(stack) + "_app", state, "", {{std::string(stack) + "_app.1", "Running", task_state, error}}};
}

TEST_F(DeploymentTest, WithCcciConvergenceAbraSkipsItsChecksAndCcciWaitsForTheCurrentSpec) {
  settings.converge_checks = harness::ConvergeChecks::skip;
  docker.rollouts = {{rollout("", "Starting 1 second ago")}, {rollout("", "Running 1 second ago")}};
  ASSERT_TRUE(deployment().install().ok());
  EXPECT_EQ(abra.calls.back(), "deploy chaos no-converge-checks");
  EXPECT_EQ(std::count(docker.calls.begin(), docker.calls.end(), "service_rollouts " + std::string(stack) + "_app"), 2)
      << "a task in its start period is waited for";
  EXPECT_EQ(http.count("GET", health), 1) << "serving is asked only once the stack converged";

  docker.rollouts = {{rollout("updating", "Running 1 second ago")}, {rollout("completed", "Running 2 seconds ago")}};
  ASSERT_TRUE(deployment().upgrade().ok());
  EXPECT_EQ(abra.calls.back(), "deploy chaos force no-converge-checks");
  EXPECT_NE(log_text.str().find("deploy.converge: ccci"), std::string::npos);
}

TEST_F(DeploymentTest, AbrasOwnConvergenceIsTheDefaultAndCcciDoesNotLookAtRollouts) {
  ASSERT_TRUE(deployment().install().ok());
  ASSERT_TRUE(deployment().upgrade().ok());
  EXPECT_EQ(abra.calls.back(), "deploy chaos force");
  EXPECT_EQ(std::count_if(docker.calls.begin(), docker.calls.end(),
                          [](const std::string& call) { return call.rfind("service_rollouts", 0) == 0; }),
            0);
}

TEST_F(DeploymentTest, WithCcciConvergenceAHeadThatNeverConvergesFailsWithinTheDeployTimeout) {
  settings.converge_checks = harness::ConvergeChecks::skip;
  settings.deploy_timeout = std::chrono::minutes(3);
  ASSERT_TRUE(deployment().install().ok());
  docker.rollouts = {{rollout("paused", "Failed 2 seconds ago", "task: non-zero exit (1)")}};
  auto upgraded = deployment().upgrade();
  ASSERT_FALSE(upgraded.ok());
  EXPECT_EQ(upgraded.error().kind, ErrorKind::check_failed) << upgraded.error().message;
  EXPECT_NE(upgraded.error().message.find(
                "did not converge within 180s (what abra's deploy left of the spec's timeouts.deploy, 180s): "),
            std::string::npos)
      << upgraded.error().message;
  EXPECT_NE(upgraded.error().message.find("_app 0/1 of its current spec running (Failed 2 seconds ago: task: "
                                          "non-zero exit (1))"),
            std::string::npos)
      << upgraded.error().message;
  EXPECT_LE(clock.elapsed(), std::chrono::minutes(3) + std::chrono::seconds(2));
}

TEST_F(DeploymentTest, WithCcciConvergenceABaseThatNeverConvergesIsNotDeployable) {
  settings.converge_checks = harness::ConvergeChecks::skip;
  settings.base = UpgradeBase{BaseSource::pin, "1.0.0+1.0", "abc", "", "pinned in the spec"};
  docker.rollouts = {{rollout("rollback_completed", "Running 1 second ago")}};
  abra.on_call = [&](const std::string& call) {
    if (call == "deploy chaos no-converge-checks") docker.rollouts = {{rollout("", "Running 1 second ago")}};
  };
  auto installed = deployment().install();
  ASSERT_TRUE(installed.ok()) << installed.error().message;
  ASSERT_TRUE(not_deployable());
  EXPECT_NE(
      not_deployable()->find("swarm rolled the update of " + std::string(stack) + "_app back (rollback_completed)"),
      std::string::npos)
      << *not_deployable();
}

TEST_F(DeploymentTest, AChaosInstallRefusesACheckoutAnAbraCommandMovedOffTheHead) {
  settings.base = UpgradeBase{BaseSource::skip, "", "", "", "no main branch"};
  abra.on_call = [&](const std::string& line) {
    if (line.rfind("app_new", 0) == 0) git.head = "0badc0de0badc0de0badc0de0badc0de0badc0de";  // to the .env's version
  };
  auto installed = deployment().install();
  ASSERT_FALSE(installed.ok());
  EXPECT_EQ(installed.error().kind, ErrorKind::infra);
  EXPECT_EQ(installed.error().message,
            "the recipe checkout is at 0badc0de0badc0de0badc0de0badc0de0badc0de, ccci prepared "
            "d0e96233a8f940b3ac4a9f10da84b9a9c0a2686a: an abra command moved it");
  EXPECT_EQ(std::count_if(abra.calls.begin(), abra.calls.end(),
                          [](const std::string& call) { return call.rfind("deploy", 0) == 0; }),
            0)
      << "nothing is deployed from a moved checkout";
}

TEST_F(DeploymentTest, AChaosInstallOfTheHeadDeploysWhenTheCheckoutStayedPut) {
  settings.base = UpgradeBase{BaseSource::skip, "", "", "", "no main branch"};
  abra.on_call = [&](const std::string&) {};  // abra leaves the checkout alone
  ASSERT_TRUE(deployment().install().ok());
  EXPECT_EQ(abra.calls.back(), "deploy chaos");
}

TEST_F(DeploymentTest, AChaosInstallOfATargetBranchBaseIsVerifiedAgainstTheBaseCommit) {
  abra.on_call = [&](const std::string& line) {
    if (line == "secret_generate_all") git.head = settings.head_commit;
  };
  auto installed = deployment().install();
  ASSERT_FALSE(installed.ok()) << "the head where the base was checked out is a moved checkout too";
  EXPECT_NE(installed.error().message.find("ccci prepared da4fa07699b4c576b637ba9c8911d7ce8eb17b5d"), std::string::npos)
      << installed.error().message;
}

TEST_F(DeploymentTest, TheUpgradeRefusesACheckoutMovedBeforeItsDeploy) {
  ASSERT_TRUE(deployment().install().ok());
  git.commits["refs/pull/1/head"] = "0badc0de0badc0de0badc0de0badc0de0badc0de";
  auto upgraded = deployment().upgrade();
  ASSERT_FALSE(upgraded.ok());
  EXPECT_EQ(upgraded.error().kind, ErrorKind::infra);
  EXPECT_NE(upgraded.error().message.find("an abra command moved it"), std::string::npos);
  EXPECT_EQ(abra.calls.back(), "deploy chaos") << "only the install's deploy happened";
}

TEST_F(DeploymentTest, AnInstallOfTheHeadChecksTheHeadWasDeployedAndAnInstallOfTheBaseDoesNot) {
  auto names = [&] {
    std::vector<std::string> out;
    for (const auto& outcome : deployment().run_checks(Tier::install)) out.push_back(outcome.name);
    return out;
  };
  ASSERT_TRUE(deployment().install().ok());
  EXPECT_EQ(names(), (std::vector<std::string>{"services_converged", "serving_https"}));

  settings.base = UpgradeBase{BaseSource::skip, "", "", "", "no main branch"};
  deployment_.reset();
  ASSERT_TRUE(deployment().install().ok());
  EXPECT_EQ(names(), (std::vector<std::string>{"head_deployed", "services_converged", "serving_https"}));
  EXPECT_EQ(check(Tier::install, generic::head_deployed).status, CheckStatus::pass);
}

TEST_F(DeploymentTest, ABaseAbraCannotDeployIsRemovedAndTheHeadInstalledOnAFreshApp) {
  settings.base = UpgradeBase{BaseSource::pin, "1.0.0+1.0", "abc", "", "pinned in the spec"};
  abra.failures.emplace("deploy release 1.0.0+1.0",
                        make_error(ErrorKind::check_failed, "abra app deploy failed: FATA lint error R014"));
  auto installed = deployment().install();
  ASSERT_TRUE(installed.ok()) << installed.error().message;
  EXPECT_EQ(abra.calls, (std::vector<std::string>{"app_new fixture 1.0.0+1.0", "secret_generate_all",
                                                  "deploy release 1.0.0+1.0", "undeploy", "remove",
                                                  "app_new fixture chaos", "secret_generate_all", "deploy chaos"}));
  EXPECT_EQ(git.calls.back(), "checkout " + abra.recipe_dir("fixture").string() + " refs/pull/1/head");
  EXPECT_EQ(not_deployable(), "base 1.0.0+1.0 not deployable: abra app deploy failed: FATA lint error R014");
  EXPECT_EQ(deployment().deploy_count(), 2);
  EXPECT_EQ(check(Tier::install, generic::head_deployed).status, CheckStatus::pass)
      << "the install is the head's now, and checked as such";
  EXPECT_NE(log_text.str().find("installing the head (chaos) on a fresh app instead"), std::string::npos);
}

TEST_F(DeploymentTest, ABaseWhoseImageIsMissingIsNotDeployableEither) {
  settings.base = UpgradeBase{BaseSource::pin, "1.0.0+1.0", "abc", "", "pinned in the spec"};
  docker.images.clear();
  auto installed = deployment().install();
  ASSERT_FALSE(installed.ok()) << "the head needs the same image here";
  ASSERT_TRUE(not_deployable());
  EXPECT_NE(not_deployable()->find("base 1.0.0+1.0 not deployable: the upgrade base needs image"), std::string::npos);
  EXPECT_NE(installed.error().message.find("the head needs image ccci/fixture:1.1"), std::string::npos)
      << installed.error().message;
}

TEST_F(DeploymentTest, InfrastructureTroubleDeployingTheBaseStaysAnErrorAndNoHeadIsInstalled) {
  settings.base = UpgradeBase{BaseSource::pin, "1.0.0+1.0", "abc", "", "pinned in the spec"};
  abra.failures.emplace("deploy release 1.0.0+1.0",
                        make_error(ErrorKind::infra, "cannot connect to the docker daemon"));
  auto installed = deployment().install();
  ASSERT_FALSE(installed.ok());
  EXPECT_EQ(installed.error().kind, ErrorKind::infra);
  EXPECT_FALSE(not_deployable());
  EXPECT_EQ(abra.calls.back(), "deploy release 1.0.0+1.0") << "no second app";
}

TEST_F(DeploymentTest, ABaseThatCannotBeRemovedIsAnInfrastructureErrorBeforeTheHead) {
  settings.base = UpgradeBase{BaseSource::pin, "1.0.0+1.0", "abc", "", "pinned in the spec"};
  abra.failures.emplace("deploy release 1.0.0+1.0", make_error(ErrorKind::check_failed, "FATA lint error R014"));
  docker.residues = {harness::Residue{{std::string(stack) + "_app"}, {}, {}, {}, {}, {}}};
  auto installed = deployment().install();
  ASSERT_FALSE(installed.ok());
  EXPECT_EQ(installed.error().kind, ErrorKind::infra);
  EXPECT_NE(installed.error().message.find("removing it before installing again failed"), std::string::npos)
      << installed.error().message;
  EXPECT_EQ(std::count(abra.calls.begin(), abra.calls.end(), "app_new fixture chaos"), 0);
}

UpgradeBase last_green_base(const std::string& main_tip) {
  return UpgradeBase{BaseSource::last_green,     "1.2.0+1.2", "abc", "", "the newest version that passed every tier",
                     BranchTip{"main", main_tip}};
}

TEST_F(DeploymentTest, ALastGreenVersionThatNoLongerDeploysFallsThroughToTheBranchTipSayingWhy) {
  settings.base = last_green_base(git.commits.at("refs/heads/main"));
  git.commits["refs/tags/1.2.0+1.2"] = "abc";
  abra.failures.emplace("deploy release 1.2.0+1.2", make_error(ErrorKind::check_failed, "image ccci/fixture:1.2 gone"));
  auto installed = deployment().install();
  ASSERT_TRUE(installed.ok()) << installed.error().message;
  EXPECT_EQ(abra.calls, (std::vector<std::string>{"app_new fixture 1.2.0+1.2", "secret_generate_all",
                                                  "deploy release 1.2.0+1.2", "undeploy", "remove",
                                                  "app_new fixture chaos", "secret_generate_all", "deploy chaos"}));
  EXPECT_EQ(git.calls.back(), "checkout " + abra.recipe_dir("fixture").string() + " refs/heads/main");
  BaseOutcome outcome = deployment().base_outcome();
  EXPECT_EQ(outcome.base.source, BaseSource::target_branch);
  EXPECT_EQ(outcome.base.commit, git.commits.at("refs/heads/main"));
  EXPECT_EQ(outcome.base.reason, "tip of main (last-green 1.2.0+1.2 not deployable: image ccci/fixture:1.2 gone)");
  EXPECT_EQ(outcome.not_deployable, "") << "the run has a base: the tip of main";
  EXPECT_EQ(outcome.abandoned_deploys, 1);
  EXPECT_EQ(deployment().deploy_count(), 2);
  EXPECT_NE(log_text.str().find("last-green 1.2.0+1.2 not deployable: image ccci/fixture:1.2 gone; the upgrade base is "
                                "now main@da4fa07699b4"),
            std::string::npos)
      << log_text.str();
}

TEST_F(DeploymentTest, WhenTheBranchTipALastGreenBaseFellBackToFailsTooTheHeadIsInstalled) {
  settings.base = last_green_base(git.commits.at("refs/heads/main"));
  docker.images.clear();  // neither base nor head can be deployed: nothing is, and no image is pulled
  auto installed = deployment().install();
  ASSERT_FALSE(installed.ok());
  BaseOutcome outcome = deployment().base_outcome();
  EXPECT_EQ(outcome.base.source, BaseSource::target_branch);
  EXPECT_EQ(
      outcome.base.reason.rfind("tip of main (last-green 1.2.0+1.2 not deployable: the upgrade base needs image", 0),
      0u)
      << outcome.base.reason;
  EXPECT_EQ(outcome.not_deployable.rfind("base main@da4fa07699b4 not deployable: the upgrade base needs image", 0), 0u)
      << outcome.not_deployable;
  EXPECT_EQ(outcome.abandoned_deploys, 0) << "a missing image stops each try before its deploy";
  EXPECT_EQ(deployment().deploy_count(), 0);
}

TEST_F(DeploymentTest, ALastGreenBaseWhoseBranchTipIsTheHeadFallsThroughToNoBase) {
  settings.base = last_green_base(settings.head_commit);
  abra.failures.emplace("deploy release 1.2.0+1.2", make_error(ErrorKind::check_failed, "image gone"));
  ASSERT_TRUE(deployment().install().ok());
  BaseOutcome outcome = deployment().base_outcome();
  EXPECT_EQ(outcome.base.source, BaseSource::skip);
  EXPECT_EQ(outcome.base.reason.rfind("base equals head: nothing to upgrade from (target-branch main is ", 0), 0u)
      << outcome.base.reason;
  EXPECT_EQ(git.calls.back(), "checkout " + abra.recipe_dir("fixture").string() + " refs/pull/1/head");
  EXPECT_EQ(abra.calls.back(), "deploy chaos");
}

TEST_F(DeploymentTest, ABranchTipWithoutAComposeFileIsNoBaseAndTheHeadIsInstalled) {
  git.absent_at["refs/heads/main"] = {"compose.yml"};
  std::ifstream compose(abra.recipe_dir("fixture") / "compose.yml");
  git.files_at["refs/pull/1/head"]["compose.yml"] = std::string(std::istreambuf_iterator<char>(compose), {});
  ASSERT_TRUE(deployment().install().ok());
  BaseOutcome outcome = deployment().base_outcome();
  EXPECT_EQ(outcome.base.source, BaseSource::skip);
  EXPECT_EQ(outcome.base.reason, "main@da4fa07699b4 has no compose.yml: nothing to upgrade from");
  EXPECT_EQ(outcome.not_deployable, "") << "nothing published is no broken base";
  EXPECT_EQ(abra.calls, (std::vector<std::string>{"app_new fixture chaos", "secret_generate_all", "deploy chaos"}));
  EXPECT_EQ(deployment().deploy_count(), 1);
  EXPECT_EQ(check(Tier::install, generic::head_deployed).status, CheckStatus::pass);
}

TEST_F(DeploymentTest, HeadDeployedComparesTheChaosVersionIgnoringAbrasDirtyMark) {
  auto deployed = check(Tier::upgrade, generic::head_deployed);
  EXPECT_EQ(deployed.status, CheckStatus::pass);
  EXPECT_EQ(deployed.message, "chaos-version d0e96233+U");

  settings.head_commit = "1234567890abcdef1234567890abcdef12345678";
  deployment_.reset();
  auto other = check(Tier::upgrade, generic::head_deployed);
  EXPECT_EQ(other.status, CheckStatus::fail);
  EXPECT_EQ(other.message, "deployed chaos-version d0e96233+U, expected the head 12345678");
}

TEST_F(DeploymentTest, ServingChecksFailOnAWrongStatusAndErrOnAnUnreachableGateway) {
  // Answers in turn: 200 (scripted by the fixture), 502, then no connection.
  http.respond("GET", health, 502, "bad gateway");
  http.fail("GET", health, ErrorKind::infra, "could not connect to the gateway");
  EXPECT_EQ(check(Tier::install, generic::serving_https).status, CheckStatus::pass);
  auto failing = check(Tier::install, generic::serving_https);
  EXPECT_EQ(failing.status, CheckStatus::fail);
  EXPECT_EQ(failing.message, std::string(health) + " answered 502; body \"bad gateway\"");
  EXPECT_EQ(failing.detail, "bad gateway");
  auto unreachable = check(Tier::install, generic::serving_https);
  EXPECT_EQ(unreachable.status, CheckStatus::error) << "the gateway is the harness's side, not the recipe's";
  EXPECT_EQ(unreachable.message, "could not connect to the gateway");
}

TEST_F(DeploymentTest, AnInstallThatNeverServesFailsAfterTheHttpTimeout) {
  fakes::FakeHttpClient down;
  down.respond("GET", health, 503, "starting");
  Deployment never(settings, DeploymentSeams{abra, docker, volume_files, git, down, clock, log, steps});
  auto installed = never.install();
  ASSERT_FALSE(installed.ok());
  EXPECT_GE(clock.elapsed(), settings.http_timeout);
  EXPECT_LT(clock.elapsed(), settings.http_timeout + std::chrono::seconds(5));
}

TEST_F(DeploymentTest, BackupVerifiesCoverageAndReRunsTheWholeBackupWhenAPathIsMissing) {
  ASSERT_TRUE(deployment().install().ok());
  abra.listings = {{"/secrets/app"}, {data_path + "/marker", data_path}};
  ASSERT_TRUE(deployment().backup().ok());
  EXPECT_EQ(std::count(abra.calls.begin(), abra.calls.end(), "backup_create"), 2);
  auto coverage = check(Tier::backup, generic::snapshot_covers_volumes);
  EXPECT_EQ(coverage.status, CheckStatus::pass);
  EXPECT_EQ(coverage.message,
            "snapshot snap2 covers " + data_path + " at attempt 2 of 3; attempt 1 (snapshot snap1) missed " + data_path)
      << "the retry is reported, not only its result";

  ASSERT_TRUE(deployment().restore().ok());
  EXPECT_EQ(abra.calls.back(), "restore snap2") << "restore names this run's snapshot, never 'latest'";
}

TEST_F(DeploymentTest, BackupMissingAPathEveryTimeFailsCoverageNamingIt) {
  ASSERT_TRUE(deployment().install().ok());
  abra.listings = {{"/secrets/app"}};
  ASSERT_TRUE(deployment().backup().ok());
  EXPECT_EQ(std::count(abra.calls.begin(), abra.calls.end(), "backup_create"), settings.backup_attempts);
  auto coverage = check(Tier::backup, generic::snapshot_covers_volumes);
  EXPECT_EQ(coverage.status, CheckStatus::fail);
  EXPECT_EQ(coverage.message, "snapshot snap3 lacks " + data_path +
                                  " after 3 backups; attempt 1 (snapshot snap1) missed " + data_path +
                                  "; attempt 2 (snapshot snap2) missed " + data_path +
                                  "; attempt 3 (snapshot snap3) missed " + data_path);
}

TEST_F(DeploymentTest, BackupAsksAgainOnlyOnceTheStackHasSettledAfterAMissedAttempt) {
  ASSERT_TRUE(deployment().install().ok());
  abra.listings = {{"/secrets/app"}, {data_path}};
  std::vector<size_t> docker_calls_at_create;
  abra.on_call = [&](const std::string& line) {
    if (line == "backup_create") docker_calls_at_create.push_back(docker.calls.size());
  };
  ASSERT_TRUE(deployment().backup().ok());
  ASSERT_EQ(docker_calls_at_create.size(), 2u);
  auto between = std::vector<std::string>(docker.calls.begin() + static_cast<long>(docker_calls_at_create[0]),
                                          docker.calls.begin() + static_cast<long>(docker_calls_at_create[1]));
  EXPECT_NE(std::find(between.begin(), between.end(), std::string("service_ls ") + stack), between.end())
      << "the stack is looked at between the attempts";
}

TEST_F(DeploymentTest, BackupNeverAsksAgainWhileTheServiceItMissedIsBeingReplaced) {
  ASSERT_TRUE(deployment().install().ok());
  abra.listings = {{"/secrets/app"}, {data_path}};
  // The first attempt's snapshot lacks the volume because swarm is replacing its container.
  abra.on_call = [&](const std::string& line) {
    if (line.rfind("backup_list", 0) == 0) docker.services.front().replicas = "0/1";
  };
  auto backed_up = deployment().backup();
  ASSERT_FALSE(backed_up.ok());
  EXPECT_EQ(backed_up.error().kind, ErrorKind::timeout);
  EXPECT_NE(backed_up.error().message.find("after backup attempt 1 missed " + data_path), std::string::npos)
      << backed_up.error().message;
  EXPECT_NE(backed_up.error().message.find(std::string(stack) + "_app 0/1"), std::string::npos)
      << backed_up.error().message;
  EXPECT_EQ(std::count(abra.calls.begin(), abra.calls.end(), "backup_create"), 1) << "never asked unsettled";
  EXPECT_GE(clock.elapsed(), settle_before_backup);
}

const harness::Error backupbot_409{
    ErrorKind::check_failed,
    "abra app backup create exited 1:\nFATA docker.errors.APIError: 409 Client Error for "
    "http+docker://localhost/v1.47/containers/x_app/exec: Conflict (\"container x_app is not running\")"};

TEST_F(DeploymentTest, BackupWaitsForTheStackToSettleAndRetriesA409NamingItInTheMessage) {
  ASSERT_TRUE(deployment().install().ok());
  abra.listings = {{data_path}};
  abra.backup_create_errors = {backupbot_409, backupbot_409};
  ASSERT_TRUE(deployment().backup().ok());
  EXPECT_EQ(std::count(abra.calls.begin(), abra.calls.end(), "backup_create"), 3);
  auto coverage = check(Tier::backup, generic::snapshot_covers_volumes);
  EXPECT_EQ(coverage.status, CheckStatus::pass);
  EXPECT_EQ(coverage.message,
            "snapshot snap1 covers " + data_path + " (backupbot answered 409 twice; the third attempt succeeded)");
}

TEST_F(DeploymentTest, BackupWaitsUntilEveryServiceRunsItsReplicasBeforeAskingBackupbot) {
  ASSERT_TRUE(deployment().install().ok());
  docker.services.front().replicas = "0/1";
  auto backed_up = deployment().backup();
  ASSERT_FALSE(backed_up.ok());
  EXPECT_EQ(backed_up.error().kind, ErrorKind::timeout);
  EXPECT_NE(backed_up.error().message.find(std::string(stack) + "_app 0/1"), std::string::npos)
      << backed_up.error().message;
  EXPECT_EQ(std::count(abra.calls.begin(), abra.calls.end(), "backup_create"), 0) << "never asked unsettled";
}

TEST_F(DeploymentTest, BackupA409ThatOutlastsTheBoundIsInfrastructureNaming409) {
  ASSERT_TRUE(deployment().install().ok());
  abra.backup_create_errors = std::deque<harness::Error>(10, backupbot_409);
  auto backed_up = deployment().backup();
  ASSERT_FALSE(backed_up.ok());
  EXPECT_EQ(backed_up.error().kind, ErrorKind::infra);
  EXPECT_NE(backed_up.error().message.find("409"), std::string::npos);
  EXPECT_EQ(std::count(abra.calls.begin(), abra.calls.end(), "backup_create"), backup_conflict_bound.attempts);
}

TEST_F(DeploymentTest, BackupFailureOtherThan409IsNotRetried) {
  ASSERT_TRUE(deployment().install().ok());
  abra.backup_create_errors = {harness::Error{ErrorKind::check_failed, "FATA hook failed in x_app: exit 1"}};
  auto backed_up = deployment().backup();
  ASSERT_FALSE(backed_up.ok());
  EXPECT_EQ(backed_up.error().kind, ErrorKind::check_failed);
  EXPECT_EQ(std::count(abra.calls.begin(), abra.calls.end(), "backup_create"), 1);
}

TEST_F(DeploymentTest, BackupOfARecipeWithoutBackupLabelsFailsSayingHowToMarkItNa) {
  write_compose("services:\n  app:\n    image: ccci/fixture:1.1\n");
  ASSERT_TRUE(deployment().install().ok());
  auto backed_up = deployment().backup();
  ASSERT_FALSE(backed_up.ok());
  EXPECT_EQ(backed_up.error().kind, ErrorKind::check_failed);
  EXPECT_NE(backed_up.error().message.find("mark the backup tier n/a"), std::string::npos);
}

TEST_F(DeploymentTest, RestoreWithoutASnapshotOfThisRunIsAnInfrastructureError) {
  auto restored = deployment().restore();
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.error().kind, ErrorKind::infra);
}

TEST_F(DeploymentTest, TeardownUndeploysRemovesAndVerifiesNothingIsLeft) {
  ASSERT_TRUE(deployment().install().ok());
  auto teardown = deployment().teardown();
  EXPECT_TRUE(teardown.ran);
  EXPECT_TRUE(teardown.clean);
  EXPECT_EQ(abra.calls.back(), "remove");
  EXPECT_EQ(abra.calls[abra.calls.size() - 2], "undeploy");
  EXPECT_FALSE(std::filesystem::exists(abra.recipe_dir("fixture"))) << "the run's checkout is removed";
}

TEST_F(DeploymentTest, TeardownEscalatesToDockerWhenAbraLeavesSomething) {
  ASSERT_TRUE(deployment().install().ok());
  harness::Residue left;
  left.volumes = {std::string(stack) + "_data"};
  left.secrets = {std::string(stack) + "_db_password_v1"};
  // Empty while undeploy waits for containers, then abra's leftovers, then clean.
  docker.residues = {harness::Residue{}, left, harness::Residue{}};
  auto teardown = deployment().teardown();
  EXPECT_TRUE(teardown.clean);
  EXPECT_NE(std::find(docker.calls.begin(), docker.calls.end(), "volume_rm " + std::string(stack) + "_data"),
            docker.calls.end());
  EXPECT_NE(std::find(docker.calls.begin(), docker.calls.end(), "secret_rm " + std::string(stack) + "_db_password_v1"),
            docker.calls.end());
  EXPECT_NE(teardown.message.find("removed with docker"), std::string::npos) << teardown.message;
}

TEST_F(DeploymentTest, ResidueThatWillNotGoMakesTeardownUncleanListingIt) {
  ASSERT_TRUE(deployment().install().ok());
  harness::Residue stuck;
  stuck.networks = {std::string(stack) + "_internal"};
  docker.residues = {harness::Residue{}, stuck};
  auto teardown = deployment().teardown();
  EXPECT_FALSE(teardown.clean);
  EXPECT_EQ(teardown.residue, std::vector<std::string>{std::string(stack) + "_internal"});
  EXPECT_EQ(teardown.message, "teardown left networks: " + std::string(stack) + "_internal");
}

TEST_F(DeploymentTest, TeardownKeepsToItsBudgetThenForcesRemovalByIdentityAndNamesWhatStayed) {
  settings.teardown_budget = std::chrono::minutes(1);
  ASSERT_TRUE(deployment().install().ok());
  harness::Residue stuck;  // a service that never stops, its container with it
  stuck.services = {std::string(stack) + "_app"};
  stuck.containers = {std::string(stack) + "_app.1.x7k2"};
  docker.residues = {stuck};
  auto start = clock.now();
  auto teardown = deployment().teardown();
  auto spent = clock.now() - start;
  EXPECT_FALSE(teardown.clean);
  EXPECT_EQ(abra.calls.back(), "undeploy") << "abra's remove waits on a stack that never stopped";
  EXPECT_NE(teardown.message.find("the teardown's budget of 60s ran out before abra's remove"), std::string::npos)
      << teardown.message;
  auto called = [&](const std::string& line) {
    return std::find(docker.calls.begin(), docker.calls.end(), line) != docker.calls.end();
  };
  EXPECT_TRUE(called("service_rm " + std::string(stack) + "_app"));
  EXPECT_TRUE(called("container_rm " + std::string(stack) + "_app.1.x7k2")) << "forced once the wait ran out";
  EXPECT_EQ(teardown.residue,
            (std::vector<std::string>{std::string(stack) + "_app", std::string(stack) + "_app.1.x7k2"}));
  EXPECT_GE(spent, std::chrono::minutes(1) + forced_removal_floor);
  EXPECT_LT(spent, std::chrono::minutes(1) + forced_removal_floor + std::chrono::seconds(5));
}

TEST_F(DeploymentTest, AContainerThatOutlivesItsServiceIsForcedBeforeTheVolumesGo) {
  settings.teardown_budget = std::chrono::minutes(1);
  ASSERT_TRUE(deployment().install().ok());
  harness::Residue lingering;
  lingering.containers = {std::string(stack) + "_app.1.x7k2"};
  lingering.volumes = {std::string(stack) + "_data"};
  // The container outlives undeploy, remove and docker's wait: forced, before the volume's removal.
  docker.residues = {lingering};
  auto teardown = deployment().teardown();
  auto at = [&](const std::string& line) { return std::find(docker.calls.begin(), docker.calls.end(), line); };
  ASSERT_NE(at("container_rm " + std::string(stack) + "_app.1.x7k2"), docker.calls.end());
  EXPECT_LT(at("container_rm " + std::string(stack) + "_app.1.x7k2"), at("volume_rm " + std::string(stack) + "_data"));
}

TEST_F(DeploymentTest, TeardownThatCannotQueryDockerIsNeverClean) {
  docker.failures.emplace("stack_residue", make_error(ErrorKind::infra, "Cannot connect to the Docker daemon"));
  auto teardown = deployment().teardown();
  EXPECT_FALSE(teardown.clean);
  EXPECT_EQ(teardown.message, "could not verify teardown: cannot list what stack " + std::string(stack) +
                                  " holds: Cannot connect to the Docker daemon");
  EXPECT_TRUE(abra.calls.empty()) << "no app was created, so abra has nothing to remove";
}

}  // namespace
}  // namespace ccci::runner
