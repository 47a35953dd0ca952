#!/usr/bin/env bash
# What tracing costs (issue 26): this checkout's jar started three times at once as the README starts it,
# on bench/bench.camel.yaml's small-request route (round robin over three nginx backends answering 200 B):
# tracing off (as shipped), on with OTEL_TRACES_SAMPLER=parentbased_traceidratio and ratio 1.0 (every
# request a trace: a server span and a client span), and on with ratio 0.01. The two traced ones export
# over OTLP/HTTP to a sink each on loopback (bench/otlp_sink.py, answering 200), with the SDK's default
# batching. Rounds alternate the order. Prints the median req/s, p99 and CPU µs per request (user+system
# of the JVM, from /proc) of each, the cost against off in %, and what each sink received and the
# exported/dropped span counts Serai's /metrics gives. Serai is pinned to core 0; wrk, the backends and
# the sinks to core 1. Run no other benchmark meanwhile (flock /tmp/i22-bench.lock bench/tracing.sh).
# Settings (environment): BENCH_SECONDS (10), BENCH_ROUNDS (2), BENCH_WARMUP_SECONDS (15),
# BENCH_CONNECTIONS (128). The default run takes about 2.5 minutes after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-2}
WARMUP=${BENCH_WARMUP_SECONDS:-15}
CONNS=${BENCH_CONNECTIONS:-128}
B1=19601 B2=19602 B3=19603 NGINX_PORT=18680
OFF_PORT=18681 FULL_PORT=18701 SAMPLED_PORT=18721 FULL_SINK=18791 SAMPLED_SINK=18792
NAMES="off full sampled"
# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools; pin_cpus; build_serai
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/backends.pid" ] && kill "$(cat "$work/backends.pid")" 2>/dev/null || true
  [ -f "$work/proxy.pid" ] && kill "$(cat "$work/proxy.pid")" 2>/dev/null || true; sleep 0.3; rm -rf "$work"; }
trap cleanup EXIT
start_nginx "$work" "$NGINX_PORT" "$B1" "$B2" "$B3"

port_of() { case $1 in off) echo $OFF_PORT;; full) echo $FULL_PORT;; sampled) echo $SAMPLED_PORT;; esac; }
sink_of() { case $1 in full) echo $FULL_SINK;; sampled) echo $SAMPLED_SINK;; esac; }
start_sink() { $LOAD_CPU python3 bench/otlp_sink.py "$1" > "$work/sink-$1.log" 2>&1 & pids+=("$!")
  await "http://127.0.0.1:$1/stats" 10; }
start_serai() { # name tracing-env...
  local name=$1 port; port=$(port_of "$1"); shift
  env "$@" SERAI_ROUTES=bench/bench.camel.yaml $PROXY_CPU java @jvm.options -Dserai.port="$port" \
    -Dserai.admin.port=$((port + 10)) -Dbench.least-connections.port=$((port + 1)) \
    -Dbench.latency-aware.port=$((port + 2)) \
    -Dbackend.1=127.0.0.1:$B1 -Dbackend.2=127.0.0.1:$B2 -Dbackend.3=127.0.0.1:$B3 \
    -jar target/serai.jar > "$work/$name.log" 2>&1 &
  echo $! > "$work/$name.pid"; pids+=("$!")
}
traced() { # ratio sink-port -> the environment of a traced Serai
  echo SERAI_TRACING_ENABLED=true OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$2 \
    OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=$1; }
start_sink $FULL_SINK; start_sink $SAMPLED_SINK
# shellcheck disable=SC2046 # traced prints words, one per variable
start_serai off SERAI_TRACING_ENABLED=false
# shellcheck disable=SC2046
start_serai full $(traced 1.0 $FULL_SINK)
# shellcheck disable=SC2046
start_serai sampled $(traced 0.01 $SAMPLED_SINK)
for name in $NAMES; do
  await "http://127.0.0.1:$(port_of $name)/" 60 || { tail -20 "$work/$name.log"; exit 1; }
done

echo "warming up each Serai (the JVMs compile their hot paths)..." >&2
for name in $NAMES; do run_wrk "$(port_of $name)" "$WARMUP" / >/dev/null; done
for name in $NAMES; do : > "$work/$name.txt"; done
for r in $(seq 1 "$ROUNDS"); do
  order=$NAMES; [ $(( r % 2 )) = 0 ] && order="sampled full off"
  for name in $order; do measure "$name" "$(port_of $name)" / "$SECONDS_PER_RUN" "$(cat "$work/$name.pid")"; done
  echo "round $r: off $(tail -1 "$work/off.txt") | full $(tail -1 "$work/full.txt") | sampled $(tail -1 "$work/sampled.txt")" >&2
done

col() { awk -v c="$1" '{print $c}' "$work/$2.txt" | median; }
echo "$(date -u +%Y-%m-%d) $(nproc) cores, pinned: $PINNED; ${CONNS} connections, ${SECONDS_PER_RUN} s x ${ROUNDS} rounds (medians), 200 B responses"
printf '%-26s %10s %8s %10s %9s %9s\n' "" "req/s" "p99 ms" "CPU us/req" "req/s vs" "CPU vs"
off_rps=$(col 1 off); off_cpu=$(col 4 off)
for name in $NAMES; do
  rps=$(col 1 $name); p99=$(col 3 $name); cpu=$(col 4 $name)
  case $name in off) label="tracing off";; full) label="on, ratio 1.0";; sampled) label="on, ratio 0.01";; esac
  awk -v l="$label" -v r="$rps" -v p="$p99" -v c="$cpu" -v r0="$off_rps" -v c0="$off_cpu" 'BEGIN {
    printf "%-26s %10.0f %8.2f %10.1f %+8.1f%% %+8.1f%%\n", l, r, p, c, (r / r0 - 1) * 100, (c / c0 - 1) * 100 }'
done
for name in full sampled; do
  read -r exports bytes <<< "$(curl -sf "http://127.0.0.1:$(sink_of $name)/stats")"
  spans=$(curl -sf "http://127.0.0.1:$(( $(port_of $name) + 10 ))/metrics" \
    | awk '/^serai_tracing_spans_(exported|dropped)_total/ {sub(/\{.*\}/, "", $1); printf "%s=%.0f ", $1, $2}')
  echo "$name: the sink received $exports exports, $(( bytes / 1024 )) KiB; ${spans:-no serai_tracing_spans_* metrics}"
done
