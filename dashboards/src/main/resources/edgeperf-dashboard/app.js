/*
 * edgeperf dashboard: polls the coordinator's JSON API every 5 s and renders the fleet, the batch
 * charts, predicted-vs-measured and the results table. Data is inserted with textContent only.
 */
(function () {
  'use strict';

  const REFRESH_MS = 5000;
  // Okabe-Ito-like palette, distinguishable for common colour-vision deficiencies.
  const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8B4513', '#6A3D9A', '#333333', '#B8860B'];
  const ALL = '__all__';

  const state = {
    campaign: null,       // selected campaign id, ALL, or null = follow the latest
    compare: '',          // campaign B for the side-by-side view ('' = none)
    comparison: null,     // /api/compare answer for A and B (B / A per matching cell with its CI), or {missing}
    predictor: 'predictedMs', // result field plotted against measured p50
    sortKey: null,        // results table sort column (a result field key), null = default order
    sortDir: 1,
    filter: '',
    pareto: null,         // /pareto answer, or {missing: message}
    speedups: null,       // /speedups answer, or {missing: message}
    paretoMetric: 'p50',
    analysis: null,       // /analysis answer (per-op-type shares), or {missing: message}
    selectedJob: null,    // result row whose layers the per-layer view shows
    drawn: '',            // signature of the data the charts were last drawn from
    tablesDrawn: '',      // likewise for the results and side-by-side tables
    agents: [],
    campaigns: [],
    results: [],          // rows of done jobs: what the charts plot
    rows: [],             // every ended job (done, failed, cancelled): what the table lists
    schema: null,         // result fields by key, from api/schema/results: labels' explanations
  };

  const $ = (id) => document.getElementById(id);
  const charts = window.EdgeCharts;

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === 'text') node.textContent = value;
      else if (key === 'className') node.className = value;
      else if (key === 'style') node.style.cssText = value;
      else node.setAttribute(key, value);
    }
    for (const child of children || []) {
      if (child !== null && child !== undefined) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function num(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  }

  function fixed(value, digits) {
    const v = num(value);
    if (v === null) return '–';
    if (v !== 0 && Math.abs(v) < Math.pow(10, -digits)) return v.toPrecision(2);
    return v.toFixed(digits);
  }

  function ms(value) {
    const v = num(value);
    if (v === null) return '–';
    return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(3);
  }

  /** A span of coordinator time given in ms: "850 ms", "12.3 s", "4 min 05 s". */
  function duration(value) {
    const v = num(value);
    if (v === null || v < 0) return '–';
    if (v < 1000) return Math.round(v) + ' ms';
    if (v < 60000) return (v / 1000).toFixed(v < 10000 ? 2 : 1) + ' s';
    const seconds = Math.round(v / 1000);
    return Math.floor(seconds / 60) + ' min ' + String(seconds % 60).padStart(2, '0') + ' s';
  }

  /** Threads the session used, with the request beside it when a fixed count was asked and not used. */
  function threadsCell(r) {
    const asked = r.requestedThreads > 0 ? String(r.requestedThreads) : 'engine default';
    if (num(r.threads) === null) return el('td', { className: 'num', text: r.requestedThreads > 0 ? String(r.requestedThreads) : '–', title: 'did not run; requested ' + asked });
    const text = r.requestedThreads > 0 && r.requestedThreads !== r.threads
      ? `${r.threads} (asked ${r.requestedThreads})` : String(r.threads);
    return el('td', { className: 'num', text, title: 'used ' + r.threads + ', requested ' + asked });
  }

  const BASIS_TITLES = {
    calibrated: 'predicted from the peak measured on this agent by agent calibrate',
    theoretical: 'predicted from the theoretical peak: cores × GHz × FLOPs/cycle of the ISA',
  };

  function flops(value) {
    const v = num(value);
    if (v === null || v <= 0) return '–';
    const units = [[1e12, 'TFLOP'], [1e9, 'GFLOP'], [1e6, 'MFLOP'], [1e3, 'kFLOP']];
    for (const [scale, unit] of units) {
      if (v >= scale) return (v / scale).toPrecision(3) + ' ' + unit;
    }
    return v + ' FLOP';
  }

  function bytes(value) {
    const v = num(value);
    if (v === null || v <= 0) return '–';
    const gib = v / Math.pow(1024, 3);
    return gib >= 1 ? gib.toFixed(gib >= 10 ? 0 : 1) + ' GiB' : (v / Math.pow(1024, 2)).toFixed(0) + ' MiB';
  }

  function relativeTime(unixMs) {
    const v = num(unixMs);
    if (v === null || v <= 0) return 'never';
    const seconds = Math.max(0, Math.round((Date.now() - v) / 1000));
    if (seconds < 5) return 'just now';
    if (seconds < 60) return seconds + ' s ago';
    if (seconds < 3600) return Math.round(seconds / 60) + ' min ago';
    if (seconds < 86400) return Math.round(seconds / 3600) + ' h ago';
    return Math.round(seconds / 86400) + ' d ago';
  }

  /** Stable colour per agent: the index of its name among all names known (fleet + results), sorted. */
  function colourMap() {
    const names = new Set(state.agents.map((a) => a.name));
    state.results.forEach((r) => names.add(r.agentName));
    const sorted = [...names].sort();
    const map = new Map();
    sorted.forEach((name, i) => map.set(name, PALETTE[i % PALETTE.length]));
    return map;
  }

  async function getJson(url) {
    const response = await fetch(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) {
      let detail = 'HTTP ' + response.status;
      try { detail += ': ' + (await response.json()).error; } catch (ignored) { /* body was not JSON */ }
      throw new Error(url + ' → ' + detail);
    }
    return response.json();
  }

  /** A JSON endpoint that may not exist on this coordinator: a 404 gives {missing: message}. */
  const notServed = new Set(); // optional endpoints that answered 404: not asked again on every refresh

  async function optionalJson(url, message) {
    const route = url.replace(/\?.*$/, '');
    if (notServed.has(route)) return { missing: message };
    const response = await fetch(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (response.status === 404) { notServed.add(route); return { missing: message }; }
    if (!response.ok) return { missing: url + ' → HTTP ' + response.status };
    return response.json();
  }

  /** B / A per cell from the coordinator (its CI needs the stored histograms); null when no B is picked. */
  async function comparisonOf(campaign) {
    if (!state.compare || state.compare === campaign) return null;
    if (campaign === ALL) return { missing: 'pick one campaign as A to compare it with B', rows: [] };
    const response = await fetch(`api/compare?a=${encodeURIComponent(campaign)}&b=${encodeURIComponent(state.compare)}`,
      { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (response.ok) return response.json();
    const body = await response.json().catch(() => ({}));
    return { missing: body.error || 'api/compare → HTTP ' + response.status, rows: [] };
  }

  /** The campaign's /analysis; its 404 (nothing analysable yet) is asked again on the next refresh. */
  async function analysisOf(campaign) {
    const response = await fetch(`api/campaigns/${encodeURIComponent(campaign)}/analysis`, { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (response.ok) return response.json();
    let detail = 'HTTP ' + response.status;
    try { detail = (await response.json()).error || detail; } catch (ignored) { /* body was not JSON */ }
    return { missing: 'no analysis: ' + detail };
  }

  function latestCampaign() {
    let latest = null;
    for (const c of state.campaigns) {
      if (latest === null || c.createdUnixMs > latest.createdUnixMs) latest = c;
    }
    return latest;
  }

  function effectiveCampaign() {
    if (state.campaign === ALL) return ALL;
    if (state.campaign !== null && state.campaigns.some((c) => c.id === state.campaign)) return state.campaign;
    const latest = latestCampaign();
    return latest ? latest.id : ALL;
  }

  async function refresh() {
    try {
      const [agents, campaigns] = await Promise.all([getJson('api/agents'), getJson('api/campaigns')]);
      state.agents = agents;
      state.campaigns = campaigns;
      const campaign = effectiveCampaign();
      if (state.schema === null) {
        state.schema = new Map((await getJson('api/schema/results')).map((f) => [f.key, f]));
      }
      state.rows = await getJson(campaign === ALL ? 'api/results' : 'api/results?campaign=' + encodeURIComponent(campaign));
      state.results = state.rows.filter((r) => r.state === 'done');
      state.comparison = await comparisonOf(campaign);
      if (campaign !== ALL) {
        state.pareto = await optionalJson(`api/campaigns/${encodeURIComponent(campaign)}/pareto?metric=${state.paretoMetric}`,
          'no accuracy data for this campaign (the coordinator serves no Pareto front for it)');
        state.speedups = await optionalJson(`api/campaigns/${encodeURIComponent(campaign)}/speedups`,
          'no speedup data for this campaign (the coordinator serves no speedups for it)');
        state.analysis = await analysisOf(campaign);
      } else {
        state.analysis = { missing: 'pick one campaign to see where its time goes' };
        state.pareto = { missing: 'pick one campaign to see its Pareto front' };
        state.speedups = { missing: 'pick one campaign to see its speedups' };
      }
      render();
      setStatus('updated ' + new Date().toLocaleTimeString(), false);
    } catch (error) {
      setStatus('refresh failed: ' + error.message, true);
    }
  }

  function setStatus(text, isError) {
    const status = $('status');
    status.textContent = text;
    status.classList.toggle('error', isError);
  }

  function render() {
    const started = performance.now();
    renderAll();
    // how long the last render took, for scripts/bench-dashboard.sh and the browser test
    document.body.dataset.renderMs = (performance.now() - started).toFixed(1);
    document.body.dataset.renderedRows = String(state.rows.length);
  }

  function renderAll() {
    const colours = colourMap();
    renderCampaignSelect();
    renderFleet(colours);
    const hasResults = state.results.length > 0;
    // A campaign whose jobs all failed or were cancelled has rows but nothing to plot: its table
    // says why, so only a campaign without any ended job shows the empty state.
    const hasRows = state.rows.length > 0;
    $('empty-state').hidden = hasRows;
    $('charts').hidden = !hasResults;
    $('results').hidden = !hasRows;
    renderPredictorSelect();
    if (state.selectedJob !== null && !state.rows.some((r) => r.jobId === state.selectedJob)) {
      state.selectedJob = null; // another campaign was picked
      window.EdgeLayers.clear();
    }
    const signature = [effectiveCampaign(), state.compare, state.predictor, state.rows.length,
      state.rows.reduce((sum, r) => sum + (num(r.p50Ms) || 0), 0), JSON.stringify(state.pareto), JSON.stringify(state.speedups), window.EdgeLayers.signature(state.analysis),
      $('charts').clientWidth].join('|');
    if (hasResults && signature !== state.drawn) {
      const variants = variantColours();
      renderBatchCharts(variants);
      renderScatter(variants);
      renderErrorSummary();
      renderPareto(variants);
      renderSpeedups();
    }
    state.drawn = hasResults ? signature : '';
    // tables are redrawn only when their data changed, so a refresh does not disturb a reader
    const tables = [effectiveCampaign(), state.compare, state.rows.map((r) => r.jobId + r.state + r.p50Ms).join(),
      JSON.stringify(state.comparison), state.agents.length].join('|');
    if (tables !== state.tablesDrawn) {
      state.tablesDrawn = tables;
      renderCompare();
      if (hasRows) renderResultsTable(colours);
    }
  }

  function renderCampaignSelect() {
    const select = $('campaign-select');
    const current = effectiveCampaign();
    const latest = latestCampaign();
    const sorted = [...state.campaigns].sort((a, b) => b.createdUnixMs - a.createdUnixMs);
    const options = sorted.map((c) => el('option', {
      value: c.id, text: `${c.name} (${c.id})${latest && c.id === latest.id ? ' — latest' : ''}`,
    }));
    options.push(el('option', { value: ALL, text: 'all campaigns' }));
    // options are replaced only when they changed: a refresh must not swap the list under a user (or a test) picking
    const selectKey = [current, state.compare, ...options.map((o) => o.value + '=' + o.textContent)].join('|');
    if (selectKey !== state.selectKey) {
      state.selectKey = selectKey;
      select.replaceChildren(...options);
      select.value = current;

      const compare = $('compare-select');
      compare.replaceChildren(el('option', { value: '', text: 'none' }),
        ...sorted.filter((c) => c.id !== current).map((c) => el('option', { value: c.id, text: `B: ${c.name} (${c.id})` })));
      compare.value = sorted.some((c) => c.id === state.compare && c.id !== current) ? state.compare : '';
    }

    const summary = $('campaign-summary');
    const campaign = state.campaigns.find((c) => c.id === current);
    summary.textContent = campaign
      ? `${campaign.state.toLowerCase()} · ${campaign.jobsDone}/${campaign.jobsTotal} jobs done` +
        (campaign.jobsFailed > 0 ? ` · ${campaign.jobsFailed} failed` : '') +
        (campaign.jobsCancelled > 0 ? ` · ${campaign.jobsCancelled} cancelled` : '') + ` · created ${relativeTime(campaign.createdUnixMs)}`
      : `${state.campaigns.length} campaigns`;
  }

  function variantKey(r) {
    return r.modelName + ' · ' + r.variantRecipe;
  }

  /** Stable colour per model · variant, by its rank among the variants shown. */
  function variantColours() {
    const keys = [...new Set(state.results.map(variantKey))].sort();
    return new Map(keys.map((k, i) => [k, PALETTE[i % PALETTE.length]]));
  }

  /** Every result field named predicted…Ms is a predictor; predictedMs (the lease-time one) first. */
  function predictorFields() {
    if (!state.schema) return ['predictedMs'];
    const keys = [...state.schema.keys()].filter((k) => /^predicted.*Ms$/.test(k));
    return keys.sort((a, b) => (a === 'predictedMs' ? -1 : b === 'predictedMs' ? 1 : a.localeCompare(b)));
  }

  function renderPredictorSelect() {
    const select = $('predictor-select');
    const fields = predictorFields();
    if (!fields.includes(state.predictor)) state.predictor = fields[0] || 'predictedMs';
    if (select.options.length !== fields.length) {
      select.replaceChildren(...fields.map((f) => el('option', { value: f, text: f,
        title: state.schema && state.schema.has(f) ? state.schema.get(f).description : '' })));
    }
    select.value = state.predictor;
  }

  function renderFleet(colours) {
    const tbody = $('fleet-table').querySelector('tbody');
    const agents = [...state.agents].sort((a, b) => a.name.localeCompare(b.name));
    tbody.replaceChildren(...agents.map((a) => {
      const hw = a.hardware || {};
      const features = (hw.isaFeatures || []).map((f) => el('span', { className: 'chip', text: f }));
      const ghz = num(hw.maxFreqHz) ? (hw.maxFreqHz / 1e9).toFixed(2) : '–';
      const cores = hw.physicalCores === hw.logicalCores ? String(hw.physicalCores) : `${hw.physicalCores} / ${hw.logicalCores}`;
      return el('tr', { 'data-agent': a.name }, [
        el('td', { title: a.id }, [el('span', { className: 'dot', style: `background:${colours.get(a.name)}` }), a.name]),
        el('td', { className: a.connected ? 'yes' : 'no', text: a.connected ? '● yes' : '○ no' }),
        el('td', { text: hw.board || '–' }),
        el('td', { className: 'wrap', text: hw.cpuModel || '–', title: `${hw.os || ''} ${hw.arch || ''}`.trim() }),
        el('td', { className: 'num', text: cores, title: 'physical / logical' }),
        el('td', { className: 'num', text: ghz }),
        el('td', { className: 'num', text: bytes(hw.memoryBytes) }),
        el('td', { className: 'wrap' }, features.length ? features : ['–']),
        el('td', { className: 'num', text: fixed(hw.peakGflopsFp32, 1), title: hw.peakBasis || '' }),
        el('td', { text: a.connected && Date.now() - a.lastSeenUnixMs < 10000 ? 'now' : relativeTime(a.lastSeenUnixMs),
          title: a.lastSeenUnixMs ? new Date(a.lastSeenUnixMs).toISOString() : '' }),
      ]);
    }));
    $('fleet-empty').hidden = agents.length > 0;
  }

  function devices(rows) {
    return [...new Set(rows.map((r) => r.agentName))].sort();
  }

  /** A line per model · variant (and thread count when several were measured) over the device's batch sizes. */
  function deviceSeries(rows, variants, yOf) {
    const threadCounts = new Set(rows.map((r) => r.threads));
    const xs = [...new Set(rows.map((r) => r.batchSize))].sort((a, b) => a - b);
    const byKey = new Map();
    for (const r of rows) {
      const y = num(yOf(r));
      if (y === null) continue;
      const key = threadCounts.size > 1 ? `${variantKey(r)} (${r.threads} threads)` : variantKey(r);
      if (!byKey.has(key)) byKey.set(key, { label: key, color: variants.get(variantKey(r)), ys: xs.map(() => null) });
      byKey.get(key).ys[xs.indexOf(r.batchSize)] = y;
    }
    return { xs, series: [...byKey.values()].sort((a, b) => a.label.localeCompare(b.label)) };
  }

  function smallMultiples(container, rows, variants, yOf, yLabel, empty) {
    EdgeChartsClear(container);
    // lay out every device's box first, so each chart is sized to its grid cell
    const boxes = devices(rows).map((device) => {
      const board = (state.agents.find((a) => a.name === device) || {}).hardware || {};
      const body = el('div', { className: 'chart-body' });
      container.appendChild(el('div', { className: 'multiple', 'data-device': device },
        [el('h3', { text: device + (board.board ? ' · ' + board.board : '') }), body]));
      return { device, body };
    });
    for (const { device, body } of boxes) {
      const mine = rows.filter((r) => r.agentName === device);
      const { xs, series } = deviceSeries(mine, variants, yOf);
      charts.lineChart(body, { xs, series, xLabel: 'batch size', yLabel, logX: xs.length > 1 && xs[0] > 0,
        emptyMessage: empty, height: 260 });
    }
  }

  function EdgeChartsClear(container) {
    container.querySelectorAll('.chart-body').forEach((c) => charts.clear(c));
    container.replaceChildren();
  }

  function renderBatchCharts(variants) {
    smallMultiples($('chart-latency'), state.results, variants, (r) => r.p50Ms, 'p50 ms per batch (compute-only)', 'no latency data');
    smallMultiples($('chart-throughput'), state.results, variants, (r) => r.throughputSamplesPerS, 'samples/s (compute-only)', 'no throughput data');
  }

  function renderScatter(variants) {
    const field = state.predictor;
    const groups = [...variants.keys()].map((k) => ({
      label: k, color: variants.get(k),
      points: state.results.filter((r) => variantKey(r) === k && num(r[field]) > 0 && num(r.p50Ms) > 0)
        .map((r) => ({ x: r[field], y: r.p50Ms })),
    })).filter((g) => g.points.length > 0);
    charts.scatterChart($('chart-predicted'), {
      groups, xLabel: `predicted ms per batch (${field})`, yLabel: 'measured p50 ms per batch', logX: true, logY: true,
      emptyMessage: `no ${field} predictions to compare`, height: 300,
      refLines: [{ label: 'exact', factor: 1, dash: [6, 4] }, { label: '+10 %', factor: 1.1, dash: [2, 3] },
        { label: '−10 %', factor: 0.9, dash: [2, 3] }, { label: '+25 %', factor: 1.25, dash: [1, 5] }, { label: '−25 %', factor: 0.75, dash: [1, 5] }],
    });
    const omitted = state.results.length - groups.reduce((n, g) => n + g.points.length, 0);
    $('predicted-note').textContent = `${field}: ${state.schema && state.schema.has(field) ? state.schema.get(field).description : ''}` +
      (omitted > 0 ? ` · ${omitted} results without a ${field} prediction omitted` : '');
  }

  function median(values) {
    if (!values.length) return null;
    const v = [...values].sort((a, b) => a - b);
    const m = Math.floor(v.length / 2);
    return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  function pct(value) {
    return value === null ? '–' : (100 * value).toFixed(1) + ' %';
  }

  function renderErrorSummary() {
    const rows = predictorFields().map((field) => {
      const errors = state.results.filter((r) => num(r[field]) > 0 && num(r.p50Ms) !== null).map((r) => r.p50Ms / r[field] - 1);
      const n = errors.length;
      const within = (t) => (n ? errors.filter((e) => Math.abs(e) <= t).length / n : null);
      const assumed = window.EdgeLayers.assumptions(field, state.results, state.schema);
      return el('tr', { 'data-predictor': field }, [
        el('td', { text: field }), el('td', { className: 'num', text: String(n) }),
        el('td', { className: 'num', text: pct(median(errors.map(Math.abs))) }),
        el('td', { className: 'num', text: pct(median(errors)) }),
        el('td', { className: 'num', text: pct(within(0.10)) }), el('td', { className: 'num', text: pct(within(0.25)) }),
        el('td', { 'data-col': 'basis', text: assumed.basis }),
        el('td', { className: 'wrap', 'data-col': 'assumes', text: assumed.rule }),
        el('td', { className: assumed.stale ? 'num stale' : 'num', 'data-col': 'stale', text: String(assumed.stale),
          title: assumed.staleReasons }),
        el('td', { className: 'num', 'data-col': 'recommended', text: field === 'predictedMs' ? '–' : String(assumed.recommended) }),
      ]);
    });
    $('error-table').querySelector('tbody').replaceChildren(...rows);
    window.EdgeLayers.renderOpTypes(state.analysis);
  }

  function renderPareto(variants) {
    const container = $('chart-pareto');
    EdgeChartsClear(container);
    const p = state.pareto;
    if (!p || p.missing) { container.appendChild(el('p', { className: 'empty', text: p ? p.missing : 'loading…' })); return; }
    const unit = p.metric === 'size' ? 'model size (bytes)' : `${p.metric} ms per batch (compute-only)`;
    $('pareto-unit').textContent = `(quality: ${p.quality}; x: ${unit}; big marker = Pareto-optimal)`;
    const bodies = (p.devices || []).map((d) => {
      const body = el('div', { className: 'chart-body' });
      container.appendChild(el('div', { className: 'multiple', 'data-device': d.device }, [el('h3', { text: d.device + (d.board ? ' · ' + d.board : '') }), body]));
      return body;
    });
    for (const [di, d] of (p.devices || []).entries()) {
      const body = bodies[di];
      const groups = [];
      const keys = [...new Set(d.points.map((pt) => pt.model + ' · ' + pt.variant))].sort();
      for (const [ki, key] of keys.entries()) {
        const color = variants.get(key) || PALETTE[(variants.size + ki) % PALETTE.length];
        const pts = d.points.filter((pt) => pt.model + ' · ' + pt.variant === key && num(pt.x) !== null && num(pt.quality) !== null);
        const opt = pts.filter((pt) => pt.paretoOptimal).map((pt) => ({ x: pt.x, y: pt.quality }));
        const dom = pts.filter((pt) => !pt.paretoOptimal).map((pt) => ({ x: pt.x, y: pt.quality }));
        if (opt.length) groups.push({ label: key + ' (optimal)', color, points: opt, size: 12, stroke: '#000' });
        if (dom.length) groups.push({ label: key, color, points: dom, size: 6 });
      }
      charts.scatterChart(body, { groups, xLabel: unit, yLabel: p.quality, emptyMessage: 'no points', height: 260 });
      body.dataset.optimal = String(d.points.filter((pt) => pt.paretoOptimal).length);
    }
  }

  function renderSpeedups() {
    const s = state.speedups;
    const tbody = $('speedup-table').querySelector('tbody');
    $('speedups-empty').hidden = !(s && s.missing);
    $('speedups-empty').textContent = s && s.missing ? s.missing : '';
    const rows = s && !s.missing ? s.rows || [] : [];
    tbody.replaceChildren(...rows.map((r) => el('tr', {}, [
      el('td', { text: r.device }), el('td', { text: r.model }), el('td', { text: r.variant }),
      el('td', { className: 'num', text: String(r.batch) }), el('td', { className: 'num', text: String(r.threads) }),
      el('td', { className: 'num', text: '×' + fixed(r.speedup, 2) }),
      el('td', { className: 'num', text: `×${fixed(r.ciLow, 2)} – ×${fixed(r.ciHigh, 2)}` }),
      el('td', { className: r.different ? 'different' : '', text: r.different ? 'yes' : 'no (CI overlaps)' }),
    ])));
  }

  /**
   * A and B side by side: for every (device, model, variant, batch, threads, concurrency) both measured, B's
   * p50 over A's with the 95 % CI the coordinator bootstraps from the two stored histograms; a cell whose CI
   * excludes 1 is marked (B is really slower or faster there).
   */
  function renderCompare() {
    const b = state.compare && state.compare !== effectiveCampaign() ? state.campaigns.find((c) => c.id === state.compare) : null;
    $('compare').hidden = !b;
    if (!b) return;
    const a = state.campaigns.find((c) => c.id === effectiveCampaign());
    $('compare-title').textContent = `(A: ${a ? a.name : 'all'} · B: ${b.name}; B / A of p50 ms per batch, > 1 = B slower;`
      + ' 95 % CI by bootstrap over the two stored latency histograms)';
    const c = state.comparison || { rows: [] };
    const rows = c.rows || [];
    $('compare-table').querySelector('tbody').replaceChildren(...rows.map((r) => {
      const hasCi = num(r.ciLow) !== null && num(r.ciHigh) !== null;
      const cls = !r.different ? 'num' : r.ratio > 1 ? 'num ratio-high' : 'num ratio-low';
      return el('tr', { 'data-agent': r.device, 'data-batch': String(r.batch), 'data-different': String(r.different === true) }, [
        el('td', { text: r.device }), el('td', { text: r.model }), el('td', { text: r.variant }),
        el('td', { className: 'num', text: String(r.batch) }), el('td', { className: 'num', text: String(r.threads) }),
        el('td', { className: 'num', text: ms(r.aP50Ms) }), el('td', { className: 'num', text: ms(r.bP50Ms) }),
        el('td', { className: cls, 'data-col': 'ratio', text: num(r.ratio) === null ? '–' : '×' + r.ratio.toFixed(3) }),
        el('td', { className: 'num', 'data-col': 'ci', text: hasCi ? `×${r.ciLow.toFixed(3)} – ×${r.ciHigh.toFixed(3)}` : '–' }),
        el('td', { className: r.different ? 'different' : '', 'data-col': 'different',
          text: r.different === true ? (r.ratio > 1 ? 'yes: B slower' : 'yes: B faster')
            : r.different === false ? 'no (CI contains 1)' : '– (no histograms)' }),
      ]);
    }));
    const marked = rows.filter((r) => r.different === true).length;
    $('compare-note').textContent = c.missing ? c.missing
      : `${rows.length} matching cells, ${marked} where the 95 % CI of B / A excludes 1; A has ${state.results.length} done rows`;
  }

  /**
   * The results table's columns: a result field (its key in the one result schema the coordinator
   * declares; the header's tooltip is the field's description) and how its cell is drawn.
   */
  const TABLE_COLUMNS = [
    { key: 'agentName', label: 'agent', cell: (r, c) => el('td', {}, [el('span', { className: 'dot', style: `background:${c.get(r.agentName)}` }), r.agentName || '–']) },
    { key: 'modelName', label: 'model' },
    // A no-op variant (its recipe changed nothing) says so in its cell: it is no measurement of the recipe.
    { key: 'variantRecipe', label: 'variant', col: 'variant', text: (r) => r.variantNoop ? `${r.variantRecipe} (no-op)` : r.variantRecipe,
      title: (r) => r.variantNoop ? 'no-op: ' + (r.variantNoopReason || 'the recipe changed nothing') : '' },
    { key: 'batchSize', label: 'batch', num: true },
    { key: 'inputShapes', label: 'inputs', col: 'inputs', text: (r) => r.inputShapes || '–' },
    { key: 'threads', label: 'threads', num: true, cell: (r) => threadsCell(r) },
    { key: 'flops', label: 'FLOPs', num: true, text: (r) => flops(r.flops) },
    { key: 'predictedMs', label: 'predicted ms', num: true, text: (r) => ms(r.predictedMs), title: (r) => `${fixed(r.peakGflops, 1)} GFLOP/s peak` },
    { key: 'peakBasis', label: 'peak basis', col: 'basis', cell: (r) => el('td', { 'data-col': 'basis' }, [el('span', {
      className: 'chip basis-' + (r.peakBasis || 'unknown'), text: r.peakBasis || '–', title: BASIS_TITLES[r.peakBasis] || '' })]) },
    { key: 'p50Ms', label: 'p50 ms', num: true, text: (r) => ms(r.p50Ms) },
    { key: 'p99Ms', label: 'p99 ms', num: true, text: (r) => ms(r.p99Ms) },
    { key: 'p999Ms', label: 'p99.9 ms', num: true, col: 'p999', text: (r) => ms(r.p999Ms) },
    { key: 'endToEndP50Ms', label: 'e2e p50 ms', num: true, col: 'e2e-p50', text: (r) => ms(r.endToEndP50Ms) },
    { key: 'measuredOverPredicted', label: 'measured / predicted', num: true, cell: (r) => {
      const ratio = num(r.measuredOverPredicted);
      const cls = ratio === null ? 'num' : ratio > 2 ? 'num ratio-high' : ratio < 0.5 ? 'num ratio-low' : 'num';
      return el('td', { className: cls, text: ratio === null ? '–' : '×' + ratio.toFixed(2) });
    } },
    { key: 'throughputSamplesPerS', label: 'throughput (samples/s)', num: true, text: (r) => num(r.throughputSamplesPerS) === null ? '–' : charts.format(r.throughputSamplesPerS) },
    { key: 'queueWaitMs', label: 'queue wait', num: true, col: 'queue-wait', text: (r) => duration(r.queueWaitMs) },
    { key: 'measurementMs', label: 'measuring', num: true, col: 'measuring', text: (r) => duration(r.measurementMs) },
    { key: 'attempt', label: 'attempt', num: true, col: 'attempt', cell: (r) => el('td', { className: r.attempt > 1 ? 'num retried' : 'num', 'data-col': 'attempt', text: String(r.attempt),
      title: r.attempt > 1 ? 'earlier attempts were lost with their agent' : '' }) },
    { key: 'stopReason', label: 'stop reason', col: 'stop-reason', text: (r) => r.stopReason || '–' },
    { key: 'state', label: 'state', col: 'state', text: (r) => r.state, title: (r) => r.failureReason || '' },
    // calibration data and fidelity to the baseline of the variant (random calibration is said so)
    { key: 'calibration', label: 'calibration', col: 'calibration', cell: (r) => el('td', {
      className: /^random/.test(r.calibration || '') ? 'calibration-random' : '', 'data-col': 'calibration',
      text: r.calibration || '–' }) },
    { key: 'fidelityCosine', label: 'cosine', num: true, col: 'cosine', text: (r) => num(r.fidelityCosine) === null ? '–' : r.fidelityCosine.toFixed(4),
      title: (r) => num(r.fidelityTop1) === null ? '' : `top-1 agreement ${(100 * r.fidelityTop1).toFixed(1)}%` },
    { key: 'fidelitySqnrDb', label: 'SQNR dB', num: true, col: 'sqnr', text: (r) => num(r.fidelitySqnrDb) === null ? '–' : r.fidelitySqnrDb.toFixed(1) },
    // accuracy on the campaign's labelled evaluation data, measured once per variant on the coordinator
    { key: 'accuracyTop1', label: 'top-1', num: true, col: 'top1', text: (r) => num(r.accuracyTop1) === null ? '–' : (100 * r.accuracyTop1).toFixed(2) + '%',
      title: (r) => r.evaluation ? `on ${r.evaluation}` + (num(r.accuracyTop5) === null ? '' : `; top-5 ${(100 * r.accuracyTop5).toFixed(2)}%`) : 'no evaluation data' },
    { key: 'predictedRooflineMs', label: 'roofline ms', num: true, col: 'roofline', text: (r) => ms(r.predictedRooflineMs),
      title: (r) => r.predictionStale ? 'stale: ' + (r.predictionStaleReason || '') : '', cls: (r) => r.predictionStale ? 'stale' : '' },
    { key: 'predictedLearnedMs', label: 'learned ms', num: true, col: 'learned', text: (r) => ms(r.predictedLearnedMs),
      title: (r) => r.predictionStale ? 'stale: ' + (r.predictionStaleReason || '') : '', cls: (r) => r.predictionStale ? 'stale' : '' },
  ];

  const MAX_TABLE_ROWS = 500; // drawn at once; sorting and the filter reach every row

  function renderResultsHeader() {
    const cells = TABLE_COLUMNS.map((c) => el('th', {
      className: c.num ? 'num' : '', text: c.label, 'data-key': c.key,
      'aria-sort': state.sortKey === c.key ? (state.sortDir > 0 ? 'ascending' : 'descending') : 'none',
      title: state.schema && state.schema.has(c.key) ? state.schema.get(c.key).description : '',
    }));
    $('results-table').querySelector('thead').replaceChildren(el('tr', {}, cells));
  }

  function defaultOrder(a, b) {
    return (a.agentName || '').localeCompare(b.agentName || '') || a.modelName.localeCompare(b.modelName) ||
      a.variantRecipe.localeCompare(b.variantRecipe) || a.batchSize - b.batchSize || (a.threads || 0) - (b.threads || 0);
  }

  /** Numbers by value, text by locale; a missing value ('–') sorts last either way. */
  function compareBy(key, dir) {
    return (a, b) => {
      const x = a[key];
      const y = b[key];
      const xMissing = x === null || x === undefined;
      const yMissing = y === null || y === undefined;
      if (xMissing || yMissing) return xMissing === yMissing ? defaultOrder(a, b) : xMissing ? 1 : -1;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return dir * c || defaultOrder(a, b);
    };
  }

  /** A row's searchable text: what its cells show, lower-cased. */
  function rowText(r) {
    return TABLE_COLUMNS.map((c) => (c.text ? c.text(r) : r[c.key] === null || r[c.key] === undefined ? '' : String(r[c.key])))
      .join(' ').toLowerCase();
  }

  function visibleRows() {
    const words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
    const rows = words.length ? state.rows.filter((r) => { const t = rowText(r); return words.every((w) => t.includes(w)); }) : [...state.rows];
    return rows.sort(state.sortKey ? compareBy(state.sortKey, state.sortDir) : defaultOrder);
  }

  function renderResultsTable(colours) {
    renderResultsHeader();
    const rows = visibleRows();
    const shown = rows.slice(0, MAX_TABLE_ROWS);
    $('results-count').textContent = `(${rows.length} of ${state.rows.length} rows` +
      (shown.length < rows.length ? `; first ${shown.length} drawn — sort or filter to reach the others` : '') +
      '; click a header to sort)';
    const tbody = $('results-table').querySelector('tbody');
    tbody.replaceChildren(...shown.map((r) => el('tr', { 'data-agent': r.agentName || '', 'data-job': r.jobId, 'data-state': r.state,
      className: r.jobId === state.selectedJob ? 'selected' : '', title: r.state === 'done' ? 'click to see its per-layer times' : '' },
      TABLE_COLUMNS.map((c) => {
        if (c.cell) return c.cell(r, colours);
        const props = { className: c.num ? 'num' : '', text: c.text ? c.text(r) : (r[c.key] === null || r[c.key] === undefined ? '–' : String(r[c.key])) };
        if (c.col) props['data-col'] = c.col;
        if (c.title) props.title = c.title(r);
        if (c.cls && c.cls(r)) props.className = (props.className + ' ' + c.cls(r)).trim();
        return el('td', props);
      }))));
  }

  function init() {
    $('campaign-select').addEventListener('change', (event) => {
      const latest = latestCampaign();
      // Picking the latest again means "follow new campaigns", as on first load.
      state.campaign = latest && event.target.value === latest.id ? null : event.target.value;
      refresh();
    });
    $('compare-select').addEventListener('change', (event) => {
      state.compare = event.target.value;
      refresh();
    });
    $('predictor-select').addEventListener('change', (event) => {
      state.predictor = event.target.value;
      render();
    });
    $('pareto-metric').addEventListener('change', (event) => {
      state.paretoMetric = event.target.value;
      refresh();
    });
    $('results-table').querySelector('thead').addEventListener('click', (event) => {
      const th = event.target.closest('th');
      if (!th) return;
      const key = th.dataset.key;
      state.sortDir = state.sortKey === key ? -state.sortDir : 1;
      state.sortKey = key;
      renderResultsTable(colourMap());
    });
    $('results-table').querySelector('tbody').addEventListener('click', (event) => {
      const tr = event.target.closest('tr');
      const row = tr ? state.rows.find((r) => r.jobId === tr.dataset.job) : null;
      if (!row || row.state !== 'done') return;
      state.selectedJob = row.jobId;
      $('results-table').querySelectorAll('tbody tr.selected').forEach((t) => t.classList.remove('selected'));
      tr.classList.add('selected');
      window.EdgeLayers.show(row, state.analysis);
    });
    $('results-filter').addEventListener('input', (event) => {
      state.filter = event.target.value;
      renderResultsTable(colourMap());
    });
    refresh();
    setInterval(refresh, REFRESH_MS);
  }

  document.addEventListener('DOMContentLoaded', init);
})();
