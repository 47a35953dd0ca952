#!/usr/bin/env bash
# Shared mode's cost (docs/replicas.md), in one run, with a local redis-server:
#  - a route with no shared feature on Serai without Redis and on Serai with serai.redis.url set (shared
#    mode must cost such routes nothing);
#  - a rate limit with scope: local against scope: cluster (limits far above the load, so every request
#    takes a token), with the Redis commands each request cost (INFO commandstats over wrk's count);
#  - cache hits on the local cache against the shared tier, and the miss path with unique URLs: the
#    local cache (miss, fetch), the shared tier on replica A (miss, lock, fetch, write) and the same URLs
#    on replica B (hits from Redis). Redis calls per request are Serai's own count of the calls it made.
# Serai runs as the README starts it (jvm.options) on core 0; wrk, the nginx backend and Redis on core 1.
# Settings (environment): BENCH_SECONDS (8), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (15), BENCH_CONNECTIONS (64).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN=${BENCH_SECONDS:-8}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP_SECONDS:-15}
CONNS=${BENCH_CONNECTIONS:-64}
A=18381 A_ADMIN=18382 B=18383 B_ADMIN=18384 C=18385 C_ADMIN=18386 BACKEND=19181 REDIS=18390

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
need redis-server || { echo "redis-server is needed: apt-get install redis-server" >&2; exit 1; }
pin_cpus
build_serai
open_work

body=$(printf '{"item":"catalog","pad":"%s"}' "$(head -c 172 /dev/zero | tr '\0' x)")
cat > "$work/backend.conf" <<CONF
worker_processes 1; pid $work/backends.pid; error_log $work/error.log; events { worker_connections 8192; }
http { access_log off; client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f;
  uwsgi_temp_path $work/u; scgi_temp_path $work/s;
  server { listen 127.0.0.1:$BACKEND; location / { default_type application/json;
    add_header Cache-Control "max-age=3600"; return 200 '$body'; } } }
CONF
$LOAD_CPU "$NGINX" -p "$work" -c "$work/backend.conf"
await "http://127.0.0.1:$BACKEND/" 10
$LOAD_CPU redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
echo $! >> "$work/extra.pids"
rcli() { redis-cli -p $REDIS "$@"; }
until rcli ping >/dev/null 2>&1; do sleep 0.05; done

read -r -a java_opts <<< "${SERAI_JAVA_OPTS:-@jvm.options}"
start() { # name port admin routes [redis-url]
  SERAI_ROUTES="$4" $PROXY_CPU java "${java_opts[@]}" -Dserai.port="$2" \
    -Dserai.admin.port="$3" -Dbackend.1=127.0.0.1:$BACKEND -Dserai.access-log=off \
    ${5:+-Dserai.redis.url=$5} -jar target/serai.jar > "$work/$1.log" 2>&1 &
  echo $! > "$work/$1.pid"; echo $! >> "$work/extra.pids"
  await "http://127.0.0.1:$2/plain" 60 || { cat "$work/$1.log"; exit 1; }
}
# c has no Redis, so only the route without shared features (a cluster scope needs serai.redis.url).
# In a folder of its own: Serai watches its routes' folder for changes, and $work is busy with logs.
mkdir -p "$work/c-routes"
awk '/^- route:/ {n++} n == 1' bench/replicas.camel.yaml > "$work/c-routes/plain.camel.yaml"
start a $A $A_ADMIN bench/replicas.camel.yaml "redis://127.0.0.1:$REDIS"
start b $B $B_ADMIN bench/replicas.camel.yaml "redis://127.0.0.1:$REDIS"
start c $C $C_ADMIN "$work/c-routes/plain.camel.yaml"

# Round trips to Redis as Serai counts them (serai_redis_calls_seconds_count: every call it made), not
# Redis' commandstats, which also count the commands a script runs inside its one call.
redis_calls() { # admin-port
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^serai_redis_calls_seconds_count/ {s += $NF} END {printf "%d\n", s}'
}
admin_of() { case $1 in a) echo $A_ADMIN ;; b) echo $B_ADMIN ;; c) echo $C_ADMIN ;; esac; }
# run name port path seconds [a|b|c]: measure plus the Redis round trips per request it caused
run() {
  local before after who=${5:-a}
  before=$(redis_calls "$(admin_of "$who")")
  measure "$1" "$2" "$3" "$4" "$(cat "$work/$who.pid")"
  after=$(redis_calls "$(admin_of "$who")")
  awk -v d=$(( after - before )) -v s="$4" '{r=$1} END {printf "%.2f\n", (r > 0 ? d / (r * s) : 0)}' \
    <(tail -1 "$work/$1.txt") >> "$work/$1.redis"
}

cat > "$work/unique.lua" <<'LUA'
-- one new URL per request: BENCH_PREFIX .. n, n counting from 1, so two runs ask the same sequence
local prefix = os.getenv("BENCH_PREFIX")
local n = 0
request = function() n = n + 1; return wrk.format("GET", prefix .. n) end
LUA
unique() { # name port prefix seconds pid-name: every request a new URL
  local before after cpu0 cpu1 out rps p99
  before=$(redis_calls "$(admin_of "$5")"); cpu0=$(cpu_ticks "$(cat "$work/$5.pid")")
  # One Host for both replicas, as behind one Service: the cache key holds the host.
  out=$(BENCH_PREFIX="$3" $LOAD_CPU wrk -t1 -c"$CONNS" -d"$4"s --latency -H "Host: bench.example" \
    -s "$work/unique.lua" "http://127.0.0.1:$2")
  cpu1=$(cpu_ticks "$(cat "$work/$5.pid")"); after=$(redis_calls "$(admin_of "$5")")
  rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
  p99=$(awk 'function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    $1=="99%" {printf "%.2f", ms($2)}' <<< "$out")
  awk -v n="$1" -v r="$rps" -v p="$p99" -v t=$(( cpu1 - cpu0 )) -v hz="$(getconf CLK_TCK)" -v s="$4" -v d=$(( after - before )) \
    'BEGIN {printf "%-28s %10.0f %8s %8s %12.1f %10.2f\n", n, r, "-", p, t / hz * 1e6 / (r * s), d / (r * s)}'
}

echo "warming up (the JVM compiles its hot paths)..." >&2
# Every measured path gets the same warm-up, c's one path as long as a's five together, and the
# miss paths (other URLs than the measured ones) on a and b, so no JVM is measured colder than another.
for path in /plain /local-limit /cluster-limit /local-cache/x /shared-cache/x; do run_wrk $A "$(( WARMUP / 5 + 1 ))" "$path" >/dev/null; done
run_wrk $C "$WARMUP" /plain >/dev/null
warm_unique() { BENCH_PREFIX="$2" $LOAD_CPU wrk -t1 -c"$CONNS" -d"$3"s -H "Host: bench.example" -s "$work/unique.lua" \
  "http://127.0.0.1:$1" >/dev/null; }
warm_unique $A /local-cache/w/ "$(( WARMUP / 5 + 1 ))"
warm_unique $A /shared-cache/w/ "$(( WARMUP / 5 + 1 ))"
warm_unique $B /shared-cache/w/ "$(( WARMUP / 5 + 1 ))"

for r in $(seq 1 "$ROUNDS"); do
  # Without and with Redis take turns going first.
  if [ $(( r % 2 )) = 1 ]; then run c-plain $C /plain "$SECONDS_PER_RUN" c; fi
  run a-plain $A /plain "$SECONDS_PER_RUN"
  if [ $(( r % 2 )) = 0 ]; then run c-plain $C /plain "$SECONDS_PER_RUN" c; fi
  run a-local-limit $A /local-limit "$SECONDS_PER_RUN"
  run a-cluster-limit $A /cluster-limit "$SECONDS_PER_RUN"
  run a-local-cache-hit $A /local-cache/x "$SECONDS_PER_RUN"
  run a-shared-cache-hit $A /shared-cache/x "$SECONDS_PER_RUN"
  echo "round $r done" >&2
done

col() { awk -v c="$1" '{print $c}' "$2" | median; }
echo
echo "$(date -u +%Y-%m-%d) shared mode, $(nproc) cores, pinned: $PINNED; ${CONNS} connections, ${SECONDS_PER_RUN} s x ${ROUNDS} rounds (medians), Redis $(redis-server --version | awk '{print $3}')"
printf '%-28s %10s %8s %8s %12s %10s\n' "what" "req/s" "p50 ms" "p99 ms" "CPU us/req" "calls/req"
for name in c-plain a-plain a-local-limit a-cluster-limit a-local-cache-hit a-shared-cache-hit; do
  printf '%-28s %10.0f %8.2f %8.2f %12.1f %10.2f\n' "$name" "$(col 1 "$work/$name.txt")" "$(col 2 "$work/$name.txt")" \
    "$(col 3 "$work/$name.txt")" "$(col 4 "$work/$name.txt")" "$(median < "$work/$name.redis")"
done
echo "miss paths, one new URL per request (${SECONDS_PER_RUN} s each; p50 not taken):"
unique a-local-cache-miss $A /local-cache/u/ "$SECONDS_PER_RUN" a
unique a-shared-cache-miss+write $A /shared-cache/u/ "$SECONDS_PER_RUN" a
unique b-shared-tier-hit $B /shared-cache/u/ "$SECONDS_PER_RUN" b
echo "c: Serai without serai.redis.url; a, b: two replicas on one Redis. b's run asks a's URLs in a's order:"
echo "its first requests are shared hits; past what a stored they are misses (see serai_cache_shared_* on b)."
