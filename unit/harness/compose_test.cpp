#include "harness/compose.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

using Env = std::map<std::string, std::string>;

Result<std::string> interp(std::string_view text, const Env& env) { return interpolate(text, env, Mark{"c.yml", 3, 5}); }

TEST(ComposeInterpolation, EveryFormDockerKnows) {
  Env env{{"SET", "v"}, {"EMPTY", ""}, {"STACK_NAME", "s_x"}};
  EXPECT_EQ(*interp("${SET}", env), "v");
  EXPECT_EQ(*interp("$SET/x", env), "v/x");
  EXPECT_EQ(*interp("${UNSET}", env), "");
  EXPECT_EQ(*interp("${UNSET:-d}", env), "d");
  EXPECT_EQ(*interp("${EMPTY:-d}", env), "d");
  EXPECT_EQ(*interp("${EMPTY-d}", env), "");
  EXPECT_EQ(*interp("${UNSET-d}", env), "d");
  EXPECT_EQ(*interp("${UNSET:-${SET}-nested}", env), "v-nested");
  EXPECT_EQ(*interp("$$literal and $${SET}", env), "$literal and ${SET}");
  EXPECT_EQ(*interp("${SET:?must be set}", env), "v");
  EXPECT_EQ(*interp("${STACK_NAME}_secret_${SECRET_X_VERSION:-v1}", env), "s_x_secret_v1");
}

TEST(ComposeInterpolation, RequiredVariablesNamePositionAndMessage) {
  Env env{{"EMPTY", ""}};
  auto missing = interp("${DOMAIN:?set DOMAIN in the .env}", env);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::spec);
  EXPECT_EQ(missing.error().message, "c.yml:3:5: required variable DOMAIN is missing a value: set DOMAIN in the .env");
  EXPECT_FALSE(interp("${EMPTY:?x}", env).ok());
  EXPECT_TRUE(interp("${EMPTY?x}", env).ok());
  EXPECT_FALSE(interp("${open", env).ok());
  EXPECT_FALSE(interp("cost $ 5", env).ok());
}

struct Recipe {
  fakes::TempDir dir;
  void file(const std::string& name, const std::string& text) { dir.write(name, text); }
};

const char* bonfire_like = R"(services:
  app:
    image: ccci/fixture-web:${APP_VERSION:-1.0}
    environment:
      - DOMAIN=${DOMAIN}
      - PLAIN
    networks: [proxy, internal]
    deploy:
      endpoint_mode: dnsrr
      labels:
        - "traefik.enable=true"
        - "traefik.http.services.${STACK_NAME}.loadbalancer.server.port=80"
        - "coop-cloud.${STACK_NAME}.version=2.0.1+1.0.6"
    depends_on: [sidekiq]
    secrets: [secret_key_base]
  db:
    image: ccci/sqlite:1
    volumes:
      - db-data:/var/lib/sqlite
      - /etc/localtime:/etc/localtime:ro
    deploy:
      labels:
        backupbot.backup: "${ENABLE_BACKUPS:-true}"
        backupbot.backup.volumes.db-data.path: "backup.sql,extra.sql"
volumes:
  db-data:
networks:
  proxy: {external: true}
  internal:
secrets:
  secret_key_base:
    external: true
    name: ${STACK_NAME}_secret_key_base_${SECRET_SECRET_KEY_BASE_VERSION:-v1}
)";

const char* overlay = R"(services:
  app:
    image: ccci/fixture-web:1.1
    environment:
      EXTRA: "yes"
      DOMAIN: overridden.example
    deploy:
      labels:
        backupbot.backup.volumes.files: "false"
    volumes:
      - files:/files
  worker:
    image: ccci/busybox:1
    volumes:
      - files:/files
volumes:
  files:
    name: shared_files
)";

TEST(Compose, MergesFilesAndBuildsTheModel) {
  Recipe recipe;
  recipe.file("compose.yml", bonfire_like);
  recipe.file("compose.extra.yml", overlay);
  Env env{{"COMPOSE_FILE", "compose.yml:compose.extra.yml"}, {"STACK_NAME", "fixt_ccci_test"}, {"DOMAIN", "fixt.ccci.test"}};
  auto model = load_compose(recipe.dir.path(), env);
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->service_names(), (std::vector<std::string>{"app", "db", "worker"}));
  EXPECT_EQ(model->images(), (std::vector<std::string>{"ccci/busybox:1", "ccci/fixture-web:1.1", "ccci/sqlite:1"}));
  const auto& app = model->services.at("app");
  EXPECT_EQ(app.environment.at("DOMAIN"), "overridden.example");
  EXPECT_EQ(app.environment.at("EXTRA"), "yes");
  EXPECT_EQ(app.environment.at("PLAIN"), "");
  EXPECT_EQ(app.deploy_labels.at("coop-cloud.fixt_ccci_test.version"), "2.0.1+1.0.6");
  EXPECT_EQ(app.deploy_labels.at("backupbot.backup.volumes.files"), "false");
  EXPECT_EQ(app.endpoint_mode, "dnsrr");
  EXPECT_EQ(app.networks, (std::vector<std::string>{"proxy", "internal"}));
  EXPECT_EQ(model->secrets.at("secret_key_base").name, "fixt_ccci_test_secret_key_base_v1");
  EXPECT_EQ(model->traefik_port("app"), 80);
  EXPECT_EQ(model->traefik_port("db"), std::nullopt);
  ASSERT_EQ(model->warnings.size(), 1u) << "the discourse case: an undefined depends_on is a warning";
  EXPECT_EQ(model->warnings[0], "service app depends on sidekiq, which is not defined");
  const auto& db = model->services.at("db");
  ASSERT_EQ(db.volumes.size(), 2u);
  EXPECT_EQ(db.volumes[0].type, "volume");
  EXPECT_EQ(db.volumes[1].type, "bind");
}

TEST(Compose, BackupPathsFollowTheBackupbotLabels) {
  Recipe recipe;
  recipe.file("compose.yml", bonfire_like);
  recipe.file("compose.extra.yml", overlay);
  Env env{{"COMPOSE_FILE", "compose.yml:compose.extra.yml"}, {"STACK_NAME", "s"}};
  auto model = load_compose(recipe.dir.path(), env);
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->backup_paths("s"), (std::vector<std::string>{"/var/lib/docker/volumes/s_db-data/_data/backup.sql",
                                                               "/var/lib/docker/volumes/s_db-data/_data/extra.sql"}));
  EXPECT_TRUE(model->backup_enabled());
  env["ENABLE_BACKUPS"] = "false";
  EXPECT_FALSE(load_compose(recipe.dir.path(), env)->backup_enabled());
  EXPECT_TRUE(load_compose(recipe.dir.path(), env)->backup_paths("s").empty());
}

TEST(Compose, NamedVolumeWithoutPathLabelIsBackedUpWhole) {
  Recipe recipe;
  recipe.file("compose.yml", "services:\n  app:\n    image: x\n    volumes: [data:/data]\n    deploy:\n      labels: {backupbot.backup: \"true\"}\nvolumes:\n  data:\n");
  auto model = load_compose(recipe.dir.path(), {});
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->backup_paths("fixt_ccci_test"), std::vector<std::string>{"/var/lib/docker/volumes/fixt_ccci_test_data/_data"});
}

TEST(Compose, EveryVolumeExcludedLeavesBackupsOnButNothingToCover) {
  Recipe recipe;
  recipe.file("compose.yml", "services:\n  app:\n    image: x\n    volumes: [data:/data]\n    deploy:\n      labels: "
                             "{backupbot.backup: \"true\", backupbot.backup.volumes.data: \"false\"}\nvolumes:\n  data:\n");
  auto model = load_compose(recipe.dir.path(), {});
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_TRUE(model->backup_enabled());
  EXPECT_TRUE(model->backup_paths("s").empty());
}

TEST(ComposeInterpolation, NestingIsBoundedWithPosition) {
  Env env{{"SET", "v"}};
  std::string nested = "x";
  for (int i = 0; i < 15; ++i) nested = "${U" + std::to_string(i) + ":-" + nested + "}";
  EXPECT_EQ(*interp(nested, env), "x") << "fifteen defaults deep is fine";
  std::string deep;
  for (int i = 0; i < 50'000; ++i) deep += "${A:-";
  deep += "x" + std::string(50'000, '}');
  auto result = interp(deep, env);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message.rfind("c.yml:3:5: interpolation nested more than 16 levels deep", 0), 0u);
  EXPECT_EQ(*interp("${SET}", env), "v") << "the nesting count is released after an error";
}

TEST(ComposeInterpolation, ExpansionIsBoundedWithPosition) {
  Env env{{"BIG", std::string(60'000, 'b')}};
  EXPECT_EQ(interp("${BIG}${BIG}${BIG}${BIG}", env)->size(), 240'000u);
  auto result = interp("${BIG}${BIG}${BIG}${BIG}$BIG", env);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "c.yml:3:5: interpolation makes the value longer than 256 KiB");
}

TEST(Compose, InterpolatedValuesAreBoundedPerFile) {
  Recipe recipe;
  std::string compose = "services:\n  app:\n    image: x\n    command:\n";
  for (int i = 0; i < 200; ++i) compose += "      - ${BIG}\n";
  recipe.file("compose.yml", compose);
  auto model = load_compose(recipe.dir.path(), {{"BIG", std::string(60'000, 'b')}});
  ASSERT_FALSE(model.ok());
  // 8 MiB / 60,000 bytes: 139 items fit, the 140th (line 144) is one too many.
  EXPECT_EQ(model.error().message, (recipe.dir.path() / "compose.yml").string() + ":144:9: interpolated values exceed 8 MiB in this file");
}

TEST(Compose, ComposeFileListIsBounded) {
  Recipe recipe;
  recipe.file("compose.yml", "services: {app: {image: x}}\n");
  std::string files = "compose.yml";
  for (int i = 0; i < 15; ++i) files += ":compose.yml";
  EXPECT_TRUE(load_compose(recipe.dir.path(), {{"COMPOSE_FILE", files}}).ok()) << "sixteen files are fine";
  auto model = load_compose(recipe.dir.path(), {{"COMPOSE_FILE", files + ":compose.yml"}});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().kind, ErrorKind::spec);
  EXPECT_EQ(model.error().message, "COMPOSE_FILE names more than 16 files");
}

TEST(Compose, TraefikPortOutsideTheRangeIsNoPort) {
  Recipe recipe;
  recipe.file("compose.yml", "services:\n  app:\n    image: x\n    deploy:\n      labels:\n"
                             "        traefik.http.services.app.loadbalancer.server.port: \"99999\"\n"
                             "  web:\n    image: x\n    deploy:\n      labels:\n"
                             "        traefik.http.services.web.loadbalancer.server.port: \"8080\"\n");
  auto model = load_compose(recipe.dir.path(), {});
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_FALSE(model->traefik_port("app"));
  EXPECT_EQ(model->traefik_port("web"), 8080);
}

TEST(Compose, ErrorsNameTheFileAndPosition) {
  Recipe recipe;
  recipe.file("compose.yml", "services:\n  app:\n    image: ${IMAGE:?the recipe needs IMAGE}\n");
  auto model = load_compose(recipe.dir.path(), {});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().message, (recipe.dir.path() / "compose.yml").string() +
                                       ":3:12: required variable IMAGE is missing a value: the recipe needs IMAGE");
  auto missing = load_compose(recipe.dir.path(), {{"COMPOSE_FILE", "compose.yml:nope.yml"}, {"IMAGE", "x"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nope.yml"), std::string::npos);
}

// ---- differential: docker's own loader is the oracle -------------------------------------

/// `docker stack config` of the recipe's files with `env`, parsed; skips when the CLI is absent.
Result<YamlNode> docker_config(const std::filesystem::path& dir, const std::vector<std::string>& files, const Env& env) {
  std::string command = "cd '" + dir.string() + "' && env -i PATH=\"$PATH\"";
  for (const auto& [k, v] : env) command += " '" + k + "=" + v + "'";
  command += " docker stack config";
  for (const auto& file : files) command += " -c " + file;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer{};
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  if (::pclose(pipe) != 0) return make_error(ErrorKind::infra, "docker stack config failed: " + output);
  return parse_yaml(output, "docker-stack-config");
}

bool docker_cli_present() { return std::system("docker --version >/dev/null 2>&1") == 0; }

void expect_same_as_docker(const std::filesystem::path& dir, const std::vector<std::string>& files, Env env) {
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
    std::map<std::string, std::string> environment, labels;
    if (const auto* e = node.find("environment")) {
      // docker prints a variable listed without a value as null; the model holds it as "".
      for (const auto& [k, v] : e->entries) environment[k.scalar] = v.is_null() ? "" : v.scalar;
    }
    if (const auto* deploy = node.find("deploy"); deploy && deploy->find("labels")) {
      for (const auto& [k, v] : deploy->find("labels")->entries) labels[k.scalar] = v.scalar;
    }
    EXPECT_EQ(service.environment, environment);
    EXPECT_EQ(service.deploy_labels, labels);
    std::vector<std::string> targets, our_targets;
    if (const auto* volumes = node.find("volumes")) {
      for (const auto& item : volumes->items) targets.push_back(item.find("target")->scalar);
    }
    for (const auto& mount : service.volumes) our_targets.push_back(mount.target);
    std::sort(targets.begin(), targets.end());
    std::sort(our_targets.begin(), our_targets.end());
    EXPECT_EQ(our_targets, targets);
  }
  EXPECT_EQ(ours->service_names(), names);
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

}  // namespace
}  // namespace ccci::harness
