#pragma once
/// Compose samples shared by the compose unit tests (which pin what our loader makes of them) and
/// the ComposeDifferential integration tests (which check the same files against `docker stack
/// config`). Recipe writes a sample into a fresh temporary directory.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "unit/fakes/temp_dir.hpp"

namespace ccci::fakes::compose_samples {

using Env = std::map<std::string, std::string>;

inline std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

struct Recipe {
  TempDir dir;
  void file(const std::string& name, const std::string& text) { dir.write(name, text); }
};

inline const char* bonfire_like = R"(services:
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

inline const char* overlay = R"(services:
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

inline const char* bare_environment = R"(services:
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

inline const Env bare_environment_env{
    {"LIST_SET", "from-env"},  {"LIST_EMPTY_SET", "from-env"},   {"LIST_VALUE", "ignored"},  {"MAP_SET", "from-env"},
    {"TILDE_SET", "from-env"}, {"QUOTED_EMPTY_SET", "from-env"}, {"QUOTED_NULL", "ignored"}, {"MAP_VALUE", "ignored"}};

inline const char* environment_base = R"(services:
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
inline const char* environment_later = R"(services:
  app:
    environment:
      - LATER_NULL
      - LATER_EMPTY=
      - LATER_NULL_SET
      - EMPTY_THEN_NULL
      - NULL_THEN_EMPTY=
      - ONLY_LATER
)";

inline const char* app_env_file =
    "FROM_FILE=file \"quoted\" \n# a comment\n\n  INDENTED=x\nFILE_BARE_SET\nFILE_BARE_UNSET\n"
    "FILE_EMPTY_SET=\nFROM_BOTH=file\nNULL_OVER_FILE=file\n";

inline const Env environment_env{
    {"LATER_NULL_SET", "from-env"}, {"FILE_BARE_SET", "from-env"}, {"FILE_EMPTY_SET", "from-env"}};

inline const char* external_resources = R"(services:
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

inline const char* merge_base = R"(services:
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

inline const char* merge_later = R"(services:
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
}  // namespace ccci::fakes::compose_samples
