#!/usr/bin/env bash
# Upload benchmark (prints figures; asserts nothing about speed). Generates a SIZE-byte ONNX model
# (default 1 GiB, weights inline: y = x[N,4096] x W[4096,M]) under coordinator/target/, starts a
# coordinator with -Xmx256m, uploads the model with `campaign run` from a CLI JVM with -Xmx256m and
# (AGENT=1, the default) lets an agent with -Xmx256m fetch and measure it. Prints the upload time
# and rate, and each JVM's peak heap use: the largest heap-before-GC figure in its -Xlog:gc log
# (heap peaks right before a collection), and the largest live heap after one. A JVM that needed more than 256 MiB
# would fail with OutOfMemoryError instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SIZE="${SIZE:-1073741824}"
AGENT="${AGENT:-1}"
HEAP="${HEAP:-256m}"
if [[ ! -f coordinator/target/edgeperf-coordinator.jar || ! -f agent/target/edgeperf-agent.jar \
      || ! -f coordinator/target/test-classes/dev/edgeperf/coordinator/bench/LargeModel.class ]]; then
  mvn -q -o -pl agent,coordinator -am -DskipTests package
fi
data="$(mktemp -d -p "$PWD/coordinator/target" bench-upload.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT
model="$data/models/big.onnx"
mkdir -p "$data/models"
echo "bench-upload: generating $SIZE-byte model ..."
java -Xmx256m -cp "coordinator/target/test-classes:coordinator/target/classes:coordinator/target/lib/*" \
  dev.edgeperf.coordinator.bench.LargeModel "$model" "$SIZE"
bytes="$(stat -c %s "$model")"
java "-Xmx$HEAP" "-Xlog:gc:file=$data/coordinator-gc.log" -jar coordinator/target/edgeperf-coordinator.jar serve \
  --grpc-port 0 --http-port 0 --data-dir "$data/coord" >"$data/stdout.log" 2>"$data/coordinator.log" &
pids+=($!)
for _ in $(seq 1 600); do
  grep -q "listening" "$data/stdout.log" 2>/dev/null && break
  sleep 0.1
done
grpc="$(grep "listening" "$data/stdout.log" | sed -E 's/.*grpc=([^ ]+).*/\1/')"
devices="[name=bench-agent]"
if [[ "$AGENT" == 1 ]]; then
  java "-Xmx$HEAP" "-Xlog:gc:file=$data/agent-gc.log" -jar agent/target/edgeperf-agent.jar run --coordinator "$grpc" \
    --name bench-agent --token-file "$data/coord/join-token" --work-dir "$data/agent" >"$data/agent.log" 2>&1 &
  pids+=($!)
  sleep 5
fi
cat >"$data/spec.yaml" <<SPEC
models: [./models/big.onnx]
batch_sizes: [1]
devices: $devices
measurement: {warmup_iterations: 1, min_iterations: 3, min_duration_ms: 10, max_duration_ms: 5000}
SPEC
detach=(--detach)
[[ "$AGENT" == 1 ]] && detach=(--timeout 20m)
start=$(date +%s.%N)
java "-Xmx$HEAP" "-Xlog:gc:file=$data/cli-gc.log" -jar coordinator/target/edgeperf-coordinator.jar campaign run \
  "$data/spec.yaml" "${detach[@]}" --coordinator "$grpc" --data-dir "$data/coord" >"$data/cli.out" 2>"$data/cli.err" \
  || { echo "bench-upload: campaign run failed:"; cat "$data/cli.err"; tail -20 "$data/coordinator.log"; exit 1; }
end=$(date +%s.%N)
peak() { # from "BM->AM(LM)" in a unified GC log: largest B (occupied before a GC) and largest A (live after it)
  if [[ ! -s "$1" ]] || ! grep -qE '[0-9]+M->[0-9]+M' "$1"; then echo "no GC ran (peak below the young generation)"; return; fi
  local before after
  before="$(grep -oE '[0-9]+M->[0-9]+M\([0-9]+M\)' "$1" | sed -E 's/M->.*//' | sort -n | tail -1)"
  after="$(grep -oE '[0-9]+M->[0-9]+M\([0-9]+M\)' "$1" | sed -E 's/^[0-9]+M->([0-9]+)M.*/\1/' | sort -n | tail -1)"
  echo "${before} MiB before a GC, ${after} MiB live after one"
}
upload_line="$(grep -E 'uploaded big.onnx' "$data/cli.err" || true)"
secs="$(sed -E 's/.* in ([0-9.]+) s.*/\1/' <<<"$upload_line")"
echo "bench-upload: model $bytes bytes (inline weights), heap limit $HEAP per JVM"
echo "  CLI: $upload_line"
awk -v b="$bytes" -v s="$secs" 'BEGIN { if (s > 0) printf "  upload rate: %.1f MiB/s (stream, after hashing)\n", b / 1048576 / s }'
awk -v a="$start" -v b="$end" 'BEGIN { printf "  campaign run wall time (hash + upload + submit%s): %.1f s\n", "'"$([[ $AGENT == 1 ]] && echo ' + fetch + measure')"'", b - a }'
echo "  peak heap used, CLI:         $(peak "$data/cli-gc.log")"
echo "  peak heap used, coordinator: $(peak "$data/coordinator-gc.log")"
if [[ "$AGENT" == 1 ]]; then
  echo "  peak heap used, agent:       $(peak "$data/agent-gc.log")"
  grep -E "fetched artifact" "$data/agent.log" | sed -e 's/^/  agent: /' | tail -1 || true
  grep -E "done|failed" "$data/cli.err" | tail -1 | sed -e 's/^/  /' || true
fi
grep -c OutOfMemoryError "$data"/*.log >/dev/null 2>&1 && grep -l OutOfMemoryError "$data"/*.log | sed -e 's/^/  OutOfMemoryError in /' || true
