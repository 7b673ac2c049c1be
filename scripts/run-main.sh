#!/usr/bin/env bash
# From a fresh machine: install everything, build, bring the testbed up (a real single-node
# Docker Swarm with a TLS gateway and the fixture recipe repos), then run the main job: the full
# lifecycle of the fixture-web recipe's PR 1 — install, upgrade, backup, restore and custom on one
# deployment, then teardown. Artifacts go to ./out (OUT=... to change); extra arguments go to
# ccci-run (e.g. --plan).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --testbed
bash scripts/build.sh
testbed/ccci-testbed up >/dev/null
set -a
# shellcheck disable=SC1091
. "${CCCI_TESTBED_DIR:-/var/lib/ccci-testbed}/env"
set +a
export PATH="$PWD/build/testbed/bin:$PATH"
RECIPE=fixture-web PR=1 exec build/runner/ccci-run "$@"
