import * as format from '../render/format';
import { sanitizeTagged } from '../render/sanitize';
import { displayWidth } from '../render/width';
import type { ViewInput } from './view';

export interface HeaderState {
  /** `live`, or the replay's position and speed. */
  mode: { kind: 'live'; intervalMs: number; procIntervalMs: number } | { kind: 'replay'; t: number; speed: number; paused: boolean; intervalMs: number };
  /** Active breaches, one line each (the alerts layer fills this). */
  alerts: string[];
  /** The load average, unless the meter strip shows it (default: shown). */
  load?: boolean;
}

const psiPart = (label: string, v: number | null): string => `${label} ${format.pct(v)}`;

type HeaderInput = Pick<ViewInput, 'snap' | 'host' | 'theme' | 'width'>;

/**
 * What the live header was last drawn from, as the figures it shows: the clock and the uptime to the
 * second, the load, PSI. Ten frames a second, the header changes about once a second; it is drawn again
 * only then (a frame's header was some forty strings and arrays).
 */
interface Drawn {
  lines: string[];
  sec: number;
  up: number | null;
  load: [number | null, number | null, number | null];
  psi: [number | null, number | null, number | null];
  has: number;
  width: number;
  showLoad: boolean | undefined;
  intervalMs: number;
  procIntervalMs: number;
  host: unknown;
  theme: unknown;
  alerts: readonly string[];
}

let drawn: Drawn | null = null;

const floorOrNull = (v: number | null): number | null => (v === null ? null : Math.floor(v));

function sameDrawn(d: Drawn, input: HeaderInput, state: HeaderState): boolean {
  const { snap } = input;
  const m = state.mode;
  if (m.kind !== 'live') return false;
  const psi = snap.psi;
  const has = (psi.cpu ? 1 : 0) | (psi.memory ? 2 : 0) | (psi.io ? 4 : 0);
  if (
    d.sec !== Math.floor(snap.t / 1000) ||
    d.up !== floorOrNull(snap.uptime_s) ||
    d.load[0] !== snap.load1 ||
    d.load[1] !== snap.load5 ||
    d.load[2] !== snap.load15 ||
    d.has !== has ||
    d.psi[0] !== (psi.cpu?.some_avg10 ?? null) ||
    d.psi[1] !== (psi.memory?.some_avg10 ?? null) ||
    d.psi[2] !== (psi.io?.some_avg10 ?? null) ||
    d.width !== input.width ||
    d.showLoad !== state.load ||
    d.intervalMs !== m.intervalMs ||
    d.procIntervalMs !== m.procIntervalMs ||
    d.host !== input.host ||
    d.theme !== input.theme ||
    d.alerts.length !== state.alerts.length
  )
    return false;
  for (let i = 0; i < state.alerts.length; i++) if (d.alerts[i] !== state.alerts[i]) return false;
  return true;
}

/**
 * Line 1: who and when; line 2 onward: active alerts, highlighted (headerLines). While the live header
 * shows the same figures, the lines it gave last time are given again.
 */
export function headerView(input: HeaderInput, state: HeaderState): string[] {
  if (drawn !== null && sameDrawn(drawn, input, state)) return drawn.lines;
  const lines = headerLines(input, state);
  const { snap } = input;
  const m = state.mode;
  const psi = snap.psi;
  drawn =
    m.kind !== 'live'
      ? null
      : {
          lines,
          sec: Math.floor(snap.t / 1000),
          up: floorOrNull(snap.uptime_s),
          load: [snap.load1, snap.load5, snap.load15],
          psi: [psi.cpu?.some_avg10 ?? null, psi.memory?.some_avg10 ?? null, psi.io?.some_avg10 ?? null],
          has: (psi.cpu ? 1 : 0) | (psi.memory ? 2 : 0) | (psi.io ? 4 : 0),
          width: input.width,
          showLoad: state.load,
          intervalMs: m.intervalMs,
          procIntervalMs: m.procIntervalMs,
          host: input.host,
          theme: input.theme,
          alerts: state.alerts.slice(),
        };
  return lines;
}

/**
 * Line 1: who and when; line 2 onward: active alerts, highlighted. Line 1's fields are left out whole
 * when the terminal is narrow, least needed first (the kernel, PSI, the load, the uptime, the intervals),
 * never cut through a figure.
 */
export function headerLines(input: HeaderInput, state: HeaderState): string[] {
  const { snap, host, theme } = input;
  const live = state.mode.kind === 'live';
  // Each field with how long it stays: the highest `drop` goes first.
  const fields: { text: string; drop: number; group: number }[] = [
    { text: `${theme.bold('vigil')} ${sanitizeTagged(host.hostname)}`, drop: 0, group: 0 },
    { text: theme.fg('gray', sanitizeTagged(host.kernel)), drop: 6, group: 0 },
    { text: `up ${format.duration(snap.uptime_s)}`, drop: 3, group: 0 },
  ];
  if (state.mode.kind === 'live') {
    fields.push({ text: format.clock(snap.t), drop: 1, group: 1 }, { text: `${state.mode.intervalMs}ms/${state.mode.procIntervalMs}ms`, drop: 2, group: 1 });
  } else {
    const m = state.mode;
    fields.push(
      { text: `${theme.fg('magenta', 'REPLAY')} ${format.clock(m.t, true)}`, drop: 0, group: 1 },
      { text: new Date(m.t).toISOString().slice(0, 10), drop: 2, group: 1 },
      { text: `×${m.speed}${m.paused ? ' ' + theme.fg('yellow', 'paused') : ''}`, drop: 1, group: 1 },
    );
  }
  // /proc/loadavg's 1, 5 and 15 minute averages.
  if (state.load !== false) fields.push({ text: `load ${fmtLoad(snap.load1)} ${fmtLoad(snap.load5)} ${fmtLoad(snap.load15)}`, drop: 4, group: 2 });
  // /proc/pressure/*: the share of the last 10 s some task stalled on the resource.
  if (snap.psi.cpu || snap.psi.memory || snap.psi.io) {
    fields.push({ text: `PSI ${psiPart('cpu', snap.psi.cpu?.some_avg10 ?? null)} ${psiPart('mem', snap.psi.memory?.some_avg10 ?? null)} ${psiPart('io', snap.psi.io?.some_avg10 ?? null)}`, drop: 5, group: 3 });
  }
  const join = (fs: typeof fields): string => {
    const groups: string[][] = [];
    for (const f of fs) (groups[f.group] ??= []).push(f.text);
    return groups.filter((g) => g !== undefined && g.length > 0).map((g) => g.join(g === groups[1] && live ? '  ' : ' ')).join('  │  ');
  };
  let kept = fields;
  while (visibleWidth(join(kept)) > input.width) {
    const worst = kept.reduce((w, f) => (f.drop > w.drop ? f : w), kept[0]);
    if (worst.drop === 0) break;
    kept = kept.filter((f) => f !== worst);
  }
  return [join(kept), ...state.alerts.map((a) => theme.inverse(theme.fg('red', ` ⚠ ${a} `)))];
}

/** Width on screen of tagged text. */
function visibleWidth(s: string): number {
  return displayWidth(s.replace(/\{[^{}]*\}/g, (m) => (m === '{open}' || m === '{close}' ? 'x' : '')));
}

function fmtLoad(v: number | null): string {
  return v === null ? '-' : v.toFixed(2);
}
