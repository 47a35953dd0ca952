#!/usr/bin/env bash
# Aggregation latency: examples/aggregate.camel.yaml over three backends that answer after 10, 20 and
# 30 ms, at moderate load. Prints the p50 of the aggregate and of the slowest call alone, and their
# difference, which should stay within 5 ms. Everything runs on 127.0.0.1; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-16}
PORT=18090 B1=19101 B2=19102 B3=19103

# shellcheck source=bench/lib.sh
. bench/lib.sh
if ! need wrk || ! need curl; then
  echo "installing wrk and curl with apt-get" >&2
  as_root=""; [ "$(id -u)" = 0 ] || as_root="sudo"
  $as_root apt-get update -qq && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk curl >/dev/null
fi
build_serai

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; rm -rf "$work"; }
trap cleanup EXIT


SERAI_ROUTES=bench/aggregate-backends.camel.yaml java @jvm.options -Dserai.port=19100 -Dserai.admin.enabled=false \
  -Dbench.b1.port=$B1 -Dbench.b2.port=$B2 -Dbench.b3.port=$B3 -Dserai.access-log=off -jar target/serai.jar > "$work/backends.log" 2>&1 &
pids+=($!)
SERAI_ROUTES=examples/aggregate.camel.yaml java @jvm.options -Dserai.port=$PORT \
  -Dbackend.1=http://127.0.0.1:$B1 -Dbackend.2=http://127.0.0.1:$B2 -Dbackend.3=http://127.0.0.1:$B3 \
  -Dserai.access-log=off -jar target/serai.jar > "$work/serai.log" 2>&1 &
pids+=($!)
await "http://127.0.0.1:$B3/recommendations/42" 30 || { cat "$work/backends.log"; exit 1; }
await "http://127.0.0.1:$PORT/profile/42" 30 || { cat "$work/serai.log"; exit 1; }

p50() { # url seconds -> "p50ms rps"
  wrk -t1 -c"$CONNS" -d"$2"s --latency "$1" | awk '
    /Requests\/sec/ {rps=$2} $1=="50%" {p50=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END { printf "%.2f %.0f\n", ms(p50), rps }'
}

echo "warming up for ${SECONDS_PER_RUN} s..." >&2
p50 "http://127.0.0.1:$PORT/profile/42" "$SECONDS_PER_RUN" >/dev/null
p50 "http://127.0.0.1:$B3/recommendations/42" 3 >/dev/null
read -r slow_p50 slow_rps < <(p50 "http://127.0.0.1:$B3/recommendations/42" "$SECONDS_PER_RUN")
read -r agg_p50 agg_rps < <(p50 "http://127.0.0.1:$PORT/profile/42" "$SECONDS_PER_RUN")
body=$(curl -s "http://127.0.0.1:$PORT/profile/42")

echo
echo "$(date -u +%Y-%m-%d) $(nproc) cores; ${CONNS} connections, ${SECONDS_PER_RUN} s each"
echo "answer: $body"
printf 'slowest call alone (30 ms backend): p50 %6.2f ms at %5.0f req/s\n' "$slow_p50" "$slow_rps"
printf 'aggregate of 10, 20 and 30 ms calls: p50 %6.2f ms at %5.0f req/s\n' "$agg_p50" "$agg_rps"
awk -v a="$agg_p50" -v s="$slow_p50" 'BEGIN {
  d = a - s; printf "aggregate p50 - slowest call p50: %.2f ms (goal: within 5 ms) %s\n", d, (d <= 5 ? "OK" : "OVER") }'
