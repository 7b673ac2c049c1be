#include "runner/backup_analysis.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/fakes/compose_samples.hpp"

namespace ccci::runner {
namespace {

/// The findings for one compose.yml, as "<service>: <message>" lines.
std::vector<std::string> findings_of(const std::string& compose) {
  fakes::compose_samples::Recipe recipe;
  recipe.file("compose.yml", compose);
  auto model = harness::load_compose(recipe.dir.path(), {{"STACK_NAME", "s"}, {"DOMAIN", "s.ccci.test"}});
  EXPECT_TRUE(model.ok()) << model.error().message;
  std::vector<std::string> lines;
  if (!model.ok()) return lines;
  for (const auto& finding : analyse_backup_coverage(*model)) lines.push_back(describe(finding));
  return lines;
}

// Modelled on immich as published (journal-recipe-tests.md, 2026-05-29): backups enabled on the
// app, whose only volume is excluded; postgres backed up as live files, no dump hook.
const char* const immich_like = R"(services:
  app:
    image: ghcr.io/immich-app/immich-server:v1.118.2
    volumes: [uploads:/usr/src/app/upload]
    deploy:
      labels:
        backupbot.backup: "true"
        backupbot.backup.volumes.uploads: "false"
  database:
    image: ghcr.io/immich-app/postgres:14-vectorchord0.4.3@sha256:0123abcd
    volumes: [pgdata:/var/lib/postgresql/data]
volumes:
  uploads:
  pgdata:
)";

TEST(BackupAnalysis, ImmichLikeRecipeIsFlaggedForItsExcludedVolumeAndItsUndumpedDatabase) {
  EXPECT_EQ(findings_of(immich_like),
            (std::vector<std::string>{
                "app: volume uploads (at /usr/src/app/upload) is excluded from backups "
                "(backupbot.backup.volumes.uploads=false): its data is not covered",
                "database: runs ghcr.io/immich-app/postgres:14-vectorchord0.4.3@sha256:0123abcd, a database, and its "
                "volume pgdata is backed up as live files with no dump hook (backupbot.backup.pre-hook): a copy of a "
                "running database may not restore"}));
}

// Modelled on mattermost-lts (journal, 2026-05-30): a pg_dump before the backup, no reimport.
const char* const mattermost_like = R"(services:
  app:
    image: mattermost/mattermost-team-edition:10.11.18
    volumes: [mattermost:/mattermost]
    deploy:
      labels:
        backupbot.backup: "true"
  postgres:
    image: postgres:16
    volumes: [postgres:/var/lib/postgresql/data]
    deploy:
      labels:
        backupbot.backup: "true"
        backupbot.backup.pre-hook: "sh -c 'pg_dump -U mattermost -f /var/lib/postgresql/data/postgres-backup.sql'"
volumes:
  mattermost:
  postgres:
)";

TEST(BackupAnalysis, MattermostLikeDumpWithoutARestoreHookIsFlagged) {
  EXPECT_EQ(findings_of(mattermost_like),
            (std::vector<std::string>{
                "postgres: dumps before a backup (backupbot.backup.pre-hook: sh -c 'pg_dump -U mattermost -f "
                "/var/lib/postgresql/data/postgres-backup.sql') but has no restore hook (backupbot.restore.post-hook): "
                "the dump comes back as a file and is never reimported"}));
}

// Modelled on ghost (journal, 2026-05-30): mysql dumped through gzip, never reimported.
const char* const ghost_like = R"(services:
  app:
    image: ghost:5.96
    volumes: [ghost_content:/var/lib/ghost/content]
    deploy:
      labels:
        backupbot.backup: "true"
  db:
    image: mysql:8.0
    volumes: [mysql:/var/lib/mysql]
    deploy:
      labels:
        backupbot.backup.pre-hook: "sh -c 'mysqldump -u root ghost | gzip > /var/lib/mysql/backup.sql.gz'"
        backupbot.backup.volumes.mysql.path: "backup.sql.gz"
volumes:
  ghost_content:
  mysql:
)";

TEST(BackupAnalysis, GhostLikeUnreimportedDumpAndAPipelineThatHidesAFailedDumpAreFlagged) {
  EXPECT_EQ(findings_of(ghost_like),
            (std::vector<std::string>{
                "db: backupbot.backup.pre-hook pipes commands without pipefail (sh -c 'mysqldump -u root ghost | gzip "
                "> /var/lib/mysql/backup.sql.gz'): a failed step hides behind the last one's success",
                "db: dumps before a backup (backupbot.backup.pre-hook: sh -c 'mysqldump -u root ghost | gzip > "
                "/var/lib/mysql/backup.sql.gz') but has no restore hook (backupbot.restore.post-hook): the dump comes "
                "back as a file and is never reimported"}));
}

TEST(BackupAnalysis, ARecipeWithVolumesAndNoBackupLabelBacksUpNothing) {
  EXPECT_EQ(findings_of(R"(services:
  app:
    image: nginx:1.27
    volumes: [site:/usr/share/nginx/html, /tmp:/host-tmp]
  cache:
    image: ccci/busybox:1
    volumes: [site:/site, scratch:/scratch]
volumes:
  site:
  scratch:
)"),
            (std::vector<std::string>{
                "no service carries backupbot.backup=true, so nothing is backed up (named volumes: scratch, site)"}));
  EXPECT_TRUE(findings_of("services:\n  app:\n    image: nginx:1.27\n").empty()) << "nothing to back up";
}

TEST(BackupAnalysis, DumpedAndReimportedDatabasesAndGuardedPipelinesAreClean) {
  // fixture-db's labels: a dump, a reimport, an && chain.
  EXPECT_TRUE(findings_of(R"(services:
  app:
    image: ccci/fixture-db:1.1
    deploy:
      labels:
        backupbot.backup: "true"
  db:
    image: postgres:16
    volumes: [db-data:/var/lib/postgresql/data]
    deploy:
      labels:
        backupbot.backup: "true"
        backupbot.backup.pre-hook: "sh -c 'set -o pipefail; pg_dump -U app | gzip > /var/lib/postgresql/data/b.sql.gz'"
        backupbot.backup.volumes.db-data.path: "b.sql.gz"
        backupbot.restore.post-hook: "sh -c 'test -f /x || exit 1; /pg_backup.sh restore'"
volumes:
  db-data:
)")
                  .empty());
}

TEST(BackupAnalysis, DatabaseImagesAreKnownByTheirNameNotTheirRegistry) {
  for (const char* image : {"bitnami/postgresql:16", "docker.io/library/mariadb:11", "mongo:7", "valkey/valkey:8",
                            "registry.example/team/redis-stack:7"}) {
    auto findings = findings_of(std::string("services:\n  db:\n    image: ") + image +
                                "\n    volumes: [data:/data]\n    deploy:\n      labels:\n        backupbot.backup: "
                                "\"true\"\nvolumes:\n  data:\n");
    ASSERT_EQ(findings.size(), 1u) << image;
    EXPECT_NE(findings[0].find("a database"), std::string::npos) << image;
  }
  EXPECT_TRUE(findings_of("services:\n  app:\n    image: ghcr.io/example/not-a-db:1\n    volumes: [data:/data]\n"
                          "    deploy:\n      labels:\n        backupbot.backup: \"true\"\nvolumes:\n  data:\n")
                  .empty());
}

}  // namespace
}  // namespace ccci::runner
