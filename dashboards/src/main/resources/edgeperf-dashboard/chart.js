/*
 * edgeperf dashboard charts: a thin layer over uPlot (window.uPlot, served from vendor/, put there by
 * the dashboards module's build from the uPlot WebJar). Exposes window.EdgeCharts =
 * { lineChart, scatterChart, format }. Every chart keeps its uPlot instance on its container
 * (container.uplot) and lists its series' labels in the container's data-series attribute.
 */
(function () {
  'use strict';

  /** 1234 -> "1.23k", 0.000123 -> "1.23e-4": compact labels for ticks and cells. */
  function format(value) {
    if (value === null || value === undefined || !Number.isFinite(value)) return '–';
    const a = Math.abs(value);
    if (a === 0) return '0';
    if (a >= 1e9) return (value / 1e9).toPrecision(3) + 'G';
    if (a >= 1e6) return (value / 1e6).toPrecision(3) + 'M';
    if (a >= 1e4) return (value / 1e3).toPrecision(3) + 'k';
    if (a >= 100) return value.toFixed(0);
    if (a >= 0.01) return String(Number(value.toPrecision(3)));
    return value.toExponential(2);
  }

  function clear(container, message) {
    if (container.uplot) { container.uplot.destroy(); container.uplot = null; }
    container.replaceChildren();
    container.dataset.series = '[]';
    if (message) {
      const p = document.createElement('p');
      p.className = 'empty';
      p.textContent = message;
      container.appendChild(p);
    }
  }

  function size(container, height) {
    return { width: Math.max(260, Math.floor(container.clientWidth || 360)), height: height || 240 };
  }

  function axes(xLabel, yLabel) {
    const values = (u, splits) => splits.map((v) => (v === null || v === undefined ? '' : format(v)));
    return [{ label: xLabel, values, size: 40 }, { label: yLabel, values, size: 56 }];
  }

  /** uPlot options shared by every chart: size, linear or log scales, labelled axes, a static legend. */
  function baseConfig(container, opts, series) {
    return {
      ...size(container, opts.height),
      scales: { x: { time: false, distr: opts.logX ? 3 : 1 }, y: { distr: opts.logY ? 3 : 1 } },
      axes: axes(opts.xLabel, opts.yLabel),
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      series,
    };
  }

  /**
   * Lines over a shared x: opts.xs (ascending), opts.series [{label, color, ys (aligned, null = none)}].
   * logX/logY put that axis on a log scale (all values must then be > 0).
   */
  function lineChart(container, opts) {
    clear(container);
    if (!opts.series.length || !opts.xs.length) { clear(container, opts.emptyMessage || 'no data'); return null; }
    const config = baseConfig(container, opts, [{ label: opts.xLabel }].concat(opts.series.map((s) => ({
        label: s.label, stroke: s.color, width: s.width || 2, dash: s.dash, spanGaps: true,
        points: { show: true, size: 6, fill: s.color },
      }))));
    const data = [opts.xs].concat(opts.series.map((s) => s.ys));
    container.uplot = new window.uPlot(config, data, container);
    container.dataset.series = JSON.stringify(opts.series.map((s) => s.label));
    return container.uplot;
  }

  /**
   * Points in groups: opts.groups [{label, color, points [{x, y}], size?}]; opts.refLines
   * [{label, factor, color, dash}] draw y = factor · x. Points are laid on one sorted x axis, each its
   * own slot, so uPlot's aligned data holds a scatter.
   */
  function scatterChart(container, opts) {
    clear(container);
    const all = [];
    opts.groups.forEach((g, gi) => g.points.forEach((p) => all.push({ gi, x: p.x, y: p.y })));
    if (!all.length) { clear(container, opts.emptyMessage || 'no data'); return null; }
    all.sort((a, b) => a.x - b.x);
    const xs = all.map((p) => p.x);
    const groupYs = opts.groups.map((g, gi) => all.map((p) => (p.gi === gi ? p.y : null)));
    const refs = opts.refLines || [];
    const series = [{ label: opts.xLabel }]
      .concat(opts.groups.map((g) => ({
        label: g.label, stroke: g.color, fill: g.color, paths: () => null,
        points: { show: true, size: g.size || 7, fill: g.color, stroke: g.stroke || g.color },
      })))
      .concat(refs.map((r) => ({ label: r.label, stroke: r.color || '#8c959f', dash: r.dash || [6, 4], width: 1.2,
        points: { show: false }, spanGaps: true })));
    const config = baseConfig(container, opts, series);
    const data = [xs].concat(groupYs).concat(refs.map((r) => xs.map((x) => r.factor * x)));
    container.uplot = new window.uPlot(config, data, container);
    container.dataset.series = JSON.stringify(opts.groups.map((g) => g.label));
    return container.uplot;
  }

  window.EdgeCharts = { lineChart, scatterChart, format, clear };
})();
