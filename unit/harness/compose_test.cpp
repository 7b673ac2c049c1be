#include "harness/compose.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "unit/fakes/compose_samples.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

using namespace fakes::compose_samples;

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

}  // namespace
}  // namespace ccci::harness
