#!/bin/sh
# The harness's own cost: edgeperf's in-process p50 vs a raw ONNX Runtime loop (interleaved blocks)
# and two consecutive forked `agent bench` runs, on one model. Needs `mvn -DskipTests package` first.
# Usage: scripts/bench-harness.sh [MODEL] [agent bench-harness options, e.g. --batch 8 --threads 2 --json]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
jar="$here/agent/target/edgeperf-agent.jar"
[ -f "$jar" ] || { echo "bench-harness: $jar missing; run mvn -DskipTests package first" >&2; exit 2; }
exec java -jar "$jar" bench-harness "$@"
