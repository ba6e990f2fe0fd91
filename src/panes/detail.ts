import * as blessed from 'blessed';
import type { ProcSnap } from '../model';
import type { ConnSnap } from '../model/conns';
import { sortConns } from './conns';
import type { HistoryWindow } from '../store/window';
import { procSubject } from '../store/window';
import * as format from '../render/format';
import type { Rect } from './view';
import { sanitize, sanitizeTagged } from '../render/sanitize';
import type { Colour, Theme } from '../render/theme';
import { areaChart } from '../render/braille';
import { fit } from '../render/width';
import { commandOf } from './proctable';
import type { CgroupSnap } from '../model/cgroups';
import { cgroupName } from '../model/cgroup-name';
import { limitsLine } from './cgroup-limits';

/** How much history the detail charts show. */
export const DETAIL_SECONDS = 600;
/** At most this many rows of text above the charts: identity, cgroup, figures, TCP, the shim's three lines. */
const TEXT_ROWS = 14;
/** Cells left of each chart for its scale ("1000K/s" is the widest) and the axis line. */
const GUTTER = 8;

/** The width of the left chart of a row, in cells, in a detail box `innerW` wide (the right one may be a cell wider). */
function chartBoxWidth(innerW: number): number {
  return Math.floor(innerW / 2);
}

/** Points a chart holds: two per braille cell of the plot, which is the box less the gutter and a gap. */
export function chartPoints(innerW: number): number {
  return Math.max(2, 2 * (chartBoxWidth(innerW) - GUTTER - 1));
}

export interface DetailInput {
  proc: ProcSnap;
  /** Still in the newest process table. */
  alive: boolean;
  procs: ProcSnap[];
  history: HistoryWindow;
  cwd: string;
  theme: Theme;
  /** The detail box's inner width: the charts hold as many points as their braille cells show. */
  width: number;
  /** The latest connections (all processes); the view keeps this process's. */
  conns?: ConnSnap[];
  /** The latest cgroup rows (when the cgroup tier runs): the process's group gives its limits. */
  cgroups?: readonly CgroupSnap[];
}

export interface ChartData {
  title: string;
  /** Values over the last DETAIL_SECONDS, oldest first; null where there is no data. */
  y: (number | null)[];
  /** A value as the scale shows it (at most GUTTER - 1 cells). */
  format: (v: number) => string;
  colour: Colour;
  /** The smallest top of the scale, so that a near-idle process does not fill its chart with noise. */
  minMax: number;
}

export interface DetailView {
  label: string;
  lines: string[];
  charts: ChartData[];
}

/** The parent chain up to pid 1 (or as far as the table knows), nearest first. */
export function parentChain(p: ProcSnap, procs: ProcSnap[]): ProcSnap[] {
  const byPid = new Map(procs.map((x) => [x.pid, x]));
  const out: ProcSnap[] = [];
  const seen = new Set<number>([p.pid]);
  for (let q = byPid.get(p.ppid); q !== undefined && !seen.has(q.pid); q = byPid.get(q.ppid)) {
    out.push(q);
    seen.add(q.pid);
  }
  return out;
}

const sum = (a: (number | null)[], b: (number | null)[]): (number | null)[] => a.map((v, i) => (v === null && b[i] === null ? null : (v ?? 0) + (b[i] ?? 0)));

const ms = (v: number | null): string => (v === null ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0));

/** What the vigil run shim counted for the process: every socket call, connects, peers, the heap. */
function shimLines(p: ProcSnap): string[] {
  const s = p.shim;
  if (s === null) return [];
  if (!s.attached) return ['shim       n/a: the process now runs a program the shim cannot attach to (static, setuid, cleared environment)'];
  const out = [
    `shim       ip rx ${format.byteRate(s.net_rx_bytes_per_s)} tx ${format.byteRate(s.net_tx_bytes_per_s)}  unix rx ${format.byteRate(s.unix_rx_bytes_per_s)} tx ${format.byteRate(s.unix_tx_bytes_per_s)}  ` +
      `connects ${format.count(s.connects_per_s)}/s (failed ${format.count(s.connect_fails_per_s)}/s)  latency avg ${ms(s.connect_latency_avg_ms)} p50 ${ms(s.connect_latency_p50_ms)} p99 ${ms(s.connect_latency_p99_ms)} ms`,
  ];
  if (s.top_dests.length > 0) {
    out.push(`peers      ${s.top_dests.slice(0, 4).map((d) => `${sanitizeTagged(d.peer)} tx ${format.bytes(d.tx_bytes)} rx ${format.bytes(d.rx_bytes)}`).join('   ')}`);
  }
  if (s.alloc_outstanding_bytes !== null) {
    out.push(`heap       outstanding ${format.bytes(s.alloc_outstanding_bytes)}  allocs ${format.count(s.alloc_calls_per_s)}/s  frees ${format.count(s.free_calls_per_s)}/s  ${format.byteRate(s.alloc_bytes_per_s)} allocated`);
  }
  return out;
}

/**
 * The process's cgroup (/proc/PID/cgroup) by the name the CGROUP column shows, its path, and that group's
 * limits as the cgroup tier last read them: `-` for none, and no limits part when the tier has no row for it.
 */
function cgroupLine(p: ProcSnap, groups: readonly CgroupSnap[] | undefined): string {
  if (p.cgroup === null) return 'cgroup     -';
  const g = groups?.find((c) => c.path === p.cgroup);
  const limits = g === undefined ? '' : `   limits ${limitsLine(g)}   using cpu ${format.pct(g.cpu_pct)}% mem ${format.bytes(g.mem_current_bytes)}`;
  return `cgroup     ${sanitizeTagged(cgroupName(p.cgroup))} (${sanitizeTagged(p.cgroup)})${limits}`;
}

/** Identity and current figures of one process, and its history from the window. */
export function detailView(input: DetailInput): DetailView {
  const { proc: p, theme, history } = input;
  const subject = procSubject(p.pid, p.start_time);
  const points = chartPoints(input.width);
  const chart = (series: Parameters<HistoryWindow['chart']>[0]): (number | null)[] => history.chart(series, subject, DETAIL_SECONDS, points);
  const started = p.start_ms === null ? '-' : new Date(p.start_ms).toLocaleString();
  const chain = parentChain(p, input.procs).map((q) => `${q.pid} ${sanitizeTagged(q.comm)}`).join(' ← ');
  const wrapW = Math.max(20, input.width - 12);
  const cmd = sanitize(commandOf(p));
  const cmdLines: string[] = [];
  for (let i = 0; i < cmd.length && cmdLines.length < 4; i += wrapW) cmdLines.push(cmd.slice(i, i + wrapW).replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}')));
  const lines = [
    `${theme.bold(`${p.pid}`)}  ${sanitizeTagged(p.comm)}  ${input.alive ? '' : theme.fg('red', '(exited)')}`,
    `command    ${cmdLines[0] ?? ''}`,
    ...cmdLines.slice(1).map((l) => `           ${l}`),
    `cwd        ${sanitizeTagged(input.cwd)}`,
    `user       ${sanitizeTagged(p.user ?? '-')} (uid ${p.uid ?? '-'})   state ${p.state}   threads ${p.threads}   nice ${p.nice}`,
    `started    ${started}   (start time ${p.start_time} ticks after boot)`,
    `parents    ${chain || '-'}`,
    cgroupLine(p, input.cgroups),
    `now        cpu ${format.pct(p.cpu_pct)}%  wait ${format.pct(p.wait_pct)}%  rss ${format.bytes(p.rss_bytes)}  swap ${format.bytes(p.swap_bytes)}  fds ${format.count(p.fds)}  ` +
      `read ${format.byteRate(p.read_bytes_per_s)}  write ${format.byteRate(p.write_bytes_per_s)}  faults ${format.count(p.minflt_per_s)}/${format.count(p.majflt_per_s)} /s  csw ${format.count(p.ctxsw_per_s)}/s`,
  ];
  const mine = sortConns((input.conns ?? []).filter((c) => c.pids.includes(p.pid)), 'throughput');
  lines.push(
    `tcp        ${format.count(p.tcp_conns)} connections  tx ${format.byteRate(p.tcp_tx_bytes_per_s)}  rx ${format.byteRate(p.tcp_rx_bytes_per_s)}  retransmits ${format.count(p.tcp_retrans_per_s)}/s` +
      mine.slice(0, 2).map((c) => `   ${sanitizeTagged(c.local)} → ${sanitizeTagged(c.remote)} ${c.state} rtt ${c.rtt_ms === null ? '-' : c.rtt_ms.toFixed(1)}ms`).join(''),
  );
  lines.push(...shimLines(p));
  return {
    label: `process ${p.pid} · last ${DETAIL_SECONDS / 60} min · Esc closes`,
    lines,
    charts: [
      // proc.cpu_pct: 100 × Δrun_ns / Δt_ns from /proc/PID/schedstat (100% is one core).
      { title: 'CPU %', y: chart('proc.cpu_pct'), format: (v) => `${format.pct(v)}%`, colour: 'green', minMax: 1 },
      // proc.rss_bytes: /proc/PID/stat rss pages × page size.
      { title: 'RSS', y: chart('proc.rss_bytes'), format: (v) => format.bytes(v), colour: 'cyan', minMax: 1048576 },
      // read_bytes + write_bytes of /proc/PID/io, each Δ / Δt.
      { title: 'I/O read + write', y: sum(chart('proc.read_bytes_per_s'), chart('proc.write_bytes_per_s')), format: (v) => format.byteRate(v), colour: 'blue', minMax: 1024 },
      // minflt + majflt of /proc/PID/stat, each Δ / Δt.
      { title: 'page faults minor + major', y: sum(chart('proc.minflt_per_s'), chart('proc.majflt_per_s')), format: (v) => `${format.count(v)}/s`, colour: 'yellow', minMax: 1 },
    ],
  };
}

/** The time axis under a plot `cols` wide whose `points` values span DETAIL_SECONDS: "-10m  -5m  now". */
function timeAxis(cols: number, points: number): string {
  const used = Math.min(cols, Math.ceil(points / 2));
  const row = Array.from({ length: cols }, () => ' ');
  const put = (x: number, text: string): void => {
    for (let i = 0; i < text.length && x + i < cols; i++) if (x + i >= 0) row[x + i] = text[i];
  };
  const minutes = DETAIL_SECONDS / 60;
  // The labels at the first point, the middle and the last, clear of one another.
  const start = cols - used;
  if (used >= 16) put(start, `-${minutes}m`);
  if (used >= 24) put(start + Math.floor(used / 2) - 2, `-${minutes / 2}m`);
  put(cols - 3, 'now');
  return row.join('');
}

/**
 * One chart of the detail view as tagged lines `width` × `height`: its title, then the braille plot with
 * its scale on the left (the top value, 0 at the bottom), then the time axis. Gaps (no data) stay empty.
 */
export function detailChart(c: ChartData, width: number, height: number, theme: Theme): string[] {
  if (width <= 0 || height <= 0) return [];
  const cols = Math.max(0, width - GUTTER - 1);
  const title = theme.bold(fit(` ${c.title}`, width).trimEnd());
  if (height < 3 || cols < 4) return [title].slice(0, height);
  const plotH = height - 2;
  const { lines, max } = areaChart(c.y, cols, plotH, { minMax: c.minMax });
  const top = fit(c.format(max), GUTTER - 1, 'right');
  const out = [title];
  lines.forEach((l, i) => {
    const scale = i === 0 ? `${top}┤` : i === plotH - 1 ? `${fit('0', GUTTER - 1, 'right')}┤` : `${' '.repeat(GUTTER - 1)}│`;
    out.push(`${theme.fg('gray', scale)}${theme.fg(c.colour, l)}`);
  });
  out.push(theme.fg('gray', `${' '.repeat(GUTTER - 1)}└${timeAxis(cols, c.y.length)}`));
  return out;
}

/**
 * The widget: identity text on top, four braille charts below in a 2×2 grid, each in a plain box whose
 * content detailChart draws (vigil's own chart renderer, as the other panes use: no canvas widget, whose
 * colour handling leaked raw escapes into the screen).
 */
export class DetailPane {
  private readonly box: blessed.Widgets.BoxElement;
  private readonly text: blessed.Widgets.BoxElement;
  private readonly charts: { box: blessed.Widgets.BoxElement; width: number; height: number }[] = [];
  private rect: Rect = { left: 0, top: 0, width: 1, height: 1 };
  /** Rows the text takes: the charts get the rest. */
  private textRows = TEXT_ROWS;

  constructor(
    screen: blessed.Widgets.Screen,
    private readonly theme: Theme,
  ) {
    const border = theme.ink('cyan');
    this.box = blessed.box({ parent: screen, hidden: true, border: { type: 'line' }, tags: true, style: { border: border === undefined ? {} : { fg: border } } });
    // The screen has no autoPadding: a child's place counts from the box's outer edge, border included.
    this.text = blessed.box({ parent: this.box, top: 1, left: 1, right: 1, height: TEXT_ROWS, tags: true, wrap: false });
    for (let i = 0; i < 4; i++) {
      this.charts.push({ box: blessed.box({ parent: this.box, top: 1, left: 1, width: 1, height: 1, tags: true, wrap: false }), width: 1, height: 1 });
    }
  }

  get visible(): boolean {
    return this.box.visible;
  }

  show(rect: Rect): void {
    this.rect = rect;
    Object.assign(this.box, rect);
    this.place();
    this.box.show();
    this.box.setFront();
  }

  /** The text on top, then two rows of two charts sharing what is left (the lower row takes an odd row). */
  private place(): void {
    const innerW = Math.max(0, this.rect.width - 2);
    const innerH = Math.max(0, this.rect.height - 2);
    const text = Math.min(this.textRows, innerH);
    this.text.height = Math.max(1, text);
    const left = Math.max(0, innerH - text);
    const upper = Math.floor(left / 2);
    const leftW = chartBoxWidth(innerW);
    this.charts.forEach((c, i) => {
      const lower = i >= 2;
      c.width = i % 2 === 0 ? leftW : innerW - leftW;
      c.height = lower ? left - upper : upper;
      Object.assign(c.box, { top: 1 + text + (lower ? upper : 0), left: 1 + (i % 2) * leftW, width: Math.max(1, c.width), height: Math.max(1, c.height) });
      if (c.height > 0 && c.width > 0) c.box.show();
      else c.box.hide();
    });
  }

  hide(): void {
    this.box.hide();
  }

  update(view: DetailView): void {
    this.box.setLabel(` ${view.label} `);
    this.text.setContent(view.lines.join('\n'));
    // One empty row between the text and the charts.
    const rows = Math.min(TEXT_ROWS, view.lines.length + 1);
    if (rows !== this.textRows) {
      this.textRows = rows;
      this.place();
    }
    view.charts.forEach((c, i) => {
      const w = this.charts[i];
      if (w !== undefined) w.box.setContent(detailChart(c, w.width, w.height, this.theme).join('\n'));
    });
  }
}
