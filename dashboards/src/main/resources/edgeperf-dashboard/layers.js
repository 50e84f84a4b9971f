/*
 * edgeperf dashboard, per-layer view and explanations: the measured per-layer times of the result row
 * the user picked (GET api/jobs/{jobId}/layers, top 20 by measured time, inline bars, with each graph node's
 * predicted ms and MACs stored with the job's lease), the
 * campaign's "where the time goes vs where the FLOPs are" per op type (GET api/campaigns/{id}/analysis,
 * byOpType), and what each predictor assumed. Exposes window.EdgeLayers = { show, clear, renderOpTypes,
 * assumptions, TOP }. Data is inserted with textContent only.
 */
(function () {
  'use strict';

  const TOP = 20;
  // Kernels ONNX Runtime runs for int8 QDQ / QOperator graphs: an int8 variant whose heavy layers run
  // none of these fell back to fp32 kernels.
  const INT8_KERNELS = /^(QLinear|ConvInteger|MatMulInteger|DynamicQuantize|QuantizeLinear|DequantizeLinear|QGemm|QAttention|MatMulIntegerToFloat|DynamicQuantizeMatMul)/;
  // Op types that do no multiply-accumulate work: their time is memory traffic or dispatch.
  const NO_FLOP_OPS = /^(Relu|Clip|Sigmoid|Reshape|Flatten|Transpose|Concat|Split|Slice|Gather|MaxPool|Identity|Cast|Squeeze|Unsqueeze|Pad|Shape|QuantizeLinear|DequantizeLinear|DynamicQuantizeLinear)/;

  let current = null; // jobId whose layers are shown (a later click supersedes a pending fetch)

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === 'text') node.textContent = value;
      else if (key === 'className') node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children || []) {
      if (child !== null && child !== undefined) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function num(v) { return typeof v === 'number' && Number.isFinite(v) ? v : null; }

  /** µs as ms: four decimals under 1 ms (per-layer times of small models are µs), three above. */
  function ms3(us) { return num(us) === null ? '–' : (us / 1000).toFixed(us < 1000 ? 4 : 3); }

  function times(ratio) { return '×' + (ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(1)); }

  function pct(share) { return num(share) === null ? '–' : (100 * share).toFixed(1) + ' %'; }

  /** A share (0..1) as a number and a bar; cls colours the bar. */
  function barCell(share, cls, col) {
    const width = num(share) === null ? 0 : Math.max(0, Math.min(100, 100 * share));
    return el('td', { className: 'bar-cell', 'data-col': col }, [
      el('span', { className: 'bar ' + cls, style: `width:${width.toFixed(1)}%` }),
      el('span', { className: 'bar-value', text: pct(share) }),
    ]);
  }

  /** Predicted ms: as measured ms from 0.01 ms up, three significant digits below (naive per-node figures are ns). */
  function predictedText(msValue) {
    if (num(msValue) === null) return '–';
    return msValue === 0 || msValue >= 0.01 ? ms3(msValue * 1000) : msValue.toPrecision(3);
  }

  /** Measured ÷ predicted for one layer, coloured when off by more than 2×; '–' without a prediction. */
  function ratioCell(l) {
    const ratio = num(l.predictedMs) > 0 ? l.meanUs / 1000 / l.predictedMs : null;
    return el('td', { className: ratio === null ? 'num' : ratio > 2 ? 'num ratio-high' : ratio < 0.5 ? 'num ratio-low' : 'num',
      'data-col': 'measured-over-predicted', text: ratio === null ? '–' : '×' + ratio.toFixed(ratio >= 100 ? 0 : ratio >= 10 ? 1 : 2) });
  }

  /** The campaign's byOpType rows by op type. */
  function opTypeMap(analysis) {
    const m = new Map();
    if (analysis && !analysis.missing) (analysis.byOpType || []).forEach((o) => m.set(o.opType, o));
    return m;
  }

  /**
   * Why a layer may take more (or less) than its FLOPs say: heuristics read off the kernel's op type,
   * the variant and the campaign's op-type shares, shown as hints, never as measurements.
   */
  function reading(layer, row, ops) {
    const notes = [];
    const op = layer.graphOpType || layer.opType || '';
    if (!layer.inGraph) notes.push('kernel added by ONNX Runtime (not a node of the submitted graph)');
    if (/^quantized/.test(row.variantRecipe || '') && !INT8_KERNELS.test(layer.opType || '') && /^(Conv|Gemm|MatMul)/.test(layer.opType || '')) {
      notes.push('fp32 kernel in an int8 variant: this layer was not quantized');
    }
    const o = ops.get(op);
    if (NO_FLOP_OPS.test(op)) notes.push('few or no FLOPs: memory traffic and dispatch overhead');
    else if (o && num(o.timeShare) !== null && num(o.flopsShare) !== null && o.flopsShare > 0 && o.timeShare > 2 * o.flopsShare) {
      notes.push(`${op} takes ${times(o.timeShare / o.flopsShare)} its FLOPs share: memory-bound or overhead`);
    }
    return notes.join('; ');
  }

  function clear(message) {
    current = null;
    document.getElementById('layers-title').textContent = '';
    document.getElementById('layers-note').textContent = message || 'click a done row of the results table to see its layers';
    document.getElementById('layers-table').querySelector('tbody').replaceChildren();
    document.getElementById('layers-table').hidden = true;
  }

  /** Fetches and draws the layers of result row `row`; analysis: the campaign's /analysis answer or {missing}. */
  async function show(row, analysis) {
    const jobId = row.jobId;
    current = jobId;
    document.getElementById('layers-title').textContent =
      `(${row.agentName} · ${row.modelName} · ${row.variantRecipe} · batch ${row.batchSize} · ${row.threads} threads)`;
    document.getElementById('layers-note').textContent = 'loading…';
    let answer;
    try {
      const response = await fetch('api/jobs/' + encodeURIComponent(jobId) + '/layers', { cache: 'no-store', headers: { Accept: 'application/json' } });
      answer = response.ok ? await response.json() : { missing: 'no per-layer times: HTTP ' + response.status };
    } catch (error) {
      answer = { missing: 'no per-layer times: ' + error.message };
    }
    if (current !== jobId) return; // another row was picked meanwhile
    const section = document.getElementById('layers');
    section.dataset.job = jobId;
    const table = document.getElementById('layers-table');
    const layers = answer.missing ? [] : [...(answer.layers || [])];
    if (!layers.length) {
      table.hidden = true;
      table.querySelector('tbody').replaceChildren();
      document.getElementById('layers-note').textContent = answer.missing ||
        'this result has no per-layer times (the agent\'s profiled pass gave none)';
      return;
    }
    layers.sort((a, b) => b.meanUs - a.meanUs);
    const top = layers.slice(0, TOP);
    const ops = opTypeMap(analysis);
    const maxShare = Math.max(...top.map((l) => num(l.share) || 0), 1e-9);
    table.querySelector('tbody').replaceChildren(...top.map((l, i) => {
      const o = ops.get(l.graphOpType || l.opType);
      // bars are scaled to the largest layer shown; the number beside each is its share of the profiled total
      const bar = (share) => Math.min(1, (num(share) || 0) / maxShare);
      const shareCell = barCell(bar(l.share), 'bar-time', 'share');
      shareCell.querySelector('.bar-value').textContent = pct(l.share);
      return el('tr', { 'data-node': l.node, 'data-mean-us': String(l.meanUs) }, [
        el('td', { className: 'num', text: String(i + 1) }),
        el('td', { 'data-col': 'node', text: l.node, title: l.inGraph ? 'a node of the submitted graph' : 'not in the submitted graph' }),
        el('td', { 'data-col': 'kernel', text: l.opType || '–' }),
        el('td', { 'data-col': 'graph-op', text: l.graphOpType || '–' }),
        el('td', { className: 'num', 'data-col': 'ms', text: ms3(l.meanUs) }),
        el('td', { className: 'num', 'data-col': 'predicted-ms', text: predictedText(l.predictedMs) }),
        ratioCell(l),
        el('td', { className: 'num', 'data-col': 'macs', text: num(l.macs) === null ? '–' : Math.round(l.macs).toLocaleString('en-US') }),
        shareCell,
        el('td', { className: 'num', 'data-col': 'runs', text: String(l.runs) }),
        barCell(o ? o.timeShare : null, 'bar-time', 'op-time-share'),
        barCell(o ? o.flopsShare : null, 'bar-flops', 'op-flops-share'),
        el('td', { className: 'wrap note', 'data-col': 'reading', text: reading(l, row, ops) }),
      ]);
    }));
    table.hidden = false;
    const p50 = num(row.p50Ms);
    const totalMs = num(answer.totalUs) === null ? null : answer.totalUs / 1000;
    const gap = p50 === null || totalMs === null ? '' : totalMs > p50
      ? ' (above: the profiler slows every kernel)' : ' (the gap is session.run overhead outside the kernels)';
    document.getElementById('layers-note').textContent =
      `top ${top.length} of ${layers.length} kernels by measured time; ONNX Runtime profiler, a short pass after the timed runs` +
      ` (its kernels are slower than unprofiled ones); sum of all kernels ${ms3(answer.totalUs)} ms per run` +
      (p50 === null ? '' : ` vs measured p50 ${p50.toFixed(4)} ms per batch${gap}`) +
      (ops.size ? '' : '; no op-type shares: ' + (analysis && analysis.missing ? analysis.missing : 'loading')) +
      (answer.predictor ? `; predicted ms: the ${answer.predictor} predictor's per-node time at lease time; MACs per batch from the cost model`
        : '; no per-node prediction or MACs were stored with this job\'s lease');
    document.getElementById('layers-predicted-head').textContent = answer.predictor ? `predicted ms (${answer.predictor})` : 'predicted ms';
  }

  /** The campaign's op types: share of the measured per-layer time vs share of the FLOPs. */
  function renderOpTypes(analysis) {
    const tbody = document.getElementById('optype-table').querySelector('tbody');
    const note = document.getElementById('optype-note');
    // largest measured time first, ties by name: the API's order of equal times may differ between calls
    const rows = analysis && !analysis.missing ? [...(analysis.byOpType || [])]
      .sort((a, b) => (b.measuredUs || 0) - (a.measuredUs || 0) || String(a.opType).localeCompare(String(b.opType))) : [];
    note.textContent = rows.length ? '' : (analysis && analysis.missing) || 'no per-layer times in this campaign';
    tbody.replaceChildren(...rows.map((o) => {
      const ratio = num(o.timeShare) !== null && num(o.flopsShare) > 0 ? o.timeShare / o.flopsShare : null;
      return el('tr', { 'data-op': o.opType }, [
        el('td', { text: o.opType }),
        el('td', { className: 'num', 'data-col': 'measured-ms', text: ms3(o.measuredUs) }),
        barCell(o.timeShare, 'bar-time', 'time-share'),
        barCell(o.flopsShare, 'bar-flops', 'flops-share'),
        el('td', { className: ratio === null ? 'num' : ratio > 2 ? 'num ratio-high' : ratio < 0.5 ? 'num ratio-low' : 'num',
          'data-col': 'ratio', text: ratio === null ? (num(o.timeShare) > 0 ? 'no FLOPs' : '–') : times(ratio) }),
      ]);
    }));
  }

  const ASSUMES = {
    predictedMs: 'FLOPs ÷ the agent\'s peak at lease time (the seed rule)',
    predictedNaiveMs: 'FLOPs ÷ peak GFLOP/s: every op compute-bound at peak, no memory or dispatch cost',
    predictedRooflineMs: 'per node max(FLOPs ÷ attainable compute for its op class and dtype, bytes ÷ measured bandwidth) + per-node dispatch overhead, from the calibrated device profile',
    predictedKernelMs: 'sum of per-kernel regressors fitted on single-kernel measurements over the ONNX-Runtime-optimized graph',
    predictedLearnedMs: 'the kernel (when complete) or roofline figure × a correction fitted on other models measured on the same agent in earlier campaigns, made at lease time (campaign analyze judges it leave-one-model-out)',
  };

  /**
   * What predictor `field` assumed over `rows`: its rule, the peak basis and GFLOP/s of the rows it
   * predicted, and how many of them came from a stale device profile (with the reasons).
   */
  function assumptions(field, rows, schema) {
    const predicted = rows.filter((r) => num(r[field]) > 0);
    const bases = new Map();
    predicted.forEach((r) => {
      const key = (r.peakBasis || 'unknown') + (num(r.peakGflops) === null ? '' : ' ' + r.peakGflops.toFixed(1) + ' GFLOP/s');
      bases.set(key, (bases.get(key) || 0) + 1);
    });
    const stale = field === 'predictedMs' ? [] : predicted.filter((r) => r.predictionStale);
    const recommended = predicted.filter((r) => r.recommendedPredictor && ({
      predictedNaiveMs: 'naive-flops', predictedRooflineMs: 'roofline', predictedKernelMs: 'kernel',
      predictedLearnedMs: 'learned-from-campaigns' })[field] === r.recommendedPredictor).length;
    return {
      rule: ASSUMES[field] || (schema && schema.has(field) ? schema.get(field).description : field),
      basis: [...bases.keys()].sort().join(', ') || '–',
      stale: stale.length,
      staleReasons: [...new Set(stale.map((r) => r.predictionStaleReason || 'stale'))].join('; '),
      recommended,
      predicted: predicted.length,
    };
  }

  /** What of an /analysis answer the page draws, independent of the order of its lists: redraw only when it changes. */
  function signature(analysis) {
    if (!analysis || analysis.missing) return analysis ? 'missing:' + analysis.missing : '';
    return (analysis.byOpType || []).map((o) => [o.opType, o.measuredUs, o.flops].join(':')).sort().join('|');
  }

  window.EdgeLayers = { show, clear, renderOpTypes, assumptions, signature, TOP };
})();
