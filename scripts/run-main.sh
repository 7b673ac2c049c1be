#!/usr/bin/env bash
# From a fresh machine: install everything, build, bring the testbed up, and run the main job —
# the full lifecycle of the fixture-web recipe's PR 1 on a real single-node swarm.
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
