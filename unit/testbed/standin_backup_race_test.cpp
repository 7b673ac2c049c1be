// The stand-in's `backup create` enumerates paths and hooks only from services with a running
// container, as backup-bot-two does, and CCCI_STANDIN_BACKUP_RACE stops one in the window between
// the settledness check and that enumeration (docs/abra-standin.md "Backups").
#include <gtest/gtest.h>

#include <algorithm>

#include "testbed/abra/backup_race.hpp"
#include "testbed/abra/backupbot.hpp"
#include "testbed/abra/cli.hpp"
#include "testbed/abra/context.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::testbed {
namespace {

constexpr const char* domain = "fixt-1.ccci.test";
const std::string stack = "fixt-1_ccci_test";
const std::string db = stack + "_db";
const std::string db_path = "/var/lib/docker/volumes/" + stack + "_db-data/_data/backup.sql";
const std::string dump_hook = "sh -c 'sqlite3 app.db .dump > backup.sql'";

class StandinBackupCreate : public ::testing::Test {
 protected:
  StandinBackupCreate() {
    dir.write("abra/servers/default/" + std::string(domain) + ".env", "TYPE=fixture-db\n");
    const std::vector<std::string> ls{
        "docker", "service", "ls", "--filter", "label=com.docker.stack.namespace=" + stack, "--format"};
    auto with = [](std::vector<std::string> argv, const std::string& last) {
      argv.push_back(last);
      return argv;
    };
    runner.on(with(ls, "{{.Name}} {{.Replicas}}"), fakes::exited(0, stack + "_app 1/1\n" + db + " 1/1\n"));
    runner.on(with(ls, "{{.Name}}"), fakes::exited(0, stack + "_app\n" + db + "\n"));
    runner.on({"docker", "service", "inspect", "--format", "{{json .Spec}}", stack + "_app"},
              fakes::exited(0, R"({"Labels":{"backupbot.backup":"true"}})"));
    runner.on({"docker", "service", "inspect", "--format", "{{json .Spec}}", db},
              fakes::exited(0, R"({"Labels":{"backupbot.backup":"true","backupbot.backup.pre-hook":")" + dump_hook +
                                   R"(","backupbot.backup.volumes.db-data.path":"backup.sql"},
                                   "TaskTemplate":{"ContainerSpec":{"Mounts":[{"Type":"volume","Source":")" +
                                   stack + R"(_db-data","Target":"/var/lib/sqlite"}]}}})"));
    runner.on(ps(stack + "_app"), fakes::exited(0, "aaaa1111\n"));
    runner.on(ps(db), [this](const harness::Command&) -> harness::Result<harness::Completion> {
      return fakes::exited(0, db_running ? "dbdb2222\n" : "");
    });
    runner.on({"docker", "kill", "dbdb2222"}, [this](const harness::Command&) -> harness::Result<harness::Completion> {
      db_running = false;
      return fakes::exited(0, "dbdb2222\n");
    });
  }

  static std::vector<std::string> ps(const std::string& service) {
    return {"docker", "ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service};
  }

  harness::Status backup_create_with(harness::Environment env = {}) {
    env["ABRA_DIR"] = (dir.path() / "abra").string();
    Context context(runner, env);
    auto invocation = parse_command_line({"app", "backup", "create", domain});
    EXPECT_TRUE(invocation.ok()) << invocation.error().message;
    return backup_create(context, *invocation);
  }

  /// The argv of the last `restic backup`.
  std::vector<std::string> restic_backup() const {
    auto argvs = runner.argvs();
    auto found = std::find_if(argvs.rbegin(), argvs.rend(), [](const auto& argv) {
      return argv.size() > 1 && argv[0] == "restic" && argv[1] == "backup";
    });
    return found == argvs.rend() ? std::vector<std::string>{} : *found;
  }
  bool backed_up(const std::string& path) const {
    auto argv = restic_backup();
    return std::find(argv.begin(), argv.end(), path) != argv.end();
  }
  /// Where the first command starting with `prefix` ran, in the order of all commands.
  long position(const std::vector<std::string>& prefix) const {
    auto argvs = runner.argvs();
    auto found = std::find_if(argvs.begin(), argvs.end(), [&](const auto& argv) {
      return argv.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), argv.begin());
    });
    return found == argvs.end() ? -1 : found - argvs.begin();
  }

  fakes::TempDir dir;
  fakes::FakeProcessRunner runner;
  bool db_running = true;
};

TEST_F(StandinBackupCreate, ARunningServiceHasItsPathsBackedUpAndItsHooksRun) {
  auto done = backup_create_with();
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_TRUE(backed_up(db_path));
  EXPECT_EQ(runner.count({"docker", "exec", "dbdb2222", "sh", "-c"}), 1u);
  EXPECT_EQ(runner.count({"docker", "kill"}), 0u) << "no race without the knob";
}

TEST_F(StandinBackupCreate, AServiceWithoutARunningContainerIsLeftOutWithAnErrorAndTheBackupSucceeds) {
  db_running = false;
  testing::internal::CaptureStderr();
  auto done = backup_create_with();
  std::string err = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_FALSE(restic_backup().empty()) << "the backup still ran";
  EXPECT_FALSE(backed_up(db_path)) << "its volume is left out";
  EXPECT_EQ(runner.count({"docker", "exec"}), 0u) << "its hook is left out";
  EXPECT_NE(err.find("ERRO Container " + db + " is not running, hooks can not be executed"), std::string::npos) << err;
}

TEST_F(StandinBackupCreate, TheRaceStopsTheContainerAfterTheSettlednessCheckAndBeforeTheEnumeration) {
  testing::internal::CaptureStderr();
  auto first = backup_create_with({{"CCCI_STANDIN_BACKUP_RACE", "db:1"}});
  testing::internal::GetCapturedStderr();
  ASSERT_TRUE(first.ok()) << first.error().message;
  long settled = position({"docker", "service", "ls", "--filter", "label=com.docker.stack.namespace=" + stack,
                           "--format", "{{.Name}} {{.Replicas}}"});
  long kill = position({"docker", "kill", "dbdb2222"});
  long wait = position({"docker", "wait", "dbdb2222"});
  long enumerated = position({"docker", "service", "inspect"});
  EXPECT_LT(settled, kill);
  EXPECT_LT(kill, wait);
  EXPECT_LT(wait, enumerated);
  EXPECT_FALSE(backed_up(db_path)) << "the enumeration found db not running";

  db_running = true;  // swarm replaced the task
  auto second = backup_create_with({{"CCCI_STANDIN_BACKUP_RACE", "db:1"}});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(runner.count({"docker", "kill"}), 1u) << "only the first call races";
  EXPECT_TRUE(backed_up(db_path));
}

TEST_F(StandinBackupCreate, TheRaceAlwaysRacesEveryCall) {
  for (int call = 0; call < 3; ++call) {
    db_running = true;
    testing::internal::CaptureStderr();
    auto done = backup_create_with({{"CCCI_STANDIN_BACKUP_RACE", "db:always"}});
    testing::internal::GetCapturedStderr();
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_FALSE(backed_up(db_path));
  }
  EXPECT_EQ(runner.count({"docker", "kill"}), 3u);
}

TEST_F(StandinBackupCreate, TheRaceOnAServiceTheStackDoesNotHaveIsFatalAndStopsNothing) {
  for (const char* value : {"web:1", "fixt-1_ccci_test_db:1"}) {
    auto done = backup_create_with({{"CCCI_STANDIN_BACKUP_RACE", value}});
    ASSERT_FALSE(done.ok()) << value;
    EXPECT_NE(done.error().message.find("is no service of " + stack), std::string::npos) << done.error().message;
  }
  EXPECT_EQ(runner.count({"docker", "kill"}), 0u);
  EXPECT_TRUE(restic_backup().empty());
}

TEST(StandinBackupRace, ParsesAServiceAndACountOrAlways) {
  auto once = parse_backup_race("db:1");
  ASSERT_TRUE(once.ok());
  EXPECT_EQ(once->service, "db");
  EXPECT_EQ(once->times, 1);
  auto always = parse_backup_race("db-2:always");
  ASSERT_TRUE(always.ok());
  EXPECT_EQ(always->service, "db-2");
  EXPECT_FALSE(always->times.has_value());
}

TEST(StandinBackupRace, AHostileOrMalformedValueIsFatalNamingTheKnob) {
  for (const char* value : {"db", "db:", ":1", "db:-1", "db:1x", "db:9999999", "-db:1", ".db:1", "db;rm -rf /:1",
                            "db x:1", "label=x,db:1", "db:1:2", "../db:1", "db\n:1"}) {
    auto parsed = parse_backup_race(value);
    ASSERT_FALSE(parsed.ok()) << value;
    EXPECT_EQ(parsed.error().message.rfind("CCCI_STANDIN_BACKUP_RACE must be <service>:<n|always>", 0), 0u)
        << parsed.error().message;
  }
}

}  // namespace
}  // namespace ccci::testbed
