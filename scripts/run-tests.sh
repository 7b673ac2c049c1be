#!/usr/bin/env bash
# From a fresh machine: install everything, build, and run the whole test suite: under ctest the
# hermetic unit tests, the fuzz seed replays and the testbed e2e suites (which bring the testbed
# up themselves), then a bounded libFuzzer run of every reader of hostile input (scripts/run-fuzz.sh,
# FUZZ_SECONDS each, default 15).
# A testbed that was not running before is taken down afterwards, so the machine is left as it
# was found; one that was running is left running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --testbed
bash scripts/build.sh
testbed_was_up=no
testbed/ccci-testbed status >/dev/null 2>&1 && testbed_was_up=yes
status=0
(cd build && ctest --output-on-failure --timeout 1800 "$@") || status=$?
bash scripts/run-fuzz.sh || status=1
if [[ $testbed_was_up == no ]] && [[ -d ${CCCI_TESTBED_DIR:-/var/lib/ccci-testbed} ]]; then
  testbed/ccci-testbed down >/dev/null 2>&1 || { echo "run-tests: ccci-testbed down failed" >&2; status=1; }
fi
exit "$status"
