#!/usr/bin/env bash
# Serai's resident memory as the README starts it (java @jvm.options -jar target/serai.jar, default
# settings, access log to stdout, here into a file), on bench/bench.camel.yaml over three nginx backends:
# RSS and native memory tracking's summary at idle (after 10 requests), then wrk with 128 keep-alive
# connections (pinned as in bench/compare.sh) for a warm-up and BENCH_ROUNDS rounds, printing req/s, CPU
# microseconds per request and RSS after each, and at the end the peak RSS (VmHWM) and the summary again.
# SERAI_EXTRA_OPTS (appended after @jvm.options) tries a JVM option without editing jvm.options.
# Settings (environment): BENCH_SECONDS (8), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (20), BENCH_CONNECTIONS (128).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${BENCH_SECONDS:-8}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP_SECONDS:-20}
CONNS=${BENCH_CONNECTIONS:-128}
PORT=18401 ADMIN=18411 B1=18421 B2=18422 B3=18423 NGINX_PORT=18420

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
pin_cpus
build_serai

open_work
start_nginx "$work" "$NGINX_PORT" "$B1" "$B2" "$B3"

# shellcheck disable=SC2086
start_serai_on_bench $PORT $ADMIN $((PORT + 1)) $((PORT + 2)) @jvm.options -XX:NativeMemoryTracking=summary ${SERAI_EXTRA_OPTS:-}
await "http://127.0.0.1:$PORT/" 60 || { tail -20 "$work/serai.log"; exit 1; }

rss() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$serai_pid/status"; }
nmt() { # the summary's committed figures, one line per part, in MB
  jcmd "$serai_pid" VM.native_memory summary scale=KB | awk '
    /^Total:/ {sub(/.*committed=/, ""); sub(/KB.*/, ""); printf "  %-28s %7.1f MB\n", "NMT total committed", $0 / 1024}
    /^-/ {name=$0; sub(/^- */, "", name); sub(/ *\(.*/, "", name)}
    /^-.*committed=/ {c=$0; sub(/.*committed=/, "", c); sub(/KB.*/, "", c); if (c + 0 >= 512) printf "  %-28s %7.1f MB\n", name, c / 1024}'
}
for _ in $(seq 1 10); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/"; done
sleep 2
echo "idle after 10 requests: RSS $(rss) MB (JVM options: @jvm.options ${SERAI_EXTRA_OPTS:-})"
nmt

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$serai_pid/stat"; }
run_wrk $PORT "$WARMUP" > /dev/null
echo "after ${WARMUP} s warm-up: RSS $(rss) MB"
for r in $(seq 1 "$ROUNDS"); do
  before=$(cpu)
  line=$(run_wrk $PORT "$SECONDS_PER_RUN")
  after=$(cpu)
  echo "$line" | awk -v t=$((after - before)) -v hz="$ticks" -v s="$SECONDS_PER_RUN" -v r="$r" -v rss="$(rss)" \
    '{printf "round %s: %s req/s, %.1f CPU us/req, p99 %s ms, RSS %s MB, errors %s\n", r, $1, t / hz * 1e6 / ($1 * s), $3, rss, $4}'
done
echo "peak RSS (VmHWM): $(awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$serai_pid/status") MB; after load:"
nmt
