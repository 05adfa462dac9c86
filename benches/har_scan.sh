#!/usr/bin/env bash
# Benchmark: `upwork-diag scan` against `jq '.log.entries | length'` on the same large HAR file.
#
# Generates a ~200 MB HAR of 100k entries (benches/gen_har.py), builds the release binary, then
# runs each side RUNS times and prints the median wall time and the peak resident memory of each,
# side by side. The target: scan within 64 MiB and no slower than jq.
#
# Usage: benches/har_scan.sh [WORKDIR]       (default: a fresh directory under /tmp)
# Environment: ENTRIES (100000), SIZE_MB (200), RUNS (3), JQ (jq), KEEP=1 keeps the HAR file.
# Needs: python3, jq, GNU time (/usr/bin/time; Debian: apt-get install time).

set -euo pipefail

ENTRIES=${ENTRIES:-100000}
SIZE_MB=${SIZE_MB:-200}
RUNS=${RUNS:-3}
JQ=${JQ:-jq}
TIME=/usr/bin/time
LIMIT_KIB=$((64 * 1024))

root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/upwork-diag-bench.XXXXXX)}
mkdir -p "$work"
har="$work/session-${ENTRIES}.har"

for tool in python3 "$JQ" "$TIME"; do
    command -v "$tool" > /dev/null || { echo "missing: $tool" >&2; exit 2; }
done
"$TIME" -f %M true > /dev/null 2>&1 || { echo "$TIME is not GNU time (apt-get install time)" >&2; exit 2; }

if [[ ! -s "$har" ]]; then
    echo "generating $har ($ENTRIES entries, ~$SIZE_MB MiB)..."
    python3 "$root/benches/gen_har.py" "$har" --entries "$ENTRIES" --size-mb "$SIZE_MB"
fi

echo "building the release binary..."
(cd "$root" && cargo build --release --quiet)
bin="$root/target/release/upwork-diag"

# Reads the file once, so that every run, the first included, finds it in the page cache.
cat "$har" > /dev/null

# measure NAME CMD...: RUNS runs; prints "median_seconds max_peak_kib" for the command.
measure() {
    local times=() peaks=() i out
    for ((i = 0; i < RUNS; i++)); do
        # GNU time's line is the last on stderr; the scan's exit code 1 (findings) is expected.
        out=$("$TIME" -f '%e %M' "$@" 2>&1 > /dev/null | tail -n 1) || true
        times+=("${out% *}")
        peaks+=("${out#* }")
    done
    local median peak
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
    peak=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -n 1)
    echo "$median $peak"
}

size=$(stat -c %s "$har")
entries=$("$JQ" '.log.entries | length' "$har")
# The scan exits 1 when the file holds failing calls, as this one does; 2 is a failure.
status=0
summary=$("$bin" scan "$har" --format json | tail -n 1) || status=$?
if ((status > 1)); then
    echo "scan failed with exit code $status" >&2
    exit 2
fi

read -r scan_s scan_kib < <(measure "$bin" scan "$har" --format json)
read -r jq_s jq_kib < <(measure "$JQ" '.log.entries | length' "$har")

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

echo
echo "file: $har ($(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1048576 }') MiB, $entries entries)"
echo "scan summary: $summary"
echo "median of $RUNS runs (wall), highest peak RSS:"
printf '%-50s %10s %14s\n' "command" "wall (s)" "peak RSS (MiB)"
printf '%-50s %10s %14s\n' "upwork-diag scan FILE --format json > /dev/null" "$scan_s" "$(mib "$scan_kib")"
printf '%-50s %10s %14s\n' "jq '.log.entries | length' FILE" "$jq_s" "$(mib "$jq_kib")"

verdict=0
if ((scan_kib > LIMIT_KIB)); then
    echo "FAIL: scan peaked at $(mib "$scan_kib") MiB, over 64 MiB"
    verdict=1
fi
if awk -v s="$scan_s" -v j="$jq_s" 'BEGIN { exit !(s > j) }'; then
    echo "FAIL: scan is slower than jq"
    verdict=1
fi
((verdict == 0)) && echo "ok: scan within 64 MiB and no slower than jq"

[[ "${KEEP:-}" == 1 || $# -ge 1 ]] || rm -f "$har"
exit "$verdict"
