#!/usr/bin/env bash
export PG_BACKUP_VERSION=v6

foo() {
  echo hi
}
export ENTRYPOINT_CONF_VERSION=v2
