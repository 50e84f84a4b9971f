#!/usr/bin/env bash
# Prints how long the dashboard takes to render N result rows (default 10000) in headless Chromium.
# The rows are fake but shaped by the store: every field of coordinator/.../store/ResultField.java
# (its key and type), 4 devices x 12 variants x batch sizes, with predictions; the assets are the
# built dashboards module (run `mvn -B -q -o -pl dashboards -DskipTests package` first).
# Usage: [SCREENSHOT=FILE.png] scripts/bench-dashboard.sh [ROWS]   Needs node and /usr/bin/chromium.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROWS="${1:-10000}"
ASSETS="${ASSETS:-$ROOT/dashboards/target/classes/edgeperf-dashboard}"
[[ -f "$ASSETS/vendor/uPlot.iife.min.js" ]] || { echo "bench-dashboard: $ASSETS/vendor/uPlot.iife.min.js missing; build the dashboards module first" >&2; exit 2; }
[[ "$ROWS" =~ ^[0-9]+$ && "$ROWS" -gt 0 ]] || { echo "bench-dashboard: ROWS '$ROWS' must be a positive integer" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; [[ -n "${KEEP:-}" ]] || rm -rf "$WORK" 2>/dev/null || true' EXIT
cat > "$WORK/server.js" <<'JS'
const http = require('http'), fs = require('fs'), path = require('path');
const [assets, fieldsFile, rowsArg] = process.argv.slice(2);
const src = fs.readFileSync(fieldsFile, 'utf8');
const fields = [...src.matchAll(/^\s{4}[A-Z0-9_]+\("([A-Za-z0-9]+)", Type\.([A-Z]+)/gm)].map((m) => ({ key: m[1], type: m[2].toLowerCase(), description: m[1] }));
const n = Number(rowsArg);
const rows = [];
const variants = ['baseline', 'quantized:int8-dynamic', 'quantized:int8-static', 'pruned:structured:0.5', 'separable', 'fp16',
  'pruned:magnitude:0.3', 'pruned:magnitude:0.5', 'pruned:magnitude:0.7', 'pruned:structured:0.25', 'distilled:lenet5', 'distilled:mnist-cnn-pool'];
for (let i = 0; i < n; i++) {
  const r = {};
  for (const f of fields) r[f.key] = f.type === 'text' ? f.key + '-' + (i % 7) : f.type === 'bool' ? false : (i % 97) + 1;
  const batch = [1, 2, 4, 8, 16, 32, 64, 128][i % 8];
  Object.assign(r, { jobId: 'job-' + i, campaignId: 'c1', state: 'done', agentName: 'agent-' + (Math.floor(i / 8) % 4),
    modelName: 'mnist-cnn', variantRecipe: variants[Math.floor(i / 32) % variants.length], batchSize: batch, threads: 1 + (Math.floor(i / 384) % 4),
    requestedThreads: 0, attempt: 1, peakBasis: 'theoretical', variantNoop: false, calibration: null });
  r.predictedMs = 0.1 * batch; r.p50Ms = r.predictedMs * (0.8 + ((i * 37) % 100) / 100); r.p99Ms = r.p50Ms * 1.5;
  r.measuredOverPredicted = r.p50Ms / r.predictedMs; r.throughputSamplesPerS = batch * 1000 / r.p50Ms;
  rows.push(r);
}
const body = JSON.stringify(rows);
const campaigns = [{ id: 'c1', name: 'bench', state: 'DONE', jobsDone: n, jobsTotal: n, jobsFailed: 0, jobsCancelled: 0, createdUnixMs: Date.now() }];
const agents = [0, 1, 2, 3].map((k) => ({ id: 'a' + k, name: 'agent-' + k, connected: true, lastSeenUnixMs: Date.now(), hardware: { board: 'bench', isaFeatures: [] } }));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const json = (o) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(typeof o === 'string' ? o : JSON.stringify(o)); };
  if (url.pathname === '/api/agents') return json(agents);
  if (url.pathname === '/api/campaigns') return json(campaigns);
  if (url.pathname === '/api/schema/results') return json(fields);
  if (url.pathname === '/api/results') return json(body);
  if (url.pathname === '/bench' && req.method === 'POST') {
    let b = ''; req.on('data', (c) => { b += c; }); req.on('end', () => { fs.writeFileSync(path.join(path.dirname(process.argv[5]), 'result'), b); res.end(); });
    return;
  }
  if (url.pathname.startsWith('/api/')) { res.writeHead(404, { 'Content-Type': 'application/json' }); return res.end('{"error":"not found"}'); }
  const file = path.join(assets, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
  if (url.pathname === '/') {
    // the page as served, plus a probe that posts the first render's real duration back here
    const probe = `<script>(function poll(){const d=document.body&&document.body.dataset;
      if(!d||!d.renderMs){setTimeout(poll,20);return;}
      let t=performance.now(); document.querySelector('#results-table th[data-key=p50Ms]').click(); const sort=performance.now()-t;
      const f=document.getElementById('results-filter'); f.value='int8 agent-2';
      t=performance.now(); f.dispatchEvent(new Event('input')); const filter=performance.now()-t;
      fetch('/bench',{method:'POST',body:[d.renderedRows,d.renderMs,sort.toFixed(1),filter.toFixed(1)].join(' ')});})();</script>`;
    res.writeHead(200, { 'Content-Type': 'text/html' });
    return res.end(fs.readFileSync(file, 'utf8').replace('</body>', probe + '</body>'));
  }
  fs.readFile(file, (err, data) => { if (err) { res.writeHead(404); return res.end(); } res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' }); res.end(data); });
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
JS
node "$WORK/server.js" "$ASSETS" "$ROOT/coordinator/src/main/java/dev/edgeperf/coordinator/store/ResultField.java" "$ROWS" "$WORK/x" > "$WORK/port" &
SERVER=$!
for _ in $(seq 50); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
PORT="$(head -1 "$WORK/port")"
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$WORK/profile" --window-size=1280,900 --remote-debugging-port=0 \
  "http://127.0.0.1:$PORT/" 2>"$WORK/chromium.log" &
BROWSER=$!
for _ in $(seq 600); do [[ -s "$WORK/result" ]] && break; sleep 0.1; done
kill "$BROWSER" 2>/dev/null || true
wait "$BROWSER" 2>/dev/null || true
[[ -s "$WORK/result" ]] || { echo "bench-dashboard: the page never rendered within 60 s" >&2; exit 1; }
read -r DRAWN RENDER_MS SORT_MS FILTER_MS < "$WORK/result" || true
if [[ -n "${SCREENSHOT:-}" ]]; then   # SCREENSHOT=FILE.png: also save what the page looks like
  /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$WORK/profile2" \
    --window-size=1400,${SCREENSHOT_HEIGHT:-2400} --virtual-time-budget=8000 --screenshot="$SCREENSHOT" "http://127.0.0.1:$PORT/" 2>/dev/null
fi
echo "rows=$DRAWN first_render_ms=$RENDER_MS sort_click_ms=$SORT_MS filter_ms=$FILTER_MS"
echo "  (render: fleet; latency and throughput small multiples per device, a line per variant; predicted vs measured;"
echo "   prediction-error summary; results table ordered over all rows, first 500 drawn. sort: a click on 'p50 ms';"
echo "   filter: typing 'int8 agent-2'; both over all rows)"
