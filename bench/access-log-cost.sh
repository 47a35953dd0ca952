#!/usr/bin/env bash
# What the access log costs (issue 22): this checkout's jar started twice at once as the README starts it,
# once as shipped (access log to stdout, here into a file) and once with -Dserai.access-log=off, on the
# same three nginx backends as bench/compare.sh; rounds alternate the two. Prints, per round, req/s and
# CPU microseconds per request (user + system, and each), then the syscalls per request of each under
# load (strace -c -f, when strace is installed; STRACE=0 skips it). Run no other benchmark meanwhile.
# Settings (environment): ROUNDS (3), STRACE (1).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=8 ROUNDS=${ROUNDS:-3} WARMUP=20 CONNS=128
B1=19401 B2=19402 B3=19403 NGINX_PORT=18480 ON_PORT=18481 OFF_PORT=18581
# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools; pin_cpus; build_serai
JAR=target/serai.jar
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/backends.pid" ] && kill "$(cat "$work/backends.pid")" 2>/dev/null || true
  [ -f "$work/proxy.pid" ] && kill "$(cat "$work/proxy.pid")" 2>/dev/null || true; sleep 0.3; rm -rf "$work"; }
trap cleanup EXIT
start_nginx "$work" "$NGINX_PORT" "$B1" "$B2" "$B3"
start_serai() { local port=$3
  SERAI_ROUTES=bench/bench.camel.yaml $PROXY_CPU java @jvm.options $4 -Dserai.port="$port" \
    -Dserai.admin.port=$((port + 10)) -Dbench.least-connections.port=$((port + 1)) \
    -Dbench.latency-aware.port=$((port + 2)) \
    -Dbackend.1=127.0.0.1:$B1 -Dbackend.2=127.0.0.1:$B2 -Dbackend.3=127.0.0.1:$B3 \
    -jar "$2" > "$work/$1.log" 2>&1 &
  echo $! > "$work/$1.pid"; pids+=("$!")
  await "http://127.0.0.1:$port/" 60 || { tail -20 "$work/$1.log"; exit 1; }; }
start_serai on "$JAR" $ON_PORT ""
start_serai off "$JAR" $OFF_PORT "-Dserai.access-log=off"
hz=$(getconf CLK_TCK)
measure() { local name=$1 port=$2 pid=$3 u0 s0 u1 s1 line
  read -r u0 s0 < <(awk '{print $14, $15}' /proc/$pid/stat)
  line=$(run_wrk "$port" "$SECONDS_PER_RUN")
  read -r u1 s1 < <(awk '{print $14, $15}' /proc/$pid/stat)
  echo "$line" | awk -v u=$((u1-u0)) -v s=$((s1-s0)) -v hz=$hz -v d=$SECONDS_PER_RUN -v n=$name \
   '{r=$1*d; printf "%s rps %.0f cpu_us %.1f user_us %.1f sys_us %.1f\n", n, $1, (u+s)/hz*1e6/r, u/hz*1e6/r, s/hz*1e6/r}'; }
run_wrk $ON_PORT $WARMUP >/dev/null; run_wrk $OFF_PORT $WARMUP >/dev/null
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then measure on $ON_PORT "$(cat $work/on.pid)"; measure off $OFF_PORT "$(cat $work/off.pid)"
  else measure off $OFF_PORT "$(cat $work/off.pid)"; measure on $ON_PORT "$(cat $work/on.pid)"; fi
done
if [ "${STRACE:-1}" = 1 ] && need strace; then
  for name in on off; do
    pid=$(cat $work/$name.pid); port=$ON_PORT; [ $name = off ] && port=$OFF_PORT
    (timeout 6 strace -c -f -p "$pid" -o "$work/strace.txt" 2>/dev/null || true) & sp=$!
    sleep 1; line=$(run_wrk $port 4); wait $sp || true
    echo "$name under strace: $line"; grep -E "futex|write|read|epoll_wait|total" "$work/strace.txt" | awk -v r="$(echo $line | awk '{print $1*4}')" '{printf "  %-12s %8s calls, %.2f per request\n", $NF, $4, $4/r}'
  done
fi
