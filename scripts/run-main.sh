#!/usr/bin/env bash
# From a fresh machine: install everything, build, bring the testbed up, and run the main job on
# the fixture-web recipe's PR 1: for now the resolved plan (--plan); the full lifecycle on the
# swarm once the testbed's abra stand-in lands (see the open testbed issue).
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
RECIPE=fixture-web PR=1 exec build/runner/ccci-run --plan "$@"
