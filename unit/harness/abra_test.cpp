#include "harness/abra.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

#include "harness/redactor.hpp"
#include "harness/text.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::harness {
namespace {

using fakes::exited;
using fakes::FakeProcessRunner;
using Argv = std::vector<std::string>;

constexpr const char* domain = "app1.ci.example.net";

AbraSettings test_settings() {
  AbraSettings settings;
  settings.executable = "/opt/abra";
  settings.abra_dir = "/var/lib/ccci/run-1/abra";
  settings.server = "default";
  settings.env = {{"PATH", "/usr/bin"}, {"HOME", "/home/ci"}};
  settings.timeouts.command = std::chrono::seconds(11);
  settings.timeouts.deploy = std::chrono::seconds(22);
  settings.timeouts.backup = std::chrono::seconds(33);
  settings.timeouts.query = std::chrono::seconds(44);
  return settings;
}

struct AbraFixture : ::testing::Test {
  FakeProcessRunner runner;
  std::unique_ptr<AbraDriver> abra = make_abra_driver(runner, test_settings());

  Argv only_argv() {
    auto argvs = runner.argvs();
    EXPECT_EQ(argvs.size(), 1u);
    return argvs.empty() ? Argv{} : argvs.front();
  }
};

// --- argv ------------------------------------------------------------------------------------

TEST_F(AbraFixture, AppNewPinsVersionServerDomainAndSecretsNonInteractively) {
  ASSERT_TRUE(abra->app_new("custom-html", "1.7.1+1.27.2", domain, SecretGeneration::generate_all).ok());
  EXPECT_EQ(only_argv(), (Argv{"/opt/abra", "app", "new", "custom-html", "1.7.1+1.27.2", "--server", "default",
                               "--domain", domain, "--secrets", "--no-input", "--offline"}));
  auto command = runner.commands().front();
  EXPECT_EQ(command.env.at("ABRA_DIR"), "/var/lib/ccci/run-1/abra");
  EXPECT_EQ(command.env.at("HOME"), "/home/ci");
  EXPECT_EQ(command.env.size(), 3u);
  EXPECT_EQ(command.timeout, std::chrono::seconds(11));
}

TEST_F(AbraFixture, AppNewWithoutVersionKeepsTheCheckoutAndLeavesSecretsForLater) {
  ASSERT_TRUE(abra->app_new("custom-html", std::nullopt, domain, SecretGeneration::skip).ok());
  EXPECT_EQ(only_argv(), (Argv{"/opt/abra", "app", "new", "custom-html", "--server", "default", "--domain", domain,
                               "--chaos", "--no-input", "--offline"}));
}

TEST_F(AbraFixture, ReleaseDeployNamesTheVersionAndStaysOffline) {
  DeployOptions options{DeployMode::release("1.2.0+3.4.5"), Force::no, ConvergeChecks::wait, std::nullopt};
  ASSERT_TRUE(abra->deploy(domain, options).ok());
  EXPECT_EQ(only_argv(), (Argv{"/opt/abra", "app", "deploy", domain, "1.2.0+3.4.5", "--no-input", "--offline"}));
  EXPECT_EQ(runner.commands().front().timeout, std::chrono::seconds(22));
}

TEST_F(AbraFixture, ForcedChaosRedeployWithoutConvergeChecksUsesItsOwnTimeout) {
  DeployOptions options{DeployMode::chaos(), Force::yes, ConvergeChecks::skip, std::chrono::seconds(900)};
  ASSERT_TRUE(abra->deploy(domain, options).ok());
  EXPECT_EQ(only_argv(), (Argv{"/opt/abra", "app", "deploy", domain, "--chaos", "--force", "--no-input", "--offline",
                               "--no-converge-checks"}));
  EXPECT_EQ(runner.commands().front().timeout, std::chrono::seconds(900));
}

TEST(Abra, OnlineSettingLetsAbraFetchTheRecipe) {
  FakeProcessRunner runner;
  auto settings = test_settings();
  settings.fetch = RecipeFetch::online;
  auto abra = make_abra_driver(runner, settings);
  ASSERT_TRUE(abra->deploy(domain, DeployOptions{}).ok());
  ASSERT_TRUE(abra->restore(domain, std::nullopt).ok());
  EXPECT_EQ(runner.argvs(), (std::vector<Argv>{{"/opt/abra", "app", "deploy", domain, "--no-input"},
                                               {"/opt/abra", "app", "restore", domain, "--no-input", "--chaos"}}));
}

TEST_F(AbraFixture, ChaosDeployWithAVersionIsAUsageErrorBeforeSpawning) {
  DeployOptions options{DeployMode{DeployMode::Kind::chaos, "1.0.0"}, Force::no, ConvergeChecks::wait, std::nullopt};
  auto status = abra->deploy(domain, options);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::usage);
  EXPECT_TRUE(runner.commands().empty());
}

TEST_F(AbraFixture, TeardownCommandsAreNonInteractiveAndForcedWhereDestructive) {
  ASSERT_TRUE(abra->undeploy(domain).ok());
  ASSERT_TRUE(abra->remove(domain).ok());
  ASSERT_TRUE(abra->volume_remove(domain).ok());
  EXPECT_EQ(runner.argvs(), (std::vector<Argv>{
                                {"/opt/abra", "app", "undeploy", domain, "--no-input"},
                                {"/opt/abra", "app", "rm", domain, "--force", "--no-input"},
                                {"/opt/abra", "app", "volume", "rm", domain, "--force", "--no-input"},
                            }));
}

TEST_F(AbraFixture, SecretsAreGeneratedAllAtOnceAndInsertedFromAFile) {
  ASSERT_TRUE(abra->secret_generate_all(domain).ok());
  ASSERT_TRUE(abra->secret_insert(domain, "plc_rotation_key", "v1", "/run/ccci/secret-1").ok());
  EXPECT_EQ(runner.argvs(),
            (std::vector<Argv>{
                {"/opt/abra", "app", "secret", "generate", domain, "--all", "--no-input", "--chaos", "--offline"},
                {"/opt/abra", "app", "secret", "insert", domain, "plc_rotation_key", "v1", "--file",
                 "/run/ccci/secret-1", "--no-input", "--chaos", "--offline"},
            }));
  auto commands = runner.commands();
  EXPECT_EQ(commands[0].terminal, Terminal::none);
  EXPECT_EQ(commands[1].terminal, Terminal::pseudo) << "docker refuses secret insert without a TTY (§10)";
}

TEST_F(AbraFixture, BackupCommandsAreNonInteractiveAndRestoreKeepsTheCheckout) {
  ASSERT_TRUE(abra->backup_create(domain).ok());
  ASSERT_TRUE(abra->backup_snapshots(domain).ok());
  ASSERT_TRUE(abra->backup_list(domain, "3f2a1b4c", BackupListScope::all_paths).ok());
  ASSERT_TRUE(abra->backup_list(domain, std::nullopt, BackupListScope::volumes).ok());
  ASSERT_TRUE(abra->restore(domain, "3f2a1b4c").ok());
  ASSERT_TRUE(abra->restore(domain, std::nullopt).ok());
  EXPECT_EQ(runner.argvs(),
            (std::vector<Argv>{
                {"/opt/abra", "app", "backup", "create", domain, "--no-input", "--chaos", "--offline"},
                {"/opt/abra", "app", "backup", "snapshots", domain, "--no-input", "--chaos", "--offline"},
                {"/opt/abra", "app", "backup", "list", domain, "--snapshot", "3f2a1b4c", "--all", "--no-input",
                 "--chaos", "--offline"},
                {"/opt/abra", "app", "backup", "list", domain, "--no-input", "--chaos", "--offline"},
                {"/opt/abra", "app", "restore", domain, "--snapshot", "3f2a1b4c", "--no-input", "--chaos", "--offline"},
                {"/opt/abra", "app", "restore", domain, "--no-input", "--chaos", "--offline"},
            }));
  auto commands = runner.commands();
  // backup create and restore run docker under a terminal, as cc-ci ran them under `script` (§10).
  std::vector<Terminal> terminals;
  for (const auto& command : commands) terminals.push_back(command.terminal);
  EXPECT_EQ(terminals, (std::vector<Terminal>{Terminal::pseudo, Terminal::none, Terminal::none, Terminal::none,
                                              Terminal::pseudo, Terminal::pseudo}));
  EXPECT_EQ(commands[0].timeout, std::chrono::seconds(33));
  EXPECT_EQ(commands[1].timeout, std::chrono::seconds(44));
  EXPECT_EQ(commands[4].timeout, std::chrono::seconds(33));
}

TEST_F(AbraFixture, PathHelpersFollowAbraDirLayout) {
  EXPECT_EQ(abra->app_env_path(domain), "/var/lib/ccci/run-1/abra/servers/default/app1.ci.example.net.env");
  EXPECT_EQ(abra->recipe_dir("custom-html"), "/var/lib/ccci/run-1/abra/recipes/custom-html");
}

// --- validation ------------------------------------------------------------------------------

TEST(AbraValidation, AcceptsOrdinaryDomains) {
  EXPECT_TRUE(validate_domain("app1.ci.example.net").ok());
  EXPECT_TRUE(validate_domain("ghos-9431a1.ci.commoninternet.net").ok());
  EXPECT_TRUE(validate_domain(std::string(63, 'a') + ".example.net").ok());
}

TEST_F(AbraFixture, HostileDomainsNeverReachAbra) {
  const std::vector<std::string> hostile{
      "",
      "-n",
      "--help",
      "-rf.example.net",
      "example",
      "a b.example.net",
      "app\n.example.net",
      "app\x1b[31m.example.net",
      "App.Example.net",
      "a..example.net",
      "x.-y.net",
      "y-.example.net",
      "a/b.example.net",
      "$(reboot).example.net",
      ".example.net",
      "example.net.",
      std::string(64, 'a') + ".net",
      std::string(300, 'a'),
  };
  DeployOptions deploy{DeployMode::chaos(), Force::yes, ConvergeChecks::wait, std::nullopt};
  const std::vector<std::function<Status(const std::string&)>> operations{
      [&](const std::string& d) { return abra->app_new("custom-html", std::nullopt, d, SecretGeneration::skip); },
      [&](const std::string& d) { return abra->deploy(d, deploy); },
      [&](const std::string& d) { return abra->undeploy(d); },
      [&](const std::string& d) { return abra->remove(d); },
      [&](const std::string& d) { return abra->volume_remove(d); },
      [&](const std::string& d) { return abra->secret_generate_all(d); },
      [&](const std::string& d) { return abra->secret_insert(d, "db_password", "v1", "/tmp/value"); },
      [&](const std::string& d) { return abra->backup_create(d); },
      [&](const std::string& d) -> Status {
        auto r = abra->backup_snapshots(d);
        return r.ok() ? ok_status() : Status(r.error());
      },
      [&](const std::string& d) -> Status {
        auto r = abra->backup_list(d, std::nullopt, BackupListScope::all_paths);
        return r.ok() ? ok_status() : Status(r.error());
      },
      [&](const std::string& d) { return abra->restore(d, std::nullopt); },
  };
  for (const auto& bad : hostile) {
    for (std::size_t i = 0; i < operations.size(); ++i) {
      auto status = operations[i](bad);
      ASSERT_FALSE(status.ok()) << "operation " << i << " accepted " << bad;
      EXPECT_EQ(status.error().kind, ErrorKind::usage) << status.error().message;
    }
  }
  EXPECT_TRUE(runner.commands().empty());
}

TEST_F(AbraFixture, HostileRecipeVersionSecretAndSnapshotArgumentsNeverReachAbra) {
  std::vector<Status> results{
      abra->app_new("-C", std::nullopt, domain, SecretGeneration::skip),
      abra->app_new("Custom-HTML", std::nullopt, domain, SecretGeneration::skip),
      abra->app_new("mygit.org/x", std::nullopt, domain, SecretGeneration::skip),
      abra->app_new("custom-html", "--chaos", domain, SecretGeneration::skip),
      abra->app_new("custom-html", "1.0 0", domain, SecretGeneration::skip),
      abra->deploy(domain, DeployOptions{DeployMode::release("1.0\n"), Force::no, ConvergeChecks::wait, std::nullopt}),
      abra->secret_insert(domain, "-f", "v1", "/tmp/value"),
      abra->secret_insert(domain, "db_password", "v 1", "/tmp/value"),
      abra->secret_insert(domain, "db_password", "v1", "relative/value"),
      abra->secret_insert(domain, "db_password", "v1", "/tmp/va\nlue"),
      abra->restore(domain, "-a"),
      abra->restore(domain, "latest;x"),
  };
  auto listed = abra->backup_list(domain, "--all", BackupListScope::volumes);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().kind, ErrorKind::usage);
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_FALSE(results[i].ok()) << "case " << i;
    EXPECT_EQ(results[i].error().kind, ErrorKind::usage) << "case " << i;
  }
  EXPECT_TRUE(runner.commands().empty());
}

TEST(Abra, HostileServerNameInSettingsNeverReachesAbra) {
  FakeProcessRunner runner;
  auto settings = test_settings();
  settings.server = "--offline";
  auto abra = make_abra_driver(runner, settings);
  auto status = abra->app_new("custom-html", std::nullopt, domain, SecretGeneration::skip);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::usage);
  EXPECT_TRUE(runner.commands().empty());
}

// --- error kinds -----------------------------------------------------------------------------

TEST_F(AbraFixture, DeployThatDidNotConvergeIsTheRecipeFailingWithAbrasStderrTail) {
  runner.on({"/opt/abra", "app", "deploy"},
            exited(1, "", "INFO waiting for services\nERRO app: task failed\nFATA deploy failed 🛑\n"));
  auto status = abra->deploy(domain, DeployOptions{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::check_failed);
  EXPECT_NE(status.error().message.find("FATA deploy failed"), std::string::npos) << status.error().message;
  EXPECT_NE(status.error().message.find("app deploy app1.ci.example.net"), std::string::npos);
  EXPECT_NE(status.error().message.find("exited 1"), std::string::npos);
}

TEST_F(AbraFixture, DeployKilledByOurTimeoutIsATimeout) {
  runner.on({"/opt/abra", "app", "deploy"}, fakes::timed_out());
  auto status = abra->deploy(domain, DeployOptions{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::timeout);
  EXPECT_NE(status.error().message.find("timed out after 22s"), std::string::npos) << status.error().message;
}

TEST_F(AbraFixture, MissingAbraBinaryIsInfrastructureNotANamedThingMissing) {
  runner.on({"/opt/abra"}, make_error(ErrorKind::not_found, "/opt/abra: no such file"));
  auto status = abra->undeploy(domain);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::infra);
  EXPECT_NE(status.error().message.find("no such file"), std::string::npos);
}

TEST_F(AbraFixture, InterruptionWhileAbraRunsStaysAnInterruption) {
  runner.on({"/opt/abra"}, make_error(ErrorKind::interrupted, "SIGTERM"));
  auto status = abra->deploy(domain, DeployOptions{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::interrupted);
}

TEST_F(AbraFixture, UnreachableDockerDaemonDuringDeployIsInfrastructure) {
  runner.on({"/opt/abra", "app", "deploy"},
            exited(1, "",
                   "FATA Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
                   "Is the docker daemon running?\n"));
  auto status = abra->deploy(domain, DeployOptions{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::infra);
}

TEST_F(AbraFixture, DirtyRecipeTreeOnReleaseDeployIsTheHarnessesFault) {
  runner.on({"/opt/abra", "app", "deploy"},
            exited(1, "",
                   "FATA custom-html (/x/recipes/custom-html) has locally unstaged changes? please "
                   "commit/remove your changes before proceeding\n"));
  auto status = abra->deploy(domain, DeployOptions{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::infra);
}

TEST_F(AbraFixture, AbraKilledByASignalIsInfrastructure) {
  Completion killed;
  killed.signal = 9;
  runner.on({"/opt/abra"}, killed);
  auto status = abra->backup_create(domain);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::infra);
  EXPECT_NE(status.error().message.find("signal 9"), std::string::npos);
}

TEST_F(AbraFixture, UndeployOfAnAppThatIsNotDeployedIsNotFound) {
  runner.on({"/opt/abra", "app", "undeploy"}, exited(1, "", "FATA app1.ci.example.net is not deployed?\n"));
  auto status = abra->undeploy(domain);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::not_found);
}

TEST_F(AbraFixture, FailedSetupCommandIsInfrastructure) {
  runner.on({"/opt/abra", "app", "new"}, exited(1, "", "FATA app1.ci.example.net.env already exists?\n"));
  auto status = abra->app_new("custom-html", std::nullopt, domain, SecretGeneration::generate_all);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::infra);
}

TEST_F(AbraFixture, FailedSecretGenerationNeverQuotesStdoutWhereTheValuesAre) {
  runner.on({"/opt/abra", "app", "secret"}, exited(1, "db_password  hunter2-correct-horse\n", ""));
  auto status = abra->secret_generate_all(domain);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::infra);
  EXPECT_EQ(status.error().message.find("hunter2"), std::string::npos) << status.error().message;
}

TEST_F(AbraFixture, BackupWithoutBackupbotIsInfrastructureButAFailedBackupIsTheRecipes) {
  runner.once({"/opt/abra", "app", "backup", "create"},
              exited(1, "", "FATA no backupbot discovered, is it deployed?\n"));
  auto no_bot = abra->backup_create(domain);
  ASSERT_FALSE(no_bot.ok());
  EXPECT_EQ(no_bot.error().kind, ErrorKind::infra);

  runner.on({"/opt/abra", "app", "backup", "create"}, exited(1, "", "ERRO pre-hook failed: exit 2\n"));
  auto hook_failed = abra->backup_create(domain);
  ASSERT_FALSE(hook_failed.ok());
  EXPECT_EQ(hook_failed.error().kind, ErrorKind::check_failed);
}

TEST_F(AbraFixture, RestoreOfAnUnknownSnapshotIsNotFound) {
  runner.once({"/opt/abra", "app", "restore"}, exited(1, "FATA No Snapshots with ID deadbeef found\n", ""));
  auto status = abra->restore(domain, "deadbeef");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::not_found);

  // Negative control: the same words in a line that is not abra's own are not abra's verdict.
  runner.on({"/opt/abra", "app", "restore"},
            exited(1, "backupbot: No Snapshots with ID deadbeef found\nFATA restore failed\n", ""));
  auto echoed = abra->restore(domain, "deadbeef");
  ASSERT_FALSE(echoed.ok());
  EXPECT_EQ(echoed.error().kind, ErrorKind::check_failed);
}

// A terminal merges stderr into stdout: classification reads abra's own lines wherever they are,
// and never a service's log line that abra echoes.
TEST_F(AbraFixture, AnEchoedServiceLogLineNeverBlamesTheEnvironment) {
  runner.on({"/opt/abra", "app", "deploy"},
            exited(1, "",
                   "INFO waiting for services\napp_1  | psql: could not connect: Connection refused\n"
                   "app_1  | Cannot connect to the Docker daemon (an app that talks to docker)\n"
                   "FATA deploy failed 🛑\n"));
  auto status = abra->deploy(domain, DeployOptions{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::check_failed) << status.error().message;
}

TEST_F(AbraFixture, AbrasOwnFatalLineAboutDockerIsInfrastructureEvenWithATimestampAndColours) {
  runner.on({"/opt/abra", "app", "backup", "create"},
            exited(1,
                   "app_1 | backing up\n2026/11/30 17:00:01 \x1b[1;31mFATA\x1b[0m cannot connect to the docker daemon "
                   "at unix:///var/run/docker.sock\n",
                   ""));
  auto status = abra->backup_create(domain);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::infra) << status.error().message;
  EXPECT_EQ(status.error().message.find(":\n2026/11/30 17:00:01 FATA cannot connect"),
            status.error().message.find(":\n"))
      << "abra's FATA line is quoted first: " << status.error().message;
}

TEST_F(AbraFixture, ABackupRunWithoutATerminalIsTheHarnessesFaultNotTheRecipes) {
  runner.once({"/opt/abra", "app", "backup", "create"}, exited(1, "FATA the input device is not a TTY\n", ""));
  auto refused = abra->backup_create(domain);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::infra) << refused.error().message;
  runner.on({"/opt/abra", "app", "backup", "create"}, exited(1, "FATA backup failed\n", ""));
  auto failed = abra->backup_create(domain);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::check_failed) << "the control: a failed backup stays the recipe's";
}

TEST_F(AbraFixture, AnUnknownFlagIsInfrastructureNamingItWhateverTheOperation) {
  struct Case {
    std::string output;
    std::string flag;
  };
  const std::vector<Case> cases{
      {"Error: unknown flag: --chaos\nUsage:\n  abra app backup create [flags]\n", "--chaos"},
      {"Error: unknown shorthand flag: 'C' in -C\n", "-C"},
      {"Incorrect Usage: flag provided but not defined: -chaos\n", "-chaos"},
      {"FATA flag provided but not defined: -offline\n", "-offline"},
  };
  for (const auto& one : cases) {
    FakeProcessRunner fake;
    auto driver = make_abra_driver(fake, test_settings());
    fake.on({"/opt/abra"}, exited(1, "", one.output));
    auto deployed = driver->deploy(domain, DeployOptions{});
    ASSERT_FALSE(deployed.ok());
    EXPECT_EQ(deployed.error().kind, ErrorKind::infra) << one.output << "a deploy's default would blame the recipe";
    EXPECT_NE(deployed.error().message.find("abra does not know " + one.flag + " (abra app deploy)"), std::string::npos)
        << deployed.error().message;
    EXPECT_NE(deployed.error().message.find("ccci-run doctor"), std::string::npos);
    auto backed_up = driver->backup_create(domain);
    ASSERT_FALSE(backed_up.ok());
    EXPECT_EQ(backed_up.error().kind, ErrorKind::infra) << one.output;
  }
}

TEST_F(AbraFixture, AServiceLogLineAboutAFlagIsNotAbraRefusingOne) {
  runner.on({"/opt/abra", "app", "deploy"},
            exited(1, "app_1  | flag provided but not defined: -config\nFATA deploy failed\n", ""));
  auto status = abra->deploy(domain, DeployOptions{});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::check_failed) << status.error().message;
  EXPECT_EQ(status.error().message.find("does not know"), std::string::npos);
}

TEST(SecretInsertUnderATerminal, ItsMergedOutputIsQuotedOnlyAsAbrasRedactedErrorLines) {
  FakeProcessRunner runner;
  Redactor redactor;
  auto settings = test_settings();
  settings.redactor = &redactor;
  auto abra = make_abra_driver(runner, settings);
  fakes::TempDir dir;
  auto value_file = dir.path() / "value";
  std::ofstream(value_file) << "s3cr3t-value-4455";
  runner.on(
      {"/opt/abra", "app", "secret", "insert"},
      exited(1, "echoed s3cr3t-value-4455 and unrelated-stdout-text\nFATA cannot insert s3cr3t-value-4455\n", ""));
  auto status = abra->secret_insert(domain, "key", "v1", value_file);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message.find("s3cr3t-value-4455"), std::string::npos) << status.error().message;
  EXPECT_EQ(status.error().message.find("unrelated-stdout-text"), std::string::npos) << status.error().message;
  EXPECT_NE(status.error().message.find("FATA cannot insert"), std::string::npos) << status.error().message;

  // Without a redactor nothing of stdout is quoted at all.
  FakeProcessRunner bare_runner;
  auto bare = make_abra_driver(bare_runner, test_settings());
  bare_runner.on({"/opt/abra"}, exited(1, "FATA cannot insert s3cr3t-value-4455\n", ""));
  auto bare_status = bare->secret_insert(domain, "key", "v1", value_file);
  ASSERT_FALSE(bare_status.ok());
  EXPECT_EQ(bare_status.error().message.find("s3cr3t"), std::string::npos) << bare_status.error().message;
}

// --- output parsing --------------------------------------------------------------------------

TEST_F(AbraFixture, SnapshotsAreParsedFromAbrasStdout) {
  runner.on({"/opt/abra", "app", "backup", "snapshots"},
            exited(0, "2025-03-01T12:00:00 3f2a1b4c 1.2.0+3.4.5\n", "INFO some log on stderr\n"));
  auto snapshots = abra->backup_snapshots(domain);
  ASSERT_TRUE(snapshots.ok()) << snapshots.error().message;
  ASSERT_EQ(snapshots->size(), 1u);
  EXPECT_EQ(snapshots->front().id, "3f2a1b4c");
}

TEST_F(AbraFixture, SnapshotsCommandFailingWithNoSnapshotsMeansNone) {
  runner.on({"/opt/abra", "app", "backup", "snapshots"}, exited(1, "", "WARN No Snapshots found for app\n"));
  auto snapshots = abra->backup_snapshots(domain);
  ASSERT_TRUE(snapshots.ok()) << snapshots.error().message;
  EXPECT_TRUE(snapshots->empty());
}

TEST_F(AbraFixture, BackupListYieldsThePathsInTheSnapshot) {
  runner.on({"/opt/abra", "app", "backup", "list"},
            exited(0,
                   "INFO listing snapshot 3f2a1b4c\r\n"
                   "/var/lib/docker/volumes/app1_ci_example_net_data/_data\r\n"
                   "/var/lib/docker/volumes/app1_ci_example_net_db/_data/backup.sql\r\n"
                   "/secrets/db_password\r\n"));
  auto paths = abra->backup_list(domain, "3f2a1b4c", BackupListScope::all_paths);
  ASSERT_TRUE(paths.ok()) << paths.error().message;
  EXPECT_EQ(*paths, (std::vector<std::string>{"/var/lib/docker/volumes/app1_ci_example_net_data/_data",
                                              "/var/lib/docker/volumes/app1_ci_example_net_db/_data/backup.sql",
                                              "/secrets/db_password"}));
}

TEST_F(AbraFixture, ABackupListingCutAtTheOutputCapIsInfrastructureNeverACoverageVerdict) {
  auto cut = exited(0, "[ccci: the first 12 bytes of this output were dropped]\n/var/lib/docker/volumes/x/_data\n");
  cut.dropped = 12;
  runner.on({"/opt/abra", "app", "backup", "list"}, cut);
  auto paths = abra->backup_list(domain, "3f2a1b4c", BackupListScope::all_paths);
  ASSERT_FALSE(paths.ok());
  EXPECT_EQ(paths.error().kind, ErrorKind::infra);
  EXPECT_NE(paths.error().message.find("12 bytes dropped"), std::string::npos) << paths.error().message;
}

// --- flags doctor looks for -------------------------------------------------------------------

/// The command words of an argv (after the executable) and the flags it passes.
std::pair<std::string, std::vector<std::string>> command_and_flags(const Argv& argv,
                                                                   const std::vector<AbraCommandFlags>& known) {
  std::string command;
  for (const auto& entry : known) {
    std::string words;
    for (std::size_t i = 1; i < argv.size() && argv[i].front() != '-'; ++i) {
      words += (words.empty() ? "" : " ") + argv[i];
      if (words == entry.command && entry.command.size() > command.size()) command = entry.command;
    }
  }
  std::vector<std::string> flags;
  for (const auto& arg : argv) {
    if (arg.size() > 1 && arg.front() == '-') flags.push_back(arg);
  }
  return {command, flags};
}

TEST_F(AbraFixture, EveryFlagTheDriverPassesIsListedForDoctorUnderItsCommand) {
  auto file = std::filesystem::temp_directory_path() / "ccci-abra-flags-secret";
  { std::ofstream(file) << "value"; }
  EXPECT_TRUE(abra->app_new("custom-html", std::nullopt, domain, SecretGeneration::generate_all).ok());
  EXPECT_TRUE(
      abra->deploy(domain, DeployOptions{DeployMode::chaos(), Force::yes, ConvergeChecks::skip, std::nullopt}).ok());
  EXPECT_TRUE(
      abra->deploy(domain, DeployOptions{DeployMode::release("1.0.0+1"), Force::no, ConvergeChecks::wait, std::nullopt})
          .ok());
  EXPECT_TRUE(abra->undeploy(domain).ok());
  EXPECT_TRUE(abra->remove(domain).ok());
  EXPECT_TRUE(abra->volume_remove(domain).ok());
  EXPECT_TRUE(abra->secret_generate_all(domain).ok());
  EXPECT_TRUE(abra->secret_insert(domain, "db_password", "v1", file).ok());
  EXPECT_TRUE(abra->backup_create(domain).ok());
  EXPECT_TRUE(abra->backup_snapshots(domain).ok());
  EXPECT_TRUE(abra->backup_list(domain, "3f2a1b4c", BackupListScope::all_paths).ok());
  EXPECT_TRUE(abra->restore(domain, "3f2a1b4c").ok());
  std::filesystem::remove(file);

  auto known = abra_flags_in_use();
  ASSERT_EQ(runner.argvs().size(), 12u);
  for (const auto& argv : runner.argvs()) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    auto parsed = command_and_flags(argv, known);
    const auto& command = parsed.first;
    const auto& flags = parsed.second;
    ASSERT_FALSE(command.empty()) << "not listed: " << join(argv, " ");
    auto entry = std::find_if(known.begin(), known.end(), [&](const auto& e) { return e.command == command; });
    for (const auto& flag : flags) {
      EXPECT_NE(std::find(entry->flags.begin(), entry->flags.end(), flag), entry->flags.end())
          << flag << " of `" << join(argv, " ") << "` is not listed under " << command;
    }
  }
}

// --- stack names ------------------------------------------------------------------------------

TEST(StackName, DotsBecomeUnderscores) {
  EXPECT_EQ(stack_name_for("app1.ci.example.net"), "app1_ci_example_net");
  EXPECT_EQ(stack_name_for("ghos-9431a1.ci.commoninternet.net"), "ghos-9431a1_ci_commoninternet_net");
}

TEST(StackName, LongNamesAreCutTo45Characters) {
  std::string domain45 = std::string(41, 'a') + ".net";
  ASSERT_EQ(domain45.size(), 45u);
  EXPECT_EQ(stack_name_for(domain45), std::string(41, 'a') + "_net");
  std::string long_domain = "keycloak-c12afe0123.parent-discourse-4.ci.commoninternet.net";
  std::string stack = stack_name_for(long_domain);
  EXPECT_EQ(stack.size(), 45u);
  EXPECT_EQ(stack, "keycloak-c12afe0123_parent-discourse-4_ci_com");
}

}  // namespace
}  // namespace ccci::harness

namespace ccci::harness {
namespace {

TEST(GeneratedSecrets, TheDriverTeachesTheRedactorEveryValueAbraPrintsEvenWhenItFails) {
  Redactor redactor;
  fakes::FakeProcessRunner runner;
  AbraSettings settings = test_settings();
  settings.redactor = &redactor;
  auto abra = make_abra_driver(runner, settings);
  runner.on({"/opt/abra", "app", "secret"}, exited(0, "NAME   VALUE\ndb_password   Zq3xR9mWv2Lp-one\n", ""));
  ASSERT_TRUE(abra->secret_generate_all(domain).ok());
  EXPECT_EQ(redactor.redact("pw=Zq3xR9mWv2Lp-one"), "pw=********");

  fakes::FakeProcessRunner failing;
  auto failing_abra = make_abra_driver(failing, settings);
  failing.on({"/opt/abra", "app", "secret"},
             exited(1, "NAME   VALUE\nsmtp_password  partly-made-7788\n", "FATA docker gone\n"));
  ASSERT_FALSE(failing_abra->secret_generate_all(domain).ok());
  EXPECT_EQ(redactor.redact("partly-made-7788"), "********") << "what was printed before the failure is secret too";

  fakes::FakeProcessRunner creating;
  auto creating_abra = make_abra_driver(creating, settings);
  creating.on({"/opt/abra", "app", "new"}, exited(0, "NAME  VALUE\nkey  from-app-new-secrets\n", ""));
  ASSERT_TRUE(creating_abra->app_new("custom-html", std::nullopt, domain, SecretGeneration::generate_all).ok());
  EXPECT_EQ(redactor.redact("from-app-new-secrets"), "********");
}

}  // namespace
}  // namespace ccci::harness
