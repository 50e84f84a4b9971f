#!/bin/sh
# Cost-model speed (issue 3): times `models profile` on one model — first profile in a fresh JVM, then
# mean and best of the repetitions, and the Java heap allocated per profile (weights are memory-mapped,
# not copied). The benchmark lives in core's test scope; this builds it (offline) when it is missing and
# needs `mvn -DskipTests package` for the runtime jars.
# Usage: scripts/bench-profile.sh [ZOO-NAME | FILE.onnx] [REPETITIONS] [NAME=1x128 ...]   (default: resnet50 10)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
lib="$here/coordinator/target/lib"
tests="$here/core/target/test-classes"
[ -d "$lib" ] || { echo "bench-profile: $lib missing; run mvn -DskipTests package first" >&2; exit 2; }
if [ ! -f "$tests/dev/edgeperf/core/cost/ProfileBenchmark.class" ]; then
  (cd "$here" && mvn -B -q -o -pl core -am test-compile) >&2
fi
[ $# -gt 0 ] || set -- resnet50 10
exec java -Xmx2g -cp "$tests:$lib/*" dev.edgeperf.core.cost.ProfileBenchmark "$@"
