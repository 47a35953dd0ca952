#!/usr/bin/env bash
# CPU time of each policy's per-request work (choose a member, count it in flight, the completion
# hook), without sockets: the end-to-end bench cannot resolve differences this small on a shared
# machine. Prints ns per request for round robin, least connections and latency-aware.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
build_serai
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
cp="target/classes:$(ls target/lib/*.jar | tr '\n' ':')"
javac -d "$out" -cp "$cp" bench/policy-cost/ChoiceCost.java
java -cp "$out:$cp" io.serai.balancing.ChoiceCost | tail -3
