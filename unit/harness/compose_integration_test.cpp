#include "harness/compose.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "unit/fakes/compose_samples.hpp"

namespace ccci::harness {
namespace {

using namespace fakes::compose_samples;

// ---- differential: docker's own loader is the oracle -------------------------------------

/// `docker stack config` of the recipe's files with `env`, parsed; skips when the CLI is absent.
/// Its warnings (e.g. "external.name is deprecated") go to a file, not into the YAML we parse.
Result<YamlNode> docker_config(const std::filesystem::path& dir, const std::vector<std::string>& files,
                               const Env& env) {
  std::string command = "cd '" + dir.string() + "' && env -i PATH=\"$PATH\"";
  for (const auto& [k, v] : env) command += " '" + k + "=" + v + "'";
  command += " docker stack config";
  for (const auto& file : files) command += " -c " + file;
  std::filesystem::path stderr_file = dir / ".docker-stack-config.stderr";
  FILE* pipe = ::popen((command + " 2>'" + stderr_file.string() + "'").c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer{};
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  if (::pclose(pipe) != 0) {
    std::ifstream err(stderr_file);
    std::string message((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    return make_error(ErrorKind::infra, "docker stack config failed: " + message + output);
  }
  return parse_yaml(output, "docker-stack-config");
}

bool docker_cli_present() { return std::system("docker --version >/dev/null 2>&1") == 0; }

std::vector<std::string> keys_of(const YamlNode* node) {
  std::vector<std::string> keys;
  if (node) {
    for (const auto& [k, v] : node->entries) keys.push_back(k.scalar);
  }
  return keys;
}

std::vector<std::string> sources_of(const YamlNode* node) {
  std::vector<std::string> sources;
  if (node) {
    for (const auto& item : node->items) sources.push_back(item.find("source")->scalar);
  }
  return sorted(sources);
}

/// Docker's top-level `section` (which prints the name it resolved, and `external: true`) against
/// ours: the same keys, and each deployed under the same name in stack `stack`.
void expect_same_resources(const YamlNode& theirs, const std::map<std::string, TopLevelResource>& ours,
                           const std::string& section, const std::string& stack) {
  SCOPED_TRACE("top-level " + section);
  std::vector<std::string> our_keys;
  for (const auto& [key, resource] : ours) our_keys.push_back(key);
  const YamlNode* resources = theirs.find(section);
  EXPECT_EQ(our_keys, sorted(keys_of(resources)));
  if (!resources) return;
  for (const auto& [key, node] : resources->entries) {
    if (!ours.count(key.scalar)) continue;
    const auto& resource = ours.at(key.scalar);
    const YamlNode* name = node.find("name");
    const YamlNode* external = node.find("external");
    EXPECT_EQ(resource.external, external && external->scalar == "true") << key.scalar;
    EXPECT_EQ(resource.docker_name(stack, key.scalar), name ? name->scalar : stack + "_" + key.scalar) << key.scalar;
  }
}

void expect_same_as_docker(const std::filesystem::path& dir, const std::vector<std::string>& files, Env env) {
  const std::string stack = "diff_stack";
  std::string list;
  for (const auto& file : files) list += (list.empty() ? "" : ":") + file;
  env["COMPOSE_FILE"] = list;
  auto ours = load_compose(dir, env);
  ASSERT_TRUE(ours.ok()) << ours.error().message;
  env.erase("COMPOSE_FILE");
  auto theirs = docker_config(dir, files, env);
  ASSERT_TRUE(theirs.ok()) << theirs.error().message;
  const YamlNode* services = theirs->find("services");
  ASSERT_NE(services, nullptr);
  std::vector<std::string> names;
  for (const auto& [key, node] : services->entries) {
    names.push_back(key.scalar);
    SCOPED_TRACE("service " + key.scalar);
    ASSERT_TRUE(ours->services.count(key.scalar));
    const auto& service = ours->services.at(key.scalar);
    EXPECT_EQ(service.image, node.find("image") ? node.find("image")->scalar : "");
    std::map<std::string, std::optional<std::string>> environment;
    std::map<std::string, std::string> labels, deploy_labels;
    if (const auto* e = node.find("environment")) {
      // docker prints a variable listed without a value, and unset, as null
      for (const auto& [k, v] : e->entries)
        environment[k.scalar] = v.is_null() ? std::nullopt : std::optional(v.scalar);
    }
    if (const auto* l = node.find("labels")) {
      for (const auto& [k, v] : l->entries) labels[k.scalar] = v.scalar;
    }
    if (const auto* deploy = node.find("deploy"); deploy && deploy->find("labels")) {
      for (const auto& [k, v] : deploy->find("labels")->entries) deploy_labels[k.scalar] = v.scalar;
    }
    EXPECT_EQ(service.environment, environment);
    EXPECT_EQ(service.labels, labels);
    EXPECT_EQ(service.deploy_labels, deploy_labels);
    std::vector<std::string> targets, our_targets, volume_sources, our_volume_sources;
    if (const auto* volumes = node.find("volumes")) {
      for (const auto& item : volumes->items) {
        targets.push_back(item.find("target")->scalar);
        if (item.find("type")->scalar == "volume" && item.find("source"))
          volume_sources.push_back(item.find("source")->scalar);
      }
    }
    for (const auto& mount : service.volumes) {
      our_targets.push_back(mount.target);
      if (mount.type == "volume" && !mount.source.empty()) our_volume_sources.push_back(mount.source);
    }
    EXPECT_EQ(sorted(our_targets), sorted(targets));
    EXPECT_EQ(sorted(our_volume_sources), sorted(volume_sources));
    EXPECT_EQ(sorted(service.networks), sorted(keys_of(node.find("networks"))));
    EXPECT_EQ(sorted(service.secrets), sources_of(node.find("secrets")));
    EXPECT_EQ(sorted(service.configs), sources_of(node.find("configs")));
  }
  EXPECT_EQ(ours->service_names(), names);
  expect_same_resources(*theirs, ours->volumes, "volumes", stack);
  expect_same_resources(*theirs, ours->networks, "networks", stack);
  expect_same_resources(*theirs, ours->secrets, "secrets", stack);
  expect_same_resources(*theirs, ours->configs, "configs", stack);
}

TEST(ComposeDifferential, RefusesTheShapesDockerRefusesInDockersWords) {
  if (!docker_cli_present()) GTEST_SKIP() << "no docker CLI to compare with";
  for (const auto& [file, words] : std::vector<std::pair<std::string, std::string>>{
           {"services: [app]\n", "services must be a mapping"},
           {"services:\n  app: {image: x}\nvolumes: [data]\n", "volumes must be a mapping"},
           {"services:\n  app: [x]\n", "services.app must be a mapping"},
           {"services:\n  app:\n    image: x\n    deploy: [1]\n", "services.app.deploy must be a mapping or null"}}) {
    Recipe recipe;
    recipe.file("compose.yml", file);
    auto theirs = docker_config(recipe.dir.path(), {"compose.yml"}, {});
    ASSERT_FALSE(theirs.ok()) << file;
    EXPECT_NE(theirs.error().message.find(words), std::string::npos) << theirs.error().message;
    auto ours = load_compose(recipe.dir.path(), {});
    ASSERT_FALSE(ours.ok()) << file;
    EXPECT_EQ(ours.error().kind, ErrorKind::spec);
    EXPECT_NE(ours.error().message.find(": " + words), std::string::npos) << ours.error().message;
  }
}

TEST(ComposeDifferential, MatchesDockerOnAMultiFileRecipe) {
  if (!docker_cli_present()) GTEST_SKIP() << "no docker CLI to compare with";
  Recipe recipe;
  recipe.file("compose.yml", bonfire_like);
  recipe.file("compose.extra.yml", overlay);
  expect_same_as_docker(recipe.dir.path(), {"compose.yml", "compose.extra.yml"},
                        {{"STACK_NAME", "fixt_ccci_test"}, {"DOMAIN", "fixt.ccci.test"}, {"ENABLE_BACKUPS", "false"}});
}

TEST(ComposeDifferential, MatchesDockerOnInterpolationAnchorsAndOverrides) {
  if (!docker_cli_present()) GTEST_SKIP() << "no docker CLI to compare with";
  Recipe recipe;
  recipe.file("compose.yml", R"(x-defaults: &defaults
  image: ccci/busybox:${TAG:-1}
  environment:
    SHARED: "from-anchor"
    DOLLAR: "$$HOME"
services:
  app:
    <<: *defaults
    environment:
      OWN: "${SET-unset}"
      EMPTY_DEFAULT: "${EMPTY:-fallback}"
      DASH_DEFAULT: "${EMPTY-kept-empty}"
    volumes: ["vol-a:/a", "vol-b:/b"]
  worker:
    <<: *defaults
volumes: {vol-a: {}, vol-b: {}}
)");
  recipe.file("compose.override.yml", R"(services:
  app:
    image: ccci/busybox:2
    volumes: ["vol-c:/b"]
    environment: ["OWN=overridden", "ADDED=1"]
volumes: {vol-c: {}}
)");
  expect_same_as_docker(recipe.dir.path(), {"compose.yml", "compose.override.yml"}, {{"EMPTY", ""}, {"TAG", "7"}});
}

TEST(ComposeDifferential, MatchesDockerOnVariablesWithoutAValue) {
  if (!docker_cli_present()) GTEST_SKIP() << "no docker CLI to compare with";
  Recipe recipe;
  recipe.file("compose.yml", bare_environment);
  expect_same_as_docker(recipe.dir.path(), {"compose.yml"}, bare_environment_env);
  expect_same_as_docker(recipe.dir.path(), {"compose.yml"}, {});  // every variable unset
}

TEST(ComposeDifferential, MatchesDockerOnEnvFilesAndEnvironmentAcrossFiles) {
  if (!docker_cli_present()) GTEST_SKIP() << "no docker CLI to compare with";
  Recipe recipe;
  recipe.file("compose.yml", environment_base);
  recipe.file("compose.later.yml", environment_later);
  recipe.file("app.env", app_env_file);
  expect_same_as_docker(recipe.dir.path(), {"compose.yml", "compose.later.yml"}, environment_env);
  expect_same_as_docker(recipe.dir.path(), {"compose.yml", "compose.later.yml"}, {});
}

TEST(ComposeDifferential, MatchesDockerOnExternalResourceNames) {
  if (!docker_cli_present()) GTEST_SKIP() << "no docker CLI to compare with";
  Recipe recipe;
  recipe.file("compose.yml", external_resources);
  expect_same_as_docker(recipe.dir.path(), {"compose.yml"}, {{"STACK_NAME", "st"}, {"EXTERNAL", "on"}});
  expect_same_as_docker(recipe.dir.path(), {"compose.yml"},
                        {{"STACK_NAME", "st"}, {"EXTERNAL", "false"}, {"PROXY_NETWORK", "edge"}});
}

TEST(ComposeDifferential, MatchesDockerOnMergedResourcesAndServiceLists) {
  if (!docker_cli_present()) GTEST_SKIP() << "no docker CLI to compare with";
  Recipe recipe;
  recipe.file("compose.yml", merge_base);
  recipe.file("compose.later.yml", merge_later);
  recipe.file("s1", "secret");
  expect_same_as_docker(recipe.dir.path(), {"compose.yml", "compose.later.yml"}, {});
}

}  // namespace
}  // namespace ccci::harness
