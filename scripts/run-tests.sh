#!/usr/bin/env bash
# From a fresh machine: install everything, then check the code and run the whole test suite:
#   1. build with GCC (scripts/build.sh) and check the formatting (.clang-format);
#   2. build everything with clang under ASan + UBSan (scripts/build-clang.sh) and run clang-tidy
#      (.clang-tidy) over every translation unit of that build;
#   3. the hermetic unit tests under the sanitizers, with no tool on PATH;
#   4. under ctest, the GCC build's whole suite: unit and integration tests, the fuzz seed
#      replays and the testbed e2e suites (which bring the testbed up themselves);
#   5. a bounded libFuzzer run of every reader of hostile input (scripts/run-fuzz.sh, FUZZ_SECONDS
#      each, default 15).
# Every step runs even when an earlier one failed, and each prints one line saying how it went,
# so a red run names all that is wrong. Arguments go to step 4's ctest (e.g. -L unit).
# A testbed that was not running before is taken down afterwards, so the machine is left as it
# was found; one that was running is left running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --testbed

failed=()
step() {  # step NAME COMMAND...: runs one step, timed, and records a failure
  local name=$1 start=$SECONDS
  shift
  echo "run-tests: $name ..." >&2
  if "$@"; then
    echo "run-tests: $name ok ($((SECONDS - start)) s)" >&2
  else
    echo "run-tests: $name FAILED ($((SECONDS - start)) s)" >&2
    failed+=("$name")
  fi
}
in_dir() { (cd "$1" && shift && "$@"); }
# the sanitizers' reports name functions and lines even with no tool on PATH
symbolizer=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)
[[ -z $symbolizer ]] || export ASAN_SYMBOLIZER_PATH=$symbolizer

testbed_was_up=no
testbed/ccci-testbed status >/dev/null 2>&1 && testbed_was_up=yes

step "GCC build" bash scripts/build.sh
step "format check" cmake --build build --target check-format
step "clang build (ASan + UBSan)" bash scripts/build-clang.sh
step "clang-tidy" cmake --build build-clang --target tidy
step "unit tests under the sanitizers, no tool on PATH" \
  in_dir build-clang env PATH=/nonexistent "$(command -v ctest)" -L unit --output-on-failure
step "test suite" in_dir build ctest --output-on-failure --timeout 1800 "$@"
step "fuzzing" bash scripts/run-fuzz.sh

if [[ $testbed_was_up == no ]] && [[ -d ${CCCI_TESTBED_DIR:-/var/lib/ccci-testbed} ]]; then
  step "testbed down" testbed/ccci-testbed down >/dev/null
fi
if ((${#failed[@]})); then
  echo "run-tests: FAILED: $(IFS=,; echo "${failed[*]}")" >&2
  exit 1
fi
echo "run-tests: all steps passed in $SECONDS s" >&2
