#!/usr/bin/env bash
# From a fresh machine: install everything, then check the code and run the whole test suite:
#   1. build with GCC (scripts/build.sh) and check the formatting (.clang-format);
#   2. under ctest, the GCC build's whole suite: unit and integration tests, the fuzz seed
#      replays and the testbed e2e suites (which bring the testbed up themselves);
#   3. beside step 2, at the lowest CPU priority (the suite mostly waits on Docker): build
#      everything with clang under ASan + UBSan (scripts/build-clang.sh), run clang-tidy
#      (.clang-tidy) over every translation unit of that build, the hermetic unit tests under the
#      sanitizers with no tool on PATH, and a bounded libFuzzer run of every reader of hostile
#      input (scripts/run-fuzz.sh, FUZZ_SECONDS each, default 15). Its report follows the suite's.
# Every step runs even when an earlier one failed, and each prints one line saying how it went,
# so a red run names all that is wrong. Arguments go to step 2's ctest (e.g. -L unit).
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

clang_checks() {  # step 3; its failures go to the file $1, one a line
  failed=()
  step "clang build (ASan + UBSan)" nice -n 19 bash scripts/build-clang.sh
  step "clang-tidy" nice -n 19 cmake --build build-clang --target tidy
  step "unit tests under the sanitizers, no tool on PATH" \
    in_dir build-clang nice -n 19 env PATH=/nonexistent "$(command -v ctest)" -L unit --output-on-failure
  step "fuzzing" nice -n 19 bash scripts/run-fuzz.sh
  ((${#failed[@]} == 0)) || printf '%s\n' "${failed[@]}" >"$1"
}

testbed_was_up=no
testbed/ccci-testbed status >/dev/null 2>&1 && testbed_was_up=yes

step "GCC build" bash scripts/build.sh
step "format check" cmake --build build --target check-format

clang_report=$(mktemp -d)
trap 'rm -rf "$clang_report"' EXIT
echo "run-tests: the clang build and its checks run beside the test suite; their report follows it" >&2
clang_checks "$clang_report/failed" >"$clang_report/log" 2>&1 &
clang_pid=$!
# Two tests at a time: the e2e tests mostly wait on Docker (DECISIONS.md "e2e tests two at a time").
step "test suite" in_dir build ctest -j2 --output-on-failure --timeout 1800 "$@"
wait "$clang_pid" || failed+=("clang checks")
cat "$clang_report/log" >&2
[[ ! -f $clang_report/failed ]] || mapfile -t -O "${#failed[@]}" failed <"$clang_report/failed"

if [[ $testbed_was_up == no ]] && [[ -d ${CCCI_TESTBED_DIR:-/var/lib/ccci-testbed} ]]; then
  step "testbed down" testbed/ccci-testbed down >/dev/null
fi
if ((${#failed[@]})); then
  echo "run-tests: FAILED: $(IFS=,; echo "${failed[*]}")" >&2
  exit 1
fi
echo "run-tests: all steps passed in $SECONDS s" >&2
