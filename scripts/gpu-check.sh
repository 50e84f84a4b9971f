#!/usr/bin/env bash
# GPU check (issue 14 item 3), for an x86-64 Linux host with an NVIDIA GPU, its driver and the CUDA 12
# runtime (libcudart.so.12, libcublas.so.12) plus cuDNN on the library path:
#
#   scripts/gpu-check.sh [--work DIR] [--no-build]
#
#   --work DIR   where the coordinator's data, the agent's work dir and the logs go (default: a temp dir,
#                removed at the end unless the check failed)
#   --no-build   use agent/target as it is (it must have been built with -Pgpu)
#
# Builds the agent against onnxruntime_gpu (mvn -Pgpu; this replaces agent/target's CPU build, and a plain
# `mvn package` puts that back), starts a coordinator and that agent on loopback, runs a campaign of mnist-cnn
# and resnet18 (zoo) at batch 1 with `providers: [cuda, cpu]`, and checks that every row is done and that its
# profiled pass ran nodes on CUDAExecutionProvider.
# Exit 0: it holds (the rows are printed). Exit 2, one line, nothing built or started: no NVIDIA GPU here
# (no nvidia-smi, or it lists no GPU), or the GPU agent's ONNX Runtime offers no CUDA provider. Exit 1, one
# line: anything else failed (build, start, a job, or a row without CUDA nodes); the logs stay in the work dir.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="" build=1
while (( $# )); do
  case "$1" in
    --work) [[ -n "${2:-}" ]] || { echo "gpu-check: --work needs a directory" >&2; exit 1; }; work="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown option '$1' (see --help)" >&2; exit 1 ;;
  esac
done

# 1. A GPU, before anything is built or started.
if ! command -v nvidia-smi >/dev/null; then
  echo "gpu-check: no NVIDIA GPU here: nvidia-smi is not installed (no NVIDIA driver); nothing to check" >&2
  exit 2
fi
gpus="$(nvidia-smi -L 2>&1 || true)"
if ! grep -q '^GPU [0-9]' <<<"$gpus"; then
  echo "gpu-check: no NVIDIA GPU here: nvidia-smi -L lists none ($(head -1 <<<"$gpus")); nothing to check" >&2
  exit 2
fi

temp=0
if [[ -z "$work" ]]; then work="$(mktemp -d)"; temp=1; fi
mkdir -p "$work"
pids=()
ok=0
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if (( temp && ok )); then rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "gpu-check: $* (logs in $work)" >&2; exit "${code:-1}"; }

# 2. The GPU build of the agent (-o first: a machine that built it once needs no network).
if (( build )); then
  echo "gpu-check: building the agent with -Pgpu (onnxruntime_gpu) ..." >&2
  (cd "$repo" && { mvn -B -q -o -Pgpu -pl agent,coordinator -am package -DskipTests \
    || mvn -B -q -Pgpu -pl agent,coordinator -am package -DskipTests; }) >"$work/build.log" 2>&1 \
    || fail "the -Pgpu build failed (see build.log)"
fi
agent_jar="$repo/agent/target/edgeperf-agent.jar"
coordinator_jar="$repo/coordinator/target/edgeperf-coordinator.jar"
[[ -f "$agent_jar" && -f "$coordinator_jar" ]] || fail "no built jars in agent/target and coordinator/target"
unzip -p "$agent_jar" META-INF/MANIFEST.MF | tr -d '\r\n ' | grep -q 'onnxruntime_gpu-' \
  || fail "agent/target/edgeperf-agent.jar was not built with -Pgpu (its class path has no onnxruntime_gpu)"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# 3. Coordinator and agent on loopback.
"$java_bin" -jar "$coordinator_jar" serve --grpc-port 0 --http-port 0 --data-dir "$work/data" \
  >"$work/coordinator.out" 2>"$work/coordinator.log" &
pids+=($!)
grpc=""
for _ in $(seq 1 180); do
  grpc="$(sed -n 's/^edgeperf coordinator listening: grpc=\([^ ]*\) .*/\1/p' "$work/coordinator.out")"
  [[ -n "$grpc" ]] && break
  kill -0 "${pids[0]}" 2>/dev/null || fail "the coordinator exited before listening"
  sleep 0.5
done
[[ -n "$grpc" ]] || fail "the coordinator did not listen within 90 s"
"$java_bin" -jar "$agent_jar" run --coordinator "$grpc" --name gpu-check --token-file "$work/data/join-token" \
  --work-dir "$work/agent" >"$work/agent.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do
  grep -q "connected to coordinator" "$work/agent.log" && break
  kill -0 "${pids[1]}" 2>/dev/null || fail "the agent exited before connecting: $(tail -1 "$work/agent.log")"
  sleep 0.5
done
grep -q "connected to coordinator" "$work/agent.log" || fail "the agent did not connect within 120 s"
providers="$(sed -n 's/.*execution providers \[\(.*\)\]$/\1/p' "$work/agent.log" | head -1)"
grep -qw CUDA <<<"$providers" || code=2 fail "the GPU agent's ONNX Runtime offers no CUDA provider (providers: ${providers:-none reported})"
echo "gpu-check: $(head -1 <<<"$gpus"); agent providers: $providers" >&2

# 4. The campaign, and CUDA nodes in every row.
cat >"$work/gpu.yaml" <<'EOF'
name: gpu-check
models: [mnist-cnn, resnet18]
batch_sizes: [1]
providers: [cuda, cpu]
measurement: {warmup_iterations: 5, min_iterations: 20, min_duration_ms: 200, max_duration_ms: 5000}
EOF
status=0
"$java_bin" -jar "$coordinator_jar" campaign run "$work/gpu.yaml" --coordinator "$grpc" --data-dir "$work/data" \
  --timeout 15m --json >"$work/campaign.json" 2>"$work/campaign.err" || status=$?
# one line per row: model, state, provider used, nodes per provider, p50, failure
rows="$(sed -nE 's/^ *"(modelName|state|executionProvider|providerNodes|p50Ms|failureReason)" : (.*[^,]),?$/\2/p' \
  "$work/campaign.json" | sed '1d' | paste -d' ' - - - - - - || true)"
echo "$rows" | sed 's/^/gpu-check: row /' >&2
if (( status != 0 )); then
  # ONNX Runtime's "Failed to load shared library" names nothing: say which CUDA libraries the provider lacks
  missing="$(ldd "$work"/agent/native/*-gpu-*/libonnxruntime_providers_cuda.so 2>/dev/null \
    | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | tr '\n' ' ' || true)"
  fail "the campaign failed (exit $status): $(tail -1 "$work/campaign.err")${missing:+; the CUDA provider cannot load ${missing% }: install the CUDA 12 runtime and cuDNN, or put them on LD_LIBRARY_PATH}"
fi
count="$(grep -c . <<<"$rows" || true)"
(( count == 2 )) || fail "expected 2 rows (mnist-cnn, resnet18), got $count"
if grep -v '"done"' <<<"$rows" | grep -q .; then fail "a job did not finish: $(grep -v '"done"' <<<"$rows" | head -1)"; fi
if grep -vE 'CUDAExecutionProvider=[1-9]' <<<"$rows" | grep -q .; then
  fail "a row ran no node on CUDAExecutionProvider: $(grep -vE 'CUDAExecutionProvider=[1-9]' <<<"$rows" | head -1)"
fi
ok=1
echo "gpu-check: CUDA execution shown: every row ran nodes on CUDAExecutionProvider"
