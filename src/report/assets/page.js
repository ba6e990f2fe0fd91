/*
 * The report page's own script (plain JavaScript, inlined by src/report/page.ts after uPlot and after the
 * compiled decodeSeries and minMaxColumns). It reads the meta (JSON) and the series (gzip + base64, see
 * src/report/encode.ts), and draws: every chart shares one time range (drag on any chart to zoom all,
 * double-click or "Reset zoom" to see everything), each chart is handed min/max per pixel column of the
 * visible range (minMaxColumns) so no spike is lost, alerts are bands behind every chart and rows of a
 * table, and a click on a process charts its series on the same range.
 * Text from the recording only ever goes into the page as textContent, never as markup.
 * window.vigilReport exposes the charts and the state for the browser tests.
 */
/* global uPlot, decodeSeries, minMaxColumns */
(function () {
  const meta = JSON.parse(document.getElementById('vigil-meta').textContent);
  const H = meta.header;
  const root = document.getElementById('report');
  const report = { ready: false, readyMs: null, errors: [], charts: [], heat: null, view: null, full: null, procCharts: new Map() };
  window.vigilReport = report;

  // Colours: a qualitative palette without red (red is the alert bands') and without grey (the grid's).
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#3d5a80', '#6a994e',
    '#f4a261', '#264653', '#7b2cbf', '#a47148', '#2a9d8f', '#c9a227'];
  const BAND = 'rgba(214, 40, 40, 0.16)';
  const BAND_EDGE = 'rgba(214, 40, 40, 0.55)';
  const MIN_SPAN_MS = 500;
  const BINARY_INCRS = [];
  for (let k = 0; k <= 6; k++) for (const m of [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]) BINARY_INCRS.push(m * 1024 ** k);

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids) if (k != null) e.append(k);
    return e;
  }

  function fail(msg) {
    report.errors.push(msg);
    root.prepend(el('div', { class: 'error', text: `This report could not be drawn completely: ${msg}` }));
  }
  window.addEventListener('error', (e) => fail(e.message || String(e.error)));
  window.addEventListener('unhandledrejection', (e) => fail(String(e.reason && e.reason.message ? e.reason.message : e.reason)));

  // ------------------------------------------------------------------ formatting
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  function fmtTime(ms, withDate) {
    const d = new Date(ms);
    const t = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${t}` : t;
  }
  function fmtDuration(ms) {
    if (ms < 1000) return `${Math.round(ms)} ms`;
    let s = Math.round(ms / 100) / 10;
    if (s < 60) return `${s} s`;
    s = Math.round(s);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h > 0 ? `${h} h ${pad(m)} min` : `${m} min ${pad(s % 60)} s`;
  }
  function sig(v) {
    const a = Math.abs(v);
    // Three significant digits, no trailing zeros (2 GiB, 1.5 GiB, 0.25%).
    return String(Number(a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2)));
  }
  function fmtBytes(v) {
    if (v == null || v !== v) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${i === 0 && v === Math.round(v) ? v : sig(v)} ${units[i]}`;
  }
  function fmtCount(v) {
    if (v == null || v !== v) return '–';
    const a = Math.abs(v);
    if (a >= 1e9) return `${sig(v / 1e9)}G`;
    if (a >= 1e6) return `${sig(v / 1e6)}M`;
    if (a >= 1e4) return `${sig(v / 1e3)}k`;
    return a >= 100 || a === Math.round(a) ? String(Math.round(v)) : sig(v);
  }
  const FMT = {
    '%': (v) => (v == null || v !== v ? '–' : `${v === 0 ? 0 : v >= 10 ? v.toFixed(0) : v.toFixed(1)}%`),
    B: fmtBytes,
    'B/s': (v) => (v == null || v !== v ? '–' : `${fmtBytes(v)}/s`),
    '/s': (v) => (v == null || v !== v ? '–' : `${fmtCount(v)}/s`),
    '': fmtCount,
    n: (v) => (v == null || v !== v ? '–' : fmtCount(Math.round(v))),
    s: (v) => (v == null || v !== v ? '–' : `${sig(v)} s`),
  };
  const fmtUnit = (unit) => FMT[unit] || FMT[''];

  // ------------------------------------------------------------------ data
  async function unpack() {
    const b64 = document.getElementById('vigil-data').textContent.trim();
    if (b64 === '') return new Uint8Array(0);
    const bin = atob(b64);
    const gz = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) gz[i] = bin.charCodeAt(i);
    if (typeof DecompressionStream !== 'function') throw new Error('this browser cannot decompress (no DecompressionStream); open the report in a current Chrome, Firefox or Safari');
    const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  let bytes = null;
  function times(ref) {
    const out = new Float64Array(ref.c);
    decodeSeries(bytes, ref.o, ref.o + ref.n, ref.c, ref.s, out);
    return out;
  }
  /** A series over its whole axis of `len` points: NaN before it began and after it ended. */
  function series(ref, len) {
    const out = new Float32Array(len).fill(NaN);
    const n = Math.min(ref.c, len - ref.at);
    if (n > 0) decodeSeries(bytes, ref.o, ref.o + ref.n, n, ref.s, out.subarray(ref.at, ref.at + n));
    return out;
  }
  function sum(a, b) {
    const out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      out[i] = x === x || y === y ? (x === x ? x : 0) + (y === y ? y : 0) : NaN;
    }
    return out;
  }

  // ------------------------------------------------------------------ the shared range
  const view = { min: 0, max: 1 };
  const full = { min: 0, max: 1 };
  report.view = view;
  report.full = full;
  const rangeListeners = [];
  let rangeLabel = null;

  function setRange(min, max) {
    if (!(max > min)) return;
    if (max - min < MIN_SPAN_MS) {
      const mid = (min + max) / 2;
      min = mid - MIN_SPAN_MS / 2;
      max = mid + MIN_SPAN_MS / 2;
    }
    view.min = Math.max(full.min, min);
    view.max = Math.min(full.max, max);
    if (!(view.max > view.min)) {
      view.min = full.min;
      view.max = full.max;
    }
    for (const f of rangeListeners) f();
    if (rangeLabel) {
      const zoomed = view.min > full.min || view.max < full.max;
      rangeLabel.textContent = `${zoomed ? 'Zoomed to' : 'Showing'} ${fmtTime(view.min, true)} – ${fmtTime(view.max, false)} (${fmtDuration(view.max - view.min)})`;
    }
  }
  const resetRange = () => setRange(full.min, full.max);
  report.setRange = setRange;

  // ------------------------------------------------------------------ alert bands
  function bandSpans() {
    return meta.alerts.map((a) => [a.start_t, a.end_t == null ? full.max : a.end_t]);
  }
  function drawBands(u) {
    const spans = bandSpans();
    if (spans.length === 0) return;
    const { left, top, width, height } = u.bbox;
    const ctx = u.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    for (const [a, b] of spans) {
      const x0 = u.valToPos(a, 'x', true);
      const x1 = u.valToPos(b, 'x', true);
      ctx.fillStyle = BAND;
      ctx.fillRect(x0, top, Math.max(2, x1 - x0), height);
      ctx.fillStyle = BAND_EDGE;
      ctx.fillRect(x0, top, 1, height);
    }
    ctx.restore();
  }

  // ------------------------------------------------------------------ line charts
  function chartWidth(container) {
    return Math.max(320, Math.floor(container.clientWidth || root.clientWidth - 40));
  }

  // A drag selects on one chart only (sync publishes cursor moves, not drags): its span becomes everyone's.
  let selecting = false;
  function onSelect(u) {
    const w = u.select.width;
    if (w > 3 && !selecting) {
      selecting = true;
      try {
        setRange(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + w, 'x'));
      } finally {
        selecting = false;
      }
    }
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
  }

  // Every figure here is 0 or more: the axis starts at 0, with a sliver below it so that a line at 0 is
  // drawn whole rather than half under the plot's edge (the ticks below 0 are not labelled).
  function yRange(full100) {
    return (u, min, max) => {
      const hi = full100 ? Math.max(100, max == null ? 0 : max) : uPlot.rangeNum(0, max == null || !(max > 0) ? 1 : max, 0.1, true)[1];
      return [-hi * 0.025, hi];
    };
  }

  /**
   * A chart over the shared range. axes: [{ unit, scale }] (one or two y axes); lines: [{ label, data,
   * scale, unit, hidden }] over xs.
   */
  function lineChart(container, title, xs, axes, lines, full100) {
    const width = chartWidth(container);
    const opts = {
      title,
      width,
      height: 190,
      ms: 1,
      cursor: {
        // Cursor moves are shared; selections and series toggles stay with their chart.
        sync: { key: 'vigil', setSeries: false, filters: { pub: (type) => type === 'mousemove' || type === 'mouseleave' } },
        drag: { x: true, y: false, setScale: false },
        bind: { dblclick: () => () => { resetRange(); return null; } },
      },
      scales: Object.fromEntries([['x', { time: true }], ...axes.map((a) => [a.scale, { range: yRange(full100 && a.unit === '%') }])]),
      axes: [
        { grid: { stroke: '#eceff4' } },
        ...axes.map((a, i) => ({
          scale: a.scale,
          side: i === 0 ? 3 : 1,
          size: 86,
          grid: { show: i === 0, stroke: '#eceff4' },
          // Byte axes step in powers of two (1, 2, 4 ... KiB), so their labels are round.
          incrs: a.unit === 'B' || a.unit === 'B/s' ? BINARY_INCRS : undefined,
          values: (u, splits) => splits.map((v) => (v < 0 ? '' : fmtUnit(a.unit)(v))),
        })),
      ],
      series: [
        { value: (u, v) => (v == null ? '–' : fmtTime(v, false)) },
        ...lines.map((l, i) => ({
          label: l.label,
          scale: l.scale,
          stroke: l.color || PALETTE[i % PALETTE.length],
          // 1 px, not 1.25: a whole-pixel line is drawn on the pixel grid; a fractional one is antialiased
          // along every segment, which made Chromium's software renderer take 3× as long to draw the page.
          width: 1,
          show: !l.hidden,
          value: (u, v) => fmtUnit(l.unit)(v),
        })),
      ],
      hooks: { setSelect: [onSelect], drawClear: [drawBands] },
    };
    const cols = () => Math.max(100, Math.round(chartWidth(container)));
    const data = () => {
      const d = minMaxColumns(xs, lines.map((l) => l.data), view.min, view.max, cols());
      return [d.x, ...d.y];
    };
    const u = new uPlot(opts, data(), container);
    u.setScale('x', { min: view.min, max: view.max });
    // A line's full name (a cgroup's path) as its legend entry's tooltip; the legend's first row is time.
    const legendRows = u.root.querySelectorAll('.u-legend .u-series');
    lines.forEach((l, i) => {
      if (l.title && legendRows[i + 1]) legendRows[i + 1].setAttribute('title', l.title);
    });
    const chart = {
      u,
      title,
      colors: lines.map((l, i) => l.color || PALETTE[i % PALETTE.length]),
      update() {
        u.batch(() => {
          u.setData(data(), false);
          u.setScale('x', { min: view.min, max: view.max });
        });
      },
      resize() {
        u.setSize({ width: chartWidth(container), height: 190 });
        chart.update();
      },
      destroy() {
        u.destroy();
        report.charts.splice(report.charts.indexOf(chart), 1);
      },
    };
    report.charts.push(chart);
    return chart;
  }

  // ------------------------------------------------------------------ heat strip (per core)
  const HEAT_STOPS = [[0, [243, 246, 251]], [20, [255, 236, 160]], [50, [253, 174, 97]], [80, [230, 85, 40]], [100, [150, 20, 20]]];
  function heatColour(v) {
    if (!(v === v)) return null;
    v = Math.max(0, Math.min(100, v));
    for (let i = 1; i < HEAT_STOPS.length; i++) {
      const [b, cb] = HEAT_STOPS[i];
      if (v <= b) {
        const [a, ca] = HEAT_STOPS[i - 1];
        const f = (v - a) / (b - a);
        return [0, 1, 2].map((k) => Math.round(ca[k] + f * (cb[k] - ca[k])));
      }
    }
    return HEAT_STOPS[HEAT_STOPS.length - 1][1];
  }

  /** One row per core, a pixel column's colour its busiest moment (the max of min/max per column). */
  function heatStrip(container, spec, xs, rows, plotOf) {
    const wrap = el('div', { class: 'heat' });
    const title = el('div', { class: 'heat-title', text: spec.title });
    const canvas = el('canvas');
    const legend = el('div', { class: 'legend', text: 'colour: busy % of each core (white idle, dark red 100%); hover for values' });
    wrap.append(title, canvas, legend);
    container.append(wrap);
    const rowH = Math.max(3, Math.min(14, Math.floor(150 / rows.length)));
    const state = { left: 0, width: 1, colMax: [] };
    function draw() {
      const { left, width } = plotOf();
      state.left = left;
      state.width = width;
      const W = left + width;
      const Hh = rowH * rows.length;
      canvas.width = W;
      canvas.height = Hh;
      canvas.style.width = `${W}px`;
      canvas.style.height = `${Hh}px`;
      const ctx = canvas.getContext('2d');
      ctx.clearRect(0, 0, W, Hh);
      const img = ctx.createImageData(width, Hh);
      const span = view.max - view.min;
      state.colMax = rows.map((r) => {
        const d = minMaxColumns(xs, [r.data], view.min, view.max, width);
        const col = new Float32Array(width).fill(NaN);
        // Each value is a rate over the interval that ends at its time: it covers the pixels since the previous one.
        let prevPx = null;
        for (let j = 0; j < d.x.length; j++) {
          const v = d.y[0][j];
          const px = Math.floor(((d.x[j] - view.min) / span) * width);
          if (v == null) {
            prevPx = null;
            continue;
          }
          const from = Math.max(0, prevPx == null ? px : Math.min(px, prevPx + 1));
          const to = Math.min(width - 1, px);
          for (let p = from; p <= to; p++) if (!(col[p] >= v)) col[p] = v;
          prevPx = px;
        }
        return col;
      });
      state.colMax.forEach((col, r) => {
        for (let p = 0; p < width; p++) {
          const c = heatColour(col[p]);
          if (c === null) continue;
          for (let y = r * rowH; y < (r + 1) * rowH - (rowH > 4 ? 1 : 0); y++) {
            const o = (y * width + p) * 4;
            img.data[o] = c[0];
            img.data[o + 1] = c[1];
            img.data[o + 2] = c[2];
            img.data[o + 3] = 255;
          }
        }
      });
      ctx.putImageData(img, left, 0);
      ctx.fillStyle = '#5d6678';
      ctx.font = `${Math.min(11, rowH)}px system-ui, sans-serif`;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      const every = Math.ceil(10 / rowH);
      rows.forEach((r, i) => {
        if (i % every === 0) ctx.fillText(r.label, left - 6, i * rowH + rowH / 2);
      });
    }
    // Zoom by dragging across it, like the charts; double-click resets; hover says the value.
    let dragFrom = null;
    const xOf = (e) => e.clientX - canvas.getBoundingClientRect().left - state.left;
    const valOf = (px) => view.min + (Math.max(0, Math.min(state.width, px)) / state.width) * (view.max - view.min);
    canvas.addEventListener('mousedown', (e) => { dragFrom = xOf(e); });
    window.addEventListener('mouseup', (e) => {
      if (dragFrom === null) return;
      const to = xOf(e);
      if (Math.abs(to - dragFrom) > 3) setRange(valOf(Math.min(dragFrom, to)), valOf(Math.max(dragFrom, to)));
      dragFrom = null;
    });
    canvas.addEventListener('dblclick', resetRange);
    canvas.addEventListener('mousemove', (e) => {
      const px = Math.floor(xOf(e));
      const r = Math.floor((e.clientY - canvas.getBoundingClientRect().top) / rowH);
      if (px < 0 || px >= state.width || r < 0 || r >= rows.length) return;
      const v = state.colMax[r][px];
      legend.textContent = `${rows[r].label} at ${fmtTime(valOf(px + 0.5), false)}: ${v === v ? `${v.toFixed(0)}% busy (busiest moment of this pixel)` : 'no value'}`;
    });
    const heat = { canvas, rows: rows.length, rowH, update: draw, resize: draw, range: () => ({ min: view.min, max: view.max }) };
    return heat;
  }

  // ------------------------------------------------------------------ sections
  function header() {
    const from = H.from == null ? '–' : fmtTime(H.from, true);
    const to = H.to == null ? '–' : fmtTime(H.to, true);
    const ms = (v) => (v >= 1000 && v % 1000 === 0 ? `${v / 1000} s` : `${v} ms`);
    const zone = -new Date(H.from == null ? Date.now() : H.from).getTimezoneOffset();
    const zoneText = `UTC${zone >= 0 ? '+' : '−'}${pad(Math.floor(Math.abs(zone) / 60))}:${pad(Math.abs(zone) % 60)}`;
    const fact = (k, v) => el('div', {}, `${k} `, el('b', { text: v }));
    root.append(
      el('h1', { text: `vigil report: ${H.hosts.join(', ') || 'no samples'}` }),
      el('div', { class: 'facts' },
        fact('Host', H.hosts.join(', ') || '–'),
        fact('Kernel', H.kernels.join(', ') || '–'),
        fact('Cores', String(H.cores || '–')),
        fact('Memory', H.mem_total_bytes == null ? '–' : fmtBytes(H.mem_total_bytes)),
        fact('Range', `${from} – ${to}${H.from != null ? ` (${fmtDuration(H.to - H.from)})` : ''}`),
        fact('Intervals', H.intervals.map((i) => `${ms(i.interval_ms)} system, ${ms(i.proc_interval_ms)} processes`).join('; ') || '–'),
        fact('Samples', `${H.samples} in ${H.sessions} session${H.sessions === 1 ? '' : 's'}`),
        fact('Recorded by', H.recorded_by.map((v) => `vigil ${v}`).join(', ') || '–'),
        fact('Report by', `vigil ${H.report_by}`),
        fact('File', H.file),
        fact('Times in', `${zoneText} (this browser's zone)`),
      ),
    );
  }

  function rangeBar() {
    rangeLabel = el('span', { class: 'range' });
    root.append(el('div', { class: 'bar' },
      el('button', { type: 'button', id: 'reset-zoom', text: 'Reset zoom', onclick: resetRange }),
      rangeLabel,
      el('span', { class: 'hint', text: 'drag across any chart to zoom all of them; double-click to see everything' }),
    ));
  }

  function alertsSection() {
    root.append(el('h2', { text: `Alerts (${meta.alerts.length})` }));
    if (meta.alerts.length === 0) {
      root.append(el('p', { class: 'empty', text: 'No breaches in this range.' }));
      return;
    }
    root.append(el('p', { class: 'hint' }, el('span', { class: 'swatch' }), ' each breach is a band on every chart; click a row to zoom to it'));
    const tbody = el('tbody');
    for (const a of meta.alerts) {
      const f = fmtUnit(a.unit);
      const subject = a.pid != null ? `${a.comm ?? '?'} (pid ${a.pid})` : a.subject;
      const end = a.end_t == null ? full.max : a.end_t;
      tbody.append(el('tr', {
        onclick: () => {
          const padMs = Math.max(2000, (end - a.start_t) * 0.5);
          setRange(a.start_t - padMs, end + padMs);
        },
      },
      el('td', { text: a.rule }),
      el('td', { text: `${a.metric} ${a.op} ${f(a.threshold)}` }),
      el('td', { text: subject }),
      el('td', { text: fmtTime(a.start_t, false) }),
      el('td', { text: a.end_t == null ? 'still active' : fmtTime(a.end_t, false) }),
      el('td', { class: 'num', text: fmtDuration(end - a.start_t) }),
      el('td', { class: 'num', text: f(a.peak) }),
      el('td', { class: 'num', text: f(a.average) }),
      ));
    }
    const head = el('tr', {}, ...['rule', 'condition', 'subject', 'start', 'end', 'duration', 'peak', 'average'].map((h, i) => el('th', { class: i >= 5 ? 'num' : '', text: h })));
    root.append(el('table', { id: 'alerts' }, el('thead', {}, head), tbody));
  }

  function systemSections(T) {
    const N = T.length;
    const data = new Map();
    const get = (id) => {
      if (!data.has(id)) data.set(id, series(meta.sys.series[id], N));
      return data.get(id);
    };
    let group = null;
    let firstLine = null;
    for (const spec of meta.charts) {
      if (spec.group !== group) {
        group = spec.group;
        root.append(el('h2', { text: group }));
      }
      const box = el('div', { class: 'chart', id: `chart-${spec.id}` });
      root.append(box);
      if (spec.kind === 'heat') {
        const rows = spec.series.map((s) => ({ label: s.label, data: get(s.id) }));
        // Its columns line up with the line charts' plot area (the first one's, once it exists).
        const plotOf = () => {
          const ref = firstLine && firstLine.u;
          const dpr = window.devicePixelRatio || 1;
          return ref ? { left: Math.round(ref.bbox.left / dpr), width: Math.max(50, Math.round(ref.bbox.width / dpr)) } : { left: 86, width: Math.max(50, chartWidth(box) - 92) };
        };
        report.heat = heatStrip(box, spec, T, rows, plotOf);
        continue;
      }
      const lines = spec.series.map((s) => ({ label: s.label, data: get(s.id), scale: 'y', unit: spec.unit, hidden: s.hidden }));
      const c = lineChart(box, spec.title, T, [{ unit: spec.unit, scale: 'y' }], lines, spec.full);
      c.id = spec.id;
      firstLine = firstLine || c;
    }
  }

  // ------------------------------------------------------------------ cgroups
  function cgroupSection() {
    const C = meta.cgroups;
    root.append(el('h2', { text: 'Cgroups' }));
    if (C == null) {
      root.append(el('p', { class: 'empty', text: 'this recording has no cgroup data' }));
      return;
    }
    if (C.t.c === 0) {
      root.append(el('p', { class: 'empty', text: 'no read of the cgroup tier in this range' }));
      return;
    }
    // The cgroup tier's own axis (its reads), on the shared range like the process charts.
    const CT = times(C.t);
    const N = CT.length;
    const cache = new Map();
    const get = (i, name) => {
      const k = `${i}.${name}`;
      if (!cache.has(k)) cache.set(k, series(C.list[i].series[name], N));
      return cache.get(k);
    };
    const nest = 'groups nest: a slice\'s figure includes its services\' figures; hover a legend entry for the group\'s path';
    const cpuTop = C.tops.cpu;
    const memTop = C.tops.mem;
    // The table's rows: the top by CPU, then the top by memory not among them. A group keeps its row's
    // colour in every chart (at most 2 × top_n groups, as many colours).
    const rows = [...cpuTop, ...memTop.filter((i) => !cpuTop.includes(i))];
    const colour = (i) => PALETTE[rows.indexOf(i) % PALETTE.length];
    const chart = (id, title, idx, name, unit, full100, caption) => {
      const box = el('div', { class: 'chart', id: `chart-${id}` });
      root.append(box);
      const lines = idx.map((i) => ({ label: C.list[i].name, title: C.list[i].path, data: get(i, name), scale: 'y', unit, color: colour(i) }));
      const c = lineChart(box, title, CT, [{ unit, scale: 'y' }], lines, full100);
      c.id = id;
      root.append(el('p', { class: 'hint caption', text: caption }));
    };
    // Of the groups that had the figure at all (a v1 group in the memory hierarchy only has no CPU time).
    const topText = (k, of, by, order) =>
      (of > k ? `the top ${k} by ${order} of the ${of} groups with ${by} in the range (the rest are not drawn)` : `the ${of === 1 ? 'one group' : `${of} groups`} with ${by} in the range`);
    if (cpuTop.length === 0) root.append(el('p', { class: 'empty', text: 'no group but the root (the whole machine) used CPU in this range' }));
    else {
      chart('cg-cpu', 'Cgroups: CPU (% of one core)', cpuTop, 'cpu', '%', false,
        `${topText(cpuTop.length, C.ranked.cpu, 'CPU time', 'CPU time')}; the root is the whole machine (the CPU chart above); ${nest}`);
      // Throttling of the groups with a CPU quota, or that were throttled at all (a quota set only for a while).
      const thr = cpuTop.filter((i) => C.list[i].totals.thr_avg_pct != null && (C.list[i].totals.cpu_limit_cores != null || C.list[i].totals.thr_avg_pct > 0));
      if (thr.length > 0) {
        chart('cg-thr', 'Cgroups: CPU throttled (share of CFS periods)', thr, 'thr', '%', true,
          `of the groups above, those with a CPU quota: the share of enforcement periods in which the group was throttled`);
      }
    }
    if (memTop.length === 0) root.append(el('p', { class: 'empty', text: 'no group but the root had a memory figure in this range' }));
    else {
      chart('cg-mem', 'Cgroups: memory in use', memTop, 'mem', 'B', false,
        `memory.current (v1 memory.usage_in_bytes, page cache included) of ${topText(memTop.length, C.ranked.mem, 'a memory figure', 'peak memory')}; ${nest}`);
    }
    const lim = (v, f) => (v == null ? '-' : f(v));
    const tbody = el('tbody');
    rows.forEach((i, k) => {
      const g = C.list[i];
      const t = g.totals;
      tbody.append(el('tr', { 'data-path': g.path, 'data-name': g.name },
        el('td', { class: 'num', text: String(k + 1) }),
        el('td', { class: 'name', title: g.path }, el('span', { class: 'key', style: `background: ${colour(i)}` }), g.name),
        el('td', { class: 'num', text: t.cpu_avg_pct == null ? '–' : FMT.s(t.cpu_s) }),
        el('td', { class: 'num', text: FMT['%'](t.cpu_avg_pct) }),
        el('td', { class: 'num', text: FMT['%'](t.cpu_peak_pct) }),
        el('td', { class: 'num', text: FMT['%'](t.thr_avg_pct) }),
        el('td', { class: 'num', text: lim(t.cpu_limit_cores, (v) => `${sig(v)} cores`) }),
        el('td', { class: 'num', text: FMT.B(t.mem_peak_bytes) }),
        el('td', { class: 'num', text: lim(t.mem_limit_bytes, FMT.B) }),
        el('td', { class: 'num', text: FMT.n(t.oom_kills) }),
      ));
    });
    const heads = ['#', 'group', 'CPU time', 'avg CPU', 'peak CPU', 'throttled', 'CPU limit', 'peak memory', 'memory limit', 'OOM kills'];
    const head = el('tr', {}, ...heads.map((h, i) => el('th', { class: i === 1 ? '' : 'num', text: h })));
    root.append(el('h3', { text: 'Top groups' }));
    root.append(el('p', { class: 'hint', text: 'CPU % of one core, averaged over the reads that had a rate; peak memory is the highest memory.current read in the range; a limit of max is -; hover a name for its path' }));
    root.append(el('table', { id: 'cgroups' }, el('thead', {}, head), tbody));
  }

  // ------------------------------------------------------------------ processes
  const RANKS = [
    { key: 'cpu', title: 'Top processes by CPU', cols: [['CPU time', 's', (t) => t.cpu_s], ['avg', '%', (t) => (100 * t.cpu_s * 1000) / Math.max(1, full.max - full.min)], ['peak', '%', (t) => t.cpu_peak_pct]], spark: ['cpu'], unit: '%' },
    { key: 'mem', title: 'Top processes by memory (peak RSS)', cols: [['peak RSS', 'B', (t) => t.rss_peak_bytes]], spark: ['rss'], unit: 'B' },
    { key: 'io', title: 'Top processes by disk I/O', cols: [['read', 'B', (t) => t.read_bytes], ['written', 'B', (t) => t.write_bytes]], spark: ['rd', 'wr'], unit: 'B/s' },
    { key: 'net', title: 'Top processes by network', cols: [['received', 'B', (t) => t.rx_bytes], ['sent', 'B', (t) => t.tx_bytes]], spark: ['rx', 'tx'], unit: 'B/s' },
    { key: 'faults', title: 'Top processes by page faults', cols: [['minor', 'n', (t) => t.minflt], ['major', 'n', (t) => t.majflt]], spark: ['minflt', 'majflt'], unit: '/s' },
  ];

  function processSections(PT) {
    const P = meta.procs;
    const N = PT.length;
    const cache = new Map();
    const get = (i, name) => {
      const k = `${i}.${name}`;
      if (!cache.has(k)) cache.set(k, series(P.list[i].series[name], N));
      return cache.get(k);
    };
    const sparkData = (i, names) => names.map((n) => get(i, n)).reduce((a, b) => sum(a, b));
    root.append(el('h2', { text: 'Processes' }));
    root.append(el('p', { class: 'hint', text: 'totals over the whole range; click a process to chart it on the shared time axis (click again to remove it)' }));
    const selected = el('div', { id: 'proc-charts' });
    root.append(selected);
    const grid = el('div', { class: 'procs' });
    root.append(grid);
    const rowsOf = new Map();

    function toggle(i) {
      const have = report.procCharts.get(i);
      const rows = rowsOf.get(i) || [];
      if (have) {
        for (const c of have.charts) c.destroy();
        have.box.remove();
        report.procCharts.delete(i);
        for (const r of rows) r.classList.remove('on');
        return;
      }
      const p = P.list[i];
      const box = el('div', { class: 'proc-chart' });
      box.append(el('h3', { text: `${p.comm} (pid ${p.pid}${p.user ? `, ${p.user}` : ''})`, title: p.cmdline }));
      selected.append(box);
      const a = el('div', { class: 'chart' });
      const b = el('div', { class: 'chart' });
      box.append(a, b);
      const charts = [
        lineChart(a, `${p.comm} ${p.pid}: CPU and page faults`, PT, [{ unit: '%', scale: 'pct' }, { unit: '/s', scale: 'flt' }], [
          { label: 'CPU % (of one core)', data: get(i, 'cpu'), scale: 'pct', unit: '%' },
          { label: 'minor faults/s', data: get(i, 'minflt'), scale: 'flt', unit: '/s' },
          { label: 'major faults/s', data: get(i, 'majflt'), scale: 'flt', unit: '/s' },
        ]),
        lineChart(b, `${p.comm} ${p.pid}: memory, disk and network`, PT, [{ unit: 'B', scale: 'mem' }, { unit: 'B/s', scale: 'bps' }], [
          { label: 'RSS', data: get(i, 'rss'), scale: 'mem', unit: 'B' },
          { label: 'disk read', data: get(i, 'rd'), scale: 'bps', unit: 'B/s' },
          { label: 'disk write', data: get(i, 'wr'), scale: 'bps', unit: 'B/s' },
          { label: 'net received', data: get(i, 'rx'), scale: 'bps', unit: 'B/s' },
          { label: 'net sent', data: get(i, 'tx'), scale: 'bps', unit: 'B/s' },
        ]),
      ];
      report.procCharts.set(i, { box, charts });
      for (const r of rows) r.classList.add('on');
    }
    report.toggleProcess = toggle;

    const sparks = [];
    for (const R of RANKS) {
      const idx = P.tops[R.key] || [];
      const box = el('div', { class: 'rank', id: `procs-${R.key}` });
      box.append(el('h3', { text: R.title }));
      grid.append(box);
      if (idx.length === 0) {
        box.append(el('p', { class: 'empty', text: 'nothing in this range' }));
        continue;
      }
      const head = el('tr', {}, el('th', { class: 'num', text: '#' }), el('th', { class: 'num', text: 'pid' }), el('th', { text: 'name' }), el('th', { text: 'user' }),
        ...R.cols.map(([h]) => el('th', { class: 'num', text: h })), el('th', { text: 'over time' }));
      const tbody = el('tbody');
      idx.forEach((i, k) => {
        const p = P.list[i];
        const spark = el('td', { class: 'spark-cell' });
        const tr = el('tr', { 'data-pid': String(p.pid), 'data-comm': p.comm, onclick: () => toggle(i) },
          el('td', { class: 'num', text: String(k + 1) }),
          el('td', { class: 'num', text: String(p.pid) }),
          el('td', { class: 'name', text: p.kthread ? `[${p.comm}]` : p.comm, title: p.cmdline || p.comm }),
          el('td', { text: p.user || '–' }),
          ...R.cols.map(([, unit, f]) => el('td', { class: 'num', text: fmtUnit(unit)(f(p.totals)) })),
          spark,
        );
        tbody.append(tr);
        if (!rowsOf.has(i)) rowsOf.set(i, []);
        rowsOf.get(i).push(tr);
        sparks.push({ cell: spark, data: sparkData(i, R.spark), unit: R.unit });
      });
      box.append(el('table', {}, el('thead', {}, head), tbody));
    }
    // Sparklines: the whole range, min/max per column like the charts, no axes.
    for (const s of sparks) {
      const d = minMaxColumns(PT, [s.data], full.min, full.max, 80);
      const points = d.y[0].filter((v) => v != null).length;
      // A process read once in the range has a total (its counters against 0, for one born in it) but no
      // rate: nothing to draw, and the cell says so rather than stay blank.
      if (points === 0) {
        s.cell.append(el('span', { class: 'hint', text: 'one read', title: 'read once in this range: a total, no rate over time' }));
        continue;
      }
      // A process seen at one or two reads has no line to draw: show its points.
      const few = points <= 2;
      new uPlot({
        width: 150, height: 26, ms: 1, class: 'spark',
        cursor: { show: false }, legend: { show: false }, select: { show: false },
        // Zero sits a little above the bottom edge, so that an idle stretch still draws its line.
        scales: { x: { time: false, min: full.min, max: full.max }, y: { range: (u, min, max) => { const top = max > 0 ? max : 1; return [-0.08 * top, top]; } } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: '#1f77b4', fill: 'rgba(31, 119, 180, 0.15)', width: 1, points: { show: few, size: 4, fill: '#1f77b4' } }],
      }, [d.x, d.y[0]], s.cell);
    }
  }

  // ------------------------------------------------------------------ start
  async function start() {
    header();
    if (H.from == null) {
      root.append(el('p', { class: 'empty', text: 'No samples in this range.' }));
      alertsSection();
      return;
    }
    bytes = await unpack();
    const T = times(meta.sys.t);
    const PT = times(meta.procs.t);
    full.min = view.min = H.from;
    full.max = view.max = Math.max(H.to, H.from + 1);
    rangeBar();
    alertsSection();
    systemSections(T);
    cgroupSection();
    processSections(PT);
    rangeListeners.push(() => {
      for (const c of report.charts) c.update();
      if (report.heat) report.heat.update();
    });
    setRange(full.min, full.max);
    let timer = null;
    window.addEventListener('resize', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        for (const c of report.charts) c.resize();
        if (report.heat) report.heat.resize();
      }, 150);
    });
  }

  start()
    .catch((e) => fail(e && e.message ? e.message : String(e)))
    .then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
    .then(() => {
      report.ready = true;
      report.readyMs = performance.now();
      document.body.dataset.ready = report.errors.length === 0 ? 'ok' : 'error';
    });
})();
