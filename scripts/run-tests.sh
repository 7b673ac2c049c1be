#!/usr/bin/env bash
# From a fresh machine: install everything, build, and run the whole test suite under ctest
# (hermetic unit tests, then the testbed e2e suites, which start Docker themselves).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --testbed
bash scripts/build.sh
cd build
ctest --output-on-failure --timeout 1800 "$@"
