#!/usr/bin/env bash
# Costs that should grow slowly, with Serai started as the README starts it (java @jvm.options -jar
# target/serai.jar, access log to stdout, here into a file), pinned to core 0 with the load on core 1:
# (a) 10,000 idle keep-alive connections: Serai's RSS before and after bench/IdleConnections.py opens
#     them (one GET each, then idle), and active traffic (wrk, 128 connections) without and with them;
# (b) 100 routes with 10 members each (1,000 in all), generated: start to ready and to the first answer
#     of the 100th route, a reload that changes every route's path, and latency on the first against
#     the 100th route.
# Settings (environment): SCALE_IDLE (10000), BENCH_SECONDS (5), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (40).
set -euo pipefail
cd "$(dirname "$0")/.."
IDLE=${SCALE_IDLE:-10000}
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP_SECONDS:-40}
SERAI_PORT=18600 ADMIN_PORT=18610 NGINX_PORT=18604 B1=18601 B2=18602 B3=18603
MEMBER_PORTS=$(seq 18640 18649) # the ten backends every generated route balances over

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
pin_cpus
build_serai
need python3 || { echo "bench/scale.sh needs python3 for its idle clients" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $(( IDLE + 1000 )) ] || { echo "ulimit -n $(ulimit -n) is too low for $IDLE connections" >&2; exit 1; }

work=$(mktemp -d)
serai_pid="" members_pid=""
cleanup() {
  [ -n "$serai_pid" ] && kill "$serai_pid" 2>/dev/null || true
  [ -n "$members_pid" ] && kill "$members_pid" 2>/dev/null || true
  [ -f "$work/backends.pid" ] && kill "$(cat "$work/backends.pid")" 2>/dev/null || true
  [ -f "$work/proxy.pid" ] && kill "$(cat "$work/proxy.pid")" 2>/dev/null || true
  sleep 0.3; rm -rf "$work"
}
trap cleanup EXIT
start_nginx "$work" "$NGINX_PORT" "$B1" "$B2" "$B3"

start_serai() { # routes extra-options... -> serai_pid, start_ns; the README's command but for ports and settings
  local routes=$1; shift
  start_ns=$(date +%s%N)
  SERAI_ROUTES=$routes $PROXY_CPU java @jvm.options -Dserai.port=$SERAI_PORT -Dserai.admin.port=$ADMIN_PORT \
    -Dbench.least-connections.port=$((SERAI_PORT + 21)) -Dbench.latency-aware.port=$((SERAI_PORT + 22)) \
    -Dbackend.1=127.0.0.1:$B1 -Dbackend.2=127.0.0.1:$B2 -Dbackend.3=127.0.0.1:$B3 "$@" \
    -jar target/serai.jar > "$work/serai.log" 2>&1 &
  serai_pid=$!
}
stop_serai() { kill "$serai_pid"; wait "$serai_pid" 2>/dev/null || true; serai_pid=""; }
since_start_ms() { echo $(( ($(date +%s%N) - start_ns) / 1000000 )); }
col() { awk -v c="$1" '{print $c}' "$2" | median; }
row() { # label file
  printf '  %-34s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %6.1f CPU us/req\n' "$1" \
    "$(col 1 "$2")" "$(col 2 "$2")" "$(col 3 "$2")" "$(col 4 "$2")"
}

echo "(a) $IDLE idle keep-alive connections..." >&2
# The shipped limit (serai.limits.max-connections=10000) counts every client connection: 10,000 idle and
# wrk's 128 would pass it, so it is raised; the idle time-out (60 s) is raised so it does not close
# them while the figures are taken (nginx's keepalive_timeout would close them too).
limits=(-Dserai.limits.max-connections=$(( IDLE + 1000 )) -Dserai.client.idle-timeout=10m)
start_serai bench/bench.camel.yaml "${limits[@]}"
await "http://127.0.0.1:$SERAI_PORT/" 30 || { tail -20 "$work/serai.log"; exit 1; }
CONNS=128
run_wrk $SERAI_PORT "$WARMUP" >/dev/null
: > "$work/without.txt"; : > "$work/with.txt"
for r in $(seq 1 "$ROUNDS"); do measure without $SERAI_PORT / "$SECONDS_PER_RUN" "$serai_pid"; done
sleep 1
rss_before=$(rss_mb "$serai_pid")
coproc IDLE_CLIENTS { exec $LOAD_CPU python3 bench/IdleConnections.py "$SERAI_PORT" "$IDLE"; }
read -r -t 120 _ opened <&"${IDLE_CLIENTS[0]}"
sleep 2
rss_after=$(rss_mb "$serai_pid")
for r in $(seq 1 "$ROUNDS"); do measure with $SERAI_PORT / "$SECONDS_PER_RUN" "$serai_pid"; done
rss_after_load=$(rss_mb "$serai_pid")
echo check >&"${IDLE_CLIENTS[1]}"
read -r -t 30 _ closed <&"${IDLE_CLIENTS[0]}"
exec {IDLE_CLIENTS[1]}>&-
wait "$IDLE_CLIENTS_PID" 2>/dev/null || true
: > "$work/after.txt" # without them again: the JIT may still have been warming during the first rounds
for r in $(seq 1 "$ROUNDS"); do measure after $SERAI_PORT / "$SECONDS_PER_RUN" "$serai_pid"; done
peak=$(peak_rss_mb "$serai_pid")
stop_serai

echo "(b) 100 routes, 1,000 members..." >&2
{
  echo "worker_processes 1; pid $work/members.pid; error_log $work/members-error.log; events { worker_connections 4096; }"
  echo "http { access_log off; client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;"
  echo "  server { $(for p in $MEMBER_PORTS; do printf 'listen 127.0.0.1:%s; ' "$p"; done)"
  echo "    location / { default_type application/json; return 200 '{\"member\":\"\$server_port\"}'; } } }"
} > "$work/members.conf"
$LOAD_CPU "$NGINX" -p "$work" -c "$work/members.conf"
members_pid=$(cat "$work/members.pid")
await "http://127.0.0.1:18649/" 10
generate() { # prefix -> 100 routes, /<prefix>1 .. /<prefix>100, each round robin over the ten members
  local i p
  echo "# Generated by bench/scale.sh"
  for i in $(seq 1 100); do
    echo "- route:"
    echo "    id: $1$i"
    echo "    from:"
    echo "      uri: \"netty-http:http://127.0.0.1:{{serai.port}}/$1$i?matchOnUriPrefix=true\""
    echo "      steps:"
    echo "        - loadBalance:"
    echo "            roundRobinLoadBalancer: {}"
    echo "            steps:"
    for p in $MEMBER_PORTS; do echo "              - to: \"netty-http:http://127.0.0.1:$p\""; done
  done
}
mkdir "$work/routes"
generate r > "$work/routes/many.camel.yaml"
start_serai "$work/routes"
await "http://127.0.0.1:$ADMIN_PORT/health/ready" 60 || { tail -20 "$work/serai.log"; exit 1; }
ready_ms=$(since_start_ms)
await "http://127.0.0.1:$SERAI_PORT/r100/" 10
first_ms=$(since_start_ms)
many_rss=$(rss_mb "$serai_pid")
many_camel=$(grep -o 'started in .*' "$work/serai.log" | head -1 || true)

CONNS=32
run_wrk $SERAI_PORT "$WARMUP" /r1/ >/dev/null
run_wrk $SERAI_PORT 5 /r100/ >/dev/null
: > "$work/r1.txt"; : > "$work/r100.txt"
for r in $(seq 1 "$ROUNDS"); do
  measure r1 $SERAI_PORT /r1/ "$SECONDS_PER_RUN" "$serai_pid"
  measure r100 $SERAI_PORT /r100/ "$SECONDS_PER_RUN" "$serai_pid"
done

# A reload: every route's path changes (/rN to /sN); timed from the write to the 100th new path answering
# and the 100th old one gone; serai.reload.interval (500 ms) is part of it.
generate s > "$work/many.next"
reload_ns=$(date +%s%N)
mv "$work/many.next" "$work/routes/many.camel.yaml"
await "http://127.0.0.1:$SERAI_PORT/s100/" 60
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SERAI_PORT/r100/")" = 404 ]; do sleep 0.05; done
reload_ms=$(( ($(date +%s%N) - reload_ns) / 1000000 ))
stop_serai

# The same start with the three bench routes, for scale.
start_serai bench/bench.camel.yaml
await "http://127.0.0.1:$ADMIN_PORT/health/ready" 60
small_ready_ms=$(since_start_ms)
small_camel=$(grep -o 'started in .*' "$work/serai.log" | head -1 || true)
stop_serai

echo
echo "$(date -u +%Y-%m-%d) $(nproc) cores, pinned: $PINNED; $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes');" \
  "${SECONDS_PER_RUN} s x ${ROUNDS} rounds (medians); JVM options: @jvm.options"
echo "(a) idle keep-alive connections (settings: ${limits[*]})"
echo "  opened $opened of $IDLE; closed by Serai while measured: $closed"
awk -v b="$rss_before" -v a="$rss_after" -v l="$rss_after_load" -v p="$peak" 'BEGIN {
  printf "  RSS %.0f MB before, %.0f MB with them (+%.0f MB, goal < 64 MiB = 67 MB), %.0f MB after load with them; peak %.0f MB\n",
    b, a, a - b, l, p }'
row "active, 128 conns, without idle:" "$work/without.txt"
row "active, 128 conns, with idle:" "$work/with.txt"
row "active, 128 conns, idle closed:" "$work/after.txt"
echo "(b) 100 routes x 10 members (1,000 members)"
echo "  start to ready (/health/ready): ${ready_ms} ms (3 bench routes: ${small_ready_ms} ms); to the 100th route's first answer: ${first_ms} ms (goal < 2000)"
echo "  Camel's own account: 100 routes ${many_camel:-?}; 3 routes ${small_camel:-?}"
echo "  reload changing all 100 routes: ${reload_ms} ms from the write to the new 100th answering and the old gone (includes up to 500 ms of serai.reload.interval)"
echo "  RSS with 100 routes, idle: ${many_rss} MB"
row "/r1/, 32 conns:" "$work/r1.txt"
row "/r100/, 32 conns:" "$work/r100.txt"
errors=$(cat "$work"/without.txt "$work"/with.txt "$work"/after.txt "$work"/r1.txt "$work"/r100.txt | awk '$5 != "none" {print $5}' | head -1)
[ -z "$errors" ] || echo "errors seen: $errors"
