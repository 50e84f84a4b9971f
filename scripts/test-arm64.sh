#!/usr/bin/env bash
# aarch64 check on an x86 Debian host: prepares qemu-user-static and an arm64 JRE sysroot
# (scripts/arm64/prepare.sh, idempotent, needs root the first time), then runs Arm64AgentIT: the real agent
# jar on an aarch64 JVM under qemu user-mode emulation (scripts/arm64/java) joins the real coordinator on
# loopback and measures a small mnist-cnn campaign in forked workers (emulated aarch64 JVMs too); the row
# must come from an agent reporting arch aarch64, and the agent must have loaded ONNX Runtime's
# linux-aarch64 libraries and Netty's epoll aarch_64 library. Also: without the emulator prefix the
# worker's failure says what to do. Latency under emulation is never judged.
# Exit 0 when it holds, 1 when the test fails or was skipped, 2 when the preparation failed;
# prints what ran (JVM and qemu versions, libraries) and how long each part took.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s)
if ! scripts/arm64/prepare.sh; then
  echo "test-arm64: preparing the aarch64 JVM failed (see above)" >&2
  exit 2
fi
prepared=$(date +%s)
source scripts/lib/run-it.sh
status=0
run_it Arm64AgentIT "^Arm64AgentIT:|Tests run:.*Arm64AgentIT|BUILD|ERROR\]" || status=$?
# the campaign test prints its figures only when it ran (it is skipped when the JVM is not prepared)
if (( status == 0 )) && ! grep -q "^Arm64AgentIT: agent start to connected" "$it_log"; then
  echo "test-arm64: Arm64AgentIT's campaign test did not run: $(grep -m1 -A2 "Skipped\|skipped" "$it_log" | tail -1)" >&2
  status=1
fi
echo "test-arm64: exit $status after $(( $(date +%s) - start )) s (preparation $(( prepared - start )) s, build and test included)"
exit "$status"
