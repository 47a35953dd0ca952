#!/usr/bin/env bash
# Serai against nginx as a reverse proxy, in one run, on the same three backends.
# Each proxy is pinned to core 0; wrk and the backends share core 1. 200-byte responses, keep-alive,
# 128 connections. Prints req/s, p50/p99 latency and peak RSS for both and the ratio Serai/nginx.
# Settings (environment): BENCH_SECONDS (8), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (20),
# BENCH_CONNECTIONS (128), SERAI_JAVA_OPTS (default: the shipped jvm.options).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${BENCH_SECONDS:-8}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP_SECONDS:-20}
CONNS=${BENCH_CONNECTIONS:-128}
NGINX_PORT=18080 SERAI_PORT=18081 LC_PORT=18082 LA_PORT=18083 B1=19001 B2=19002 B3=19003

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
pin_cpus

build_serai

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/backends.pid" ] && kill "$(cat "$work/backends.pid")" 2>/dev/null || true
  [ -f "$work/proxy.pid" ] && kill "$(cat "$work/proxy.pid")" 2>/dev/null || true
  sleep 0.3; rm -rf "$work"
}
trap cleanup EXIT

start_nginx "$work" "$NGINX_PORT" "$B1" "$B2" "$B3"

read -r -a java_opts <<< "${SERAI_JAVA_OPTS:-@jvm.options}"
start_ns=$(date +%s%N)
SERAI_ROUTES=bench/bench.camel.yaml $PROXY_CPU java "${java_opts[@]}" -Dserai.port=$SERAI_PORT \
  -Dbench.least-connections.port=$LC_PORT -Dbench.latency-aware.port=$LA_PORT \
  -Dbackend.1=127.0.0.1:$B1 -Dbackend.2=127.0.0.1:$B2 -Dbackend.3=127.0.0.1:$B3 \
  -Dserai.access-log=off -jar target/serai.jar > "$work/serai.log" 2>&1 &
serai_pid=$!; pids+=("$serai_pid")
await "http://127.0.0.1:$SERAI_PORT/" 30 || { cat "$work/serai.log"; exit 1; }
first_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))


echo "warming up both proxies for ${WARMUP} s each (the JVM compiles its hot paths)..." >&2
run_wrk $NGINX_PORT 3 >/dev/null
run_wrk $SERAI_PORT "$WARMUP" >/dev/null
run_wrk $LC_PORT 5 >/dev/null
run_wrk $LA_PORT 5 >/dev/null

: > "$work/nginx.txt"; : > "$work/serai.txt"; : > "$work/lc.txt"; : > "$work/la.txt"
for r in $(seq 1 "$ROUNDS"); do
  run_wrk $NGINX_PORT "$SECONDS_PER_RUN" >> "$work/nginx.txt"
  # The three policies take turns going first, so none always runs on a JVM that just took the most load.
  order=("$SERAI_PORT:serai" "$LC_PORT:lc" "$LA_PORT:la")
  for i in 0 1 2; do
    slot=${order[$(( (i + r - 1) % 3 ))]}
    run_wrk "${slot%%:*}" "$SECONDS_PER_RUN" >> "$work/${slot##*:}.txt"
  done
  echo "round $r: nginx $(tail -1 "$work/nginx.txt") | serai $(tail -1 "$work/serai.txt")" \
    "| least-connections $(tail -1 "$work/lc.txt") | latency-aware $(tail -1 "$work/la.txt")" >&2
done

rss_mb() { awk '/VmHWM/ {print $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
nginx_rss=0
master=$(cat "$work/proxy.pid")
for p in "$master" $(pgrep -P "$master" || true); do
  nginx_rss=$(awk -v a="$nginx_rss" -v b="$(rss_mb "$p")" 'BEGIN {print a+b}')
done
serai_rss=$(rss_mb "$serai_pid")

col() { awk -v c="$1" '{print $c}' "$2" | median; }
n_rps=$(col 1 "$work/nginx.txt"); s_rps=$(col 1 "$work/serai.txt")
n_p50=$(col 2 "$work/nginx.txt"); s_p50=$(col 2 "$work/serai.txt")
n_p99=$(col 3 "$work/nginx.txt"); s_p99=$(col 3 "$work/serai.txt")
lc_rps=$(col 1 "$work/lc.txt"); la_rps=$(col 1 "$work/la.txt")
errors=$(awk '{print $4}' "$work/nginx.txt" "$work/serai.txt" "$work/lc.txt" "$work/la.txt" | grep -v '^none$' | head -1 || true)

echo
echo "$(date -u +%Y-%m-%d) $(nproc) cores, pinned: $PINNED; ${CONNS} connections, ${SECONDS_PER_RUN} s x ${ROUNDS} rounds (medians), 200 B bodies"
printf '%-6s %10s %8s %8s %12s\n' proxy "req/s" "p50 ms" "p99 ms" "peak RSS MB"
printf '%-6s %10.0f %8.2f %8.2f %12.0f\n' nginx "$n_rps" "$n_p50" "$n_p99" "$nginx_rss"
printf '%-6s %10.0f %8.2f %8.2f %12.0f\n' serai "$s_rps" "$s_p50" "$s_p99" "$serai_rss"
awk -v a="$s_rps" -v b="$n_rps" -v c="$s_p99" -v d="$n_p99" \
  'BEGIN {printf "serai/nginx: %.2fx requests/s, %.1fx p99 latency\n", a/b, c/d}'
echo "serai: first proxied response ${first_ms} ms after start; JVM options: ${java_opts[*]}"
awk -v rr="$s_rps" -v lc="$lc_rps" -v la="$la_rps" 'BEGIN {
  printf "policies on the same Serai, req/s: round-robin %.0f, least-connections %.0f (%.2fx), latency-aware %.0f (%.2fx)\n",
    rr, lc, lc/rr, la, la/rr }'
echo "nginx RSS is master + worker; serai RSS is the JVM process (VmHWM)"
[ -z "$errors" ] || echo "errors seen: $errors"
