#!/usr/bin/env bash
# Prints docs/mutation-report.md from the results mutants/run.sh keeps in target/mutants/<file>/.
# Arguments: the module specs of run.sh ("name|source|packages|tests": a file, or a directory and all below it). A missed mutant is explained by the
# line of mutants/equivalent.tsv whose first field is its description, with its line and column
# when other mutants share the description ("crates/core/src/redact/shape.rs:109:35: replace ...
# with ..."), else without ("crates/core/src/redact/forms.rs: replace ... with ..."); mutants/notes.md (the mutants killed by a new test, and
# the test) is appended as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

lines() { cat "$@" 2>/dev/null | grep -c . || true; }
strip_position() { sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /'; }
# A file named shortly but unambiguously: crates/core/src/redact/forms.rs is core/redact/forms.rs.
short() { local file="${1#crates/}"; echo "${file/\/src\//\/}"; }

cat <<HEADER
# Mutation testing

Written by \`mutants/run.sh\` ($(cargo mutants --version 2>/dev/null || echo cargo-mutants)): the
figures come from its results in \`target/mutants/\`, the reasons from \`mutants/equivalent.tsv\`, the
last section from \`mutants/notes.md\` (see mutants/README.md). A mutant is caught when a test fails
or times out on it: first every unit test of its crate, then, on what those pass, the module's
selected tests; a mutant that does not build (unviable) is not counted.
A module is measured whole only when every mutant of its code as it is has an outcome and what the
unit tests missed has met the module's selection too. "Caught N of M": M counts the mutants tried
that build (caught or missed); the goal is at least 90% caught in each module so measured, and
every missed mutant answered below with its reason: equivalent (no test can tell it apart, and
why), or **open** (where it would show, and why no test here sees it).

## Figures

HEADER

# The outcomes of a file's mutants that exist in the code as it is now: a resumed run keeps the
# names of mutants caught before an edit moved them (`previously_caught.txt`), which no longer
# exist under that name. Writes the file's listing and its caught, missed and unviable sets.
outcomes_of() {
  local file="$1" dir="target/mutants/${1//\//_}"
  local out="$dir/mutants.out"
  cargo mutants --workspace -f "$file" --list 2>/dev/null | sort -u >"$dir/listed.now"
  sort -u "$dir/unviable.all" 2>/dev/null | grep -xFf "$dir/listed.now" >"$dir/unviable.now" || true
  cat "$out/caught.txt" "$out/previously_caught.txt" "$out/timeout.txt" "$dir/timeout.all" 2>/dev/null | sort -u |
    grep -xFf "$dir/listed.now" | grep -vxFf "$dir/unviable.now" >"$dir/caught.now" || true
  sort -u "$out/missed.txt" 2>/dev/null | grep -xFf "$dir/listed.now" |
    grep -vxFf "$dir/caught.now" >"$dir/missed.now" || true
}

for spec in "$@"; do
  IFS='|' read -r name source packages tests <<<"$spec"
  caught=0 missed=0 unviable=0 listed=0 run=() not_run=() partial=()
  for file in $(find "$source" -name '*.rs' | sort); do
    dir="target/mutants/${file//\//_}"
    if [ ! -d "$dir/mutants.out" ]; then
      not_run+=("$(short "$file")")
      continue
    fi
    outcomes_of "$file"
    c=$(lines "$dir/caught.now") m=$(lines "$dir/missed.now") u=$(lines "$dir/unviable.now")
    l=$(lines "$dir/listed.now")
    caught=$((caught + c)) missed=$((missed + m)) unviable=$((unviable + u)) listed=$((listed + l))
    # Whole: every mutant of the current code has an outcome, and what the unit tests missed
    # has met the module's selection too.
    if [ $((c + m + u)) -ne "$l" ] || { [ "$m" -gt 0 ] && [ ! -e "$dir/selection.done" ]; }; then
      partial+=("$(short "$file")")
    fi
    run+=("\`$(short "$file")\` ($((c + m + u)) of $l)")
  done
  if [ "${#run[@]}" -eq 0 ]; then
    echo "- $name: not run yet (\`$source\`)"
    continue
  fi
  total=$((caught + missed))
  selection="\`${tests//,/\`, \`}\`"
  whole="measured whole"
  if [ "${#not_run[@]}" -gt 0 ] || [ "${#partial[@]}" -gt 0 ]; then
    whole="NOT measured whole: ${#not_run[@]} of its files not run, ${#partial[@]} run in part"
  fi
  echo "- $name: caught $caught of $total ($((total > 0 ? caught * 100 / total : 0))%) of the" \
    "$((caught + missed + unviable)) mutants tried out of $listed listed in the files run; $whole" \
    "— tests: the crate's unit tests, then, on the mutants they miss, $selection; files run ${run[*]}; $unviable unviable${not_run:+; not run: ${not_run[*]}}"
done

echo
echo "## Missed mutants"
any_missed=""
for spec in "$@"; do
  IFS='|' read -r name source _ <<<"$spec"
  header=""
  for file in $(find "$source" -name '*.rs' | sort); do
    missed_file="target/mutants/${file//\//_}/missed.now"
    [ -s "$missed_file" ] || continue
    if [ -z "$header" ]; then printf '\n### %s\n\n' "$name"; header=1 any_missed=1; fi
    while IFS= read -r mutant; do
      # The line that names this very mutant (line and column) first, else one for every
      # mutant of its description.
      key=$(strip_position <<<"$mutant")
      reason=$(awk -F'\t' -v exact="$mutant" -v key="$key" '
        $1 == exact { print $2; found = 1; exit }
        $1 == key && general == "" { general = $2 }
        END { if (!found && general != "") print general }' mutants/equivalent.tsv 2>/dev/null || true)
      echo "- \`$mutant\`: ${reason:-**open**: no test catches it yet}"
    done <"$missed_file"
  done
done
[ -n "$any_missed" ] || printf '\nNone: every mutant tried is caught.\n'
echo
cat mutants/notes.md
