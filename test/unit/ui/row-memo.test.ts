/**
 * The disk and net panes keep each row's line with the figures it shows (src/panes/row-memo.ts). Frame
 * after frame, what they give must be what a fresh copy of the same modules (no memory of earlier
 * frames) gives for the same input: over sequences where figures repeat (the common case), move, turn
 * null or NaN, where disks, interfaces and mounts come and go and the size and the theme change.
 */
import fc from 'fast-check';
import t from 'tap';
import type { Snapshot } from '../../../src/model';
import type { ViewInput } from '../../../src/panes/view';
import { makeTheme } from '../../../src/render/theme';
import { HistoryWindow } from '../../../src/store/window';
import { prng, syntheticSnapshot } from '../../../src/store/window/synthetic';
import { HOST } from '../../helpers/samples';

type Views = { diskView: typeof import('../../../src/panes/disk').diskView; netView: typeof import('../../../src/panes/net').netView };

/**
 * The panes' modules loaded anew: their memos start empty. The modules loaded before are put back after,
 * so that other files in the same process (the unit bundles) keep getting the instances they had.
 */
function fresh(): Views {
  const mine = (k: string): boolean => /[\\/]src[\\/](panes|render)[\\/]/.test(k);
  const kept = Object.entries(require.cache).filter(([k]) => mine(k));
  for (const [k] of kept) delete require.cache[k];
  try {
    return { diskView: require('../../../src/panes/disk').diskView, netView: require('../../../src/panes/net').netView };
  } finally {
    for (const k of Object.keys(require.cache)) if (mine(k)) delete require.cache[k];
    for (const [k, m] of kept) require.cache[k] = m;
  }
}

const themes = [makeTheme(true), makeTheme(false), makeTheme(true, { colours: 16 })];

const change = fc.record({
  kind: fc.constantFrom('same', 'same', 'same', 'move', 'null', 'nan', 'shape', 'new'),
  pick: fc.nat({ max: 7 }),
  value: fc.constantFrom(0, 0, 1, 1536, 2.5e9, 0.25),
  width: fc.constantFrom(100, 100, 100, 60, 30),
  height: fc.constantFrom(12, 12, 6, 3),
  theme: fc.constantFrom(0, 0, 0, 1, 2),
});

t.test('disk and net views with their row memos give what fresh modules give, frame after frame', async (t) => {
  const kept = fresh();
  const rnd = prng(7);
  const history = new HistoryWindow();
  let snap: Snapshot = syntheticSnapshot(100, 1_700_000_000_100, 100, { cores: 2, ifaces: 3, disks: 3, mounts: 4 }, rnd);
  history.push(snap);
  let mono = 100;
  fc.assert(
    fc.property(fc.array(change, { minLength: 1, maxLength: 15 }), (changes) => {
      for (const c of changes) {
        mono += 100;
        const next = c.kind === 'new' || c.kind === 'shape' ? syntheticSnapshot(mono, 1_700_000_000_000 + mono, 100, { cores: 2, ifaces: 1 + (c.pick % 4), disks: c.pick % 5, mounts: 1 + (c.pick % 3) }, rnd) : structuredClone(snap);
        next.mono_ms = mono;
        next.t = 1_700_000_000_000 + mono;
        const d = next.disks[c.pick % Math.max(1, next.disks.length)];
        const n = next.net[c.pick % Math.max(1, next.net.length)];
        const f = next.fs[c.pick % Math.max(1, next.fs.length)];
        const v = c.kind === 'null' ? null : c.kind === 'nan' ? NaN : c.value;
        if (c.kind === 'move' || c.kind === 'null' || c.kind === 'nan') {
          // One figure of each kind of row at a time: a row must be made again for any one of them.
          const dk = (['read_bytes_per_s', 'write_bytes_per_s', 'read_iops', 'write_iops', 'util_pct'] as const)[c.pick % 5];
          const nk = (['rx_bytes_per_s', 'tx_bytes_per_s', 'rx_packets_per_s', 'tx_packets_per_s', 'rx_errs_per_s', 'tx_errs_per_s', 'rx_drop_per_s', 'tx_drop_per_s'] as const)[c.pick % 8];
          const fk = (['used_pct', 'used_bytes', 'size_bytes'] as const)[c.pick % 3];
          const tk = (['retrans_per_s', 'curr_estab', 'active_opens_per_s'] as const)[c.pick % 3];
          if (d) d[dk] = v;
          if (n) n[nk] = v;
          if (f) (f as unknown as Record<string, number | null>)[fk] = v;
          (next.tcp as unknown as Record<string, number | null>)[tk] = v;
        }
        snap = next;
        history.push(snap);
        const input: ViewInput = { snap, procs: [], history, host: HOST, theme: themes[c.theme], width: c.width, height: c.height };
        const ref = fresh();
        if (JSON.stringify(kept.diskView(input)) !== JSON.stringify(ref.diskView(input))) return false;
        if (JSON.stringify(kept.netView(input)) !== JSON.stringify(ref.netView(input))) return false;
      }
      return true;
    }),
    { numRuns: 150 },
  );
  t.pass('same lines for every sequence tried');
});
