#!/usr/bin/env bash
# Cache hits: Serai (examples/caching.camel.yaml) against nginx with proxy_cache, in one run, in front
# of the same backend serving the same cacheable 200-byte response (Cache-Control: max-age=3600).
# Each proxy is pinned to core 0; wrk and the backend share core 1. Keep-alive, 128 connections.
# Prints req/s, p50/p99 and the ratio, and how many requests reached the backend while measuring
# (a hit must not touch it: expected 0).
# Usage: bench/cache.sh [revision]   with a revision (e.g. main~1), that revision's Serai runs too, from a
# worktree of its own, so that a change to the cache is judged against its parent in one run; CPU
# microseconds per request (user+system time over the requests wrk counted) are printed for each proxy.
# Settings (environment): BENCH_SECONDS (8), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (15),
# BENCH_CONNECTIONS (128), SERAI_JAVA_OPTS (default: the shipped jvm.options).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${BENCH_SECONDS:-8}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP_SECONDS:-15}
CONNS=${BENCH_CONNECTIONS:-128}
NGINX_PORT=18180 SERAI_PORT=18181 ADMIN_PORT=18182 BASE_PORT=18183 BASE_ADMIN_PORT=18184 BACKEND=19101
BASE=${1:-}

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
pin_cpus

build_serai

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/backend.pid" ] && kill "$(cat "$work/backend.pid")" 2>/dev/null || true
  [ -f "$work/proxy.pid" ] && kill "$(cat "$work/proxy.pid")" 2>/dev/null || true
  sleep 0.3
  [ -n "$BASE" ] && git worktree remove --force "$work/base" 2>/dev/null || true
  [ -n "${BENCH_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

body=$(printf '{"item":"catalog","pad":"%s"}' "$(head -c 172 /dev/zero | tr '\0' x)")
common="error_log $work/error.log; events { worker_connections 8192; }"
temps="client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;"
cat > "$work/backend.conf" <<CONF
worker_processes 1; pid $work/backend.pid; $common
http { $temps
  log_format count '\$request_uri';
  server { listen 127.0.0.1:$BACKEND; access_log $work/backend.log count;
    location / { default_type application/json; add_header Cache-Control "max-age=3600"; return 200 '$body'; } }
}
CONF
# As root, nginx's workers run as nobody and could not open the cache under the private work dir.
run_as=""; [ "$(id -u)" = 0 ] && run_as="user root;"
cat > "$work/proxy.conf" <<CONF
$run_as worker_processes 1; pid $work/proxy.pid; $common
http { access_log off; $temps
  proxy_cache_path $work/cache levels=1:2 keys_zone=bench:10m max_size=256m inactive=60m use_temp_path=off;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 64; }
  server { listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_cache bench; proxy_cache_lock on; add_header X-Cache-Status \$upstream_cache_status; } }
}
CONF

$LOAD_CPU "$NGINX" -p "$work" -c "$work/backend.conf"
$PROXY_CPU "$NGINX" -p "$work" -c "$work/proxy.conf"
await "http://127.0.0.1:$BACKEND/" 10
await "http://127.0.0.1:$NGINX_PORT/" 10

read -r -a java_opts <<< "${SERAI_JAVA_OPTS:-@jvm.options}"
start_cache_serai() { # name checkout port admin-port: Serai as the README starts it, from its own checkout
  (cd "$2" && SERAI_ROUTES=examples/caching.camel.yaml exec $PROXY_CPU java "${java_opts[@]}" -Dserai.port="$3" \
    -Dserai.admin.port="$4" -Dupstream.url=http://127.0.0.1:$BACKEND \
    -Dserai.access-log=off -jar target/serai.jar) > "$work/$1.log" 2>&1 &
  echo $! > "$work/$1.pid"; pids+=("$!")
  await "http://127.0.0.1:$3/" 60 || { cat "$work/$1.log"; exit 1; }
}
if [ -n "$BASE" ]; then
  echo "building $BASE in a worktree of its own..." >&2
  git worktree add -q --detach "$work/base" "$BASE"
  (cd "$work/base" && ./mvnw -B -q package -DskipTests)
  start_cache_serai base "$work/base" $BASE_PORT $BASE_ADMIN_PORT
fi
start_cache_serai serai . $SERAI_PORT $ADMIN_PORT
serai_pid=$(cat "$work/serai.pid")

hit_header() { curl -s -D - -o /dev/null "$1" | tr -d '\r' | grep -i "^$2:" || true; }

backend_requests() { wc -l < "$work/backend.log"; }

echo "warming up the proxies (the JVM compiles its hot paths)..." >&2
run_wrk $NGINX_PORT 3 >/dev/null
run_wrk $SERAI_PORT "$WARMUP" >/dev/null
[ -z "$BASE" ] || run_wrk $BASE_PORT "$WARMUP" >/dev/null
echo "nginx: $(hit_header "http://127.0.0.1:$NGINX_PORT/" X-Cache-Status); serai: $(hit_header "http://127.0.0.1:$SERAI_PORT/" Cache-Status)" >&2

before=$(backend_requests)
: > "$work/nginx.txt"; : > "$work/serai.txt"; : > "$work/base.txt"
for r in $(seq 1 "$ROUNDS"); do
  measure nginx $NGINX_PORT / "$SECONDS_PER_RUN" "$(cat "$work/proxy.pid")"
  # base and this checkout take turns going first.
  if [ -n "$BASE" ] && [ $(( r % 2 )) = 1 ]; then
    measure base $BASE_PORT / "$SECONDS_PER_RUN" "$(cat "$work/base.pid")"
  fi
  measure serai $SERAI_PORT / "$SECONDS_PER_RUN" "$serai_pid"
  if [ -n "$BASE" ] && [ $(( r % 2 )) = 0 ]; then
    measure base $BASE_PORT / "$SECONDS_PER_RUN" "$(cat "$work/base.pid")"
  fi
  echo "round $r: nginx $(tail -1 "$work/nginx.txt") | serai $(tail -1 "$work/serai.txt")${BASE:+ | base $(tail -1 "$work/base.txt")}" >&2
done
reached=$(( $(backend_requests) - before ))

col() { awk -v c="$1" '{print $c}' "$2" | median; }
n_rps=$(col 1 "$work/nginx.txt"); s_rps=$(col 1 "$work/serai.txt")
n_p99=$(col 3 "$work/nginx.txt"); s_p99=$(col 3 "$work/serai.txt")
errors=$(awk '{print $5}' "$work"/nginx.txt "$work"/serai.txt "$work"/base.txt | grep -v '^none$' | head -1 || true)
serai_rss=$(awk '/VmHWM/ {print $2/1024}' "/proc/$serai_pid/status" 2>/dev/null || echo 0)

echo
echo "$(date -u +%Y-%m-%d) cache hits, $(nproc) cores, pinned: $PINNED; ${CONNS} connections, ${SECONDS_PER_RUN} s x ${ROUNDS} rounds (medians), ${#body} B bodies"
[ -z "$BASE" ] || echo "base: $BASE ($(git rev-parse --short "$BASE")), serai: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes')"
printf '%-6s %10s %8s %8s %12s\n' proxy "req/s" "p50 ms" "p99 ms" "CPU us/req"
for name in nginx ${BASE:+base} serai; do
  printf '%-6s %10.0f %8.2f %8.2f %12.1f\n' "$name" "$(col 1 "$work/$name.txt")" "$(col 2 "$work/$name.txt")" \
    "$(col 3 "$work/$name.txt")" "$(col 4 "$work/$name.txt")"
done
awk -v a="$s_rps" -v b="$n_rps" -v c="$s_p99" -v d="$n_p99" \
  'BEGIN {printf "serai/nginx: %.2fx requests/s, %.1fx p99 latency\n", a/b, c/d}'
echo "requests that reached the backend while measuring: $reached; serai peak RSS ${serai_rss} MB"
[ -z "$errors" ] || echo "errors seen: $errors"
