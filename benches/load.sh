#!/usr/bin/env bash
# Load and abuse test of the emulator on 127.0.0.1, bounded in count and time (about three
# minutes; `BENCH_SHORT=1`: about a minute once built, for CI, so that it cannot rot):
#   1. many concurrent connections (wrk): good calls, and POSTs without Content-Length (411);
#   2. slowloris: clients that trickle their headers, while a normal client keeps calling;
#   3. limits: an oversized head (431), an oversized body (413), bytes that are not HTTP (400);
#   4. `upwork-diag proxy`: the median time a call takes through it against the same call made
#      directly (each over a kept-alive connection), and 64 clients through it at once;
#   5. throughput at 64 kept-alive connections: the emulator's OAuth 2 call against nginx serving
#      a static file of the same answer (nginx from Debian: installed with apt-get when missing
#      and possible, else "nginx absent: skipped"), runs interleaved, medians, the ratio printed
#      against issue 17's goal (at least 0.7);
#   6. OAuth 1.0 calls with a fresh nonce each (benches/oauth1_load.rs) at 64 connections for 60 s:
#      requests per second per 10 s window, the last against the first (goal: within 10%), and the
#      emulator's resident memory (goal: under 64 MiB).
# Fails (exit 1) if the emulator stops answering, a limit does not hold, a call of the proxy's
# clients fails or an OAuth 1.0 call is refused. Throughput goals are printed as met or NOT MET,
# not failed on: figures from a shared machine vary. The proxy's added median is printed against
# issue 12's target (1 ms); the call through it pays TLS on both sides, which the direct call to
# the emulator does not.
#
#   benches/load.sh                 # CONNECTIONS=512 SECONDS_PER_RUN=10 SLOW_CLIENTS=300
#   BENCH_SHORT=1 benches/load.sh   # 2 s runs, small counts
#
# Needs: curl, python3 with requests, wrk (Debian: apt-get install -y wrk); nginx optional.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${BENCH_SHORT:-}" ]; then
    CONNECTIONS=${CONNECTIONS:-64}
    SECONDS_PER_RUN=${SECONDS_PER_RUN:-2}
    SLOW_CLIENTS=${SLOW_CLIENTS:-20}
    PROXY_CALLS=${PROXY_CALLS:-50}
    RUNS=${RUNS:-1}
    DECAY_SECONDS=${DECAY_SECONDS:-4}
    DECAY_WINDOW=${DECAY_WINDOW:-2}
else
    CONNECTIONS=${CONNECTIONS:-512}
    SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
    SLOW_CLIENTS=${SLOW_CLIENTS:-300}
    PROXY_CALLS=${PROXY_CALLS:-300}
    RUNS=${RUNS:-3}
    DECAY_SECONDS=${DECAY_SECONDS:-60}
    DECAY_WINDOW=${DECAY_WINDOW:-10}
fi
# The slow clients must outlast the head timeout (10 s) by a few seconds: a client learns of the
# close only at its second write after it.
SLOW_SECONDS=$((SECONDS_PER_RUN > 9 ? SECONDS_PER_RUN + 5 : 14))

cargo build --release --quiet
cargo bench --bench oauth1_load --no-run --quiet 2>/dev/null
bin="${CARGO_TARGET_DIR:-target}/release/upwork-diag"
ulimit -n 8192 2>/dev/null || true

work=$(mktemp -d)
"$bin" mock --listen 127.0.0.1:0 --no-rate-limit >"$work/mock.out" 2>/dev/null &
mock=$!
trap 'kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/mock.out" ] && break; sleep 0.05; done
base=$(head -n1 "$work/mock.out" | sed 's/^listening on //')
addr=${base#http://}
auth='Authorization: Bearer demo-oauth2-token'
path=/api/auth/v1/info.json
failed=0

echo "== 1. $CONNECTIONS concurrent connections, ${SECONDS_PER_RUN}s each"
echo "-- good calls (200)"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "$auth" "$base$path" |
    grep -E 'Requests/sec|Latency  |99%|Socket errors|Non-2xx'
cat >"$work/post411.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Length"] = nil
LUA
echo "-- POSTs without Content-Length (411)"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$work/post411.lua" \
    "$base/api/auth/v1/oauth/token/request" | grep -E 'Requests/sec|Non-2xx|Socket errors'

echo "== 2. slowloris: $SLOW_CLIENTS clients sending one header byte a second, while curl calls"
python3 - "$addr" "$SLOW_CLIENTS" "$SLOW_SECONDS" >"$work/slow.out" <<'PY' &
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
count, seconds = int(sys.argv[2]), int(sys.argv[3])
clients = []
for _ in range(count):
    s = socket.create_connection((host, int(port)))
    s.sendall(b"GET /api/auth/v1/info.json HTTP/1.1\r\nHost: x\r\n")
    clients.append(s)
closed = 0
end = time.time() + seconds
while time.time() < end and clients:
    alive = []
    for s in clients:
        try:
            s.sendall(b"X")
            alive.append(s)
        except OSError:
            closed += 1
    clients = alive
    time.sleep(1)
print(f"slow clients still open after {seconds}s: {len(clients)} (closed by the server: {closed})")
PY
slow=$!
sleep 2
worst=0
for _ in $(seq 20); do
    t=$(curl -sS -o /dev/null -w '%{time_total}' --max-time 5 -H "$auth" "$base$path") || { echo "a call failed during slowloris"; failed=1; t=5; }
    worst=$(echo "if ($t > $worst) $t else $worst" | bc -l)
    sleep 0.2
done
printf 'slowest of 20 calls during slowloris: %.3f s\n' "$worst"
[ "$(echo "$worst < 1" | bc -l)" = 1 ] || { echo "the emulator was slow to answer during slowloris"; failed=1; }
wait "$slow"
cat "$work/slow.out"
# The head timeout (10 s) must have dropped the slow clients.
grep -q 'still open after [0-9]*s: 0 ' "$work/slow.out" || { echo "slow clients were not dropped"; failed=1; }

echo "== 3. limits"
status() { python3 - "$addr" "$1" <<'PY'
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
kind = sys.argv[2]
s = socket.create_connection((host, int(port)), timeout=15)
try:
    if kind == "head":
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
    elif kind == "body":
        s.sendall(b"POST /api/auth/v1/oauth/token/request HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n")
        s.sendall(b"a" * 2_000_000)
    else:
        s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64)
except OSError:
    pass
answer = b""
try:
    while len(answer) < 12:
        chunk = s.recv(4096)
        if not chunk:
            break
        answer += chunk
except OSError:
    pass
print(answer[9:12].decode("ascii", "replace") or "closed")
PY
}
for case in "head 431" "body 413" "garbage 400"; do
    set -- $case
    got=$(status "$1")
    echo "$1: $got (expected $2)"
    [ "$got" = "$2" ] || failed=1
done
echo "== 4. the proxy: overhead per call, and 64 concurrent clients"
"$bin" proxy --listen 127.0.0.1:0 --ca-dir "$work/ca" --out "$work/proxy-bundles" >"$work/proxy.out" 2>"$work/proxy.err" &
proxy=$!
trap 'kill "$mock" "$proxy" 2>/dev/null || true; wait "$mock" "$proxy" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q NODE_EXTRA_CA_CERTS "$work/proxy.out" 2>/dev/null && break; sleep 0.05; done
proxy_url=$(head -n1 "$work/proxy.out" | sed 's/^listening on //')
python3 - "$base" "$proxy_url" "$work/ca/ca.pem" "$PROXY_CALLS" <<'PY' || failed=1
import concurrent.futures, statistics, sys, time
import requests
direct_base, proxy_url, ca = sys.argv[1:4]
calls = int(sys.argv[4])
auth = {"Authorization": "Bearer demo-oauth2-token"}
path = "/api/auth/v1/info.json"
# Per call, not on the session: requests lets REQUESTS_CA_BUNDLE in the environment win over
# `Session.verify`.
via = {"proxies": {"https": proxy_url}, "verify": ca}
def timed(session, url, n, **options):
    times = []
    for _ in range(n):
        started = time.perf_counter()
        answer = session.get(url, headers=auth, **options)
        times.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.status_code
    return statistics.median(times) * 1000
direct = requests.Session()
through = requests.Session()
# Warm: connections, TLS, the CA's certificate for the host.
timed(direct, direct_base + path, 20)
timed(through, "https://www.upwork.com" + path, 20, **via)
d = timed(direct, direct_base + path, calls)
p = timed(through, "https://www.upwork.com" + path, calls, **via)
print(f"median call: direct {d:.3f} ms, through the proxy {p:.3f} ms, added {p - d:.3f} ms")
def client(_):
    session = requests.Session()
    return sum(session.get("https://www.upwork.com" + path, headers=auth, **via).status_code == 200
               for _ in range(10))
started = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(64) as pool:
    ok = sum(pool.map(client, range(64)))
print(f"64 clients x 10 calls through the proxy: {ok}/640 answered 200 in {time.perf_counter() - started:.2f} s")
print("target (issue 12): at most 1 ms added:", "met" if p - d <= 1.0 else "NOT MET")
sys.exit(0 if ok == 640 else 1)
PY
kill -0 "$proxy" || { echo "the proxy died"; failed=1; }

echo "== 5. 64 kept-alive connections: the emulator's OAuth 2 call against nginx's static file"
# wrk's one figure of a run, in requests per second.
rate() { wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
if ! command -v nginx >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq nginx-light >/dev/null 2>&1 || true
fi
nginx_bin=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
if [ -z "$nginx_bin" ]; then
    echo "nginx absent: skipped"
else
    mkdir -p "$work/nginx/www"
    # The same bytes the emulator answers, as the static file.
    curl -sS -H "$auth" "$base$path" >"$work/nginx/www/info.json"
    nginx_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$nginx_port; root $work/nginx/www; }
}
CONF
    "$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>"$work/nginx/start.err" &
    nginx_pid=$!
    trap 'kill "$mock" "$proxy" "$nginx_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$nginx_port/info.json" && break; sleep 0.05; done
    : >"$work/emulator.rates"
    : >"$work/nginx.rates"
    for _ in $(seq "$RUNS"); do
        rate -H "$auth" "$base$path" >>"$work/emulator.rates"
        rate "http://127.0.0.1:$nginx_port/info.json" >>"$work/nginx.rates"
    done
    emulator_rate=$(median <"$work/emulator.rates")
    nginx_rate=$(median <"$work/nginx.rates")
    ratio=$(echo "scale=2; $emulator_rate / $nginx_rate" | bc -l)
    echo "emulator: $emulator_rate req/s; nginx: $nginx_rate req/s (medians of $RUNS interleaved ${SECONDS_PER_RUN} s runs)"
    echo "emulator/nginx: ${ratio}x; goal (issue 17): at least 0.7x: $([ "$(echo "$ratio >= 0.7" | bc -l)" = 1 ] && echo met || echo "NOT MET")"
    kill "$nginx_pid" 2>/dev/null || true
fi

echo "== 6. OAuth 1.0, a fresh nonce per call, 64 connections, ${DECAY_SECONDS} s"
# A fresh emulator: its nonce store starts empty, as after a start.
"$bin" mock --listen 127.0.0.1:0 --no-rate-limit >"$work/mock1.out" 2>/dev/null &
mock1=$!
trap 'kill "$mock" "$proxy" "$mock1" ${nginx_pid:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/mock1.out" ] && break; sleep 0.05; done
base1=$(head -n1 "$work/mock1.out" | sed 's/^listening on //')
cargo bench --quiet --bench oauth1_load -- "$base1" 64 "$DECAY_SECONDS" "$DECAY_WINDOW" "$mock1" 2>/dev/null |
    tee "$work/decay.out" || { echo "OAuth 1.0 calls were refused"; failed=1; }
summary=$(grep '^oauth1-decay:' "$work/decay.out" || true)
kept=$(echo "$summary" | sed -n 's/.*last\/first \([0-9.]*\).*/\1/p')
peak=$(echo "$summary" | sed -n 's/.*peak RSS \([0-9.]*\) MiB.*/\1/p')
if [ -n "$kept" ] && [ -n "$peak" ]; then
    echo "goal (issue 17): last window within 10% of the first: $([ "$(echo "$kept >= 0.9" | bc -l)" = 1 ] && echo met || echo "NOT MET"); RSS under 64 MiB: $([ "$(echo "$peak < 64" | bc -l)" = 1 ] && echo met || echo "NOT MET")"
else
    echo "no figures from the OAuth 1.0 run"
    failed=1
fi
kill "$mock1" 2>/dev/null || true

kill -0 "$mock" || { echo "the emulator died"; failed=1; }
t=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' -H "$auth" "$base$path")
echo "after all that: $t"
exit "$failed"
