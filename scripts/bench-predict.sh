#!/usr/bin/env bash
# Prediction validation (issue 12, item 7): calibrates this machine once (`agent calibrate`: peaks at each thread
# count, kernel samples at threads 1,2 within the default budget), builds the variants of the zoo CNNs, then for
# each model x variant x threads x batch measures the p50 compute latency (`agent bench`) and asks `models predict`
# for every predictor's figure; prints one row per cell (measured, each prediction, its error) and per predictor the
# share of cells within +-10 % and +-25 % and the median |error|, overall and per variant kind, with the
# calibration time and the load average. Nothing is fitted on the cells (the kernel regressors see only generated
# single-kernel models), so every figure is out of sample. A busy machine moves the measurements: run it idle.
# Usage: scripts/bench-predict.sh [MODEL ...]   (default: the zoo CNNs below, their variants and two corpus models)
#   EDGEPERF_BENCH_VARIANTS=RECIPE,...   variants per zoo model (default below; empty = baselines only)
#   EDGEPERF_BENCH_BUDGET=DURATION       kernel calibration budget (default: calibrate's own, 6m)
#   EDGEPERF_BENCH_PROFILE=FILE          reuse the calibrated profiles FILE.t1.json / FILE.t2.json when they exist,
#                                        else calibrate and keep them there (iterate on the predictor, not the samples)
#   EDGEPERF_BENCH_MEASURED=FILE         reuse the measured p50 of a cell found in FILE (label thr batch ms per line),
#                                        append new ones (iterate on the predictor without re-measuring)
#   EDGEPERF_BENCH_REFRESH=DURATION      with a reused EDGEPERF_BENCH_PROFILE, first refresh it (`agent calibrate
#                                        --refresh --budget DURATION`: each kernel type's drift since it was taken);
#                                        the stored files are left as they were
#   EDGEPERF_BENCH_CAMPAIGN=1            measure the cells as campaigns instead (a coordinator and one local agent
#                                        with the 2-thread profile; the zoo models with their variants, then the
#                                        corpus models) and print `campaign analyze`: every predictor, the
#                                        learned-from-campaigns one judged leave-one-model-out
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
models=("$@")
given=$#
(( ${#models[@]} )) || models=(mnist-cnn lenet5 resnet18 mobilenet-v1 mobilenet-v2 squeezenet1_1)
variants=${EDGEPERF_BENCH_VARIANTS-pruned:structured:0.5,quantized:int8-static}
# real models of the test corpus, with their input shape (B = the batch)
corpus=("ppocr-cls-v2|x=Bx3x48x192" "ppocr-rec-v4|x=Bx3x48x320")
threads_list=(1 2)
batches=(1 8)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"

# one profile per thread count: its own peaks, the same kernel samples (those of the 2-thread profile)
share_kernels() {
  python3 - "$work/device-t1.json" "$work/device-t2.json" <<'PY'
import json, sys
one, two = (json.load(open(p)) for p in sys.argv[1:])
one["kernels"] = two["kernels"]
json.dump(one, open(sys.argv[1], "w"))
PY
}

profile=${EDGEPERF_BENCH_PROFILE:-}
refresh=${EDGEPERF_BENCH_REFRESH:-}
if [[ -n "$refresh" && ! ( -n "$profile" && -f "$profile.t1.json" && -f "$profile.t2.json" ) ]]; then
  echo "EDGEPERF_BENCH_REFRESH=$refresh needs EDGEPERF_BENCH_PROFILE naming stored profiles (FILE.t1.json, FILE.t2.json)" >&2
  exit 2
fi
if [[ -n "$profile" && -f "$profile.t1.json" && -f "$profile.t2.json" ]]; then
  cp "$profile.t1.json" "$work/device-t1.json"; cp "$profile.t2.json" "$work/device-t2.json"
  echo "calibration: reused $profile.t1.json, $profile.t2.json"
  if [[ -n "$refresh" ]]; then
    start=$SECONDS
    mkdir -p "$work/refresh"; cp "$work/device-t2.json" "$work/refresh/calibration.json"
    "$here/scripts/agent" calibrate --refresh --budget "$refresh" --work-dir "$work/refresh" \
      --out "$work/device-t2.json" >"$work/refresh.out" 2>"$work/calibrate.err" || { cat "$work/calibrate.err" >&2; exit 1; }
    share_kernels
    echo "refresh: $((SECONDS - start)) s"
    grep '^drift' "$work/refresh.out" || true
  fi
else
start=$SECONDS
"$here/scripts/agent" calibrate --threads 1 --budget 0 --work-dir "$work/agent1" --out "$work/device-t1.json" \
  >/dev/null 2>"$work/calibrate.err" || { cat "$work/calibrate.err" >&2; exit 1; }
peaks=$((SECONDS - start)); start=$SECONDS
"$here/scripts/agent" calibrate --threads 2 ${EDGEPERF_BENCH_BUDGET:+--budget "$EDGEPERF_BENCH_BUDGET"} \
  --kernel-threads 1,2 --work-dir "$work/agent2" --out "$work/device-t2.json" \
  >"$work/calibrate.out" 2>"$work/calibrate.err" || { cat "$work/calibrate.err" >&2; exit 1; }
echo "calibration: peaks at 1 thread $peaks s, peaks at 2 threads + kernel samples $((SECONDS - start)) s"
grep '^kernels' "$work/calibrate.out" || true
share_kernels
[[ -n "$profile" ]] && cp "$work/device-t1.json" "$profile.t1.json" && cp "$work/device-t2.json" "$profile.t2.json"
fi
measured_cache=${EDGEPERF_BENCH_MEASURED:-}
[[ -n "$measured_cache" ]] && touch "$measured_cache"

if [[ -n "${EDGEPERF_BENCH_CAMPAIGN:-}" ]]; then
  source "$here/scripts/lib/bench-campaign.sh"
  bench_campaigns
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

# cells: "label|model argument|kind|input spec"
cells=()
for m in "${models[@]}"; do
  cells+=("$m|$m|baseline|")
  if [[ -n "$variants" && ! -f "$m" ]]; then
    if "$here/scripts/coordinator" variants build "$m" --variants "$variants" --out "$work/variants/$m" \
        >/dev/null 2>"$work/variants.err"; then
      for f in "$work/variants/$m"/*.onnx; do
        kind=$(basename "$f" .onnx); kind=${kind#"$m".}
        cells+=("$m/$kind|$f|${kind%%-*}|")
      done
    else
      echo "variants of $m not built: $(head -1 "$work/variants.err")" >&2
    fi
  fi
done
(( $# )) || for c in "${corpus[@]}"; do
  name=${c%%|*}; spec=${c#*|}
  [[ -f "$here/models-corpus/$name.onnx" ]] && cells+=("$name|$here/models-corpus/$name.onnx|corpus|$spec")
done

printf '%-36s %3s %5s %10s' cell thr batch measured_ms
printf ' %11s %7s %11s %7s %11s %7s\n' naive_ms err roofline_ms err kernel_ms err
: > "$work/cells.tsv"
for c in "${cells[@]}"; do
  IFS='|' read -r label model kind spec <<<"$c"
  for t in "${threads_list[@]}"; do
    for b in "${batches[@]}"; do
      input=(); [[ -n "$spec" ]] && input=(--input "${spec//B/$b}")
      measured=""
      [[ -n "$measured_cache" ]] && measured=$(awk -v l="$label" -v t="$t" -v b="$b" \
        '$1 == l && $2 == t && $3 == b { ms = $4 } END { print ms }' "$measured_cache")
      if [[ -z "$measured" ]]; then
        measured=$("$here/scripts/agent" bench "$model" --batch "$b" --threads "$t" "${input[@]}" --json \
          --min-duration-ms 1000 --work-dir "$work/agent1" 2>/dev/null \
          | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["p50Ms"])') || { echo "$label: bench failed" >&2; continue; }
        [[ -n "$measured_cache" ]] && echo "$label $t $b $measured" >> "$measured_cache"
      fi
      predicted=$("$here/scripts/coordinator" models predict "$model" --batch "$b" --threads "$t" "${input[@]}" \
        --device-profile "$work/device-t$t.json" --json) || { echo "$label: predict failed" >&2; continue; }
      python3 - "$label" "$kind" "$t" "$b" "$measured" "$predicted" "$work/cells.tsv" <<'PY'
import json, sys
label, kind, t, b, measured, predicted, cells = sys.argv[1:]
measured = float(measured); p = json.loads(predicted)["predictors"]
row = f"{label:<36} {t:>3} {b:>5} {measured:10.3f}"
with open(cells, "a") as out:
    for name in ("naive-flops", "roofline", "kernel"):
        ms = p.get(name)
        err = (ms - measured) / measured if ms else float("nan")
        row += f" {ms or 0:11.3f} {100 * err:+6.1f}%"
        out.write(f"{name}\t{kind}\t{err}\n")
print(row)
PY
    done
  done
done

python3 - "$work/cells.tsv" <<'PY'
import math, statistics, sys
errors = {}
for line in open(sys.argv[1]):
    name, kind, err = line.rstrip("\n").split("\t"); err = float(err)
    errors.setdefault((name, "all"), []).append(err)
    errors.setdefault((name, kind), []).append(err)
print()
for (name, kind), errs in sorted(errors.items(), key=lambda e: (e[0][1] != "all", e[0][1], e[0][0])):
    known = [abs(e) for e in errs if not math.isnan(e)]
    within = lambda x: sum(e <= x for e in known) / len(errs)
    print(f"{kind:<10} {name:<12} cells {len(errs):3d}  within +-10%: {100 * within(0.10):5.1f}%  within +-25%: "
          f"{100 * within(0.25):5.1f}%  median |error|: {100 * statistics.median(known) if known else float('nan'):.1f}%")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
