/*
 * Small SVG chart helpers for the edgeperf dashboard (no libraries, nothing fetched from elsewhere).
 * Exposes window.EdgeCharts = { lineChart, scatterChart, format }.
 * Series elements carry class + data-agent so tests and people can find them:
 *   <path class="series" data-agent="…">, <circle class="point" data-agent="…">.
 */
(function () {
  'use strict';

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const WIDTH = 440;
  const HEIGHT = 300;
  const MARGIN = { left: 62, right: 16, top: 14, bottom: 46 };

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== undefined && value !== null) node.setAttribute(key, String(value));
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Up to 3 significant digits, thousands as k/M, no trailing zeros. */
  function formatNumber(value) {
    if (!Number.isFinite(value)) return '–';
    const abs = Math.abs(value);
    if (abs >= 1e9) return trim(value / 1e9) + 'G';
    if (abs >= 1e6) return trim(value / 1e6) + 'M';
    if (abs >= 1e4) return trim(value / 1e3) + 'k';
    if (abs >= 100) return String(Math.round(value));
    return trim(value);
  }

  function trim(value) {
    return String(Number(value.toPrecision(3)));
  }

  /** Tick step of 1, 2 or 5 x 10^k giving about {@code count} ticks (d3's tickIncrement rule). */
  function niceStep(span, count) {
    const raw = span / Math.max(1, count);
    let step = Math.pow(10, Math.floor(Math.log10(raw)));
    const error = raw / step;
    if (error >= Math.sqrt(50)) step *= 10;
    else if (error >= Math.sqrt(10)) step *= 5;
    else if (error >= Math.sqrt(2)) step *= 2;
    return step;
  }

  /** A linear or logarithmic scale with ticks; domain [lo, hi] mapped onto pixel range [r0, r1]. */
  function makeScale(lo, hi, r0, r1, kind, tickValues) {
    if (kind === 'log') {
      const l0 = Math.log10(lo);
      const l1 = Math.log10(hi);
      const span = l1 - l0 || 1;
      const map = (v) => r0 + (Math.log10(v) - l0) / span * (r1 - r0);
      return { map, lo, hi, ticks: tickValues || logTicks(lo, hi) };
    }
    const span = hi - lo || 1;
    const map = (v) => r0 + (v - lo) / span * (r1 - r0);
    return { map, lo, hi, ticks: tickValues || linearTicks(lo, hi, 5) };
  }

  function linearTicks(lo, hi, count) {
    const step = niceStep(hi - lo || Math.abs(hi) || 1, count);
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
      ticks.push(Number(v.toPrecision(12)));
    }
    return ticks;
  }

  function logTicks(lo, hi) {
    const first = Math.floor(Math.log10(lo));
    const last = Math.ceil(Math.log10(hi));
    const decades = last - first;
    const multipliers = decades <= 1 ? [1, 2, 3, 5] : decades <= 3 ? [1, 2, 5] : [1];
    const ticks = [];
    for (let d = first; d <= last; d++) {
      for (const m of multipliers) {
        const v = m * Math.pow(10, d);
        if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(Number(v.toPrecision(12)));
      }
    }
    return ticks;
  }

  /** Linear domain starting at zero (honest bars of latency/throughput) with 8% headroom. */
  function zeroDomain(values) {
    const max = Math.max(...values.filter(Number.isFinite), 0);
    return [0, max > 0 ? max * 1.08 : 1];
  }

  /** Log domain padded by a factor on each side. */
  function logDomain(values, pad) {
    const positive = values.filter((v) => Number.isFinite(v) && v > 0);
    const lo = Math.min(...positive);
    const hi = Math.max(...positive);
    return lo === hi ? [lo / 2, hi * 2] : [lo / pad, hi * pad];
  }

  function frame(container, xScale, yScale, xLabel, yLabel) {
    const svg = svgEl('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', preserveAspectRatio: 'xMidYMid meet' });
    const x0 = MARGIN.left;
    const x1 = WIDTH - MARGIN.right;
    const y0 = HEIGHT - MARGIN.bottom;
    const y1 = MARGIN.top;

    const grid = svgEl('g', { class: 'grid' });
    const axes = svgEl('g', { class: 'axis' });
    for (const t of yScale.ticks) {
      const y = yScale.map(t);
      grid.appendChild(svgEl('line', { x1: x0, x2: x1, y1: y, y2: y }));
      axes.appendChild(svgEl('line', { x1: x0 - 4, x2: x0, y1: y, y2: y }));
      axes.appendChild(svgEl('text', { x: x0 - 7, y: y + 4, 'text-anchor': 'end', class: 'tick-label' }, formatNumber(t)));
    }
    for (const t of xScale.ticks) {
      const x = xScale.map(t);
      grid.appendChild(svgEl('line', { x1: x, x2: x, y1: y0, y2: y1 }));
      axes.appendChild(svgEl('line', { x1: x, x2: x, y1: y0, y2: y0 + 4 }));
      axes.appendChild(svgEl('text', { x, y: y0 + 17, 'text-anchor': 'middle', class: 'tick-label' }, formatNumber(t)));
    }
    axes.appendChild(svgEl('path', { d: `M${x0},${y1} V${y0} H${x1}`, fill: 'none' }));
    axes.appendChild(svgEl('text', { x: (x0 + x1) / 2, y: HEIGHT - 8, 'text-anchor': 'middle', class: 'axis-label' }, xLabel));
    axes.appendChild(svgEl('text', {
      x: 0, y: 0, 'text-anchor': 'middle', class: 'axis-label',
      transform: `translate(14 ${(y0 + y1) / 2}) rotate(-90)`,
    }, yLabel));
    svg.appendChild(grid);
    svg.appendChild(axes);
    container.replaceChildren(svg);
    return svg;
  }

  function pathData(points, xScale, yScale) {
    return points.map((p, i) => `${i ? 'L' : 'M'}${xScale.map(p.x).toFixed(1)},${yScale.map(p.y).toFixed(1)}`).join(' ');
  }

  function showEmpty(container, message) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = message;
    container.replaceChildren(p);
  }

  /**
   * Line chart over batch size.
   * series: [{ key, agent, color, points: [{ x, y, p90?, p99?, title }] }] (points sorted by x).
   * options: { xLabel, yLabel, bands: true to draw p90 (dashed) and p99 (dotted) companions }.
   */
  function lineChart(container, series, options) {
    const all = series.flatMap((s) => s.points);
    if (all.length === 0) {
      showEmpty(container, options.emptyMessage || 'no data');
      return;
    }
    const xs = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
    const logX = xs[0] > 0 && xs[xs.length - 1] / xs[0] >= 8;
    const pad = logX ? Math.pow(xs[xs.length - 1] / xs[0], 0.04) : 0;
    const xDomain = xs.length === 1
      ? (logX ? [xs[0] / 2, xs[0] * 2] : [xs[0] - 1, xs[0] + 1])
      : (logX ? [xs[0] / pad, xs[xs.length - 1] * pad] : [xs[0] - (xs[xs.length - 1] - xs[0]) * 0.04, xs[xs.length - 1] + (xs[xs.length - 1] - xs[0]) * 0.04]);
    const xTicks = xs.length <= 12 ? xs : undefined;
    const xScale = makeScale(xDomain[0], xDomain[1], MARGIN.left, WIDTH - MARGIN.right, logX ? 'log' : 'linear', xTicks);
    const yValues = all.flatMap((p) => (options.bands ? [p.y, p.p90, p.p99] : [p.y]));
    // A wide spread (small-batch p50 next to a noisy p99 tail, or agents 100x apart) flattens a
    // linear axis into a line at zero; switch to log so every series stays readable.
    const positiveY = yValues.filter((v) => Number.isFinite(v) && v > 0);
    const logY = positiveY.length > 1 && Math.max(...positiveY) / Math.min(...positiveY) > 20;
    const yDomain = logY ? logDomain(positiveY, 1.3) : zeroDomain(yValues);
    const yScale = makeScale(yDomain[0], yDomain[1], HEIGHT - MARGIN.bottom, MARGIN.top, logY ? 'log' : 'linear');
    const svg = frame(container, xScale, yScale, options.xLabel + (logX ? ' (log scale)' : ''),
      options.yLabel + (logY ? ' (log)' : ''));

    for (const s of series) {
      const group = svgEl('g', { class: 'series-group', 'data-agent': s.agent });
      if (options.bands) {
        for (const [field, cls] of [['p90', 'series-p90'], ['p99', 'series-p99']]) {
          const pts = s.points.filter((p) => Number.isFinite(p[field])).map((p) => ({ x: p.x, y: p[field] }));
          if (pts.length > 0) {
            group.appendChild(svgEl('path', { class: cls, 'data-agent': s.agent, stroke: s.color, d: pathData(pts, xScale, yScale) }));
          }
        }
      }
      group.appendChild(svgEl('path', { class: 'series', 'data-agent': s.agent, stroke: s.color, d: pathData(s.points, xScale, yScale) }));
      for (const p of s.points) {
        const dot = svgEl('circle', {
          class: 'point', 'data-agent': s.agent, 'data-x': p.x, 'data-y': p.y,
          cx: xScale.map(p.x).toFixed(1), cy: yScale.map(p.y).toFixed(1), r: 3.6, fill: s.color,
        });
        dot.appendChild(svgEl('title', {}, p.title));
        group.appendChild(dot);
      }
      svg.appendChild(group);
    }
  }

  /**
   * Predicted (x) vs measured (y) scatter with a y = x reference. Both axes share one domain so that
   * distance from the diagonal reads as prediction error; log-log when values span more than 20x.
   * points: [{ x, y, agent, color, title }].
   */
  function scatterChart(container, points, options) {
    const usable = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && p.x > 0 && p.y > 0);
    if (usable.length === 0) {
      showEmpty(container, options.emptyMessage || 'no data');
      return usable;
    }
    const values = usable.flatMap((p) => [p.x, p.y]);
    const ratio = Math.max(...values) / Math.min(...values);
    const log = ratio > 20;
    const domain = log ? logDomain(values, 1.4) : zeroDomain(values);
    const kind = log ? 'log' : 'linear';
    const xScale = makeScale(domain[0], domain[1], MARGIN.left, WIDTH - MARGIN.right, kind);
    const yScale = makeScale(domain[0], domain[1], HEIGHT - MARGIN.bottom, MARGIN.top, kind);
    const suffix = log ? ' (log)' : '';
    const svg = frame(container, xScale, yScale, options.xLabel + suffix, options.yLabel + suffix);

    svg.appendChild(svgEl('line', {
      class: 'reference', x1: xScale.map(domain[0]), y1: yScale.map(domain[0]),
      x2: xScale.map(domain[1]), y2: yScale.map(domain[1]),
    }));
    svg.appendChild(svgEl('text', {
      class: 'reference-label', x: xScale.map(domain[1]) - 4, y: yScale.map(domain[1]) + 14, 'text-anchor': 'end',
    }, 'y = x'));
    for (const p of usable) {
      const dot = svgEl('circle', {
        class: 'point', 'data-agent': p.agent, 'data-x': p.x, 'data-y': p.y,
        cx: xScale.map(p.x).toFixed(1), cy: yScale.map(p.y).toFixed(1), r: 4.2, fill: p.color, 'fill-opacity': 0.85,
      });
      dot.appendChild(svgEl('title', {}, p.title));
      svg.appendChild(dot);
    }
    return usable;
  }

    /** A 22x10 legend swatch: a line in the given colour, optionally dashed ("5 3") like its series. */
  function swatch(color, dash, width) {
    const svg = svgEl('svg', { width: 22, height: 10, viewBox: '0 0 22 10', class: 'swatch-line' });
    svg.appendChild(svgEl('line', { x1: 1, x2: 21, y1: 5, y2: 5, stroke: color, 'stroke-width': width || 2.5, 'stroke-dasharray': dash }));
    return svg;
  }

  window.EdgeCharts = { lineChart, scatterChart, swatch, format: formatNumber, linearTicks, logTicks };
})();
