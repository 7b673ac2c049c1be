#!/usr/bin/env bash
# Fuzzes every reader of hostile input (fuzz/: YAML, spec, compose, env files, configuration)
# with libFuzzer under ASan + UBSan, each for a bounded time, starting from its seed corpus
# fuzz/corpus/<target>/. Fails on the first crash, leak, timeout, out-of-memory or violated
# invariant, leaving the reproducer in build-clang/findings/<target>/.
#
#   scripts/run-fuzz.sh               every target, FUZZ_SECONDS (default 15) each
#   scripts/run-fuzz.sh yaml config   only the named targets
#   build-clang/fuzz/fuzz_yaml build-clang/findings/yaml/crash-…   replay one reproducer
#
# Fuzzes the clang build (scripts/build-clang.sh, which the test command runs first; this script
# builds the targets it needs there if they are missing or stale). Inputs libFuzzer finds go to
# build-clang/corpus/<target>/, never into the source tree; copy a good one into fuzz/corpus/ by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-15}
targets=("$@")
((${#targets[@]})) || targets=(yaml spec compose env_file config)

grep -qx "CCCI_FUZZ_ENGINE:STRING=libfuzzer" build-clang/CMakeCache.txt 2>/dev/null || bash scripts/build-clang.sh >/dev/null
nice -n 10 cmake --build build-clang --target "${targets[@]/#/fuzz_}" >/dev/null

status=0
for target in "${targets[@]}"; do
  work=build-clang/corpus/$target
  findings=build-clang/findings/$target
  log=build-clang/fuzz-$target.log
  mkdir -p "$work" "$findings"
  dict=()
  [[ -f fuzz/dict/$target.dict ]] && dict=("-dict=fuzz/dict/$target.dict")
  # -timeout: one input; -rss_limit_mb: the whole process; -max_len: mutations stay small
  # (seeds may be larger and run whole); ASan's leak check runs at exit (-detect_leaks=1).
  if nice -n 10 "build-clang/fuzz/fuzz_$target" "$work" "fuzz/corpus/$target" "${dict[@]}" \
      -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -max_len=8192 \
      -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  printf 'fuzz %-9s %-6s %9s executions in %ss, peak RSS %s MB, corpus %s inputs (log: %s)\n' \
    "$target" "$result" "${execs:-?}" "$seconds" "${rss:-?}" "$(find "$work" -type f | wc -l)" "$log"
  if [[ $result == FAILED ]]; then
    grep -aE '^(==[0-9]+==ERROR|SUMMARY|invariant violated|  ")|Test unit written to|ALARM' "$log" | head -8 >&2 || tail -20 "$log" >&2
  fi
done
exit "$status"
