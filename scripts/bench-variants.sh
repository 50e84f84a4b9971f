#!/usr/bin/env bash
# Benchmarks every variant recipe against its baseline on this machine (issue 4, "benchmark command"):
# p50 latency ratio (baseline and variants interleaved in one process), size / gzip / MACs ratios,
# fidelity and accuracy, int8 kernels executed, and the issue's targets marked met/missed.
#
#   scripts/bench-variants.sh [--models mnist-cnn,mobilenet-v2,resnet18] [--batches 1,8] [--quick]
#                             (a model "name@opset11" is the zoo model importing opset 11, as older exports do)
#                             [--recipes r1,r2] [--threads 2] [--rounds N] [--block-ms 200] [--datasets DIR]
#
# The benchmark lives in core's test scope; builds it (offline) when its classes are missing. MNIST comes
# from ./datasets (scripts/fetch-datasets.sh), random inputs otherwise.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
classes="$root/core/target/classes"
tests="$root/core/target/test-classes"
cp_file="$root/core/target/bench-variants.classpath"
# -am: the proto module comes from the reactor (nothing is installed in ~/.m2); the classpath is taken in
# the same build, after test-compile, so the reactor resolves it to proto/target/classes.
if [[ ! -f "$tests/dev/edgeperf/core/variants/VariantBenchmark.class" || ! -s "$cp_file" \
      || "$root/core/pom.xml" -nt "$cp_file" ]]; then
  echo "bench-variants: building core (first run) ..." >&2
  build=(-B -q -pl core -am test-compile dependency:build-classpath -Dmdep.includeScope=runtime
         -Dmdep.outputFile="$cp_file")
  mvn -o "${build[@]}" >&2 || mvn "${build[@]}" >&2
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_bin" ${EDGEPERF_JAVA_OPTS:--Xmx4g} -cp "$tests:$classes:$(cat "$cp_file")" \
  dev.edgeperf.core.variants.VariantBenchmark "$@"
