#!/usr/bin/env bash
# Configures and builds everything with clang into ./build-clang (Ninja): ccci-run, the stand-in,
# the unit and e2e tests and the fuzz targets, under AddressSanitizer and UndefinedBehaviorSanitizer
# (aborting on the first finding) and with libFuzzer's coverage instrumentation. One build serves
# three checks of the test command: the project builds with clang, the unit tests run under the
# sanitizers, and scripts/run-fuzz.sh fuzzes with libFuzzer; its compile_commands.json is what
# the `tidy` target reads. Extra arguments go to the configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
CC=clang CXX=clang++ cmake -S . -B build-clang -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCCCI_SANITIZE=ON -DCCCI_FUZZ=ON -DCCCI_FUZZ_ENGINE=libfuzzer "$@" >/dev/null
cmake --build build-clang -j "$(nproc)"
