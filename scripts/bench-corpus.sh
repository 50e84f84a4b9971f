#!/usr/bin/env bash
# Per model x recipe figures on the real-model corpus (scripts/models-corpus.tsv, issue 10): builds every recipe a
# model allows with `variants build` (the manifest's inputs and values), measures each file with `agent bench` at
# batch 1 and 8 (batch 8 only where the model's batch is free; otherwise the row says why), and prints one row per
# model x recipe: p50 latency ratio to the baseline per batch, size ratio, cosine, SQNR, no-op / skip reason.
#
#   scripts/bench-corpus.sh [MODEL ...]          (default: every model of the manifest)
#
# Latency ratios cancel load drift: every round measures the baseline between each two variants
# (B v1 B v2 ... vn B); a variant's ratio in a round is its p50 over the mean p50 of the baselines just before
# and after it, and the row shows the median over rounds (and each round's ratio). Knobs (environment):
#   CORPUS_RECIPES    recipes to build (','-separated; default: the manifest's recipes column, "all" = the list below)
#   CORPUS_ROUNDS     interleaved rounds (default 3)        CORPUS_BATCHES  batch sizes (default 1,8)
#   CORPUS_THREADS    ORT intra-op threads (default 2)      CORPUS_MAX_MS   max timed ms per bench run (default 2000)
#   CORPUS_CALIBRATION  variants build --calibration for every model (default: per model, see below)
# Calibration (and fidelity) inputs: the PP-OCR models get rendered text (scripts/TextImages.java: 16 PNGs of random
# words, PaddleOCR's normalisation), since random pixels make the detector output an all-zero probability map; the
# others get random inputs (floats in [0, 1), token ids within their table, the manifest's values): no corpus model
# comes with data the build can fetch.
#   CORPUS_MODELS_DIR folder of NAME.onnx (default ./models-corpus; fetched by scripts/fetch-models.sh if missing)
#   CORPUS_WORK       folder for built variants and raw results (default: a temporary folder, kept and printed)
# Needs python3. Builds the jars on first use (scripts/agent, scripts/coordinator; no mvn install).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
manifest="$root/scripts/models-corpus.tsv"
every="baseline,pruned:unstructured:0.5,pruned:structured:0.5,quantized:int8-static,quantized:int8-dynamic,quantized:fp16,separable,clustered:16"
rounds="${CORPUS_ROUNDS:-3}"
batches="${CORPUS_BATCHES:-1,8}"
threads="${CORPUS_THREADS:-2}"
max_ms="${CORPUS_MAX_MS:-2000}"
models_dir="${CORPUS_MODELS_DIR:-$root/models-corpus}"
work="${CORPUS_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/bench-corpus.XXXXXX")}"
mkdir -p "$work"
start=$(date +%s)

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  mapfile -t names < <(grep -v '^#' "$manifest" | awk -F'\t' 'NF >= 9 {print $1}')
fi
for n in "${names[@]}"; do
  if ! awk -F'\t' -v n="$n" '$1 == n {found=1} END {exit !found}' "$manifest"; then
    echo "bench-corpus: model '$n' is not in $manifest" >&2
    exit 2
  fi
  [[ -s "$models_dir/$n.onnx" ]] || "$root/scripts/fetch-models.sh" "$models_dir" >&2
done

bench_flags=(--threads "$threads" --warmup 3 --min-iterations 10 --min-duration-ms 300 --max-duration-ms "$max_ms"
             --target-ci 2% --json)
# One bench run of FILE at every batch size; writes OUT (JSON array) or OUT.err.
bench() { # file out batches input-flags...
  local file="$1" out="$2" b="$3"
  shift 3
  "$root/scripts/agent" bench "$file" "$@" --batch "$b" "${bench_flags[@]}" >"$out.tmp" 2>"$out.err" \
    && mv "$out.tmp" "$out" || rm -f "$out.tmp"
}

echo "bench-corpus: work folder $work; rounds $rounds, batches $batches, threads $threads" >&2
echo "bench-corpus: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for n in "${names[@]}"; do
  row="$(awk -F'\t' -v n="$n" '$1 == n' "$manifest")"
  inputs="$(cut -f8 <<<"$row")"
  recipes="${CORPUS_RECIPES:-$(cut -f9 <<<"$row")}"
  [[ "$recipes" == all ]] && recipes="$every"
  [[ "$recipes" == none ]] && continue
  [[ ",$recipes," == *,baseline,* ]] || recipes="baseline,$recipes"
  # NAME=SHAPE[:VALUE]: shapes go to --input, constant values to --value (variants build and agent bench) ...
  shape_flags=()
  value_flags=()
  IFS=';' read -ra parts <<<"$inputs"
  for p in "${parts[@]}"; do
    name="${p%%=*}"
    spec="${p#*=}"
    shape="${spec%%:*}"
    [[ -n "$shape" ]] && shape_flags+=(--input "$name=$shape")
    [[ "$spec" == *:* ]] && value_flags+=(--value "$name=${spec#*:}")
  done
  # Text images for the OCR models: SIZE (WxH at the manifest's shape), layout, normalisation.
  calibration=(--calibration random)
  case "$n" in
    ppocr-det-*) text=(lines "mean=0.485/0.456/0.406,std=0.229/0.224/0.225") ;;
    ppocr-*) text=(line "mean=0.5/0.5/0.5,std=0.5/0.5/0.5") ;;
    *) text=() ;;
  esac
  if [[ -n "${CORPUS_CALIBRATION:-}" ]]; then
    calibration=(--calibration "$CORPUS_CALIBRATION")
  elif [[ ${#text[@]} -gt 0 ]]; then
    hw="$(sed -E 's/^[^=]*=[0-9]+x[0-9]+x([0-9]+)x([0-9]+).*/\1x\2/' <<<"$inputs")"
    java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
    "$java_bin" -Djava.awt.headless=true "$root/scripts/TextImages.java" "$work/$n.images" "${hw#*x}x${hw%x*}" 16 \
      "${text[0]}"
    calibration=(--calibration "images:$work/$n.images" --preprocess "resize=$hw,${text[1]}")
  fi
  dir="$work/$n"
  echo "bench-corpus: $n: variants build $recipes (${calibration[*]})" >&2
  rm -rf "$dir"
  if ! "$root/scripts/coordinator" variants build "$models_dir/$n.onnx" "${shape_flags[@]}" "${value_flags[@]}" \
      --variants "$recipes" "${calibration[@]}" --threads "$threads" --out "$dir" --json \
      >"$work/$n.build.json" 2>"$work/$n.build.err"; then
    echo "bench-corpus: $n: variants build failed: $(tail -n 1 "$work/$n.build.err")" >&2
    continue
  fi
  mapfile -t files < <(python3 -c 'import json,sys
for v in json.load(open(sys.argv[1]))["variants"]:
    print(v["file"])' "$dir/manifest.json")
  # A fixed batch shows as a refused batch-8 run of the baseline; then batch 1 only.
  model_batches="$batches"
  bench "$dir/${files[0]}" "$work/$n.probe" "$batches" "${shape_flags[@]}" "${value_flags[@]}"
  if [[ ! -s "$work/$n.probe" ]]; then
    model_batches="1"
    cp "$work/$n.probe.err" "$work/$n.batch-refused"
    echo "bench-corpus: $n: batch $batches refused ($(grep -v '^bench' "$work/$n.probe.err" | tail -n 1)); batch 1 only" >&2
  fi
  echo "$model_batches" >"$work/$n.batches"
  for ((r = 1; r <= rounds; r++)); do
    echo "bench-corpus: $n: round $r/$rounds (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    bench "$dir/${files[0]}" "$work/$n.r$r.base0" "$model_batches" "${shape_flags[@]}" "${value_flags[@]}"
    for ((i = 1; i < ${#files[@]}; i++)); do
      bench "$dir/${files[$i]}" "$work/$n.r$r.v$i" "$model_batches" "${shape_flags[@]}" "${value_flags[@]}"
      bench "$dir/${files[0]}" "$work/$n.r$r.base$i" "$model_batches" "${shape_flags[@]}" "${value_flags[@]}"
    done
  done
done
echo "bench-corpus: load average after: $(cut -d' ' -f1-3 /proc/loadavg); $(( $(date +%s) - start )) s" >&2
python3 "$root/scripts/bench-corpus-table.py" "$work" "$rounds" "${names[@]}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); wall time $(( $(date +%s) - start )) s; raw results in $work"
