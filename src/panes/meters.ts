import type { Snapshot } from '../model';
import * as format from '../render/format';
import type { Theme } from '../render/theme';
import { displayWidth } from '../render/width';
import type { ViewInput } from './view';

/**
 * The meter strip that stands in for the cpu, memory, net and disk panes when the terminal is short
 * (htop's header): one or two lines of `CPU[|||||  23.4%]` meters and rates, so that the process table
 * keeps its rows. Fields that do not fit are left out whole; no figure is ever cut.
 */
export type StripSection = 'cpu' | 'memory' | 'load' | 'net' | 'disk';

/** One field of a line: its text at a width, the least width it takes, and how wide it may grow. */
interface Field {
  /** Kept before fields with a higher number when the line is short. */
  keep: number;
  min: number;
  max: number;
  draw: (width: number) => string;
}

const BLOCKS = ' ▁▂▃▄▅▆▇█';
const clamp01 = (x: number): number => Math.max(0, Math.min(1, x));

/**
 * htop's meter: "Mem[||||||||     1.4G/23.5G]". The bar of '|' fills the brackets in proportion to
 * `frac`; the figure is written over its right end, as htop does. Null when `width` cannot hold it.
 */
export function meter(label: string, frac: number | null, text: string, width: number, theme: Theme, level: number | null): string | null {
  const inner = width - label.length - 2;
  if (inner < text.length + 1) return null;
  const fill = frac === null ? 0 : Math.round(clamp01(frac) * inner);
  const barW = inner - text.length;
  const bars = Math.min(fill, barW);
  return `${label}[${theme.level(level, '|'.repeat(bars))}${' '.repeat(barW - bars)}${theme.bold(text)}]`;
}

const pctText = (v: number | null): string => (v === null ? '-' : `${format.pct(v)}%`);

/** Total CPU, then per core: meters when they fit, else one block per core, else the total alone. */
function cpuLine(snap: Snapshot, width: number, theme: Theme): string {
  // cpu_pct = 100 × (Δtotal − Δidle − Δiowait) / Δtotal over /proc/stat's cpu lines (derive.ts).
  const total = snap.cpu.cpu_pct;
  const cores = snap.cores;
  const totalText = pctText(total).padStart(6);
  const minTotal = 'CPU'.length + 2 + totalText.length + 4;
  if (cores.length > 1) {
    const labelW = String(cores.length - 1).length;
    const coreMin = labelW + 2 + 5 + 3;
    // The total and every core, as wide as one another (at most 40 each).
    const each = Math.min(40, Math.floor((width - cores.length) / (cores.length + 1)));
    if (each >= Math.max(coreMin, minTotal)) {
      const cells = cores.map((c) => {
        const label = String(c.cpu).padStart(labelW);
        if (!c.online) return meter(label, null, 'off', each, theme, null);
        return meter(label, c.cpu_pct === null ? null : c.cpu_pct / 100, pctText(c.cpu_pct).padStart(5), each, theme, c.cpu_pct);
      });
      return [meter('CPU', total === null ? null : total / 100, totalText, each, theme, total), ...cells].join(' ');
    }
    if (minTotal + 1 + cores.length <= width) {
      const blocks = cores
        .map((c) => (!c.online || c.cpu_pct === null ? theme.fg('gray', '·') : theme.level(c.cpu_pct, BLOCKS[Math.round((Math.min(100, c.cpu_pct) / 100) * 8)])))
        .join('');
      return `${meter('CPU', total === null ? null : total / 100, totalText, width - 1 - cores.length, theme, total)} ${blocks}`;
    }
  }
  return meter('CPU', total === null ? null : total / 100, totalText, width, theme, total) ?? '';
}

/** Interfaces whose traffic counts: all but loopback, unless loopback is all there is (as the net pane). */
function netRates(snap: Snapshot): { rx: number | null; tx: number | null } {
  const real = snap.net.filter((n) => n.iface !== 'lo');
  const list = real.length > 0 ? real : snap.net;
  if (list.length === 0) return { rx: null, tx: null };
  let rx: number | null = 0;
  let tx: number | null = 0;
  for (const n of list) {
    rx = rx === null || n.rx_bytes_per_s === null ? null : rx + n.rx_bytes_per_s;
    tx = tx === null || n.tx_bytes_per_s === null ? null : tx + n.tx_bytes_per_s;
  }
  return { rx, tx };
}

function fields(snap: Snapshot, sections: readonly StripSection[], theme: Theme): Field[] {
  const out: Field[] = [];
  const fixed = (keep: number, text: string): Field => {
    const w = displayWidth(text.replace(/\{[^{}]*\}/g, ''));
    return { keep, min: w, max: w, draw: () => text };
  };
  for (const s of sections) {
    if (s === 'memory') {
      // used = MemTotal − MemAvailable (free's "used"); swap used = SwapTotal − SwapFree.
      const m = snap.mem;
      const memText = `${format.bytes(m.mem_used_bytes)}/${format.bytes(m.mem_total_bytes)}`;
      const frac = m.mem_used_bytes !== null && m.mem_total_bytes ? m.mem_used_bytes / m.mem_total_bytes : null;
      const memMin = 3 + 2 + memText.length + 4;
      out.push({ keep: 1, min: memMin, max: Math.max(memMin, 40), draw: (w) => meter('Mem', frac, memText, w, theme, m.mem_used_pct) ?? '' });
      if (m.swap_total_bytes) {
        const swText = `${format.bytes(m.swap_used_bytes)}/${format.bytes(m.swap_total_bytes)}`;
        const swFrac = m.swap_used_bytes !== null ? m.swap_used_bytes / m.swap_total_bytes : null;
        const swMin = 3 + 2 + swText.length + 2;
        out.push({ keep: 5, min: swMin, max: Math.max(swMin, 24), draw: (w) => meter('Swp', swFrac, swText, w, theme, m.swap_used_pct) ?? '' });
      }
    } else if (s === 'load') {
      // /proc/loadavg's 1, 5 and 15 minute averages.
      const l = (v: number | null): string => (v === null ? '-' : v.toFixed(2));
      out.push(fixed(2, `load ${l(snap.load1)} ${l(snap.load5)} ${l(snap.load15)}`));
    } else if (s === 'net') {
      // Σ Δ(rx_bytes, tx_bytes) / Δt of /proc/net/dev over the non-loopback interfaces.
      const { rx, tx } = netRates(snap);
      out.push(fixed(3, `net rx ${format.byteRate(rx)} tx ${format.byteRate(tx)}`));
    } else if (s === 'disk') {
      // Σ Δ(sectors read, written) × 512 / Δt of /proc/diskstats over the whole disks.
      let r: number | null = snap.disks.length > 0 ? 0 : null;
      let w: number | null = r;
      for (const d of snap.disks) {
        r = r === null || d.read_bytes_per_s === null ? null : r + d.read_bytes_per_s;
        w = w === null || d.write_bytes_per_s === null ? null : w + d.write_bytes_per_s;
      }
      out.push(fixed(4, `disk r ${format.byteRate(r)} w ${format.byteRate(w)}`));
    }
  }
  return out;
}

/** Fields side by side: the most important that fit at their least width, then meters grow to fill. */
function fieldLine(all: Field[], width: number): string {
  const sep = 2;
  const kept = new Set<Field>();
  let used = 0;
  for (const f of [...all].sort((a, b) => a.keep - b.keep)) {
    const add = f.min + (kept.size > 0 ? sep : 0);
    if (used + add <= width) {
      kept.add(f);
      used += add;
    }
  }
  const shown = all.filter((f) => kept.has(f));
  let spare = width - used;
  const widths = shown.map((f) => {
    const grow = Math.min(spare, f.max - f.min);
    spare -= grow;
    return f.min + grow;
  });
  return shown.map((f, i) => f.draw(widths[i])).join(' '.repeat(sep));
}

/**
 * The strip's lines: `lines[i]` lists the sections line i shows ('cpu' takes a line of its own). Pure,
 * like every view: the Snapshot in, tagged text out.
 */
export function metersView(input: Pick<ViewInput, 'snap' | 'theme' | 'width'>, lines: readonly (readonly StripSection[])[]): string[] {
  const { snap, theme, width } = input;
  return lines.map((sections) => (sections.includes('cpu') ? cpuLine(snap, width, theme) : fieldLine(fields(snap, sections, theme), width)));
}
