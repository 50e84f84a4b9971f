#!/usr/bin/env bash
# Knowledge distillation figures (issue 13 item 3): for MNIST and Fashion-MNIST, the teacher's test accuracy,
# and the same student (same width, epochs and seed) trained on the teacher's soft labels vs on the hard labels
# only, all measured by ONNX Runtime on the test split.
#
#   scripts/bench-distill.sh [--student mnist-cnn|mnist-cnn-pool|lenet5] [--width 0.5] [--epochs 2] [--t 4] [--alpha 0.7] [--train-images 0 (all)]
#                            [--eval-images 10000] [--teacher-epochs 3] [--datasets DIR]
#
# Teachers: MNIST uses the zoo's trained mnist-cnn. The zoo has no Fashion-MNIST model, so one is trained first
# with the same command and alpha=0 (hard labels only: a full-width mnist-cnn on Fashion-MNIST), then used as
# the teacher.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
student=mnist-cnn width=0.5 epochs=2 t=4 alpha=0.7 train=0 eval=10000 teacher_epochs=2 datasets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --student) student="$2"; shift 2 ;;
    --width) width="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --t) t="$2"; shift 2 ;;
    --alpha) alpha="$2"; shift 2 ;;
    --train-images) train="$2"; shift 2 ;;
    --eval-images) eval="$2"; shift 2 ;;
    --teacher-epochs) teacher_epochs="$2"; shift 2 ;;
    --datasets) datasets=(--datasets "$2"); shift 2 ;;
    *) echo "bench-distill: unknown option '$1'; expected --student, --width, --epochs, --t, --alpha, --train-images," \
         "--eval-images, --teacher-epochs or --datasets" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cli() { "$root/scripts/coordinator" "$@"; }
recipe="distilled:$student:width=$width,T=$t,alpha=$alpha,epochs=$epochs"
common=(--train-images "$train" --eval-images "$eval" "${datasets[@]}")

echo "bench-distill: Fashion-MNIST teacher (full-width mnist-cnn, hard labels, $teacher_epochs epochs) ..." >&2
cli variants build mnist-cnn --calibration fashion-mnist --out "$work/fteacher" "${common[@]}" \
  --variants "distilled:mnist-cnn:width=1,alpha=0,epochs=$teacher_epochs" >/dev/null
fteacher="$(ls "$work"/fteacher/*.onnx)"
cp "$fteacher" "$work/fashion-teacher.onnx"

echo "bench-distill: MNIST ..." >&2
cli variants build mnist-cnn --calibration mnist --out "$work/mnist" "${common[@]}" --variants "$recipe" >/dev/null
echo "bench-distill: Fashion-MNIST ..." >&2
cli variants build "$work/fashion-teacher.onnx" --calibration fashion-mnist --out "$work/fashion" "${common[@]}" \
  --variants "$recipe" >/dev/null

python3 - "$work/mnist/manifest.json" "$work/fashion/manifest.json" <<'PY'
import json, sys
print("dataset        student                                   T    alpha  epochs  train   test    teacher  hard-only  distilled  delta")
for name, path in zip(["mnist", "fashion-mnist"], sys.argv[1:]):
    v = json.load(open(path))["variants"][0]
    d = v["distillation"]
    train = d["trainedOn"].split("first ")[1].split()[0]
    test = d["evaluatedOn"].split("first ")[1].split()[0]
    l = d["layers"]
    student = "%s w=%g (%s, %d params)" % (d["student"], d["width"], "/".join(str(w) for w in l.values()),
                                           d.get("parameters", 0))
    print("%-14s %-41s %-4g %-6g %-7d %-7s %-7s %6.2f%%  %7.2f%%  %8.2f%%  %+6.2f pp" % (name, student,
          d["temperature"], d["alpha"], d["epochs"], train, test, 100 * d["teacherAccuracy"],
          100 * d["hardLabelAccuracy"], 100 * d["distilledAccuracy"],
          100 * (d["distilledAccuracy"] - d["hardLabelAccuracy"])))
PY
