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

/**
 * Line 1: who and when; line 2 onward: active alerts, highlighted. Line 1's fields are left out whole
 * when the terminal is narrow, least needed first (the kernel, PSI, the load, the uptime, the intervals),
 * never cut through a figure.
 */
export function headerView(input: Pick<ViewInput, 'snap' | 'host' | 'theme' | 'width'>, state: HeaderState): string[] {
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
