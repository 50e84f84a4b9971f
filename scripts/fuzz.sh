#!/usr/bin/env bash
# Fuzzes the ONNX reader + shape inference + profiler (issue 11, item 7) in benchmark mode: N generated
# models (default 10,000; random graphs of known ops, random attributes, symbolic/huge dims, truncated
# and corrupted bytes), every failure recorded instead of stopping at the first. Prints the counts of
# profiled models, categorized one-line errors (by category and by kind) and failures; exits 1 on any
# failure. CI runs the same property with 200 tries (core/src/test/resources/junit-platform.properties).
#
#   scripts/fuzz.sh [TRIES] [SEED]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tries="${1:-10000}"
seed_opt=()
[[ $# -ge 2 ]] && seed_opt=("-Djqwik.seeds.whenfixed=ALLOW" "-Djqwik.seed=$2")
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
start=$(date +%s)
mvn -B -pl core -am test -Dtest=ProfilerFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Djqwik.tries.default="$tries" -Dedgeperf.fuzz.keepGoing=true -Dedgeperf.fuzz.kinds=true \
  "${seed_opt[@]}" >"$log" 2>&1 || true
end=$(date +%s)
if ! grep -q "^fuzz ONNX reader" "$log"; then
  echo "fuzz: the fuzz run did not report; maven output:" >&2
  tail -40 "$log" >&2
  exit 2
fi
sed -n '/^fuzz ONNX reader/,/^\[/p' "$log" | grep -v '^\[' 
echo "fuzz: $((end - start)) s wall time (maven included)"
grep -q " 0 failures$" "$log"
