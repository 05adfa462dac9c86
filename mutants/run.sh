#!/usr/bin/env bash
# Mutation testing with cargo-mutants over the modules whose mistakes would mislead a user or leak
# a secret, one source file at a time, then docs/mutation-report.md rewritten from every file's
# results. See mutants/README.md.
#
#   mutants/run.sh                        every module, most important first
#   mutants/run.sh redact bundle          these modules
#   mutants/run.sh crates/core/src/oauth/encode.rs    these files (with their module's tests)
#   mutants/run.sh --report               only rewrite docs/mutation-report.md
#   mutants/run.sh --in-diff FILE         only the code a diff changed (CI: the last commit), with
#                                         the tests of every module it touches; figures and missed
#                                         mutants printed, the report left alone
#
# Each file's mutants meet two passes: every unit test of the file's crate, then, on what passes
# those, the module's test selection (its own unit tests and the modules of the integration suites,
# each crate's tests/suite, that exercise it, chosen by package and by name). Per-mutant build and
# test timeouts, and a wall-clock cap (MUTANTS_CAP seconds a module, default 2400). Each file's results stay in target/mutants/<file>/ and the next
# run goes on from them (`--iterate`: what was caught or unviable is not tried again), so a run cut
# by the cap resumes where it stopped. MUTANTS_FRESH=1 starts over.
#
# MUTANTS_IN_PLACE=1 mutates the worktree itself and builds in its own target dir (no second cold
# build; do not edit or commit while it runs). Otherwise cargo-mutants works on a copy and builds
# in target/mutants/build, which stays warm from one run to the next.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# The importers' conformance tests read the third-party corpora beside the checkout, as CI does.
if [ -z "${UPWORK_DIAG_CORPORA:-}" ] && [ -d ../shared/corpora ]; then
  UPWORK_DIAG_CORPORA="$(cd ../shared/corpora && pwd)"
  export UPWORK_DIAG_CORPORA
fi

# module | its source (a file, or a directory and everything below it) | the packages whose tests
# are run on its mutants (the workspace's crates: the module's own and those above it whose tests
# exercise it) | those tests, by the start of their names: the module's own unit tests
# (`redact::`) and the modules of the packages' integration suites (each crate's tests/suite) that
# exercise it (`leaks::`). The redaction boundary writes every byte the binary prints, and a leak
# test passes on an empty output: the golden snapshots (`golden::`) are what notice output lost.
# The OAuth engine has no suite module: its unit tests sign against RFC
# 5849's and outside tools' known answers and run the mistake search, and the suites above it
# would add minutes a mutant for little more. The emulator is a crate of its own, whose unit tests
# are all in `tests` modules (`tests::`) and whose suite is its own.
MODULES=(
  "redact|crates/core/src/redact|upwork-diag-core,upwork-diag|redact::,redaction::,leaks::,golden::,canary_walk::,output_errors::"
  "oauth|crates/core/src/oauth|upwork-diag-core|oauth::"
  "bundle|crates/diagnose/src/bundle|upwork-diag-diagnose,upwork-diag|bundle::,bundle_atomic::,bundle_limits::,golden::,leaks::,redaction::,diagnose::,console::"
  "checks|crates/diagnose/src/checks|upwork-diag-diagnose,upwork-diag|checks::,diagnose::,failures::,content_length_rules::,freshness::,oauth2::,golden::,interop::,replay::"
  "classify|crates/diagnose/src/classify.rs|upwork-diag-diagnose,upwork-diag|classify::,failures::,oauth2::,diagnose::"
  "correct|crates/diagnose/src/correct.rs|upwork-diag-diagnose,upwork-diag|correct::,diagnose::,oauth2::,freshness::,failures::"
  "request|crates/core/src/request|upwork-diag-core,upwork-diag-import,upwork-diag|request::,curl::,har::,raw::,inputs::,input_habits::,content_length_rules::,raw_host::"
  "import|crates/import/src|upwork-diag-import,upwork-diag-diagnose,upwork-diag|curl::,har::,raw::,import_error::,inputs::,input_habits::,parsers_stress::,corpora::,scan::"
  "mock|crates/mock/src|upwork-diag-mock|tests::,mock::,mock_abuse::,keepalive::"
)

# The source files of a module, sorted.
files_of() {
  find "$1" -name '*.rs' | sort
}

cap="${MUTANTS_CAP:-2400}"
# The test timeout is cargo-mutants' own, from the unmutated baseline's time (at least 20 s).
# `--workspace`: mutants in every crate (by default, only the root package's).
common=(--no-shuffle --build-timeout 600 --workspace)

# Where cargo-mutants builds (see the header): sets `mode` to its flag, if any.
set_build_mode() {
  mode=()
  if [ "${MUTANTS_IN_PLACE:-}" = 1 ]; then
    mode=(--in-place)
  else
    export CARGO_TARGET_DIR="$PWD/target/mutants/build"
  fi
}

# cargo-mutants puts each file back after its mutant, but an interrupted in-place run may leave
# one mutated: such a file carries cargo-mutants' marker and is restored from git.
restore_mutated() {
  local left
  left=$(grep -rlF "~ changed by cargo-mutants ~" src tests crates 2>/dev/null || true)
  if [ -n "$left" ]; then
    echo "note: restoring what the interrupted run left mutated: $left"
    # shellcheck disable=SC2086 # one path a word
    git checkout -- $left
  fi
}

# The cargo-mutants arguments that test the given packages (comma-separated; `--test-package`),
# building only their tests (`--cargo-arg=--tests`: each crate's unit tests and its suite, where
# it has one; nothing else is built for a mutant), and run only the tests whose names start with
# the given prefixes (comma-separated; `--cargo-test-arg`, after `--`, reaches the test binaries as
# filters). Without packages, every unit test of the mutated crate and nothing of a suite.
#
# cargo-mutants (27.1) runs the unmutated baseline on the mutated crate's tests only, not on
# `--test-package`'s, and sets the test timeout from it (5 times, at least 20 s): a module whose
# selection reaches a crate above would time out on the suites the baseline did not run. The
# timeout is therefore at least MUTANTS_MIN_TEST_TIMEOUT seconds (default 90) then.
test_args() {
  local package prefix
  if [ -z "$1" ]; then
    echo --cargo-arg=--lib
    return 0
  fi
  echo --cargo-arg=--tests
  IFS=, read -ra list <<<"$1"
  for package in "${list[@]}"; do
    echo "--test-package=$package"
  done
  [ "${#list[@]}" -eq 1 ] || echo "--minimum-test-timeout=${MUTANTS_MIN_TEST_TIMEOUT:-90}"
  [ -n "$2" ] || return 0
  echo --cargo-test-arg=--
  IFS=, read -ra list <<<"$2"
  for prefix in "${list[@]}"; do
    echo "--cargo-test-arg=$prefix"
  done
}

# The module spec a file belongs to.
module_of() {
  local spec name source packages tests
  for spec in "${MODULES[@]}"; do
    IFS='|' read -r name source packages tests <<<"$spec"
    if [[ "$1" == "$source" || "$1" == "$source"/* ]]; then echo "$spec"; return; fi
  done
}

if [ "${1:-}" = --report ]; then
  mutants/report.sh "${MODULES[@]}" >docs/mutation-report.md
  exit 0
fi

if [ "${1:-}" = --in-diff ]; then
  diff_file="$2"
  out="target/mutants/in-diff"
  rm -rf "$out"
  mkdir -p "$out"
  packages="" tests=""
  for file in $(sed -nE 's#^\+\+\+ b/(.*)#\1#p' "$diff_file"); do
    spec=$(module_of "$file")
    [ -n "$spec" ] || continue
    IFS='|' read -r _ _ spec_packages spec_tests <<<"$spec"
    packages="$packages,$spec_packages" tests="$tests,$spec_tests"
  done
  packages=$(tr , '\n' <<<"$packages" | grep . | sort -u | paste -sd, || true)
  tests=$(tr , '\n' <<<"$tests" | grep . | sort -u | paste -sd, || true)
  set_build_mode
  mapfile -t selection < <(test_args "$packages" "$tests")
  echo "== mutants in $diff_file (unit tests${tests:+ and $tests}; cap ${cap}s)"
  status=0
  # SIGINT, which cargo-mutants answers by putting the source back before it stops.
  timeout -s INT "$cap" nice -n 10 cargo mutants "${common[@]}" --output "$out" \
    --in-diff "$diff_file" "${mode[@]}" "${selection[@]}" || status=$?
  restore_mutated
  dir="$out/mutants.out"
  echo "mutants: caught $(cat "$dir/caught.txt" "$dir/timeout.txt" 2>/dev/null | grep -c .)," \
    "missed $(cat "$dir/missed.txt" 2>/dev/null | grep -c .)," \
    "unviable $(cat "$dir/unviable.txt" 2>/dev/null | grep -c .)" \
    "$(if [ "$status" = 124 ] || [ "$status" = 130 ]; then echo "(cut at ${cap}s)"; fi)"
  if [ -s "$dir/missed.txt" ]; then
    echo "missed (CI does not fail on them: see mutants/README.md):"
    sed 's/^/  /' "$dir/missed.txt"
  fi
  case "$status" in
    0 | 2 | 3 | 124 | 130) exit 0 ;;
    *) echo "error: cargo mutants failed (exit $status)" >&2; exit "$status" ;;
  esac
fi

# Runs cargo-mutants on one file until `deadline` (seconds since the epoch), in two passes: every
# unit test of the file's crate on every mutant (an incremental build of one crate and a second of
# tests: about 2 s a mutant), then the module's selection on the mutants that pass left (`--iterate`
# skips what the first caught; the selection builds the crates above and runs their suites). A
# mutant is caught when either pass fails on it: both passes are tests of the module, so this
# counts what the two together catch, at a fraction of the selection's cost on every mutant.
# MUTANTS_PASSES=unit runs the first pass alone (a quick survey of what the unit tests miss),
# MUTANTS_PASSES=selection the second alone.
run_file() {
  local file="$1" packages="$2" tests="$3" deadline="$4"
  local out="target/mutants/${file//\//_}"
  if [ "${MUTANTS_FRESH:-}" = 1 ]; then rm -rf "$out"; fi
  mkdir -p "$out"
  set_build_mode
  # The whole count, for the report: a capped run says how far it got.
  cargo mutants "${common[@]}" -f "$file" --list | grep -c . >"$out/listed.count" || true
  echo "== mutants: $file ($(cat "$out/listed.count") mutants)"
  # `selection.done` says that what the unit tests missed has met the module's selection too (or
  # that nothing was missed): without it the report counts the file as run in part.
  if [ "${MUTANTS_PASSES:-both}" != selection ]; then
    rm -f "$out/selection.done"
    run_pass "$file" "$out" "$deadline" "the crate's unit tests" --cargo-arg=--lib
    [ "$pass_status" = complete ] || return 0
  fi
  if [ "${MUTANTS_PASSES:-both}" != unit ]; then
    if [ -n "$packages" ] && [ -s "$out/mutants.out/missed.txt" ]; then
      local selection
      mapfile -t selection < <(test_args "$packages" "$tests")
      run_pass "$file" "$out" "$deadline" "tests $tests" "${selection[@]}"
    else
      echo "   tests $tests: not needed, the unit tests missed nothing"
      pass_status=complete
    fi
    [ "$pass_status" != complete ] || touch "$out/selection.done"
  fi
  unset CARGO_TARGET_DIR
}

# One pass of cargo-mutants over a file's mutants, resuming from its results so far, with the given
# test arguments; cut at `deadline`.
run_pass() {
  local file="$1" out="$2" deadline="$3" what="$4"
  shift 4
  local left=$((deadline - $(date +%s)))
  if [ "$left" -le 0 ]; then
    echo "   $what: skipped, the module's cap is spent"
    pass_status=cut
    return
  fi
  local args=("${common[@]}" --output "$out" -f "$file" "$@" "${mode[@]}")
  [ -d "$out/mutants.out" ] && args+=(--iterate)
  # `--iterate` tries a timeout again, at the cost of its whole timeout; a mutant that timed out
  # is caught (kept in `timeout.all` for the report) and is left out of later passes by name. An
  # edit that moves it renames it, and it is tried again.
  if [ -s "$out/timeout.all" ]; then
    args+=(--exclude-re "^($(sed 's/[][\.*^$(){}?+|]/\\&/g' "$out/timeout.all" | paste -sd'|'))\$")
  fi
  echo "   $what (${left}s left)"
  local status=0
  # SIGINT, which cargo-mutants answers by putting the source back before it stops.
  timeout -s INT "$left" nice -n 10 cargo mutants "${args[@]}" || status=$?
  [ "${#mode[@]}" -eq 0 ] || restore_mutated
  # `--iterate` counts the unviable mutants of earlier runs as previously caught: kept apart here,
  # so that the report does not count them as caught.
  cat "$out/mutants.out/unviable.txt" "$out/unviable.all" 2>/dev/null | sort -u >"$out/unviable.new" || true
  mv "$out/unviable.new" "$out/unviable.all"
  cat "$out/mutants.out/timeout.txt" "$out/timeout.all" 2>/dev/null | sort -u >"$out/timeout.new" || true
  mv "$out/timeout.new" "$out/timeout.all"
  # 2: missed mutants, 3: timeouts; 124 or 130: the cap; anything else is a failure of the run.
  # `pass_status` says whether the pass went through every mutant.
  case "$status" in
    0 | 2 | 3) pass_status=complete ;;
    124 | 130) pass_status=cut ;;
    *) echo "error: cargo mutants failed on $file (exit $status)" >&2; exit "$status" ;;
  esac
}

files=()
if [ "$#" -eq 0 ]; then set -- $(for spec in "${MODULES[@]}"; do echo "${spec%%|*}"; done); fi
for wanted in "$@"; do
  if [ -f "$wanted" ]; then
    spec=$(module_of "$wanted")
    [ -n "$spec" ] || { echo "error: $wanted is in none of the modules of $0" >&2; exit 2; }
    IFS='|' read -r _ _ packages tests <<<"$spec"
    run_file "$wanted" "$packages" "$tests" $(($(date +%s) + cap))
    continue
  fi
  found=""
  for spec in "${MODULES[@]}"; do
    IFS='|' read -r name source packages tests <<<"$spec"
    [ "$name" = "$wanted" ] || continue
    found=1
    deadline=$(($(date +%s) + cap))
    for file in $(files_of "$source"); do run_file "$file" "$packages" "$tests" "$deadline"; done
  done
  [ -n "$found" ] || { echo "error: no module or file named $wanted" >&2; exit 2; }
done

mutants/report.sh "${MODULES[@]}" >docs/mutation-report.md
echo "wrote docs/mutation-report.md"
