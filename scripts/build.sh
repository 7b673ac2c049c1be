#!/usr/bin/env bash
# Configures and builds ccci into ./build (Ninja). Extra arguments go to the configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Debug "$@" >/dev/null
cmake --build build -j "$(nproc)"
