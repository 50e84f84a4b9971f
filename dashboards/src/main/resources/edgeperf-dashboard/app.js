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
    variant: null,        // selected "model · variant" key, null = the one with most results
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
    const groups = renderVariantSelect();
    if (hasResults) {
      const selected = state.results.filter((r) => variantKey(r) === groups.selected);
      renderBatchCharts(selected, colours);
      renderScatter(colours);
    }
    if (hasRows) renderResultsTable(colours);
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
    select.replaceChildren(...options);
    select.value = current;

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

  /** The batch charts show one model variant at a time; returns the chosen key. */
  function renderVariantSelect() {
    const counts = new Map();
    state.results.forEach((r) => counts.set(variantKey(r), (counts.get(variantKey(r)) || 0) + 1));
    const keys = [...counts.keys()].sort();
    let selected = state.variant;
    if (!counts.has(selected)) {
      selected = keys.reduce((best, k) => (best === null || counts.get(k) > counts.get(best) ? k : best), null);
    }
    const select = $('variant-select');
    select.replaceChildren(...keys.map((k) => el('option', { value: k, text: `${k} (${counts.get(k)})` })));
    select.disabled = keys.length === 0;
    if (selected !== null) select.value = selected;
    return { selected };
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

  /** One series per agent (and thread count, when several were measured), points sorted by batch. */
  function batchSeries(results, colours, yOf) {
    const threadCounts = new Set(results.map((r) => r.threads));
    const byKey = new Map();
    for (const r of results) {
      const key = threadCounts.size > 1 ? `${r.agentName} (${r.threads} threads)` : r.agentName;
      if (!byKey.has(key)) byKey.set(key, { key, agent: r.agentName, color: colours.get(r.agentName), points: [] });
      byKey.get(key).points.push(yOf(r));
    }
    const series = [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
    series.forEach((s) => s.points.sort((a, b) => a.x - b.x));
    return series;
  }

  function renderBatchCharts(results, colours) {
    const latency = batchSeries(results, colours, (r) => ({
      x: r.batchSize, y: r.p50Ms, p90: num(r.p90Ms), p99: num(r.p99Ms),
      title: `${r.agentName}, batch ${r.batchSize}: p50 ${ms(r.p50Ms)} ms, p90 ${ms(r.p90Ms)} ms, p99 ${ms(r.p99Ms)} ms`,
    })).map((s) => ({ ...s, points: s.points.filter((p) => num(p.y) !== null) }));
    charts.lineChart($('chart-latency'), latency, {
      xLabel: 'batch size', yLabel: 'latency per batch (ms)', bands: true, emptyMessage: 'no latency data',
    });
    legend($('legend-latency'), latency, [[null, 2.2, 'p50'], ['5 3', 1.3, 'p90'], ['1.5 2.5', 1.3, 'p99']]);

    const throughput = batchSeries(results, colours, (r) => ({
      x: r.batchSize, y: r.throughputSamplesPerS,
      title: `${r.agentName}, batch ${r.batchSize}: ${charts.format(r.throughputSamplesPerS)} samples/s`,
    })).map((s) => ({ ...s, points: s.points.filter((p) => num(p.y) !== null) }));
    charts.lineChart($('chart-throughput'), throughput, {
      xLabel: 'batch size', yLabel: 'throughput (samples/s)', emptyMessage: 'no throughput data',
    });
    legend($('legend-throughput'), throughput, []);
  }

  function renderScatter(colours) {
    const points = state.results.map((r) => ({
      x: num(r.predictedMs), y: num(r.p50Ms), agent: r.agentName, color: colours.get(r.agentName),
      title: `${r.agentName} · ${variantKey(r)} · batch ${r.batchSize}: predicted ${ms(r.predictedMs)} ms, ` +
        `measured p50 ${ms(r.p50Ms)} ms (×${fixed(r.p50Ms / r.predictedMs, 2)}, ${r.peakBasis || 'unknown'} peak)`,
    }));
    const shown = charts.scatterChart($('chart-predicted'), points, {
      xLabel: 'predicted (ms)', yLabel: 'measured p50 (ms)', emptyMessage: 'no predictions to compare',
    }) || [];
    const agents = [...new Set(shown.map((p) => p.agent))].sort();
    const series = agents.map((a) => ({ key: a, color: colours.get(a) }));
    const omitted = points.length - shown.length;
    legend($('legend-predicted'), series, [], ['dashed diagonal: y = x (prediction exact)'].concat(omitted > 0 ? [`${omitted} without prediction omitted`] : []));
  }

  /** styles: [[dasharray or null, stroke width, label]] describing line styles shared by all series. */
  function legend(container, series, styles, notes) {
    const keys = series.map((s) => el('span', { className: 'key' }, [charts.swatch(s.color), s.key]));
    for (const [dash, width, label] of styles) {
      keys.push(el('span', { className: 'key note' }, [charts.swatch('#57606a', dash, width), label]));
    }
    for (const note of notes || []) keys.push(el('span', { className: 'key note', text: note }));
    container.replaceChildren(...keys);
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
  ];

  function renderResultsHeader() {
    const cells = TABLE_COLUMNS.map((c) => el('th', {
      className: c.num ? 'num' : '', text: c.label,
      title: state.schema && state.schema.has(c.key) ? state.schema.get(c.key).description : '',
    }));
    $('results-table').querySelector('thead').replaceChildren(el('tr', {}, cells));
  }

  function renderResultsTable(colours) {
    renderResultsHeader();
    const rows = [...state.rows].sort((a, b) =>
      (a.agentName || '').localeCompare(b.agentName || '') || a.modelName.localeCompare(b.modelName) ||
      a.variantRecipe.localeCompare(b.variantRecipe) || a.batchSize - b.batchSize || (a.threads || 0) - (b.threads || 0));
    const tbody = $('results-table').querySelector('tbody');
    tbody.replaceChildren(...rows.map((r) => el('tr', { 'data-agent': r.agentName || '', 'data-job': r.jobId, 'data-state': r.state },
      TABLE_COLUMNS.map((c) => {
        if (c.cell) return c.cell(r, colours);
        const props = { className: c.num ? 'num' : '', text: c.text ? c.text(r) : (r[c.key] === null || r[c.key] === undefined ? '–' : String(r[c.key])) };
        if (c.col) props['data-col'] = c.col;
        if (c.title) props.title = c.title(r);
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
    $('variant-select').addEventListener('change', (event) => {
      state.variant = event.target.value;
      render();
    });
    refresh();
    setInterval(refresh, REFRESH_MS);
  }

  document.addEventListener('DOMContentLoaded', init);
})();
