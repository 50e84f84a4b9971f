#!/usr/bin/env bash
# Fleet-scale benchmark: one coordinator (H2 in a temporary folder) and AGENTS light fake agents
# (default 1000; real gRPC streams in one JVM) answering jobs at once; BATCHES batch sizes x every
# agent = jobs (default 20 x 1000 = 20,000). Prints results/s, dispatch latency p50/p99 and heap.
# Each fake agent reports its own hostname and hardware fingerprint (a simulated device), so the
# coordinator's default one-job-per-host rule applies unchanged; no --share-hosts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
AGENTS="${AGENTS:-1000}"
BATCHES="${BATCHES:-20}"
if [[ ! -f coordinator/target/edgeperf-coordinator.jar || ! -f coordinator/target/test-classes/dev/edgeperf/coordinator/bench/FleetBench.class ]]; then
  mvn -q -o -pl coordinator -am -DskipTests package
fi
data="$(mktemp -d)"
java -Xmx1g -jar coordinator/target/edgeperf-coordinator.jar serve --grpc-port 0 --http-port 0 \
  --data-dir "$data" >"$data/stdout.log" 2>"$data/coordinator.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 600); do
  grep -q "listening" "$data/stdout.log" 2>/dev/null && break
  sleep 0.1
done
line="$(grep "listening" "$data/stdout.log")"
grpc="$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$line")"
http="$(sed -E 's/.*http=([^ ]+).*/\1/' <<<"$line")"
echo "bench-fleet: coordinator pid $pid at grpc=$grpc http=$http, $AGENTS agents x $BATCHES batches"
java -Xmx1g -cp "coordinator/target/test-classes:coordinator/target/classes:coordinator/target/lib/*" \
  dev.edgeperf.coordinator.bench.FleetBench --coordinator "$grpc" --http "$http" \
  --token-file "$data/join-token" --agents "$AGENTS" --batches "$BATCHES"
