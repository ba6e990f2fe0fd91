import * as format from '../render/format';
import { sanitizeTagged } from '../render/sanitize';
import type { ViewInput } from './view';

export interface HeaderState {
  /** `live`, or the replay's position and speed. */
  mode: { kind: 'live'; intervalMs: number; procIntervalMs: number } | { kind: 'replay'; t: number; speed: number; paused: boolean; intervalMs: number };
  /** Active breaches, one line each (the alerts layer fills this). */
  alerts: string[];
}

const psiPart = (label: string, v: number | null): string => `${label} ${format.pct(v)}`;

/** Line 1: who and when; line 2 onward: active alerts, highlighted. */
export function headerView(input: Pick<ViewInput, 'snap' | 'host' | 'theme' | 'width'>, state: HeaderState): string[] {
  const { snap, host, theme } = input;
  const left = `${theme.bold('vigil')} ${sanitizeTagged(host.hostname)} ${theme.fg('gray', sanitizeTagged(host.kernel))} up ${format.duration(snap.uptime_s)}`;
  const mode =
    state.mode.kind === 'live'
      ? `${format.clock(snap.t)}  ${state.mode.intervalMs}ms/${state.mode.procIntervalMs}ms`
      : `${theme.fg('magenta', 'REPLAY')} ${format.clock(state.mode.t, true)} ${new Date(state.mode.t).toISOString().slice(0, 10)} ×${state.mode.speed}${state.mode.paused ? ' ' + theme.fg('yellow', 'paused') : ''}`;
  const load = `load ${fmtLoad(snap.load1)} ${fmtLoad(snap.load5)} ${fmtLoad(snap.load15)}`;
  const psi = snap.psi.cpu || snap.psi.memory || snap.psi.io
    ? `PSI ${psiPart('cpu', snap.psi.cpu?.some_avg10 ?? null)} ${psiPart('mem', snap.psi.memory?.some_avg10 ?? null)} ${psiPart('io', snap.psi.io?.some_avg10 ?? null)}`
    : '';
  const line = [left, mode, load, psi].filter((x) => x !== '').join('  │  ');
  return [line, ...state.alerts.map((a) => theme.inverse(theme.fg('red', ` ⚠ ${a} `)))];
}

function fmtLoad(v: number | null): string {
  return v === null ? '-' : v.toFixed(2);
}
