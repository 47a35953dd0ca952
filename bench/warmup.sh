#!/usr/bin/env bash
# How fast Serai warms up under load: started as the README starts it (java @jvm.options -jar
# target/serai.jar, access log to stdout, here into a file) on bench/bench.camel.yaml over three nginx
# backends, pinned to core 0 with wrk on core 1 as in bench/run.sh; wrk starts the moment Serai first
# answers and runs 1 s at a time (128 connections, 200 B responses). Prints req/s for each second, the
# first 10 s as a share of warm (the last 10 s), seconds 21-30 likewise, the first second at 80% of warm,
# warm CPU microseconds per request (last 10 s) and the CPU the JIT's compiler threads used.
# Settings (environment): WARMUP_SECONDS (60), BENCH_CONNECTIONS (128),
# SERAI_JAVA_OPTS (default: @jvm.options; e.g. "@jvm.options -XX:TieredStopAtLevel=1": later flags win).
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${WARMUP_SECONDS:-60}
CONNS=${BENCH_CONNECTIONS:-128}
SERAI_PORT=18500 ADMIN_PORT=18510 NGINX_PORT=18504 B1=18501 B2=18502 B3=18503
[ "$TOTAL" -ge 30 ] || { echo "WARMUP_SECONDS must be at least 30" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
pin_cpus
build_serai

open_work
start_nginx "$work" "$NGINX_PORT" "$B1" "$B2" "$B3"

read -r -a java_opts <<< "${SERAI_JAVA_OPTS:-@jvm.options}"
start_ns=$(date +%s%N)
start_serai_on_bench $SERAI_PORT $ADMIN_PORT $((SERAI_PORT + 21)) $((SERAI_PORT + 22)) "${java_opts[@]}"
await "http://127.0.0.1:$SERAI_PORT/" 30 || { tail -20 "$work/serai.log"; exit 1; }
first_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

compiler_ticks() { # user+system ticks of the JIT's compiler threads
  local t total=0
  for t in /proc/"$serai_pid"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in C1*|C2*) total=$(( total + $(awk '{print $14 + $15}' "$t/stat") )) ;; esac
  done
  echo "$total"
}

# second rps cpu_ticks, one line per 1 s run
for s in $(seq 1 "$TOTAL"); do
  before=$(cpu_ticks "$serai_pid")
  rps=$(run_wrk $SERAI_PORT 1 | awk '{print $1}')
  echo "$s $rps $(( $(cpu_ticks "$serai_pid") - before ))" >> "$work/curve.txt"
  [ $(( s % 10 )) = 0 ] && echo "${s} s: $(tail -1 "$work/curve.txt" | awk '{print $2}') req/s" >&2
done
jit_s=$(awk -v t="$(compiler_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')
total_s=$(awk -v t="$(cpu_ticks "$serai_pid")" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')

echo
echo "$(date -u +%Y-%m-%d) $(nproc) cores, pinned: $PINNED; $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes');" \
  "${CONNS} connections, 200 B; JVM options: ${java_opts[*]}"
echo "first proxied response ${first_ms} ms after start; then req/s for each 1 s run of wrk:"
awk '{printf "%6.0f%s", $2, (NR % 10 == 0 ? "\n" : " ")} END {if (NR % 10) print ""}' "$work/curve.txt"
awk -v n="$TOTAL" -v hz="$(getconf CLK_TCK)" -v jit="$jit_s" -v total="$total_s" '
  {rps[$1] = $2; ticks[$1] = $3}
  END {
    for (s = n - 9; s <= n; s++) { warm += rps[s]; wt += ticks[s] }
    warm /= 10
    for (s = 1; s <= 10; s++) first += rps[s]
    for (s = 21; s <= 30; s++) third += rps[s]
    for (s = 3; s <= n && !at80; s++) if ((rps[s] + rps[s-1] + rps[s-2]) / 3 >= 0.8 * warm) at80 = s
    printf "warm (last 10 s): %.0f req/s, %.1f CPU us/req\n", warm, wt / hz * 1e6 / (warm * 10)
    printf "first 10 s: %.0f req/s = %.0f%% of warm (goal >= 50%%)\n", first / 10, 100 * first / 10 / warm
    printf "seconds 21-30: %.0f req/s = %.0f%% of warm (goal >= 80%%)\n", third / 10, 100 * third / 10 / warm
    printf "first second whose 3 s average reaches 80%% of warm: %s\n", (at80 ? at80 : "none")
    printf "CPU over the run: %s s in all, %s s in the JIT compiler threads\n", total, jit
  }' "$work/curve.txt"
