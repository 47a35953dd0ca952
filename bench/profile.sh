#!/usr/bin/env bash
# Where Serai spends its CPU under load, as the README starts it (java @jvm.options -jar serai.jar,
# access log to stdout, here into a file), on the same three nginx backends as bench/compare.sh: JFR's
# execution samples taken while wrk loads Serai after a warm-up, printed as the hottest top frames
# (self time) and the hottest frames anywhere on the stack (total time), each as a share of all samples.
# Usage: bench/profile.sh
# Settings (environment): BENCH_WARMUP_SECONDS (30), PROFILE_SECONDS (20), BENCH_CONNECTIONS (128),
# PROFILE_TOP (25 rows each), PROFILE_KEEP (a path to keep the .jfr recording at).
set -euo pipefail
cd "$(dirname "$0")/.."
WARMUP=${BENCH_WARMUP_SECONDS:-30}
SECONDS_PROFILED=${PROFILE_SECONDS:-20}
CONNS=${BENCH_CONNECTIONS:-128}
TOP=${PROFILE_TOP:-25}
NGINX_PORT=18180 SERAI_PORT=18181 B1=19101 B2=19102 B3=19103

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
pin_cpus
build_serai
need python3 || { echo "bench/profile.sh needs python3 to sum the samples" >&2; exit 1; }

open_work

start_nginx "$work" "$NGINX_PORT" "$B1" "$B2" "$B3"
# The README's command; JFR keeps whole stacks (Netty and Camel nest deeper than its default 64 frames).
start_serai_on_bench "$SERAI_PORT" $((SERAI_PORT + 10)) $((SERAI_PORT + 1)) $((SERAI_PORT + 2)) \
  @jvm.options -XX:FlightRecorderOptions=stackdepth=512
await "http://127.0.0.1:$SERAI_PORT/" 60 || { tail -20 "$work/serai.log"; exit 1; }

echo "warming up for ${WARMUP} s..." >&2
run_wrk "$SERAI_PORT" "$WARMUP" >/dev/null
echo "profiling ${SECONDS_PROFILED} s under ${CONNS} connections..." >&2
jcmd "$serai_pid" JFR.start name=bench settings=profile filename="$work/bench.jfr" >/dev/null
line=$(run_wrk "$SERAI_PORT" "$SECONDS_PROFILED")
jcmd "$serai_pid" JFR.stop name=bench >/dev/null
[ -z "${PROFILE_KEEP:-}" ] || cp "$work/bench.jfr" "$PROFILE_KEEP"
jfr print --json --events jdk.ExecutionSample "$work/bench.jfr" > "$work/samples.json"

echo
echo "$(date -u +%Y-%m-%d) $(nproc) cores, pinned: $PINNED; $(git rev-parse --short HEAD); ${CONNS} connections;" \
  "while profiled: $(echo "$line" | awk '{print $1}') req/s, p99 $(echo "$line" | awk '{print $3}') ms"
python3 - "$work/samples.json" "$TOP" <<'PY'
import json, sys, collections
events = json.load(open(sys.argv[1]))["recording"]["events"]
top = int(sys.argv[2])
self_time, total = collections.Counter(), collections.Counter()
for e in events:
    frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
    names = [(f["method"]["type"]["name"] + "." + f["method"]["name"]).replace("/", ".") for f in frames]
    if not names:
        continue
    self_time[names[0]] += 1
    for name in set(names):
        total[name] += 1
n = sum(self_time.values())
print(f"{n} samples")
print(f"\nhottest top frames (self):")
for name, c in self_time.most_common(top):
    print(f"{100.0 * c / n:6.1f}%  {name}")
print(f"\nhottest Serai frames anywhere on the stack (total):")
ours = [(name, c) for name, c in total.most_common() if name.startswith("io.serai.") and "$$Lambda" not in name]
for name, c in ours[:top]:
    print(f"{100.0 * c / n:6.1f}%  {name}")
PY
