#!/usr/bin/env bash
# Start to first proxied response, as the README starts Serai (java @jvm.options -jar target/serai.jar on
# the shipped demo routes), BENCH_RUNS (5) times: milliseconds from just before `java` until the first 200
# from /hello, and the median. SERAI_EXTRA_OPTS (after @jvm.options) tries an option, e.g.
# SERAI_EXTRA_OPTS=-XX:SharedArchiveFile=none for a start without the AppCDS archive.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-5}
PORT=18431 B1=18432 B2=18433 ADMIN=18434

# shellcheck source=bench/lib.sh
. bench/lib.sh
build_serai
log=$(mktemp)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -f "$log"' EXIT
times=()
for r in $(seq 1 "$RUNS"); do
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  java @jvm.options ${SERAI_EXTRA_OPTS:-} -Dserai.port=$PORT -Ddemo.backend.1.port=$B1 \
    -Ddemo.backend.2.port=$B2 -Dserai.admin.port=$ADMIN -jar target/serai.jar > "$log" 2>&1 &
  pid=$!
  await "http://127.0.0.1:$PORT/hello" 30 || { cat "$log"; exit 1; }
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  times+=("$ms")
  echo "run $r: first proxied response after $ms ms"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
echo "median: $(printf '%s\n' "${times[@]}" | median) ms (JVM options: @jvm.options ${SERAI_EXTRA_OPTS:-})"
grep -i -m3 'warn.*cds\|shared' "$log" || true
