#!/usr/bin/env bash
# Prediction validation (issue 12, item 7): calibrates this machine (`agent calibrate`, full sizes), then for
# each model x threads x batch measures the p50 compute latency (`agent bench`) and asks `models predict` for
# every predictor's figure; prints one row per cell (measured, each prediction, its error) and per predictor
# the share of cells within +-10 % and +-25 % and the median |error|. Nothing is learned from the cells, so
# every figure is out of sample. A busy machine moves the measurements, not the predictions: run it idle.
# Usage: scripts/bench-predict.sh [MODEL ...]   (default: the zoo CNNs below; files need no --input here)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
models=("$@")
(( ${#models[@]} )) || models=(mnist-cnn lenet5 resnet18 mobilenet-v1 mobilenet-v2 squeezenet1_1)
threads_list=(1 2)
batches=(1 8)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for t in "${threads_list[@]}"; do
  start=$SECONDS
  "$here/scripts/agent" calibrate --threads "$t" --work-dir "$work/agent" --out "$work/device-t$t.json" \
    >/dev/null 2>"$work/calibrate.err" || { cat "$work/calibrate.err" >&2; exit 1; }
  echo "calibrated at $t thread(s) in $((SECONDS - start)) s: $(tr -d '\n ' < "$work/device-t$t.json")"
done

printf '%-14s %3s %5s %10s' model thr batch measured_ms
printf ' %12s %8s %12s %8s\n' naive_ms err roofline_ms err
: > "$work/cells.tsv"
for m in "${models[@]}"; do
  for t in "${threads_list[@]}"; do
    for b in "${batches[@]}"; do
      measured=$("$here/scripts/agent" bench "$m" --batch "$b" --threads "$t" --json --min-duration-ms 1000 \
        --work-dir "$work/agent" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["p50Ms"])')
      predicted=$("$here/scripts/coordinator" models predict "$m" --batch "$b" --threads "$t" \
        --device-profile "$work/device-t$t.json" --json)
      python3 - "$m" "$t" "$b" "$measured" "$predicted" "$work/cells.tsv" <<'PY'
import json, sys
model, t, b, measured, predicted, cells = sys.argv[1:]
measured = float(measured); p = json.loads(predicted)["predictors"]
row = f"{model:<14} {t:>3} {b:>5} {measured:10.3f}"
with open(cells, "a") as out:
    for name in ("naive-flops", "roofline"):
        ms = p.get(name)
        err = (ms - measured) / measured if ms else float("nan")
        row += f" {ms or 0:12.3f} {100 * err:+7.1f}%"
        out.write(f"{name}\t{err}\n")
print(row)
PY
    done
  done
done

python3 - "$work/cells.tsv" <<'PY'
import math, statistics, sys
errors = {}
for line in open(sys.argv[1]):
    name, err = line.split("\t"); err = float(err)
    errors.setdefault(name, []).append(err)
print()
for name, errs in errors.items():
    known = [abs(e) for e in errs if not math.isnan(e)]
    within = lambda x: sum(e <= x for e in known) / len(errs)
    print(f"{name:<12} cells {len(errs):3d}  within +-10%: {100 * within(0.10):5.1f}%  within +-25%: "
          f"{100 * within(0.25):5.1f}%  median |error|: {100 * statistics.median(known) if known else float('nan'):.1f}%")
PY
