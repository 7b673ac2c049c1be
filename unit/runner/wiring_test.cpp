#include "runner/wiring.hpp"

#include <gtest/gtest.h>

#include "runner/naming.hpp"

namespace ccci::runner {
namespace {

using namespace std::chrono_literals;

struct Wiring : ::testing::Test {
  Config config;
  RecipeSpec spec;
  Plan plan;
  harness::Environment child_env{{"PATH", "/usr/bin"}, {"HOME", "/home/ci"}};

  void SetUp() override {
    config.recipe = "fixture-web";
    config.pr = 1;
    config.src = "coop-cloud/fixture-web";
    config.git_base = "/repos";
    config.state_dir = "/var/lib/ccci";
    config.out = "/out";
    config.abra = "/usr/local/bin/abra";
    config.server = "swarm1";
    spec.env = {{"DOMAIN_ALIASES", "www"}};
    spec.health.path = "/healthz";
    spec.health.ok = {200, 204};
    spec.timeouts.deploy = 20min;
    spec.timeouts.backup = 7min;
    spec.timeouts.http = 90s;
    plan.run_id = "fixture-web-pr1-3a9c1e";
    plan.recipe = "fixture-web";
    plan.pr = 1;
    plan.src = "coop-cloud/fixture-web";
    plan.repo_url = "/repos/coop-cloud/fixture-web";
    plan.head_ref = "refs/pull/1/head";
    plan.head_commit = std::string(40, 'b');
    plan.base.source = BaseSource::target_branch;
    plan.base.branch = "main";
    plan.base.commit = std::string(40, 'a');
    plan.domain = "fixt-3a9c1e.ccci.test";
    plan.expected_deploy_count = 2;
  }
};

TEST_F(Wiring, PlanInputsCarryTheOverlayChecksWithTheirDescriptions) {
  ScriptCheck script;
  script.path = "checks/login.sh";
  spec.checks[Tier::custom].push_back({"login", script, {}});
  spec.not_applicable[Tier::backup] = "no data";
  spec.pinned_base = "1.0.0+1.0";
  config.stages = {Tier::install, Tier::custom};
  auto in = plan_inputs(config, spec, "3a9c1e");
  EXPECT_EQ(in.repo_url, "/repos/coop-cloud/fixture-web");
  EXPECT_EQ(in.nonce, "3a9c1e");
  EXPECT_EQ(in.stages, config.stages);
  EXPECT_EQ(in.not_applicable.at(Tier::backup), "no data");
  EXPECT_EQ(in.pinned_base, "1.0.0+1.0");
  ASSERT_EQ(in.overlay_checks.at(Tier::custom).size(), 1u);
  const auto& planned = in.overlay_checks.at(Tier::custom).front();
  EXPECT_EQ(planned.name, "login");
  EXPECT_EQ(planned.source, CheckSource::overlay);
  EXPECT_EQ(planned.description, describe(spec.checks[Tier::custom].front()));
}

TEST_F(Wiring, PlanInputsAndTheReportSayWhetherTheRecipeIsEnrolled) {
  spec.dir = "/ccci/recipes/fixture-web";
  auto enrolled = plan_inputs(config, spec, "3a9c1e");
  EXPECT_TRUE(enrolled.enrolled);
  EXPECT_EQ(enrolled.spec_file, "/ccci/recipes/fixture-web/recipe.yml");
  EXPECT_TRUE(report_head(plan, "").enrolled);

  spec.enrolled = false;
  EXPECT_FALSE(plan_inputs(config, spec, "3a9c1e").enrolled);
  plan.enrolled = false;
  EXPECT_FALSE(report_head(plan, "").enrolled);
}

TEST_F(Wiring, EachRunHasItsOwnAbraDirUnderTheStateDirMadeFromTheHostsAbraHome) {
  config.abra_dir = "/home/ci/.abra";
  EXPECT_EQ(run_abra_dir(config, plan), "/var/lib/ccci/abra/runs/fixture-web-pr1-3a9c1e")
      << "ABRA_DIR is the host's home, never where run homes are made";
  config.state_dir = "/scratch/ccci";
  EXPECT_EQ(run_abra_dir(config, plan), "/scratch/ccci/abra/runs/fixture-web-pr1-3a9c1e");
  auto homes = abra_homes(config, plan);
  EXPECT_EQ(homes.host, "/home/ci/.abra");
  EXPECT_EQ(homes.run, run_abra_dir(config, plan));
  EXPECT_EQ(homes.server, "swarm1");
}

TEST_F(Wiring, AbraGetsTheSpecsTimeoutsAndTheRunsRedactor) {
  harness::Redactor redactor;
  auto settings = abra_settings(config, spec, plan, child_env, redactor);
  EXPECT_EQ(settings.executable, "/usr/local/bin/abra");
  EXPECT_EQ(settings.abra_dir, run_abra_dir(config, plan));
  EXPECT_EQ(settings.server, "swarm1");
  EXPECT_EQ(settings.env, child_env);
  EXPECT_EQ(settings.timeouts.deploy, 20min);
  EXPECT_EQ(settings.timeouts.backup, 7min);
  EXPECT_EQ(settings.timeouts.command, harness::AbraTimeouts{}.command) << "not the spec's to set";
  EXPECT_EQ(settings.redactor, &redactor);
}

TEST_F(Wiring, TheDeploymentGetsThePlansHeadAndBaseAndTheSpecsHealthCheck) {
  auto settings = deployment_settings(config, spec, plan);
  EXPECT_EQ(settings.domain, plan.domain);
  EXPECT_EQ(settings.repo_url, plan.repo_url);
  EXPECT_EQ(settings.head_ref, plan.head_ref);
  EXPECT_EQ(settings.head_commit, plan.head_commit);
  EXPECT_EQ(settings.base.commit, plan.base.commit);
  EXPECT_EQ(settings.env_overlay, spec.env);
  EXPECT_EQ(settings.health_path, "/healthz");
  EXPECT_EQ(settings.health_ok, (std::vector<int>{200, 204}));
  EXPECT_EQ(settings.http_timeout, 90s);
  EXPECT_EQ(settings.evidence.out, "/out");
  EXPECT_EQ(settings.image_pull, ImagePull::missing);
  config.pull_images = false;
  EXPECT_EQ(deployment_settings(config, spec, plan).image_pull, ImagePull::never);
  EXPECT_TRUE(settings.upgrade_prune);
  spec.upgrade_prune = false;
  EXPECT_FALSE(deployment_settings(config, spec, plan).upgrade_prune) << "upgrade.prune reaches the deployment";
}

TEST_F(Wiring, ScriptsSeeTheGatewayAndCaOnlyWhenConfigured) {
  auto plain = step_facts(config, plan, child_env);
  EXPECT_EQ(plain.domain, plan.domain);
  EXPECT_EQ(plain.stack, "fixt-3a9c1e_ccci_test");
  EXPECT_EQ(plain.script_env, child_env);
  EXPECT_EQ(plain.app, plan.domain) << "abra names the app by its domain";
  EXPECT_EQ(plain.out, config.out);
  EXPECT_EQ(plain.admin.password, "") << "generated outside wiring, which stays pure";

  config.gateway_host = "127.0.0.1";
  EXPECT_EQ(step_facts(config, plan, child_env).script_env.at("CCCI_GATEWAY"), "127.0.0.1");
  config.gateway_port = 8443;
  config.ca_bundle = "/testbed/ca.pem";
  auto routed = step_facts(config, plan, child_env);
  EXPECT_EQ(routed.script_env.at("CCCI_GATEWAY"), "127.0.0.1:8443");
  EXPECT_EQ(routed.script_env.at("CCCI_CA_BUNDLE"), "/testbed/ca.pem");
  EXPECT_EQ(routed.script_env.at("PATH"), "/usr/bin");

  auto routing = http_routing(config);
  EXPECT_EQ(routing.gateway_host, "127.0.0.1");
  EXPECT_EQ(routing.gateway_port, 8443);
  EXPECT_EQ(routing.ca_bundle, "/testbed/ca.pem");
  EXPECT_EQ(docker_settings(child_env).env, child_env);
}

TEST_F(Wiring, TheRunsStacksAreTheAppsThenEachDependencysAsDeployed) {
  EXPECT_EQ(run_stacks(config, plan), std::vector<std::string>{"fixt-3a9c1e_ccci_test"});
  plan.deps = {"fixture-db"};
  config.domain_suffix = "ccci.test";
  auto stacks = run_stacks(config, plan);
  ASSERT_EQ(stacks.size(), 2u);
  EXPECT_EQ(stacks[1], harness::stack_name_for(dependency_domain("fixture-db", "fixture-web", "3a9c1e", "ccci.test")));
}

TEST_F(Wiring, TheReportStartsFromThePlanAndTakesWhatTheMachineFound) {
  RunReport report = report_head(plan, "2026-11-23T07:00:00Z");
  EXPECT_EQ(report.run_id, plan.run_id);
  EXPECT_EQ(report.recipe, "fixture-web");
  EXPECT_EQ(report.pr, 1);
  EXPECT_EQ(report.src, plan.src);
  EXPECT_EQ(report.head_ref, plan.head_ref);
  EXPECT_EQ(report.head_commit, plan.head_commit);
  EXPECT_EQ(report.base.source, BaseSource::target_branch);
  EXPECT_EQ(report.expected_deploy_count, 2);
  EXPECT_EQ(report.started_at, "2026-11-23T07:00:00Z");
  EXPECT_TRUE(report.tiers.empty());

  MachineResult result;
  result.tiers.push_back({Tier::install, TierStatus::pass, {}, {}, 3s});
  result.teardown.ran = true;
  result.teardown.clean = true;
  result.evidence.notes = {"none"};
  result.deploy_count = 2;
  result.infra_errors = {"deploy count 3 != expected 2"};
  result.interrupt_signal = 15;
  result.operations = {{"install", Tier::install, 2s}, {"teardown", std::nullopt, 1s}};
  record_machine_result(report, std::move(result), 42s);
  ASSERT_EQ(report.operations.size(), 2u);
  EXPECT_EQ(report.operations.front().name, "install");
  EXPECT_EQ(report.operations.back().duration, 1s);
  ASSERT_EQ(report.tiers.size(), 1u);
  EXPECT_EQ(report.tiers.front().status, TierStatus::pass);
  EXPECT_TRUE(report.teardown.clean);
  EXPECT_EQ(report.evidence.notes, (std::vector<std::string>{"none"}));
  EXPECT_EQ(report.deploy_count, 2);
  EXPECT_EQ(report.infra_errors.size(), 1u);
  EXPECT_EQ(report.interrupt_signal, 15);
  EXPECT_EQ(report.duration, 42s);
}

}  // namespace
}  // namespace ccci::runner
