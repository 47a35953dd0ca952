#!/usr/bin/env bash
# Per-request costs too small for the end-to-end bench on a shared machine (issue 22), each a loop
# pinned to one core: Serai's header map against Camel's TreeMap over one proxied request's header
# operations (MapCost), a Micrometer timer with and without client-side percentiles (TimerCost), and
# a schedule + cancel on a Netty event loop that holds 256 timers (TimerChurn). Prints ns per operation.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
pin_cpus
build_serai
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
cp="target/classes:$(ls target/lib/*.jar | tr '\n' ':')"
javac -d "$out" -cp "$cp" bench/cpu-cost/*.java
for c in MapCost TimerCost TimerChurn; do
  $PROXY_CPU java -Xmx256m -cp "$out:$cp" "$c" | tail -4
done
