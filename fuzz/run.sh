#!/usr/bin/env bash
# Builds the four fuzz targets and runs each for a bounded time from the committed corpus
# (fuzz/corpus/<target>/, plus the crash inputs kept in fuzz/regressions/<target>/), printing
# runs, exec/s and coverage per target. See docs/fuzzing.md.
#
#   fuzz/run.sh [SECONDS]            new inputs go to target/fuzz-new/<target>/ (checkout untouched)
#   fuzz/run.sh [SECONDS] --update   then merges them into fuzz/corpus/<target>/ and minimizes it
#
# A crash (a panic, a timeout of an input over 10 s, an out-of-memory) fails the run, its input
# printed in base64 and kept under fuzz/artifacts/<target>/. cargo-fuzz wants nightly flags:
# RUSTC_BOOTSTRAP=1 lets the stable compiler accept them.
set -uo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1 CARGO_TERM_COLOR=never
seconds="${1:-30}"
update="${2:-}"
targets=(curl raw_http har response_parser)

cargo fuzz build -O || exit 1

crashed=()
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  new="target/fuzz-new/$target"
  rm -rf "$new"
  mkdir -p "$new" "$corpus" "fuzz/artifacts/$target"
  inputs=("$new" "$corpus")
  [ -d "fuzz/regressions/$target" ] && inputs+=("fuzz/regressions/$target")
  log="target/fuzz-new/$target.log"
  touch "target/fuzz-new/$target.start"
  cargo fuzz run -O "$target" "${inputs[@]}" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$log" 2>&1
  status=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
  speed=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -1)
  cov=$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$done_line")
  corp=$(sed -nE 's/.* corp: ([0-9]+\/[0-9a-zA-Z]+) .*/\1/p' <<<"$done_line")
  artifacts=$(find "fuzz/artifacts/$target" -type f -newer "target/fuzz-new/$target.start")
  if [ "$status" -ne 0 ] || [ -n "$artifacts" ]; then
    echo "fuzz $target: CRASH (exit $status) after ${runs:-?} runs"
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -20
    for artifact in $artifacts; do
      echo "crash input $artifact (base64): $(base64 -w0 "$artifact")"
    done
    crashed+=("$target")
    continue
  fi
  echo "fuzz $target: ${runs:-?} runs in ${seconds}s, ${speed:-?} exec/s, coverage ${cov:-?} edges, corpus ${corp:-?}, no crash"
  if [ "$update" = --update ]; then
    cp -n "$new"/* "$corpus"/ 2>/dev/null || true
    # The smallest set that keeps every feature (-set_cover_merge), to keep the repository small.
    cargo fuzz cmin -O "$target" "$corpus" -- -set_cover_merge=1 >"target/fuzz-new/$target.cmin.log" 2>&1 || {
      echo "error: cargo fuzz cmin $target failed (target/fuzz-new/$target.cmin.log)"; exit 1; }
    echo "fuzz $target: corpus minimized to $(find "$corpus" -type f | wc -l) files, $(($(du -sb "$corpus" | cut -f1) / 1024)) KB"
  fi
done

if [ "${#crashed[@]}" -gt 0 ]; then
  echo "error: fuzz targets crashed: ${crashed[*]} (inputs above; keep each in fuzz/regressions/<target>/)" >&2
  exit 1
fi
