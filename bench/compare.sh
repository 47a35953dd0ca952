#!/usr/bin/env bash
# A change against its parent, in one run: Serai of this checkout and Serai of another revision, each
# started as the README starts it from its own checkout (java @jvm.options -jar target/serai.jar, default settings, access log to
# stdout, here into a file), and nginx as a reverse proxy, on the same three nginx backends. Each proxy
# is pinned to core 0, wrk and the backends to core 1. Rounds alternate nginx, base and this checkout;
# prints median req/s, the ratio to nginx, CPU microseconds per request (the process's user+system time
# over the requests wrk counted) and p99 latency for each.
# Usage: bench/compare.sh <revision>   (e.g. bench/compare.sh main~3)
# Settings (environment): BENCH_SECONDS (8), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (20), BENCH_CONNECTIONS (128),
# BENCH_SIZE (small: 200 B; 16k: 16 KiB responses).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:?usage: bench/compare.sh <git revision to compare this checkout with>}

SECONDS_PER_RUN=${BENCH_SECONDS:-8}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP_SECONDS:-20}
CONNS=${BENCH_CONNECTIONS:-128}
NGINX_PORT=18180 HEAD_PORT=18181 BASE_PORT=18281 B1=19101 B2=19102 B3=19103

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
pin_cpus
build_serai

work=$(mktemp -d)
base_tree="$work/base"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/backends.pid" ] && kill "$(cat "$work/backends.pid")" 2>/dev/null || true
  [ -f "$work/proxy.pid" ] && kill "$(cat "$work/proxy.pid")" 2>/dev/null || true
  sleep 0.3
  git worktree remove --force "$base_tree" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "building $BASE in a worktree of its own..." >&2
git worktree add -q --detach "$base_tree" "$BASE"
(cd "$base_tree" && ./mvnw -B -q package -DskipTests)

start_nginx "$work" "$NGINX_PORT" "$B1" "$B2" "$B3"

start_serai() { # name checkout port -> pid in $work/<name>.pid; only the ports differ from the README's command
  # Each revision runs from its own checkout, with its own jvm.options (and the AppCDS archive that names,
  # if any), on this checkout's bench routes.
  local port=$3 routes; routes="$(pwd)/bench/bench.camel.yaml"
  (cd "$2" && SERAI_ROUTES="$routes" exec $PROXY_CPU java @jvm.options -Dserai.port="$port" \
    -Dserai.admin.port=$((port + 10)) -Dbench.least-connections.port=$((port + 1)) \
    -Dbench.latency-aware.port=$((port + 2)) \
    -Dbackend.1=127.0.0.1:$B1 -Dbackend.2=127.0.0.1:$B2 -Dbackend.3=127.0.0.1:$B3 \
    -jar target/serai.jar) > "$work/$1.log" 2>&1 &
  echo $! > "$work/$1.pid"; pids+=("$!")
  await "http://127.0.0.1:$port/" 60 || { tail -20 "$work/$1.log"; exit 1; }
}
start_serai base "$base_tree" $BASE_PORT
start_serai head . $HEAD_PORT

nginx_pids() { cat "$work/proxy.pid"; } # measure counts the master's children too
PATH_=/; [ "${BENCH_SIZE:-small}" = 16k ] && PATH_=/16k
echo "warming up each proxy (the JVMs compile their hot paths)..." >&2
run_wrk $NGINX_PORT 3 "$PATH_" >/dev/null
run_wrk $BASE_PORT "$WARMUP" "$PATH_" >/dev/null
run_wrk $HEAD_PORT "$WARMUP" "$PATH_" >/dev/null

: > "$work/nginx.txt"; : > "$work/base.txt"; : > "$work/head.txt"
for r in $(seq 1 "$ROUNDS"); do
  measure nginx $NGINX_PORT "$PATH_" "$SECONDS_PER_RUN" "$(nginx_pids)"
  # base and head take turns going first.
  if [ $(( r % 2 )) = 1 ]; then
    measure base $BASE_PORT "$PATH_" "$SECONDS_PER_RUN" "$(cat "$work/base.pid")"; measure head $HEAD_PORT "$PATH_" "$SECONDS_PER_RUN" "$(cat "$work/head.pid")"
  else
    measure head $HEAD_PORT "$PATH_" "$SECONDS_PER_RUN" "$(cat "$work/head.pid")"; measure base $BASE_PORT "$PATH_" "$SECONDS_PER_RUN" "$(cat "$work/base.pid")"
  fi
  echo "round $r: nginx $(tail -1 "$work/nginx.txt") | base $(tail -1 "$work/base.txt") | head $(tail -1 "$work/head.txt")" >&2
done

col() { awk -v c="$1" '{print $c}' "$2" | median; }
n_rps=$(col 1 "$work/nginx.txt")
echo
echo "$(date -u +%Y-%m-%d) $(nproc) cores, pinned: $PINNED; ${CONNS} connections, ${SECONDS_PER_RUN} s x ${ROUNDS} rounds (medians), ${BENCH_SIZE:-small} responses"
echo "base: $BASE ($(git rev-parse --short "$BASE")), head: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes')"
printf '%-6s %10s %9s %12s %8s\n' proxy "req/s" "x nginx" "CPU us/req" "p99 ms"
for name in nginx base head; do
  printf '%-6s %10.0f %9.2f %12.1f %8.2f\n' "$name" "$(col 1 "$work/$name.txt")" \
    "$(awk -v a="$(col 1 "$work/$name.txt")" -v b="$n_rps" 'BEGIN {print a/b}')" \
    "$(col 4 "$work/$name.txt")" "$(col 3 "$work/$name.txt")"
done
errors=$(awk '{print $5}' "$work/nginx.txt" "$work/base.txt" "$work/head.txt" | grep -v '^none$' | head -1 || true)
[ -z "$errors" ] || echo "errors seen: $errors"
