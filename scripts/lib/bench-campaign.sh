# Sourced by bench-predict.sh (EDGEPERF_BENCH_CAMPAIGN=1): the bench's cells measured the way users measure,
# as campaigns on a coordinator with one local agent that joins with the calibrated 2-thread profile, then
# judged by `campaign analyze` (every predictor the coordinator stored at lease time; learned-from-campaigns
# leave-one-model-out over the agent's done rows). Uses the caller's here, work, models, variants, corpus,
# threads_list and batches.

# items -> a YAML flow list: yaml_list 1 8 -> [1, 8]
yaml_list() {
  local IFS=,; local joined="$*"
  echo "[${joined//,/, }]"
}

bench_campaigns() {
  # the pids are global: the EXIT trap stops both processes after this function has returned
  local data="$work/coordinator" agent_dir="$work/campaign-agent" line grpc http
  mkdir -p "$data" "$agent_dir"
  cp "$work/device-t2.json" "$agent_dir/calibration.json"
  java -jar "$here/coordinator/target/edgeperf-coordinator.jar" serve --grpc-port 0 --http-port 0 \
    --data-dir "$data" >"$data/stdout.log" 2>"$data/coordinator.log" &
  pid_c=$!
  trap 'kill ${pid_a:-} ${pid_c:-} 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 1 600); do grep -q "listening" "$data/stdout.log" 2>/dev/null && break; sleep 0.1; done
  line=$(grep "listening" "$data/stdout.log") || { echo "coordinator did not start: $(tail -3 "$data/coordinator.log")" >&2; exit 1; }
  grpc=$(sed -E 's/.*grpc=([^ ]+).*/\1/' <<<"$line"); http=$(sed -E 's/.*http=([^ ]+).*/\1/' <<<"$line"); http=${http%/}
  "$here/scripts/agent" run --coordinator "$grpc" --token-file "$data/join-token" --name bench-agent \
    --work-dir "$agent_dir" >"$agent_dir/agent.log" 2>&1 &
  pid_a=$!
  local joined=""
  for _ in $(seq 1 300); do
    python3 - "$http" <<'PY' 2>/dev/null && { joined=1; break; }
import json, sys, urllib.request
agents = json.load(urllib.request.urlopen(sys.argv[1] + "/api/agents", timeout=5))
sys.exit(0 if any(a.get("connected") for a in agents) else 1)
PY
    sleep 0.2
  done
  [[ -n "$joined" ]] || { echo "the agent did not join: $(tail -3 "$agent_dir/agent.log")" >&2; exit 1; }
  echo "campaigns: coordinator grpc=$grpc, agent bench-agent with the 2-thread profile"

  local zoo=() file_models=() m c
  for m in "${models[@]}"; do
    if [[ -f "$m" ]]; then file_models+=("  - file: $(cd "$(dirname "$m")" && pwd)/$(basename "$m")"); else zoo+=("  - $m"); fi
  done
  local common
  common="batch_sizes: $(yaml_list "${batches[@]}")
threads: $(yaml_list "${threads_list[@]}")
measurement: {min_duration_ms: 1000}"
  local recipes=("\"baseline\"") recipe
  local IFS_saved=$IFS; IFS=,
  for recipe in $variants; do recipes+=("\"$recipe\""); done
  IFS=$IFS_saved
  {
    echo "name: bench-predict models"
    echo "models:"; printf '%s\n' "${zoo[@]}" "${file_models[@]}"
    echo "variants: $(yaml_list "${recipes[@]}")"
    echo "$common"
  } >"$work/models.yaml"
  local specs=("$work/models.yaml")
  if (( given == 0 )); then
    local corpus_models=()
    for c in "${corpus[@]}"; do
      local name=${c%%|*} spec=${c#*|} input
      [[ -f "$here/models-corpus/$name.onnx" ]] || continue
      input=${spec//B/1}
      corpus_models+=("  - file: $here/models-corpus/$name.onnx" "    inputs: {${input%%=*}: ${input#*=}}")
    done
    if (( ${#corpus_models[@]} )); then
      { echo "name: bench-predict corpus"; echo "models:"; printf '%s\n' "${corpus_models[@]}"; echo "$common"; } \
        >"$work/corpus.yaml"
      specs+=("$work/corpus.yaml")
    fi
  fi
  local ids=() spec_file out id start=$SECONDS
  for spec_file in "${specs[@]}"; do
    out=$("$here/scripts/coordinator" campaign run "$spec_file" --coordinator "$grpc" --data-dir "$data" --json \
      --timeout 120m 2>"$work/campaign.err") || { echo "campaign $spec_file failed: $(tail -3 "$work/campaign.err")" >&2; exit 1; }
    id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["campaignId"])' <<<"$out")
    ids+=("$id")
    echo "campaign $(basename "$spec_file" .yaml) $id done, $((SECONDS - start)) s so far"
  done
  # judged after every campaign is done: the learned predictor's history is all of the agent's rows
  for id in "${ids[@]}"; do
    "$here/scripts/coordinator" campaign analyze "$id" --coordinator "$grpc" --data-dir "$data" --json \
      >"$work/analysis.json" || exit 1
    python3 - "$work/analysis.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
print(f"\ncampaign {a['campaignId']}: {a['measured']} measured rows; learned: {a['learnedJudging']}")
pct = lambda v: "    -" if v is None else f"{100 * v:5.1f}%"
for group, key in (("byDevice", "device"), ("byVariantKind", "variantKind")):
    for s in a[group]:
        print(f"{s[key]:<12} {s['predictor']:<24} cells {s['cells']:3d}  within +-10%: {pct(s['within10'])}"
              f"  within +-25%: {pct(s['within25'])}  median |error|: {s['medianAbsErrorPct']:.1f}%")
PY
  done
}
