#include "harness/docker.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "unit/fakes/fake_process.hpp"

namespace ccci::harness {
namespace {

using fakes::exited;
using fakes::FakeProcessRunner;
using Argv = std::vector<std::string>;

constexpr const char* stack = "app1_ci_example_net";

struct DockerFixture : ::testing::Test {
  FakeProcessRunner runner;
  std::unique_ptr<DockerDriver> docker = make_docker_driver(runner, settings());

  static DockerSettings settings() {
    DockerSettings s;
    s.executable = "/usr/bin/docker";
    s.env = {{"DOCKER_HOST", "unix:///run/docker.sock"}};
    s.timeout = std::chrono::seconds(7);
    s.pull_timeout = std::chrono::seconds(70);
    return s;
  }
};

const char* const service_ls_json =
    R"({"ID":"k2x9","Image":"nginx:1.27.2","Mode":"replicated","Name":"app1_ci_example_net_app","Ports":"","Replicas":"1/1"})"
    "\n"
    R"({"ID":"p7q1","Image":"postgres:16","Mode":"global","Name":"app1_ci_example_net_db","Ports":"","Replicas":"0/1"})"
    "\n";

// --- services --------------------------------------------------------------------------------

TEST_F(DockerFixture, ServiceLsFiltersOnTheStackNamespaceAndParsesJsonRows) {
  runner.on({"/usr/bin/docker", "service", "ls"}, exited(0, service_ls_json));
  auto services = docker->service_ls(stack);
  ASSERT_TRUE(services.ok()) << services.error().message;
  EXPECT_EQ(runner.argvs(),
            (std::vector<Argv>{{"/usr/bin/docker", "service", "ls", "--filter",
                                "label=com.docker.stack.namespace=app1_ci_example_net", "--format", "{{json .}}"}}));
  auto command = runner.commands().front();
  EXPECT_EQ(command.env.at("DOCKER_HOST"), "unix:///run/docker.sock");
  EXPECT_EQ(command.timeout, std::chrono::seconds(7));
  ASSERT_EQ(services->size(), 2u);
  EXPECT_EQ((*services)[0].name, "app1_ci_example_net_app");
  EXPECT_EQ((*services)[0].id, "k2x9");
  EXPECT_EQ((*services)[0].image, "nginx:1.27.2");
  EXPECT_EQ((*services)[1].mode, "global");
  EXPECT_EQ((*services)[1].replicas, "0/1");
}

TEST(DockerParsing, MalformedServiceLsIsInfrastructureWithTheRawTail) {
  auto broken = parse_service_ls("{\"Name\": \"x\", \"Replicas\": \n");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().kind, ErrorKind::infra);
  EXPECT_NE(broken.error().message.find("\"Replicas\":"), std::string::npos) << broken.error().message;
  auto not_rows = parse_service_ls("[1, 2]\n");
  ASSERT_FALSE(not_rows.ok());
  EXPECT_EQ(not_rows.error().kind, ErrorKind::infra);
  auto missing_field = parse_service_ls("{\"Name\": \"x\"}\n");
  ASSERT_FALSE(missing_field.ok());
  EXPECT_EQ(missing_field.error().kind, ErrorKind::infra);
  auto empty = parse_service_ls("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST_F(DockerFixture, ServiceLabelsAreReadFromTheSpec) {
  runner.on({"/usr/bin/docker", "service", "inspect"},
            exited(0, R"({"coop-cloud.app1_ci_example_net.version":"1.2.0+3.4.5",)"
                      R"("coop-cloud.app1_ci_example_net.chaos":"true",)"
                      R"("coop-cloud.app1_ci_example_net.chaos-version":"8a026066+U"})"
                      "\n"));
  auto labels = docker->service_labels("app1_ci_example_net_app");
  ASSERT_TRUE(labels.ok()) << labels.error().message;
  EXPECT_EQ(runner.argvs().front(), (Argv{"/usr/bin/docker", "service", "inspect", "--format", "{{json .Spec.Labels}}",
                                          "app1_ci_example_net_app"}));
  EXPECT_EQ(labels->size(), 3u);
  EXPECT_EQ(labels->at("coop-cloud.app1_ci_example_net.chaos-version"), "8a026066+U");
}

TEST(DockerParsing, ServiceWithoutLabelsPrintsNull) {
  auto labels = parse_labels("null\n");
  ASSERT_TRUE(labels.ok());
  EXPECT_TRUE(labels->empty());
  auto not_strings = parse_labels(R"({"a": 1})");
  ASSERT_FALSE(not_strings.ok());
  EXPECT_EQ(not_strings.error().kind, ErrorKind::infra);
  EXPECT_FALSE(parse_labels("Error: garbage").ok());
}

TEST_F(DockerFixture, LabelsOfAMissingServiceAreNotFound) {
  runner.on({"/usr/bin/docker", "service", "inspect"}, exited(1, "\n", "Error: no such service: nope_app\n"));
  auto labels = docker->service_labels("nope_app");
  ASSERT_FALSE(labels.ok());
  EXPECT_EQ(labels.error().kind, ErrorKind::not_found);
  EXPECT_NE(labels.error().message.find("no such service"), std::string::npos);
}

TEST_F(DockerFixture, StackConvergesWhenEveryServiceRunsAllItsReplicas) {
  runner.once({"/usr/bin/docker", "service", "ls"}, exited(0, service_ls_json));
  auto partly = docker->stack_services_converged(stack);
  ASSERT_TRUE(partly.ok()) << partly.error().message;
  EXPECT_FALSE(*partly);

  runner.once({"/usr/bin/docker", "service", "ls"},
              exited(0, R"({"Name":"app1_ci_example_net_app","Replicas":"2/2"})"
                        "\n"
                        R"j({"Name":"app1_ci_example_net_db","Replicas":"1/1 (max 1 per node)"})j"
                        "\n"));
  auto converged = docker->stack_services_converged(stack);
  ASSERT_TRUE(converged.ok()) << converged.error().message;
  EXPECT_TRUE(*converged);

  runner.on({"/usr/bin/docker", "service", "ls"}, exited(0, ""));
  auto nothing = docker->stack_services_converged(stack);
  ASSERT_TRUE(nothing.ok());
  EXPECT_FALSE(*nothing);
}

TEST(DockerParsing, ReplicaCounts) {
  EXPECT_TRUE(*replicas_converged("3/3"));
  EXPECT_TRUE(*replicas_converged("0/0"));
  EXPECT_FALSE(*replicas_converged("2/1"));
  EXPECT_FALSE(*replicas_converged("0/1 (max 1 per node)"));
  EXPECT_FALSE(replicas_converged("").ok());
  EXPECT_FALSE(replicas_converged("/1").ok());
  EXPECT_FALSE(replicas_converged("one/1").ok());
  auto counted = parse_replicas("2/3 (max 1 per node)");
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted->running, 2);
  EXPECT_EQ(counted->desired, 3);
  EXPECT_FALSE(parse_replicas("-1/1").ok());
  EXPECT_FALSE(parse_replicas("1/99999999999999999999").ok()) << "too large for an int: an error, not a wrap";
}

const char* const inspect_json = R"([
  {"ID": "k2x9", "Spec": {"Name": "app1_ci_example_net_app", "Labels": {}}},
  {"ID": "p7q1", "Spec": {"Name": "app1_ci_example_net_db"},
   "UpdateStatus": {"State": "paused", "StartedAt": "2026-11-30T20:31:44Z",
                    "Message": "update paused due to failure or early termination of task x"}},
  {"ID": "q3r5", "Spec": {"Name": "app1_ci_example_net_cron"}, "UpdateStatus": null}
])";

// As docker 28 printed them on the testbed (`--format '{{json .}}'`), a stop-first update under way.
const char* const tasks_json =
    R"json({"CurrentState":"Ready 2 seconds ago","DesiredState":"Ready","Error":"","ID":"691w","Image":"app:2","Name":"app1_ci_example_net_app.1","Node":"vm","Ports":""})json"
    "\n"
    R"json({"CurrentState":"Failed 9 seconds ago","DesiredState":"Shutdown","Error":"task: non-zero exit (1)","ID":"b911","Image":"db:1","Name":"app1_ci_example_net_db.1","Node":"vm","Ports":""})json"
    "\n";

TEST_F(DockerFixture, RolloutsAreOneInspectAndOnePsOfTheCurrentSpecsTasks) {
  runner.on({"/usr/bin/docker", "service", "inspect"}, exited(0, inspect_json));
  runner.on({"/usr/bin/docker", "service", "ps"}, exited(0, tasks_json));
  std::vector<std::string> names{"app1_ci_example_net_db", "app1_ci_example_net_app", "app1_ci_example_net_cron"};
  auto rollouts = docker->service_rollouts(names);
  ASSERT_TRUE(rollouts.ok()) << rollouts.error().message;
  EXPECT_EQ(runner.argvs(),
            (std::vector<Argv>{{"/usr/bin/docker", "service", "inspect", names[0], names[1], names[2]},
                               {"/usr/bin/docker", "service", "ps", "--no-trunc", "--filter", "_up-to-date=true",
                                "--format", "{{json .}}", names[0], names[1], names[2]}}));
  ASSERT_EQ(rollouts->size(), 3u);
  EXPECT_EQ((*rollouts)[0].name, names[0]) << "in the order asked";
  EXPECT_EQ((*rollouts)[0].update_state, "paused");
  EXPECT_EQ((*rollouts)[0].update_message, "update paused due to failure or early termination of task x");
  ASSERT_EQ((*rollouts)[0].current_tasks.size(), 1u);
  EXPECT_EQ((*rollouts)[0].current_tasks[0].error, "task: non-zero exit (1)");
  EXPECT_EQ((*rollouts)[1].update_state, "") << "never updated";
  ASSERT_EQ((*rollouts)[1].current_tasks.size(), 1u);
  EXPECT_EQ((*rollouts)[1].current_tasks[0].desired, "Ready");
  EXPECT_EQ((*rollouts)[1].current_tasks[0].current, "Ready 2 seconds ago");
  EXPECT_EQ((*rollouts)[2].update_state, "") << "UpdateStatus null";
  EXPECT_TRUE((*rollouts)[2].current_tasks.empty());
}

TEST_F(DockerFixture, RolloutsOfNoServiceSpawnNothingAndOfAHostileNameNeither) {
  EXPECT_TRUE(docker->service_rollouts({}).ok());
  auto hostile = docker->service_rollouts({"ok_name", "--format=x"});
  ASSERT_FALSE(hostile.ok());
  EXPECT_EQ(hostile.error().kind, ErrorKind::usage);
  EXPECT_TRUE(runner.argvs().empty());
}

TEST(DockerParsing, MalformedInspectOrTasksAreInfrastructure) {
  EXPECT_EQ(parse_update_states("{}").error().kind, ErrorKind::infra) << "not an array";
  EXPECT_EQ(parse_update_states(R"([{"ID": "x"}])").error().kind, ErrorKind::infra) << "no Spec.Name";
  EXPECT_EQ(parse_tasks(R"({"Name": "a.1", "DesiredState": "Running"})").error().kind, ErrorKind::infra)
      << "no CurrentState";
  EXPECT_EQ(parse_tasks("[").error().kind, ErrorKind::infra);
  EXPECT_TRUE(parse_tasks("\n").ok());
}

// What `docker service inspect` prints, cut to the fields ccci reads (and one it ignores).
const char* const images_json = R"json([
  {"ID": "k2x9", "Spec": {"Name": "app1_ci_example_net_app", "Labels": {},
   "TaskTemplate": {"ContainerSpec": {"Image": "ccci/fixture-web:1.1@sha256:5d41402abc4b2a76b9719d911017c592ae1c3f6a8e3fbc1d0f2d6a3e9b7c8d01", "Args": []}}}},
  {"ID": "p7q1", "Spec": {"Name": "app1_ci_example_net_db",
   "TaskTemplate": {"ContainerSpec": {"Image": "postgres:16"}}}}
])json";

TEST_F(DockerFixture, ServiceImagesAreOneInspectOfEveryNamedServicesSpec) {
  runner.on({"/usr/bin/docker", "service", "inspect"}, exited(0, images_json));
  std::vector<std::string> names{"app1_ci_example_net_app", "app1_ci_example_net_db"};
  auto images = docker->service_images(names);
  ASSERT_TRUE(images.ok()) << images.error().message;
  EXPECT_EQ(runner.argvs(), (std::vector<Argv>{{"/usr/bin/docker", "service", "inspect", names[0], names[1]}}));
  EXPECT_EQ(images->at(names[0]),
            "ccci/fixture-web:1.1@sha256:5d41402abc4b2a76b9719d911017c592ae1c3f6a8e3fbc1d0f2d6a3e9b7c8d01")
      << "as the spec holds it, digest included";
  EXPECT_EQ(images->at(names[1]), "postgres:16");
}

TEST_F(DockerFixture, ServiceImagesOfAMissingServiceAreNotFoundAndOfNoServiceSpawnNothing) {
  EXPECT_TRUE(docker->service_images({}).ok());
  EXPECT_TRUE(runner.argvs().empty());
  runner.on({"/usr/bin/docker", "service", "inspect"}, exited(1, "[]\n", "Error: no such service: nope_app\n"));
  auto images = docker->service_images({"nope_app"});
  ASSERT_FALSE(images.ok());
  EXPECT_EQ(images.error().kind, ErrorKind::not_found);
  auto hostile = docker->service_images({"--format={{.}}"});
  ASSERT_FALSE(hostile.ok());
  EXPECT_EQ(hostile.error().kind, ErrorKind::usage);
  EXPECT_EQ(runner.argvs().size(), 1u) << "a hostile name never reaches docker";
}

TEST(DockerParsing, MalformedServiceImagesAreInfrastructure) {
  EXPECT_EQ(parse_service_images("{}").error().kind, ErrorKind::infra) << "not an array";
  EXPECT_EQ(parse_service_images(R"([{"Spec": {"Name": "a"}}])").error().kind, ErrorKind::infra) << "no image";
  EXPECT_EQ(parse_service_images(R"([{"Spec": {"Name": "a", "TaskTemplate": {"ContainerSpec": {"Image": 3}}}}])")
                .error()
                .kind,
            ErrorKind::infra)
      << "an image that is no string";
  EXPECT_EQ(parse_service_images(R"([{"Spec": {"TaskTemplate": {"ContainerSpec": {"Image": "x"}}}}])").error().kind,
            ErrorKind::infra)
      << "no name";
  EXPECT_FALSE(parse_service_images("Error: garbage").ok());
  ASSERT_TRUE(parse_service_images("[]").ok());
}

TEST(DockerImages, ARunningImageMatchesItsComposeNameWhateverDockerAppendedOrSpelledOut) {
  EXPECT_TRUE(runs_image("ccci/fixture-web:1.1", "ccci/fixture-web:1.1"));
  EXPECT_TRUE(runs_image("ccci/fixture-web:1.1", "ccci/fixture-web:1.1@sha256:5d41402a")) << "a resolved digest";
  EXPECT_TRUE(runs_image("nginx", "nginx:latest@sha256:5d41402a")) << "the default tag";
  EXPECT_TRUE(runs_image("nginx:1.27", "docker.io/library/nginx:1.27"));
  EXPECT_TRUE(runs_image("index.docker.io/team/app:2", "team/app:2"));
  EXPECT_TRUE(runs_image("registry.example:5000/app:3", "registry.example:5000/app:3@sha256:aa"));
  EXPECT_TRUE(runs_image("nginx:1.27@sha256:aa", "nginx:1.27@sha256:aa"));
}

TEST(DockerImages, AnotherTagRepositoryRegistryOrPinnedDigestIsAnotherImage) {
  EXPECT_FALSE(runs_image("ccci/fixture-web:1.1", "ccci/fixture-web:1.0"));
  EXPECT_FALSE(runs_image("ccci/fixture-web:1.1", "ccci/fixture-web:1.1-rc"));
  EXPECT_FALSE(runs_image("ccci/fixture-web:1.1", "ccci/fixture-db:1.1"));
  EXPECT_FALSE(runs_image("nginx", "nginx:1.27"));
  EXPECT_FALSE(runs_image("registry.example:5000/app:3", "app:3"));
  EXPECT_FALSE(runs_image("localhost/app:3", "app:3"));
  EXPECT_FALSE(runs_image("nginx:1.27@sha256:aa", "nginx:1.27@sha256:bb")) << "a digest the compose file pins";
  EXPECT_FALSE(runs_image("nginx:1.27@sha256:aa", "nginx:1.27"));
}

TEST(DockerParsing, ATasksServiceIsItsNameUpToTheLastDot) {
  EXPECT_EQ(task_service("app1_ci_example_net_app.1"), "app1_ci_example_net_app");
  EXPECT_EQ(task_service("s_web.v2.3"), "s_web.v2") << "a service name may hold a dot";
  EXPECT_EQ(task_service("s_agent.kz3m1b7tq"), "s_agent") << "a global service's task names the node";
  EXPECT_EQ(task_service("nodot"), "nodot");
}

// --- the engine, networks, labelled services ----------------------------------------------------

TEST_F(DockerFixture, EngineFactsAreOneDockerInfoLine) {
  runner.on({"/usr/bin/docker", "info"}, exited(0, "28.0.1\tactive\ttrue\t/var/lib/docker\n"));
  auto facts = docker->engine_facts();
  ASSERT_TRUE(facts.ok()) << facts.error().message;
  EXPECT_EQ(runner.argvs(), (std::vector<Argv>{{"/usr/bin/docker", "info", "--format",
                                                "{{.ServerVersion}}\t{{.Swarm.LocalNodeState}}\t{{.Swarm."
                                                "ControlAvailable}}\t{{.DockerRootDir}}"}}));
  EXPECT_EQ(facts->version, "28.0.1");
  EXPECT_EQ(facts->swarm_state, "active");
  EXPECT_TRUE(facts->manager);
  EXPECT_EQ(facts->data_root, "/var/lib/docker");
  EXPECT_FALSE(parse_engine_facts("28.0.1\tactive\n").ok()) << "too few fields";
  EXPECT_FALSE(parse_engine_facts("\tactive\ttrue\t/x\n").ok()) << "no version";
}

TEST_F(DockerFixture, EngineUnreachableIsInfrastructureQuotingDocker) {
  runner.on({"/usr/bin/docker", "info"},
            exited(1, "", "Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?"));
  auto facts = docker->engine_facts();
  ASSERT_FALSE(facts.ok());
  EXPECT_EQ(facts.error().kind, ErrorKind::infra);
  EXPECT_NE(facts.error().message.find("Cannot connect"), std::string::npos);
}

TEST_F(DockerFixture, NetworkFactsAreItsDriverAndAttachabilityAndAMissingOneIsNotFound) {
  runner.once({"/usr/bin/docker", "network", "inspect"}, exited(0, "overlay\ttrue\n"));
  runner.once({"/usr/bin/docker", "network", "inspect"}, exited(1, "[]", "Error: No such network: edge"));
  auto proxy = docker->network_facts("proxy");
  ASSERT_TRUE(proxy.ok()) << proxy.error().message;
  EXPECT_EQ(proxy->driver, "overlay");
  EXPECT_TRUE(proxy->attachable);
  EXPECT_EQ(runner.argvs().front(),
            (Argv{"/usr/bin/docker", "network", "inspect", "--format", "{{.Driver}}\t{{.Attachable}}", "proxy"}));
  EXPECT_EQ(docker->network_facts("edge").error().kind, ErrorKind::not_found);
  EXPECT_EQ(docker->network_facts("--format=x").error().kind, ErrorKind::usage);
  EXPECT_EQ(runner.argvs().size(), 2u) << "a hostile name never reaches docker";
}

TEST_F(DockerFixture, ServicesLabelledListsNamesOfAnyStack) {
  runner.on({"/usr/bin/docker", "service", "ls"}, exited(0, "backups_app\nother_app\n"));
  auto names = docker->services_labelled("coop-cloud.backupbot.enabled=true");
  ASSERT_TRUE(names.ok()) << names.error().message;
  EXPECT_EQ(*names, (std::vector<std::string>{"backups_app", "other_app"}));
  EXPECT_EQ(runner.argvs().front(), (Argv{"/usr/bin/docker", "service", "ls", "--filter",
                                          "label=coop-cloud.backupbot.enabled=true", "--format", "{{.Name}}"}));
}

TEST_F(DockerFixture, ServiceRmTakesAllNamesAndToleratesOnesAlreadyGone) {
  runner.on({"/usr/bin/docker", "service", "rm"},
            exited(1, "app1_ci_example_net_app\n", "Error: No such service: app1_ci_example_net_db\n"));
  ASSERT_TRUE(docker->service_rm({"app1_ci_example_net_app", "app1_ci_example_net_db"}).ok());
  EXPECT_EQ(runner.argvs().front(),
            (Argv{"/usr/bin/docker", "service", "rm", "app1_ci_example_net_app", "app1_ci_example_net_db"}));
}

TEST_F(DockerFixture, RemovingNothingSpawnsNothing) {
  EXPECT_TRUE(docker->service_rm({}).ok());
  EXPECT_TRUE(docker->volume_rm({}).ok());
  EXPECT_TRUE(docker->secret_rm({}).ok());
  EXPECT_TRUE(docker->network_rm({}).ok());
  EXPECT_TRUE(docker->config_rm({}).ok());
  EXPECT_TRUE(runner.commands().empty());
}

TEST_F(DockerFixture, SecretInUseIsAnInfrastructureErrorTheCallerRetries) {
  runner.on({"/usr/bin/docker", "secret", "rm"},
            exited(1, "",
                   "Error response from daemon: rpc error: code = InvalidArgument desc = secret "
                   "'app1_ci_example_net_db_password_v1' is in use by the following service: x\n"));
  auto status = docker->secret_rm({"app1_ci_example_net_db_password_v1"});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::infra);
  EXPECT_NE(status.error().message.find("is in use"), std::string::npos);
}

TEST_F(DockerFixture, TeardownRemovalsUseOneCommandPerKind) {
  ASSERT_TRUE(docker->stack_rm(stack).ok());
  ASSERT_TRUE(docker->volume_rm({"app1_ci_example_net_data"}).ok());
  ASSERT_TRUE(docker->secret_rm({"app1_ci_example_net_db_password_v1"}).ok());
  ASSERT_TRUE(docker->config_rm({"app1_ci_example_net_entrypoint_v4"}).ok());
  ASSERT_TRUE(docker->network_rm({"app1_ci_example_net_default"}).ok());
  EXPECT_EQ(runner.argvs(), (std::vector<Argv>{
                                {"/usr/bin/docker", "stack", "rm", stack},
                                {"/usr/bin/docker", "volume", "rm", "app1_ci_example_net_data"},
                                {"/usr/bin/docker", "secret", "rm", "app1_ci_example_net_db_password_v1"},
                                {"/usr/bin/docker", "config", "rm", "app1_ci_example_net_entrypoint_v4"},
                                {"/usr/bin/docker", "network", "rm", "app1_ci_example_net_default"},
                            }));
}

TEST_F(DockerFixture, StackRmOfAStackAlreadyGoneSucceeds) {
  runner.on({"/usr/bin/docker", "stack", "rm"}, exited(1, "", "Nothing found in stack: app1_ci_example_net\n"));
  EXPECT_TRUE(docker->stack_rm(stack).ok());
}

// --- images ----------------------------------------------------------------------------------

TEST_F(DockerFixture, ImagePresenceIsAnsweredByImageInspect) {
  runner.on({"/usr/bin/docker", "image", "inspect", "--format", "{{.Id}}", "nginx:1.27.2"}, exited(0, "sha256:abc\n"));
  runner.on({"/usr/bin/docker", "image", "inspect", "--format", "{{.Id}}", "nginx:9.9"},
            exited(1, "[]\n", "Error response from daemon: No such image: nginx:9.9\n"));
  auto present = docker->image_present("nginx:1.27.2");
  auto absent = docker->image_present("nginx:9.9");
  ASSERT_TRUE(present.ok());
  ASSERT_TRUE(absent.ok()) << absent.error().message;
  EXPECT_TRUE(*present);
  EXPECT_FALSE(*absent);
}

TEST_F(DockerFixture, ImageInspectWithoutADaemonIsInfrastructure) {
  runner.on({"/usr/bin/docker", "image", "inspect"},
            exited(1, "",
                   "Cannot connect to the Docker daemon at unix:///run/docker.sock. Is the docker "
                   "daemon running?\n"));
  auto present = docker->image_present("nginx:1.27.2");
  ASSERT_FALSE(present.ok());
  EXPECT_EQ(present.error().kind, ErrorKind::infra);
}

TEST_F(DockerFixture, PullingAnImageTheRegistryLacksIsNotFound) {
  runner.on({"/usr/bin/docker", "image", "pull"},
            exited(1, "", "Error response from daemon: manifest for ghcr.io/x/app:9.9 not found: manifest unknown\n"));
  auto status = docker->image_pull("ghcr.io/x/app:9.9");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::not_found);
  EXPECT_EQ(runner.argvs().front(), (Argv{"/usr/bin/docker", "image", "pull", "ghcr.io/x/app:9.9"}));
  EXPECT_EQ(runner.commands().front().timeout, std::chrono::seconds(70));
}

TEST_F(DockerFixture, PullFailingOnTheNetworkIsInfrastructureAndASlowPullATimeout) {
  runner.once({"/usr/bin/docker", "image", "pull"},
              exited(1, "", "Error response from daemon: Get \"https://ghcr.io/v2/\": dial tcp: i/o timeout\n"));
  auto network = docker->image_pull("ghcr.io/x/app:1.0");
  ASSERT_FALSE(network.ok());
  EXPECT_EQ(network.error().kind, ErrorKind::infra);

  runner.on({"/usr/bin/docker", "image", "pull"}, fakes::timed_out());
  auto slow = docker->image_pull("ghcr.io/x/app:1.0");
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().kind, ErrorKind::timeout);
}

// --- containers ------------------------------------------------------------------------------

TEST_F(DockerFixture, ContainerForServiceIsTheNewestRunningTask) {
  runner.on({"/usr/bin/docker", "ps"}, exited(0, "c0ffee01\nc0ffee00\n"));
  auto container = docker->container_for_service("app1_ci_example_net_db");
  ASSERT_TRUE(container.ok()) << container.error().message;
  EXPECT_EQ(*container, "c0ffee01");
  EXPECT_EQ(runner.argvs().front(),
            (Argv{"/usr/bin/docker", "ps", "--filter", "label=com.docker.swarm.service.name=app1_ci_example_net_db",
                  "--filter", "status=running", "--format", "{{.ID}}"}));
}

TEST_F(DockerFixture, ServiceWithoutARunningContainerIsNotFound) {
  runner.on({"/usr/bin/docker", "ps"}, exited(0, ""));
  auto container = docker->container_for_service("app1_ci_example_net_db");
  ASSERT_FALSE(container.ok());
  EXPECT_EQ(container.error().kind, ErrorKind::not_found);
}

TEST_F(DockerFixture, ExecReportsTheCommandsExitStatusWithoutTurningItIntoAnError) {
  runner.on({"/usr/bin/docker", "exec"}, exited(2, "", "pg_isready: server is not running\n"));
  auto completion = docker->exec("c0ffee01", {"pg_isready", "-U", "postgres"}, std::chrono::seconds(5));
  ASSERT_TRUE(completion.ok()) << completion.error().message;
  EXPECT_EQ(completion->exit_code, 2);
  EXPECT_EQ(runner.argvs().front(), (Argv{"/usr/bin/docker", "exec", "c0ffee01", "pg_isready", "-U", "postgres"}));
  EXPECT_EQ(runner.commands().front().timeout, std::chrono::seconds(5));
}

TEST_F(DockerFixture, ExecIntoAContainerThatIsGoneIsNotFound) {
  runner.on({"/usr/bin/docker", "exec"}, exited(1, "", "Error response from daemon: No such container: c0ffee01\n"));
  auto completion = docker->exec("c0ffee01", {"true"}, std::chrono::seconds(5));
  ASSERT_FALSE(completion.ok());
  EXPECT_EQ(completion.error().kind, ErrorKind::not_found);
}

// --- residue ---------------------------------------------------------------------------------

TEST_F(DockerFixture, LabelResidueListsAllSixKinds) {
  runner.on({"/usr/bin/docker", "volume", "ls"}, exited(0, "app1_ci_example_net_data\n"));
  auto residue = docker->label_residue("ccci.run=r42");
  ASSERT_TRUE(residue.ok()) << residue.error().message;
  auto argvs = runner.argvs();  // the six queries run concurrently, in no particular order
  std::sort(argvs.begin(), argvs.end());
  EXPECT_EQ(argvs, (std::vector<Argv>{
                       {"/usr/bin/docker", "config", "ls", "--filter", "label=ccci.run=r42", "--format", "{{.Name}}"},
                       {"/usr/bin/docker", "network", "ls", "--filter", "label=ccci.run=r42", "--format", "{{.Name}}"},
                       {"/usr/bin/docker", "ps", "-a", "--filter", "label=ccci.run=r42", "--format", "{{.Names}}"},
                       {"/usr/bin/docker", "secret", "ls", "--filter", "label=ccci.run=r42", "--format", "{{.Name}}"},
                       {"/usr/bin/docker", "service", "ls", "--filter", "label=ccci.run=r42", "--format", "{{.Name}}"},
                       {"/usr/bin/docker", "volume", "ls", "--filter", "label=ccci.run=r42", "--format", "{{.Name}}"},
                   }));
  EXPECT_EQ(residue->volumes, (std::vector<std::string>{"app1_ci_example_net_data"}));
  EXPECT_FALSE(residue->empty());
  EXPECT_EQ(residue->describe(), "volumes: app1_ci_example_net_data");
}

TEST_F(DockerFixture, StackResidueJoinsNamespaceLabelAndNamePrefix) {
  const std::string label = "label=com.docker.stack.namespace=app1_ci_example_net";
  const std::string name = "name=app1_ci_example_net_";
  runner.on({"/usr/bin/docker", "secret", "ls", "--filter", label}, exited(0, "app1_ci_example_net_db_password_v1\n"));
  // abra creates secrets by name, without the namespace label; docker's name filter matches
  // substrings, so an unrelated "x_app1_ci_example_net_…" must not count.
  runner.on({"/usr/bin/docker", "secret", "ls", "--filter", name},
            exited(0,
                   "app1_ci_example_net_db_password_v1\napp1_ci_example_net_admin_key_v1\n"
                   "x_app1_ci_example_net_admin_key_v1\n"));
  runner.on({"/usr/bin/docker", "ps", "-a", "--filter", name}, exited(0, "app1_ci_example_net_app.1.k2x9abc\n"));
  auto residue = docker->stack_residue(stack);
  ASSERT_TRUE(residue.ok()) << residue.error().message;
  EXPECT_EQ(runner.commands().size(), 12u);
  EXPECT_EQ(residue->secrets,
            (std::vector<std::string>{"app1_ci_example_net_admin_key_v1", "app1_ci_example_net_db_password_v1"}));
  EXPECT_EQ(residue->containers, (std::vector<std::string>{"app1_ci_example_net_app.1.k2x9abc"}));
  EXPECT_TRUE(residue->services.empty());
  EXPECT_EQ(residue->describe(),
            "containers: app1_ci_example_net_app.1.k2x9abc; secrets: app1_ci_example_net_admin_key_v1, "
            "app1_ci_example_net_db_password_v1");
}

TEST_F(DockerFixture, ResidueQueryFailingIsAnErrorNeverAnEmptyResidue) {
  runner.on({"/usr/bin/docker", "network", "ls"}, exited(1, "", "error during connect: EOF\n"));
  auto residue = docker->stack_residue(stack);
  ASSERT_FALSE(residue.ok());
  EXPECT_EQ(residue.error().kind, ErrorKind::infra);
}

TEST_F(DockerFixture, DockerMissingIsInfrastructure) {
  runner.on({"/usr/bin/docker"}, make_error(ErrorKind::not_found, "/usr/bin/docker: no such file"));
  auto services = docker->service_ls(stack);
  ASSERT_FALSE(services.ok());
  EXPECT_EQ(services.error().kind, ErrorKind::infra);
}

TEST_F(DockerFixture, DockerCallTimingOutIsATimeout) {
  runner.on({"/usr/bin/docker", "service", "ls"}, fakes::timed_out());
  auto services = docker->service_ls(stack);
  ASSERT_FALSE(services.ok());
  EXPECT_EQ(services.error().kind, ErrorKind::timeout);
}

// --- validation ------------------------------------------------------------------------------

TEST_F(DockerFixture, HostileNamesNeverReachDocker) {
  const std::vector<std::string> hostile{"", "-f", "--all", "a b", "x\ny", "name;rm", "$(id)", "a\x1b[0m"};
  for (const auto& bad : hostile) {
    EXPECT_EQ(docker->service_ls(bad).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->service_labels(bad).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->service_rm({"ok_name", bad}).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->image_present(bad).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->image_pull(bad).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->container_for_service(bad).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->exec(bad, {"true"}, std::chrono::seconds(1)).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->label_residue(bad).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->stack_residue(bad).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->stack_rm(bad).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->volume_rm({bad}).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->secret_rm({bad}).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->network_rm({bad}).error().kind, ErrorKind::usage) << bad;
    EXPECT_EQ(docker->config_rm({bad}).error().kind, ErrorKind::usage) << bad;
  }
  EXPECT_EQ(docker->exec("c0ffee01", {}, std::chrono::seconds(1)).error().kind, ErrorKind::usage);
  EXPECT_TRUE(runner.commands().empty());
}

TEST(DockerLabels, StackNamespaceLabel) {
  EXPECT_EQ(stack_namespace_label("app1_ci_example_net"), "com.docker.stack.namespace=app1_ci_example_net");
}

}  // namespace
}  // namespace ccci::harness
