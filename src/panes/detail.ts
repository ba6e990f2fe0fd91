import * as blessed from 'blessed';
import * as contrib from 'blessed-contrib';
import type { ProcSnap } from '../model';
import type { ConnSnap } from '../model/conns';
import { sortConns } from './conns';
import type { HistoryWindow } from '../store/window';
import { procSubject } from '../store/window';
import * as format from '../render/format';
import type { Rect } from './view';
import { sanitize, sanitizeTagged } from '../render/sanitize';
import type { Theme } from '../render/theme';
import { commandOf } from './proctable';

/** How much history the detail charts show, and in how many points. */
export const DETAIL_SECONDS = 600;
const POINTS = 60;
/** Rows of text above the charts: identity, figures, TCP, the shim's three lines. */
const TEXT_ROWS = 13;

export interface DetailInput {
  proc: ProcSnap;
  /** Still in the newest process table. */
  alive: boolean;
  procs: ProcSnap[];
  history: HistoryWindow;
  cwd: string;
  theme: Theme;
  width: number;
  /** The latest connections (all processes); the view keeps this process's. */
  conns?: ConnSnap[];
}

export interface ChartData {
  title: string;
  /** Values over the last DETAIL_SECONDS, oldest first; null where there is no data. */
  y: (number | null)[];
  unit: string;
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

/** Identity and current figures of one process, and its history from the window. */
export function detailView(input: DetailInput): DetailView {
  const { proc: p, theme, history } = input;
  const subject = procSubject(p.pid, p.start_time);
  const chart = (series: Parameters<HistoryWindow['chart']>[0]): (number | null)[] => history.chart(series, subject, DETAIL_SECONDS, POINTS);
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
      { title: 'CPU %', y: chart('proc.cpu_pct'), unit: '%' },
      { title: 'RSS MiB', y: chart('proc.rss_bytes').map((v) => (v === null ? null : v / 1048576)), unit: 'MiB' },
      { title: 'I/O KiB/s (read + write)', y: sum(chart('proc.read_bytes_per_s'), chart('proc.write_bytes_per_s')).map((v) => (v === null ? null : v / 1024)), unit: 'KiB/s' },
      { title: 'page faults /s (minor + major)', y: sum(chart('proc.minflt_per_s'), chart('proc.majflt_per_s')), unit: '/s' },
    ],
  };
}

/**
 * The widget: identity text on top, four blessed-contrib line charts below (with time axes: this view
 * redraws once a second at most, where contrib's labelled charts are affordable).
 */
export class DetailPane {
  private readonly box: blessed.Widgets.BoxElement;
  private readonly text: blessed.Widgets.BoxElement;
  private readonly charts: contrib.Widgets.LineElement[] = [];
  private readonly xLabels: string[];

  constructor(screen: blessed.Widgets.Screen, colour: boolean) {
    this.box = blessed.box({ parent: screen, hidden: true, border: { type: 'line' }, tags: true, style: { border: colour ? { fg: 'cyan' } : {} } });
    this.text = blessed.box({ parent: this.box, top: 0, left: 0, right: 0, height: TEXT_ROWS, tags: true });
    for (let i = 0; i < 4; i++) {
      const line = contrib.line({
        style: colour ? { line: ['green', 'cyan', 'blue', 'yellow'][i], text: 'white', baseline: 'gray' } : { line: 'white', text: 'white', baseline: 'white' },
        showLegend: false,
        wholeNumbersOnly: false,
        label: '',
        numYLabels: 3,
      } as contrib.Widgets.LineOptions);
      this.box.append(line);
      this.charts.push(line);
    }
    this.xLabels = Array.from({ length: POINTS }, (_, i) => {
      const ago = DETAIL_SECONDS - (i * DETAIL_SECONDS) / (POINTS - 1);
      return ago === 0 ? 'now' : `-${Math.round(ago / 60)}m`;
    });
  }

  get visible(): boolean {
    return this.box.visible;
  }

  show(rect: Rect): void {
    Object.assign(this.box, rect);
    const innerW = rect.width - 2;
    const chartTop = TEXT_ROWS;
    const chartH = Math.max(4, Math.floor((rect.height - 2 - chartTop) / 2));
    this.charts.forEach((c, i) => {
      Object.assign(c, { top: chartTop + Math.floor(i / 2) * chartH, left: (i % 2) * Math.floor(innerW / 2), width: Math.floor(innerW / 2), height: chartH });
    });
    this.box.show();
    this.box.setFront();
  }

  hide(): void {
    this.box.hide();
  }

  update(view: DetailView): void {
    this.box.setLabel(` ${view.label} `);
    this.text.setContent(view.lines.join('\n'));
    view.charts.forEach((c, i) => {
      const chart = this.charts[i];
      chart.setLabel(` ${c.title} `);
      // contrib's line cannot draw gaps: no data is drawn at 0, and the title says what the chart is.
      chart.setData([{ title: c.title, x: this.xLabels, y: c.y.map((v) => v ?? 0) }]);
    });
  }
}
