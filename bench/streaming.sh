#!/usr/bin/env bash
# Large bodies through Serai and through nginx with proxy_buffering off and proxy_request_buffering off, in
# one run, on the same backend: MiB/s of one download, one upload, and BENCH_STREAM_CONCURRENT (20)
# downloads at once, each of BENCH_STREAM_BYTES (1 GiB) in all; the CPU time each proxy spent per GiB; and
# each proxy's resident memory before the measured rounds and at its peak during them. nginx runs twice in
# one process: with its default buffer sizes and with 64 KiB buffers. The backend and the clients are
# bench/StreamingBodies.java: a pattern made and checked as it passes (a short or altered body fails the
# run). Each proxy is pinned to core 0; the backend and the clients share core 1. Serai is started as the
# README starts it (java @jvm.options -jar serai.jar), with serai.limits.max-body set to the body size.
# Settings (environment): BENCH_STREAM_BYTES (1073741824), BENCH_STREAM_CONCURRENT (20), BENCH_ROUNDS (3),
# SERAI_JAVA_OPTS (default: the shipped jvm.options).
set -euo pipefail
cd "$(dirname "$0")/.."

BYTES=${BENCH_STREAM_BYTES:-1073741824}
CONCURRENT=${BENCH_STREAM_CONCURRENT:-20}
ROUNDS=${BENCH_ROUNDS:-3}
NGINX_PORT=18380 NGINX64_PORT=18390 SERAI_PORT=18381 BACKEND_PORT=19301

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
pin_cpus
build_serai

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/proxy.pid" ] && kill "$(cat "$work/proxy.pid")" 2>/dev/null || true
  sleep 0.3; rm -rf "$work"
}
trap cleanup EXIT

javac -d "$work" bench/StreamingBodies.java
bodies() { $LOAD_CPU java -Xmx64m -cp "$work" StreamingBodies "$@"; }
$LOAD_CPU java -Xmx64m -cp "$work" StreamingBodies backend $BACKEND_PORT > "$work/backend.log" 2>&1 &
pids+=("$!")
await "http://127.0.0.1:$BACKEND_PORT/bytes/2" 20

# nginx's default buffers are one memory page: with buffering off it reads the backend 4 KiB at a time.
# The second server reads 64 KiB at a time, as Serai does.
temps="client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;"
location="proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering off; proxy_request_buffering off;"
cat > "$work/proxy.conf" <<EOF
worker_processes 1; pid $work/proxy.pid; error_log $work/error.log; events { worker_connections 1024; }
http { access_log off; $temps
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 32; }
  server { listen 127.0.0.1:$NGINX_PORT; client_max_body_size 0; location / { $location } }
  server { listen 127.0.0.1:$NGINX64_PORT; client_max_body_size 0; client_body_buffer_size 64k;
    location / { $location proxy_buffer_size 64k; proxy_buffers 4 64k; } }
}
EOF
$PROXY_CPU "$NGINX" -p "$work" -c "$work/proxy.conf"
await "http://127.0.0.1:$NGINX_PORT/bytes/2" 10

# bench.camel.yaml with its three members all on the one backend.
read -r -a java_opts <<< "${SERAI_JAVA_OPTS:-@jvm.options}"
SERAI_ROUTES=bench/bench.camel.yaml $PROXY_CPU java "${java_opts[@]}" -Dserai.port=$SERAI_PORT \
  -Dserai.admin.port=$((SERAI_PORT + 10)) -Dbench.least-connections.port=$((SERAI_PORT + 1)) \
  -Dbench.latency-aware.port=$((SERAI_PORT + 2)) -Dserai.limits.max-body="$BYTES" \
  -Dbackend.1=127.0.0.1:$BACKEND_PORT -Dbackend.2=127.0.0.1:$BACKEND_PORT -Dbackend.3=127.0.0.1:$BACKEND_PORT \
  -jar target/serai.jar > "$work/serai.log" 2>&1 &
serai_pid=$!; pids+=("$serai_pid")
await "http://127.0.0.1:$SERAI_PORT/bytes/2" 60 || { tail -20 "$work/serai.log"; exit 1; }

nginx_pids() { local m; m=$(cat "$work/proxy.pid"); echo "$m" $(pgrep -P "$m" || true); }
sum_kb() { # field pids... -> the /proc/<pid>/status field (kB) summed over the processes
  local field=$1 total=0 p; shift
  for p in "$@"; do total=$(( total + $(awk -v k="$field:" '$1 == k {print $2}' "/proc/$p/status") )); done
  echo "$total"
}
reset_peak() { local p; for p in "$@"; do echo 5 > "/proc/$p/clear_refs"; done; } # VmHWM := VmRSS (proc(5))
ticks=$(getconf CLK_TCK)
cpu_ticks() { local total=0 p; for p in "$@"; do total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo "$total"; }

measure() { # name kind(get|post|many) port pids... -> appends "MiB/s cpu_seconds_per_GiB" to $work/<name>-<kind>.txt
  local name=$1 kind=$2 port=$3; shift 3
  local before after line
  before=$(cpu_ticks "$@")
  case $kind in
    get|post) line=$(bodies "$kind" "$port" "$BYTES") ;;
    many) line=$(bodies get "$port" $(( BYTES / CONCURRENT )) "$CONCURRENT") ;;
  esac || { echo "$name $kind: a body was short or altered" >&2; exit 1; }
  after=$(cpu_ticks "$@")
  echo "$line" | awk -v t=$(( after - before )) -v hz="$ticks" \
    '{printf "%s %.2f\n", $3, t / hz / ($1 / 1073741824)}' >> "$work/$name-$kind.txt"
}

echo "warming up: downloads and uploads through each proxy (Serai's JIT compiles the streaming path)..." >&2
for port in $NGINX_PORT $NGINX64_PORT $SERAI_PORT $SERAI_PORT; do
  bodies get $port "$BYTES" >/dev/null; bodies post $port "$BYTES" >/dev/null
done
bodies get $SERAI_PORT $(( BYTES / CONCURRENT )) "$CONCURRENT" >/dev/null
direct=$(bodies get $BACKEND_PORT "$BYTES" | awk '{print $3}')

serai_rss_before=$(sum_kb VmRSS "$serai_pid"); nginx_rss_before=$(sum_kb VmRSS $(nginx_pids))
reset_peak "$serai_pid" $(nginx_pids)
names=(nginx nginx-64k serai)
for r in $(seq 1 "$ROUNDS"); do
  for i in 0 1 2; do # the proxies take turns going first
    name=${names[$(( (i + r - 1) % 3 ))]}
    case $name in
      nginx) port=$NGINX_PORT; set -- $(nginx_pids) ;;
      nginx-64k) port=$NGINX64_PORT; set -- $(nginx_pids) ;;
      serai) port=$SERAI_PORT; set -- "$serai_pid" ;;
    esac
    for kind in get post many; do measure "$name" $kind "$port" "$@"; done
  done
  for name in "${names[@]}"; do
    echo "round $r: $name: down $(tail -1 "$work/$name-get.txt"), up $(tail -1 "$work/$name-post.txt")," \
      "$CONCURRENT down at once $(tail -1 "$work/$name-many.txt") (MiB/s, CPU s/GiB)" >&2
  done
done
serai_peak=$(sum_kb VmHWM "$serai_pid"); nginx_peak=$(sum_kb VmHWM $(nginx_pids))

col() { awk -v c="$1" '{print $c}' "$2" | median; }
echo
echo "$(date -u +%Y-%m-%d) $(nproc) cores, pinned: $PINNED; $(( BYTES / 1048576 )) MiB in all per case, ${ROUNDS} rounds (medians)"
echo "MiB/s, and CPU seconds the proxy spent per GiB: one download, one upload, $CONCURRENT downloads at once"
echo "backend alone (no proxy): one download at $direct MiB/s"
printf '%-10s %8s %6s %8s %6s %8s %6s %8s %8s\n' proxy down s/GiB up s/GiB "${CONCURRENT}x down" s/GiB "RSS MB" "peak MB"
for name in "${names[@]}"; do
  if [ $name = serai ]; then before=$serai_rss_before peak=$serai_peak; else before=$nginx_rss_before peak=$nginx_peak; fi
  printf '%-10s %8.0f %6.2f %8.0f %6.2f %8.0f %6.2f %8.0f %8.0f\n' $name \
    "$(col 1 "$work/$name-get.txt")" "$(col 2 "$work/$name-get.txt")" \
    "$(col 1 "$work/$name-post.txt")" "$(col 2 "$work/$name-post.txt")" \
    "$(col 1 "$work/$name-many.txt")" "$(col 2 "$work/$name-many.txt")" \
    "$(awk -v k="$before" 'BEGIN {print k / 1024}')" "$(awk -v k="$peak" 'BEGIN {print k / 1024}')"
done
echo "serai: JVM options ${java_opts[*]}; both nginx servers are one nginx (master + worker)"
echo "RSS MB: before the measured rounds; peak MB: VmHWM during them"
