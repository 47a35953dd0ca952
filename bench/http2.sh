#!/usr/bin/env bash
# HTTP/2 at the edge: h2load (Debian's nghttp2-client) against nginx (`listen ... http2`, h2c) and Serai
# as the README starts it (java @jvm.options -jar target/serai.jar, default settings, access log on, to a
# file), in one run, on the same three nginx backends as bench/run.sh (HTTP/1.1 keep-alive behind both).
# The issue's load: 100 streams over 10 connections (-c 10 -m 10), small (200 B) responses. The same
# h2load drives HTTP/1.1 (--h1, 100 connections) as a baseline, so HTTP/2's cost is read beside it.
# With BENCH_GRPC=1 (the default) it also proxies gRPC unary calls to two grpc-java servers: nginx with
# grpc_pass, Serai with `?protocol=h2` members (bench/grpc.camel.yaml).
# Prints, per protocol and proxy, the median requests/s and CPU microseconds per request (user+system
# clock ticks of the process and its children, from /proc, over the requests h2load counted) and the
# ratios to nginx. Each proxy is pinned to core 0, h2load and the backends to core 1.
# Settings (environment): BENCH_SECONDS (5), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (30, the least per load),
# BENCH_WARMUP_MAX_SECONDS (180, the most per load while the JIT is still compiling), BENCH_GRPC (1).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP_SECONDS:-30}
WARMUP_MAX=${BENCH_WARMUP_MAX_SECONDS:-180}
GRPC=${BENCH_GRPC:-1}
NGINX_PORT=18380 SERAI_PORT=18381 ADMIN_PORT=18391 B1=19301 B2=19302 B3=19303
NGINX_GRPC_PORT=18384 SERAI_GRPC_PORT=18385

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
if ! need h2load; then
  echo "installing nghttp2-client (h2load) with apt-get" >&2
  as_root=""; [ "$(id -u)" = 0 ] || as_root="sudo"
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null
fi
pin_cpus
build_serai
open_work

if [ "$GRPC" = 1 ]; then
  # Two grpc-java servers (the tests' fixture, support/GrpcBackendMain), from the test classpath, on core 1.
  ./mvnw -B -q test-compile
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
  for name in g1 g2; do
    $LOAD_CPU java -cp "target/test-classes:$(cat "$work/cp.txt")" io.serai.support.GrpcBackendMain "$name" \
      > "$work/$name.log" 2>&1 &
    echo $! >> "$work/extra.pids"
  done
  for name in g1 g2; do
    deadline=$(( $(date +%s) + 30 ))
    until grep -q '^port ' "$work/$name.log"; do
      [ "$(date +%s)" -lt "$deadline" ] || { echo "gRPC backend $name did not start" >&2; cat "$work/$name.log"; exit 1; }
      sleep 0.1
    done
  done
  G1=$(awk '/^port / {print $2}' "$work/g1.log") G2=$(awk '/^port / {print $2}' "$work/g2.log")
else
  G1=1 G2=2 # nginx needs an upstream to start; nothing calls it
fi

start_nginx "$work" 18389 "$B1" "$B2" "$B3" # its HTTP/1.1 proxy on 18389 is not measured here
kill "$(cat "$work/proxy.pid")"; rm -f "$work/proxy.pid"
sleep 0.3

# nginx as the HTTP/2 reverse proxy: h2c on its listener, HTTP/1.1 keep-alive to the backends; gRPC by
# grpc_pass over HTTP/2 to the gRPC backends.
temps="client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;"
cat > "$work/h2proxy.conf" <<CONF
worker_processes 1; pid $work/proxy.pid; error_log $work/error.log; events { worker_connections 8192; }
http { access_log off; $temps
  upstream backends { server 127.0.0.1:$B1; server 127.0.0.1:$B2; server 127.0.0.1:$B3; keepalive 64; }
  upstream grpcs { server 127.0.0.1:$G1; server 127.0.0.1:$G2; keepalive 64; }
  # keepalive_requests: nginx closes an HTTP/2 connection after 1000 requests by default, and h2load does
  # not reconnect in a timed run.
  keepalive_requests 10000000;
  server { listen 127.0.0.1:$NGINX_PORT http2; http2_max_concurrent_streams 100;
    location / { proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:18388;
    location / { proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:$NGINX_GRPC_PORT http2;
    location / { grpc_pass grpc://grpcs; } }
}
CONF
$PROXY_CPU "$NGINX" -p "$work" -c "$work/h2proxy.conf"
nginx_pid=$(cat "$work/proxy.pid")

read -r -a java_opts <<< "${SERAI_JAVA_OPTS:-@jvm.options}"
start_serai_on_bench $SERAI_PORT $ADMIN_PORT 18382 18383 "${java_opts[@]}"
await "http://127.0.0.1:$SERAI_PORT/" 30 || { tail -20 "$work/serai.log"; exit 1; }

if [ "$GRPC" = 1 ]; then
  SERAI_ROUTES=bench/grpc.camel.yaml $PROXY_CPU java "${java_opts[@]}" -Dserai.port=$SERAI_GRPC_PORT \
    -Dserai.admin.port=$((ADMIN_PORT + 1)) -Dbackend.1=127.0.0.1:$G1 -Dbackend.2=127.0.0.1:$G2 \
    -jar target/serai.jar > "$work/serai-grpc.log" 2>&1 &
  serai_grpc_pid=$!; echo $serai_grpc_pid >> "$work/extra.pids"
  # A gRPC message: flag 0, 4-byte length, 16 bytes of payload.
  printf '\x00\x00\x00\x00\x10%s' "0123456789abcdef" > "$work/grpc-body.bin"
  deadline=$(( $(date +%s) + 30 ))
  until h2load -n 1 -c 1 -d "$work/grpc-body.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
      "http://127.0.0.1:$SERAI_GRPC_PORT/serai.test.Backend/Echo" 2>/dev/null | grep -q '1 succeeded'; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "gRPC through Serai did not answer" >&2; tail -20 "$work/serai-grpc.log"; exit 1; }
    sleep 0.2
  done
fi

run_h2load() { # url seconds extra-args... -> "rps failed"
  local url=$1 secs=$2; shift 2
  $LOAD_CPU h2load -D "$secs" "$@" "$url" 2>&1 | awk '
    /^finished in/ {for (i = 1; i <= NF; i++) if ($(i+1) ~ /^req\/s/) rps = $i}
    /^requests:/ {failed = $10 + $12}
    END {gsub(",", "", rps); printf "%s %s\n", rps, (failed == "" ? 0 : failed)}'
}
measure_h2() { # name url seconds pid extra-args... -> appends "rps cpu_us_per_request failed" to $work/<name>.txt
  local name=$1 url=$2 secs=$3 pid=$4 before after rps failed jb ja; shift 4
  before=$(cpu_ticks "$pid") jb=$(jit_ticks "$pid")
  read -r rps failed <<< "$(run_h2load "$url" "$secs" "$@")"
  after=$(cpu_ticks "$pid") ja=$(jit_ticks "$pid")
  echo "$rps $(awk -v t=$(( after - before )) -v hz="$(getconf CLK_TCK)" -v s="$secs" -v r="$rps" \
    'BEGIN {printf "%.1f", (r > 0 ? t / hz * 1e6 / (r * s) : 0)}') $failed $(( ja - jb ))" >> "$work/$name.txt"
}

jit_ticks() { # pid -> clock ticks its JIT compiler threads have used
  local t total=0
  for t in /proc/"$1"/task/*; do
    case $(cat "$t/comm" 2>/dev/null) in
      C1\ CompilerThre*|C2\ CompilerThre*) total=$(( total + $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0) )) ;;
    esac
  done
  echo "$total"
}
# On the one core the proxy is pinned to, C2 takes a minute or more of load to compile Serai's HTTP/2 and
# gRPC paths: measured before that, CPU per request is mostly the compiler's (165 us/req at 30 s of
# warm-up, 65 us/req once settled, for h2). So each load warms Serai for at least WARMUP s and then until a
# 5 s stretch in which the compiler threads used under 3% of the process's CPU (WARMUP_MAX bounds it).
warm_serai() { # pid url name h2load-args...
  local pid=$1 url=$2 name=$3 start before jb after ja; shift 3
  start=$(date +%s)
  run_h2load "$url" "$WARMUP" "$@" >/dev/null
  while [ $(( $(date +%s) - start )) -lt "$WARMUP_MAX" ]; do
    before=$(cpu_ticks "$pid") jb=$(jit_ticks "$pid")
    run_h2load "$url" 5 "$@" >/dev/null
    after=$(cpu_ticks "$pid") ja=$(jit_ticks "$pid")
    [ $(( (ja - jb) * 100 )) -lt $(( (after - before) * 3 )) ] && break
  done
  echo "  $name: warmed $(( $(date +%s) - start )) s; JIT share of the last 5 s: $(( ja - jb ))/$(( after - before )) ticks" >&2
}
H2=(-c 10 -m 10) H1=(--h1 -c 100)
GRPC_ARGS=(-c 10 -m 10 -d "$work/grpc-body.bin" -H 'content-type: application/grpc' -H 'te: trailers')
echo "warming up: nginx 3 s, Serai at least ${WARMUP} s per load and until its JIT settles (at most ${WARMUP_MAX} s)..." >&2
run_h2load "http://127.0.0.1:$NGINX_PORT/" 3 "${H2[@]}" >/dev/null
warm_serai "$serai_pid" "http://127.0.0.1:$SERAI_PORT/" h2 "${H2[@]}"
warm_serai "$serai_pid" "http://127.0.0.1:$SERAI_PORT/" h1 "${H1[@]}"
if [ "$GRPC" = 1 ]; then
  warm_serai "$serai_grpc_pid" "http://127.0.0.1:$SERAI_GRPC_PORT/serai.test.Backend/Echo" grpc "${GRPC_ARGS[@]}"
fi

kinds="h2 h1"; [ "$GRPC" = 1 ] && kinds="h2 h1 grpc"
for r in $(seq 1 "$ROUNDS"); do
  for kind in $kinds; do
    case $kind in
      h2) n="http://127.0.0.1:$NGINX_PORT/" s="http://127.0.0.1:$SERAI_PORT/" sp=$serai_pid args=("${H2[@]}") ;;
      h1) n="http://127.0.0.1:$NGINX_PORT/" s="http://127.0.0.1:$SERAI_PORT/" sp=$serai_pid args=("${H1[@]}") ;;
      grpc) n="http://127.0.0.1:$NGINX_GRPC_PORT/serai.test.Backend/Echo" s="http://127.0.0.1:$SERAI_GRPC_PORT/serai.test.Backend/Echo"
            sp=$serai_grpc_pid args=("${GRPC_ARGS[@]}") ;;
    esac
    # nginx's h2c listener does not take HTTP/1.1: its h1 baseline is the same proxy on a plain listener.
    if [ "$kind" = h1 ]; then n="http://127.0.0.1:18388/"; fi
    if [ $(( r % 2 )) = 1 ]; then
      measure_h2 "nginx-$kind" "$n" "$SECONDS_PER_RUN" "$nginx_pid" "${args[@]}"
      measure_h2 "serai-$kind" "$s" "$SECONDS_PER_RUN" "$sp" "${args[@]}"
    else
      measure_h2 "serai-$kind" "$s" "$SECONDS_PER_RUN" "$sp" "${args[@]}"
      measure_h2 "nginx-$kind" "$n" "$SECONDS_PER_RUN" "$nginx_pid" "${args[@]}"
    fi
    echo "$kind round $r: nginx $(tail -1 "$work/nginx-$kind.txt") | serai $(tail -1 "$work/serai-$kind.txt")" >&2
  done
done

col() { awk -v c="$1" '{print $c}' "$2" | median; }
echo
echo "$(date -u +%Y-%m-%d) $(nproc) cores, pinned: $PINNED; $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes');" \
  "${SECONDS_PER_RUN} s x ${ROUNDS} rounds (medians); h2 and grpc: 100 streams over 10 connections; h1: 100 connections"
printf '%-5s %-6s %10s %11s %7s %9s\n' load proxy "req/s" "CPU us/req" failed "JIT ticks"
for kind in $kinds; do
  for name in nginx serai; do
    f="$work/$name-$kind.txt"
    printf '%-5s %-6s %10.0f %11.1f %7s %9s\n' "$kind" "$name" "$(col 1 "$f")" "$(col 2 "$f")" \
      "$(awk '{s += $3} END {print s}' "$f")" "$(awk '{s += $4} END {print s}' "$f")"
  done
done
echo "serai/nginx (issue 22's goals: CPU/req <= 2x, req/s >= 0.5x):"
for kind in $kinds; do
  awk -v k="$kind" -v cs="$(col 2 "$work/serai-$kind.txt")" -v cn="$(col 2 "$work/nginx-$kind.txt")" \
    -v rs="$(col 1 "$work/serai-$kind.txt")" -v rn="$(col 1 "$work/nginx-$kind.txt")" 'BEGIN {
      printf "  %-5s CPU %.2fx %s  req/s %.2fx %s\n", k, cs / cn, (cs / cn <= 2 ? "ok" : "MISS"),
        rs / rn, (rs / rn >= 0.5 ? "ok" : "MISS") }'
done
echo "peak RSS (VmHWM): nginx $(peak_rss_mb "$nginx_pid") MB, serai $(peak_rss_mb "$serai_pid") MB"
if [ "$GRPC" = 1 ]; then
  # h2load counts an HTTP 200 as a success; a failed gRPC call is a 200 too, with its grpc-status in the
  # trailers. Serai's access log names each call's grpc-status.
  echo "serai's gRPC calls by grpc_status (access log): $(grep -o '"grpc_status":"[0-9]*"' "$work/serai-grpc.log" \
    | sort | uniq -c | awk '{printf "%s %s; ", $2, $1}')"
fi
