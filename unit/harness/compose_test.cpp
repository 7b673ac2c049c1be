#include "harness/compose.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

using Env = std::map<std::string, std::string>;

std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
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
  Env env{{"COMPOSE_FILE", "compose.yml:compose.extra.yml"},
          {"STACK_NAME", "fixt_ccci_test"},
          {"DOMAIN", "fixt.ccci.test"}};
  auto model = load_compose(recipe.dir.path(), env);
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->service_names(), (std::vector<std::string>{"app", "db", "worker"}));
  EXPECT_EQ(model->images(), (std::vector<std::string>{"ccci/busybox:1", "ccci/fixture-web:1.1", "ccci/sqlite:1"}));
  const auto& app = model->services.at("app");
  EXPECT_EQ(app.environment.at("DOMAIN"), "overridden.example");
  EXPECT_EQ(app.environment.at("EXTRA"), "yes");
  EXPECT_EQ(app.environment.at("PLAIN"), std::nullopt) << "listed bare and unset in the app env: docker prints null";
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
  recipe.file("compose.yml",
              "services:\n  app:\n    image: x\n    volumes: [data:/data]\n    deploy:\n      labels: "
              "{backupbot.backup: \"true\"}\nvolumes:\n  data:\n");
  auto model = load_compose(recipe.dir.path(), {});
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->backup_paths("fixt_ccci_test"),
            std::vector<std::string>{"/var/lib/docker/volumes/fixt_ccci_test_data/_data"});
}

TEST(Compose, EveryVolumeExcludedLeavesBackupsOnButNothingToCover) {
  Recipe recipe;
  recipe.file("compose.yml",
              "services:\n  app:\n    image: x\n    volumes: [data:/data]\n    deploy:\n      labels: "
              "{backupbot.backup: \"true\", backupbot.backup.volumes.data: \"false\"}\nvolumes:\n  data:\n");
  auto model = load_compose(recipe.dir.path(), {});
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_TRUE(model->backup_enabled());
  EXPECT_TRUE(model->backup_paths("s").empty());
}

TEST(Compose, InterpolatedValuesAreBoundedPerFile) {
  Recipe recipe;
  std::string compose = "services:\n  app:\n    image: x\n    command:\n";
  for (int i = 0; i < 200; ++i) compose += "      - ${BIG}\n";
  recipe.file("compose.yml", compose);
  auto model = load_compose(recipe.dir.path(), {{"BIG", std::string(60'000, 'b')}});
  ASSERT_FALSE(model.ok());
  // 8 MiB / 60,000 bytes: 139 items fit, the 140th (line 144) is one too many.
  EXPECT_EQ(model.error().message,
            (recipe.dir.path() / "compose.yml").string() + ":144:9: interpolated values exceed 8 MiB in this file");
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
  recipe.file("compose.yml",
              "services:\n  app:\n    image: x\n    deploy:\n      labels:\n"
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

// Each expectation below is what `docker stack config` (Docker CLI 28) prints for the same files
// and env; the ComposeDifferential tests check the same files against docker itself.

const char* bare_environment = R"(services:
  app:
    image: x
    environment:
      - LIST_SET
      - LIST_UNSET
      - "LIST_EMPTY_SET="
      - "LIST_EMPTY_UNSET="
      - LIST_VALUE=written
  worker:
    image: x
    environment:
      MAP_SET:
      MAP_UNSET:
      TILDE_SET: ~
      QUOTED_EMPTY_SET: ""
      QUOTED_NULL: "null"
      MAP_VALUE: written
)";

const Env bare_environment_env{
    {"LIST_SET", "from-env"},  {"LIST_EMPTY_SET", "from-env"},   {"LIST_VALUE", "ignored"},  {"MAP_SET", "from-env"},
    {"TILDE_SET", "from-env"}, {"QUOTED_EMPTY_SET", "from-env"}, {"QUOTED_NULL", "ignored"}, {"MAP_VALUE", "ignored"}};

TEST(ComposeEnvironment, AVariableWithoutAValueTakesItFromTheAppEnvOrStaysNull) {
  Recipe recipe;
  recipe.file("compose.yml", bare_environment);
  auto model = load_compose(recipe.dir.path(), bare_environment_env);
  ASSERT_TRUE(model.ok()) << model.error().message;
  using Values = std::map<std::string, std::optional<std::string>>;
  EXPECT_EQ(model->services.at("app").environment, (Values{{"LIST_SET", "from-env"},
                                                           {"LIST_UNSET", std::nullopt},
                                                           {"LIST_EMPTY_SET", "from-env"},
                                                           {"LIST_EMPTY_UNSET", ""},
                                                           {"LIST_VALUE", "written"}}));
  EXPECT_EQ(model->services.at("worker").environment, (Values{{"MAP_SET", "from-env"},
                                                              {"MAP_UNSET", std::nullopt},
                                                              {"TILDE_SET", "from-env"},
                                                              {"QUOTED_EMPTY_SET", "from-env"},
                                                              {"QUOTED_NULL", "null"},
                                                              {"MAP_VALUE", "written"}}));
}

const char* environment_base = R"(services:
  app:
    image: x
    env_file: [app.env]
    environment:
      - FROM_BOTH=environment
      - NULL_OVER_FILE
      - LATER_NULL=base
      - LATER_EMPTY=base
      - LATER_NULL_SET=base
      - EMPTY_THEN_NULL=
      - NULL_THEN_EMPTY
)";
const char* environment_later = R"(services:
  app:
    environment:
      - LATER_NULL
      - LATER_EMPTY=
      - LATER_NULL_SET
      - EMPTY_THEN_NULL
      - NULL_THEN_EMPTY=
      - ONLY_LATER
)";
const char* app_env_file =
    "FROM_FILE=file \"quoted\" \n# a comment\n\n  INDENTED=x\nFILE_BARE_SET\nFILE_BARE_UNSET\n"
    "FILE_EMPTY_SET=\nFROM_BOTH=file\nNULL_OVER_FILE=file\n";
const Env environment_env{
    {"LATER_NULL_SET", "from-env"}, {"FILE_BARE_SET", "from-env"}, {"FILE_EMPTY_SET", "from-env"}};

TEST(ComposeEnvironment, EnvFilesComeFirstAndALaterEmptyValueKeepsAnEarlierOne) {
  Recipe recipe;
  recipe.file("compose.yml", environment_base);
  recipe.file("compose.later.yml", environment_later);
  recipe.file("app.env", app_env_file);
  Env env = environment_env;
  env["COMPOSE_FILE"] = "compose.yml:compose.later.yml";
  auto model = load_compose(recipe.dir.path(), env);
  ASSERT_TRUE(model.ok()) << model.error().message;
  using Values = std::map<std::string, std::optional<std::string>>;
  EXPECT_EQ(model->services.at("app").environment, (Values{{"FROM_FILE", "file \"quoted\" "},
                                                           {"INDENTED", "x"},
                                                           {"FILE_BARE_SET", "from-env"},
                                                           {"FILE_EMPTY_SET", "from-env"},
                                                           {"FROM_BOTH", "environment"},
                                                           {"NULL_OVER_FILE", std::nullopt},
                                                           {"LATER_NULL", "base"},
                                                           {"LATER_EMPTY", "base"},
                                                           {"LATER_NULL_SET", "from-env"},
                                                           {"EMPTY_THEN_NULL", std::nullopt},
                                                           {"NULL_THEN_EMPTY", ""},
                                                           {"ONLY_LATER", std::nullopt}}));
}

TEST(ComposeEnvironment, AnEnvFileThatCannotBeReadIsASpecError) {
  Recipe recipe;
  recipe.file("compose.yml", "services:\n  app:\n    image: x\n    env_file: missing.env\n");
  auto model = load_compose(recipe.dir.path(), {});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().kind, ErrorKind::spec);
  EXPECT_NE(model.error().message.find("missing.env cannot be read"), std::string::npos) << model.error().message;
  recipe.file("bad.env", "MY VAR=1\n");
  recipe.file("compose.yml", "services:\n  app:\n    image: x\n    env_file: bad.env\n");
  model = load_compose(recipe.dir.path(), {});
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.error().message.find("variable 'MY VAR' contains whitespaces"), std::string::npos)
      << model.error().message;
}

TEST(ComposeEnvironment, AnEnvFileThatIsADeviceOrHugeIsRefusedUnread) {
  Recipe recipe;
  recipe.file("compose.yml", "services:\n  app:\n    image: x\n    env_file: /dev/zero\n");
  auto model = load_compose(recipe.dir.path(), {});  // read, this took 16 GB and over a minute
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().message, (recipe.dir.path() / "compose.yml").string() +
                                       ":4:15: env_file /dev/zero is not a regular file of at most 1 MiB");
  recipe.file("huge.env", "");
  std::filesystem::resize_file(recipe.dir.path() / "huge.env", size_t{2} << 20);
  recipe.file("compose.yml", "services:\n  app:\n    image: x\n    env_file: huge.env\n");
  model = load_compose(recipe.dir.path(), {});
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.error().message.find("huge.env is not a regular file of at most 1 MiB"), std::string::npos);
}

TEST(ComposeEnvironment, EnvFilesOfOneComposeFileAreBoundedTogether) {
  Recipe recipe;
  std::string vars;
  for (int i = 0; i < 100; ++i) vars += "V" + std::to_string(i) + "=x\n";
  recipe.file("app.env", vars);
  std::string compose = "services:\n";
  for (int i = 0; i < 101; ++i) compose += "  s" + std::to_string(i) + ": {image: x, env_file: app.env}\n";
  recipe.file("compose.yml", compose);
  auto model = load_compose(recipe.dir.path(), {});  // 101 services × 100 variables: one too many
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.error().message.find(":102:30: env_file " + (recipe.dir.path() / "app.env").string() +
                                       " line 1: this file's env_files set more than 10000 variables"),
            std::string::npos)
      << model.error().message;
  recipe.file("comments.env", "#" + std::string(1 << 20, 'c').substr(2) + "\n");
  std::string list = "services:\n  app:\n    image: x\n    env_file: [";
  for (int i = 0; i < 17; ++i) list += "comments.env, ";
  recipe.file("compose.yml", list + "]\n");
  model = load_compose(recipe.dir.path(), {});
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.error().message.find("this file's env_files exceed 16 MiB together"), std::string::npos)
      << model.error().message;
}

TEST(Compose, MergingThousandsOfListItemsIsFast) {
  Recipe recipe;
  std::string base = "services:\n  app:\n    image: x\n    volumes:\n", over = base;
  std::string ports = "    ports:\n";
  for (int i = 0; i < 5000; ++i) {
    base += "      - v" + std::to_string(i) + ":/data/" + std::to_string(i) + "\n";
    over += "      - w" + std::to_string(i) + ":/data/" + std::to_string(i % 2500 + 2500) + "\n";
    ports += "      - \"" + std::to_string(10000 + i % 4000) + ":80\"\n";
  }
  recipe.file("a.yml", base + ports);
  recipe.file("b.yml", over + ports);
  auto start = std::chrono::steady_clock::now();
  auto model = load_compose(recipe.dir.path(), {{"COMPOSE_FILE", "a.yml:b.yml"}});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_LT(took, std::chrono::seconds(5)) << "searched per item, this took about a minute in a Debug build";
  const auto& app = model->services.at("app");
  ASSERT_EQ(app.volumes.size(), 5000u);
  EXPECT_EQ(app.volumes[2499].source, "v2499");
  EXPECT_EQ(app.volumes[2500].source, "w2500") << "the last override of a target wins";
  EXPECT_EQ(app.volumes[4999].source, "w4999");
  EXPECT_EQ(app.ports.size(), 5000u) << "the first file's list is kept whole; the second adds nothing new";
}

const char* external_resources = R"(services:
  app:
    image: x
    volumes: [ext_plain:/a, ext_named:/b, ext_legacy:/c, local_named:/d, local_plain:/e, ext_interpolated:/f]
    networks: [net_plain, net_named, net_legacy, net_local]
    secrets: [sec_plain, sec_named, sec_legacy]
    configs: [cfg_plain, cfg_legacy]
    deploy:
      labels: {backupbot.backup: "true"}
volumes:
  ext_plain: {external: true}
  ext_named: {external: true, name: "${STACK_NAME}_vol"}
  ext_legacy: {external: {name: legacy_vol}}
  local_named: {name: "${STACK_NAME}_local"}
  local_plain:
  ext_interpolated: {external: "${EXTERNAL}"}
networks:
  net_plain: {external: true}
  net_named: {external: true, name: "${PROXY_NETWORK:-proxy}"}
  net_legacy: {external: {name: legacy_net}}
  net_local:
secrets:
  sec_plain: {external: true}
  sec_named: {external: true, name: "${STACK_NAME}_sec_named_v1"}
  sec_legacy: {external: {name: legacy_sec}}
configs:
  cfg_plain: {external: true}
  cfg_legacy: {external: {name: legacy_cfg}}
)";

TEST(ComposeResources, AnExternalResourceWithoutANameIsNamedByItsKey) {
  Recipe recipe;
  recipe.file("compose.yml", external_resources);
  auto model = load_compose(recipe.dir.path(), {{"STACK_NAME", "st"}, {"EXTERNAL", "on"}});
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto named = [](const std::map<std::string, TopLevelResource>& resources) {
    std::map<std::string, std::string> names;
    for (const auto& [key, resource] : resources) names[key] = resource.docker_name("st", key);
    return names;
  };
  using Names = std::map<std::string, std::string>;
  EXPECT_EQ(named(model->volumes), (Names{{"ext_plain", "ext_plain"},
                                          {"ext_named", "st_vol"},
                                          {"ext_legacy", "legacy_vol"},
                                          {"local_named", "st_local"},
                                          {"local_plain", "st_local_plain"},
                                          {"ext_interpolated", "ext_interpolated"}}));
  EXPECT_EQ(named(model->networks), (Names{{"net_plain", "net_plain"},
                                           {"net_named", "proxy"},
                                           {"net_legacy", "legacy_net"},
                                           {"net_local", "st_net_local"}}));
  EXPECT_EQ(named(model->secrets),
            (Names{{"sec_plain", "sec_plain"}, {"sec_named", "st_sec_named_v1"}, {"sec_legacy", "legacy_sec"}}));
  EXPECT_EQ(named(model->configs), (Names{{"cfg_plain", "cfg_plain"}, {"cfg_legacy", "legacy_cfg"}}));
  EXPECT_TRUE(model->volumes.at("ext_legacy").external);
  EXPECT_TRUE(model->volumes.at("ext_interpolated").external)
      << "docker casts an interpolated on/yes/true to a boolean";
  EXPECT_FALSE(model->volumes.at("local_named").external);
  EXPECT_EQ(model->secrets.at("sec_plain").name, "") << "name stays what the file wrote";
  EXPECT_EQ(model->secrets.at("sec_legacy").name, "legacy_sec");
  EXPECT_EQ(model->volume_name("st", "ext_plain"), "ext_plain");
  EXPECT_EQ(model->backup_paths("st"),
            (std::vector<std::string>{
                "/var/lib/docker/volumes/ext_interpolated/_data", "/var/lib/docker/volumes/ext_plain/_data",
                "/var/lib/docker/volumes/legacy_vol/_data", "/var/lib/docker/volumes/st_local/_data",
                "/var/lib/docker/volumes/st_local_plain/_data", "/var/lib/docker/volumes/st_vol/_data"}));
}

TEST(ComposeResources, ALegacyExternalNameBesideANameIsASpecError) {
  Recipe recipe;
  recipe.file("compose.yml",
              "services:\n  app:\n    image: x\nvolumes:\n  data:\n    name: a\n    external: {name: b}\n");
  auto model = load_compose(recipe.dir.path(), {});
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().kind, ErrorKind::spec);
  EXPECT_NE(model.error().message.find("volume data: volume.external.name and volume.name conflict"), std::string::npos)
      << model.error().message;
}

const char* merge_base = R"(services:
  app:
    image: ccci/app:1
    networks: [proxy]
    secrets: [s1, {source: s2, target: /run/s2}]
    labels: [keep=base, blanked=base]
    deploy:
      endpoint_mode: dnsrr
      labels: {backupbot.backup: "true", blanked: base}
  worker:
    image: ccci/worker:1
    volumes: ["data:/data", "./conf:/conf:ro", {type: volume, source: cache, target: /cache}, "/srv/keep:/keep"]
volumes:
  data:
  data2:
  cache:
  cache2:
  named_then_external: {name: x}
  external_then_named: {external: true}
  external_then_null: {external: true}
  named_then_empty: {name: keep}
networks:
  proxy: {external: true}
  internal: {driver: overlay}
secrets:
  s1: {file: ./s1}
  s2: {external: true}
)";
const char* merge_later = R"(services:
  app:
    image: ""
    networks:
      internal:
        aliases: [x]
    secrets: [{source: s1, target: /run/s1}, s2]
    labels: {blanked: ""}
    deploy:
      endpoint_mode: ""
      labels: [blanked=]
  worker:
    volumes: [{type: volume, source: data2, target: /data}, "cache2:/cache:nocopy"]
volumes:
  named_then_external: {external: true}
  external_then_named: {name: y}
  external_then_null:
  named_then_empty: {}
networks:
  internal: {attachable: true}
)";

TEST(ComposeMerge, ALaterFileReplacesATopLevelResourceWhole) {
  Recipe recipe;
  recipe.file("compose.yml", merge_base);
  recipe.file("compose.later.yml", merge_later);
  recipe.file("s1", "secret");
  auto model = load_compose(recipe.dir.path(), {{"COMPOSE_FILE", "compose.yml:compose.later.yml"}});
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->volume_name("st", "named_then_external"), "named_then_external");
  EXPECT_EQ(model->volume_name("st", "external_then_named"), "y");
  EXPECT_EQ(model->volume_name("st", "external_then_null"), "st_external_then_null");
  EXPECT_EQ(model->volume_name("st", "named_then_empty"), "st_named_then_empty");
  EXPECT_FALSE(model->volumes.at("external_then_null").external);
}

TEST(ComposeMerge, ServiceListsMergeByNameAndAnEmptyScalarDoesNotOverride) {
  Recipe recipe;
  recipe.file("compose.yml", merge_base);
  recipe.file("compose.later.yml", merge_later);
  recipe.file("s1", "secret");
  auto model = load_compose(recipe.dir.path(), {{"COMPOSE_FILE", "compose.yml:compose.later.yml"}});
  ASSERT_TRUE(model.ok()) << model.error().message;
  const auto& app = model->services.at("app");
  EXPECT_EQ(app.image, "ccci/app:1") << "docker: an empty image does not replace the earlier one";
  EXPECT_EQ(app.endpoint_mode, "dnsrr");
  EXPECT_EQ(sorted(app.networks), (std::vector<std::string>{"internal", "proxy"}))
      << "a list and a mapping of networks add up";
  EXPECT_EQ(sorted(app.secrets), (std::vector<std::string>{"s1", "s2"}))
      << "secrets merge by source, short and long form alike";
  EXPECT_EQ(app.labels, (std::map<std::string, std::string>{{"keep", "base"}, {"blanked", ""}}))
      << "a later \"\" does blank a label";
  EXPECT_EQ(app.deploy_labels, (std::map<std::string, std::string>{{"backupbot.backup", "true"}, {"blanked", ""}}));
  std::map<std::string, std::string> mounts;  // target → type:source, short and long syntax merged by target
  for (const auto& mount : model->services.at("worker").volumes) mounts[mount.target] = mount.type + ":" + mount.source;
  EXPECT_EQ(mounts, (std::map<std::string, std::string>{{"/data", "volume:data2"},
                                                        {"/conf", "bind:./conf"},
                                                        {"/cache", "volume:cache2"},
                                                        {"/keep", "bind:/srv/keep"}}));
}

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
