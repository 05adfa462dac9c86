#!/usr/bin/env bash
# Whole-process wall time of `upwork-diag diagnose --no-bundle` against the emulator, next to curl
# sending the same request in the same run, on the same machine; then the emulator's requests per
# second under wrk. Prints both medians, their ratio, and the rate.
#
#   benches/diagnose_vs_curl.sh            # RUNS=300 WRK_SECONDS=10 WRK_CONNECTIONS=64 by default
#
# Needs: curl, and hyperfine and wrk (Debian: apt-get install -y hyperfine wrk). Without hyperfine
# a shell loop takes the medians; without wrk the rate is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-300}
WRK_SECONDS=${WRK_SECONDS:-10}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/upwork-diag"

work=$(mktemp -d)
"$bin" mock --listen 127.0.0.1:0 --no-rate-limit >"$work/mock.out" 2>/dev/null &
mock=$!
trap 'kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/mock.out" ] && break; sleep 0.05; done
base=$(head -n1 "$work/mock.out" | sed 's/^listening on //')

# The same bytes from both: an OAuth 2 call (replayable, unlike a signed OAuth 1.0 one whose nonce
# the emulator refuses to see twice). curl's own User-Agent and Accept are removed to match.
path=/api/auth/v1/info.json
auth='Authorization: Bearer demo-oauth2-token'
diagnose="$bin diagnose https://www.upwork.com$path -H '$auth' --base-url $base --no-bundle"
curl_cmd="curl -sS -o /dev/null -H 'User-Agent:' -H 'Accept:' -H '$auth' $base$path"

# Both must succeed before they are timed.
eval "$diagnose" >/dev/null
eval "$curl_cmd"

echo "machine: $(nproc) cores, $(uname -sr); $("$bin" --version); $(curl --version | head -n1 | cut -d' ' -f1-2)"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$work/times.json" \
        -n diagnose "$diagnose" -n curl "$curl_cmd" >&2
    median() { jq -r ".results[] | select(.command == \"$1\") | .median * 1000" "$work/times.json"; }
    d=$(median diagnose)
    c=$(median curl)
else
    loop_median() {
        for _ in $(seq "$RUNS"); do
            start=$(date +%s%N)
            eval "$1" >/dev/null
            echo $(( $(date +%s%N) - start ))
        done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] / 1e6}'
    }
    d=$(loop_median "$diagnose")
    c=$(loop_median "$curl_cmd")
fi
printf 'median wall time, %s runs each: diagnose --no-bundle %.2f ms, curl %.2f ms, ratio diagnose/curl %.2f\n' \
    "$RUNS" "$d" "$c" "$(echo "$d / $c" | bc -l)"

if command -v wrk >/dev/null; then
    rate=$(wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" -H "$auth" "$base$path" | awk '/Requests\/sec/ {print $2}')
    printf 'emulator: %s requests/s (wrk, %s connections, %s s, one request per connection)\n' \
        "$rate" "$WRK_CONNECTIONS" "$WRK_SECONDS"
fi
