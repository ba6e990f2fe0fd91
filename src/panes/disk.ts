import { bar } from '../render/braille';
import * as format from '../render/format';
import { columnWidth, fit, safeFit } from '../render/width';
import { RowMemo } from './row-memo';
import type { PaneView, ViewInput } from './view';

/** The lines last made, by the figures they show (ten frames a second, most rows show what they showed). */
const HEAD = new RowMemo();
const DISKS = new RowMemo();
const MOUNTS = new RowMemo();

/** Per disk: read and write bytes/s, IOPS, utilisation; per filesystem: a usage bar, used and size. */
export function diskView(input: ViewInput): PaneView {
  const { snap, width, height, theme } = input;
  const nameW = columnWidth(snap.disks.map((d) => d.device), 4, 12);
  const lines: string[] = [];
  lines.push(HEAD.get(0, theme, nameW) ?? HEAD.set(0, theme.fg('gray', `${fit('disk', nameW)} ${'read/s'.padStart(7)} ${'write/s'.padStart(7)} ${'r/s'.padStart(5)} ${'w/s'.padStart(5)} ${'util'.padStart(5)}`)));
  for (let i = 0; i < snap.disks.length; i++) {
    const d = snap.disks[i];
    lines.push(
      DISKS.get(i, theme, nameW, d.device, d.read_bytes_per_s, d.write_bytes_per_s, d.read_iops, d.write_iops, d.util_pct) ??
        DISKS.set(i, `${safeFit(d.device, nameW)} ${format.byteRate(d.read_bytes_per_s).padStart(7)} ${format.byteRate(d.write_bytes_per_s).padStart(7)} ${format.count(d.read_iops).padStart(5)} ${format.count(d.write_iops).padStart(5)} ${theme.level(d.util_pct, format.pct(d.util_pct).padStart(4))}%`),
    );
  }
  // A mount line: name, bar, used %, used, size. When narrow the bar goes first, then the name shortens
  // (to 5 cells), then size and used are left out whole: a figure is never cut at the pane's edge.
  const figures = [7, 7, 7];
  let shown = 3;
  let mountW = columnWidth(snap.fs.map((f) => f.mount), 5, 20);
  while (shown > 1 && Math.min(mountW, 5) + figures.slice(0, shown).reduce((a, b) => a + b, 0) > width) shown--;
  const figW = figures.slice(0, shown).reduce((a, b) => a + b, 0);
  mountW = Math.max(1, Math.min(mountW, width - figW));
  const barW = Math.max(0, width - mountW - 1 - figW);
  for (let i = 0; i < snap.fs.length; i++) {
    if (lines.length >= height) break;
    const f = snap.fs[i];
    const kept = MOUNTS.get(i, theme, mountW, barW, shown, f.mount, f.used_pct, f.used_bytes, f.size_bytes);
    if (kept !== null) {
      lines.push(kept);
      continue;
    }
    const frac = f.used_pct === null ? null : f.used_pct / 100;
    const nums = [`${format.pct(f.used_pct).padStart(5)}%`, format.bytes(f.used_bytes).padStart(6), format.bytes(f.size_bytes).padStart(6)].slice(0, shown);
    lines.push(MOUNTS.set(i, `${safeFit(f.mount, mountW)}${barW > 0 ? ' ' + theme.level(f.used_pct, bar(frac, barW)) : ''} ${nums.join(' ')}`));
  }
  return { label: 'disk', lines: lines.slice(0, height) };
}
