#!/bin/sh
# Cost-model speed (issue 3): times `models profile` on one model — first profile in a fresh JVM, then
# mean and best of the repetitions, and the Java heap allocated per profile (weights are memory-mapped,
# not copied). Needs `mvn -DskipTests package` first.
# Usage: scripts/bench-profile.sh [ZOO-NAME | FILE.onnx] [REPETITIONS] [NAME=1x128 ...]   (default: resnet50 10)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
lib="$here/coordinator/target/lib"
[ -d "$lib" ] || { echo "bench-profile: $lib missing; run mvn -DskipTests package first" >&2; exit 2; }
[ $# -gt 0 ] || set -- resnet50 10
exec java -Xmx2g -cp "$lib/*" dev.edgeperf.core.cost.ProfileBenchmark "$@"
