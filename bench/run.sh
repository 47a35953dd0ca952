#!/usr/bin/env bash
# Serai as the README starts it (java @jvm.options -jar target/serai.jar, default settings: the access
# log on, to stdout, here into a file) against nginx as a reverse proxy, in one run, on the same three
# nginx backends. Each proxy is pinned to core 0; wrk and the backends share core 1. Keep-alive, a
# matrix of response sizes (200 B and 16 KiB) and connection counts (32 and 128). Prints, per cell and
# for both: req/s, p50/p99 latency and CPU microseconds per request (user+system ticks of the process
# and its children from /proc, over the requests wrk counted); then peak RSS, Serai's start to first
# proxied response, and the ratios issue 22's goals use (CPU <= 2x, req/s >= 0.5x, p99 <= 2x nginx's).
# Settings (environment): BENCH_SECONDS (5), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (45: bench/warmup.sh shows the JIT needs 30-60 s),
# BENCH_SIZES ("small 16k"), BENCH_CONNECTIONS ("32 128"), BENCH_POLICIES (0; 1 adds least connections
# and latency-aware on the same Serai), SERAI_JAVA_OPTS (default: @jvm.options, the README's).
# Defaults take about 3 minutes; e.g. BENCH_SIZES=small BENCH_CONNECTIONS=128 for one cell.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP_SECONDS:-45}
read -r -a SIZES <<< "${BENCH_SIZES:-small 16k}"
read -r -a CONN_LIST <<< "${BENCH_CONNECTIONS:-32 128}"
NGINX_PORT=18080 SERAI_PORT=18081 LC_PORT=18082 LA_PORT=18083 ADMIN_PORT=18091 B1=19001 B2=19002 B3=19003

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
pin_cpus

build_serai

open_work

start_nginx "$work" "$NGINX_PORT" "$B1" "$B2" "$B3"

# The README's command; only the ports and the bench's routes are set.
read -r -a java_opts <<< "${SERAI_JAVA_OPTS:-@jvm.options}"
start_ns=$(date +%s%N)
start_serai_on_bench $SERAI_PORT $ADMIN_PORT $LC_PORT $LA_PORT "${java_opts[@]}"
await "http://127.0.0.1:$SERAI_PORT/" 30 || { tail -20 "$work/serai.log"; exit 1; }
first_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
nginx_pid=$(cat "$work/proxy.pid")
path_of() { [ "$1" = 16k ] && echo /16k || echo /; }

echo "warming up: nginx 3 s, Serai ${WARMUP} s (the JVM compiles its hot paths)..." >&2
CONNS=128
run_wrk $NGINX_PORT 3 >/dev/null
for size in "${SIZES[@]}"; do run_wrk $SERAI_PORT $(( WARMUP / ${#SIZES[@]} )) "$(path_of "$size")" >/dev/null; done

for size in "${SIZES[@]}"; do
  for CONNS in "${CONN_LIST[@]}"; do
    cell="$size-$CONNS"; path=$(path_of "$size")
    : > "$work/nginx-$cell.txt"; : > "$work/serai-$cell.txt"
    for r in $(seq 1 "$ROUNDS"); do
      # The two take turns going first.
      if [ $(( r % 2 )) = 1 ]; then
        measure "nginx-$cell" $NGINX_PORT "$path" "$SECONDS_PER_RUN" "$nginx_pid"
        measure "serai-$cell" $SERAI_PORT "$path" "$SECONDS_PER_RUN" "$serai_pid"
      else
        measure "serai-$cell" $SERAI_PORT "$path" "$SECONDS_PER_RUN" "$serai_pid"
        measure "nginx-$cell" $NGINX_PORT "$path" "$SECONDS_PER_RUN" "$nginx_pid"
      fi
      echo "$cell round $r: nginx $(tail -1 "$work/nginx-$cell.txt") | serai $(tail -1 "$work/serai-$cell.txt")" >&2
    done
  done
done

if [ "${BENCH_POLICIES:-0}" = 1 ]; then
  CONNS=128
  : > "$work/rr.txt"; : > "$work/lc.txt"; : > "$work/la.txt"
  run_wrk $LC_PORT 5 >/dev/null; run_wrk $LA_PORT 5 >/dev/null
  order=("$SERAI_PORT:rr" "$LC_PORT:lc" "$LA_PORT:la")
  for r in $(seq 1 "$ROUNDS"); do
    for i in 0 1 2; do
      slot=${order[$(( (i + r - 1) % 3 ))]}
      measure "${slot##*:}" "${slot%%:*}" / "$SECONDS_PER_RUN" "$serai_pid"
    done
  done
fi

nginx_rss=$(peak_rss_mb "$nginx_pid")
serai_rss=$(peak_rss_mb "$serai_pid")
col() { awk -v c="$1" '{print $c}' "$2" | median; }

echo
echo "$(date -u +%Y-%m-%d) $(nproc) cores, pinned: $PINNED; $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes');" \
  "${SECONDS_PER_RUN} s x ${ROUNDS} rounds per cell (medians), keep-alive"
printf '%-6s %5s %-6s %10s %8s %8s %11s\n' size conns proxy "req/s" "p50 ms" "p99 ms" "CPU us/req"
for size in "${SIZES[@]}"; do
  for c in "${CONN_LIST[@]}"; do
    for name in nginx serai; do
      f="$work/$name-$size-$c.txt"
      printf '%-6s %5s %-6s %10.0f %8.2f %8.2f %11.1f\n' "$size" "$c" "$name" \
        "$(col 1 "$f")" "$(col 2 "$f")" "$(col 3 "$f")" "$(col 4 "$f")"
    done
  done
done
echo "serai/nginx (goals: CPU/req <= 2x, req/s >= 0.5x, p99 <= 2x):"
for size in "${SIZES[@]}"; do
  for c in "${CONN_LIST[@]}"; do
    n="$work/nginx-$size-$c.txt" s="$work/serai-$size-$c.txt"
    awk -v cell="$size, $c conns:" -v cs="$(col 4 "$s")" -v cn="$(col 4 "$n")" -v rs="$(col 1 "$s")" \
      -v rn="$(col 1 "$n")" -v ps="$(col 3 "$s")" -v pn="$(col 3 "$n")" 'BEGIN {
        printf "  %-17s CPU %.2fx %s  req/s %.2fx %s  p99 %.2fx %s\n", cell,
          cs / cn, (cs / cn <= 2 ? "ok" : "MISS"), rs / rn, (rs / rn >= 0.5 ? "ok" : "MISS"),
          ps / pn, (ps / pn <= 2 ? "ok" : "MISS") }'
  done
done
echo "peak RSS (VmHWM, process and children): nginx ${nginx_rss} MB (master + worker), serai ${serai_rss} MB (goal <= 134 MB = 128 MiB)"
echo "serai: first proxied response ${first_ms} ms after start (goal <= 1500); JVM options: ${java_opts[*]};" \
  "access log: $(wc -l < "$work/serai.log") lines to stdout (a file)"
if [ "${BENCH_POLICIES:-0}" = 1 ]; then
  awk -v rr="$(col 1 "$work/rr.txt")" -v lc="$(col 1 "$work/lc.txt")" -v la="$(col 1 "$work/la.txt")" 'BEGIN {
    printf "policies on the same Serai (small, 128 conns), req/s: round-robin %.0f, least-connections %.0f (%.2fx), latency-aware %.0f (%.2fx)\n",
      rr, lc, lc / rr, la, la / rr }'
fi
errors=$(cat "$work"/nginx-*.txt "$work"/serai-*.txt | awk '$5 != "none" {print $5}' | head -1)
[ -z "$errors" ] || echo "errors seen: $errors"
