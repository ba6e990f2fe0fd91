/**
 * procAvgAt (the alert rules' per-process read: the slot known from the push, no subject string) gives
 * exactly avg()'s value, bit for bit: on the table just pushed, on a copy of it and on an older table
 * (both looked up by subject), for a process listed twice, and after slots were recycled.
 */
import t from 'tap';
import type { ProcSnap, Snapshot } from '../../../src/model';
import { HistoryWindow, procSubject } from '../../../src/store/window';
import { blankProc, blankSnapshot, prng } from '../../../src/store/window/synthetic';

t.test('procAvgAt equals avg().value for every process and window', async (t) => {
  const rnd = prng(7);
  const w = new HistoryWindow({ horizonSeconds: 20, procFineSeconds: 8, procCoarseSeconds: 4, rawSamples: 4 });
  let older: ProcSnap[] | null = null;
  let compared = 0;
  let mismatches = 0;
  for (let sec = 1; sec <= 60; sec++) {
    const s: Snapshot = blankSnapshot(sec * 1000, 1.7e12 + sec * 1000, 1000);
    // Processes come and go (pids reused with new start times); some are listed twice.
    const procs: ProcSnap[] = [];
    for (let pid = 1; pid <= 40; pid++) {
      if ((pid + sec) % 7 === 0) continue;
      const p = blankProc(pid, Math.floor(sec / 15) * 1000 + pid, { cpu_pct: rnd() < 0.1 ? null : rnd() * 100, rss_bytes: Math.floor(rnd() * 1e9) });
      procs.push(p);
      if (pid % 13 === 0) procs.push(p);
    }
    s.procs = procs;
    s.procs_interval_ms = 1000;
    w.push(s);
    for (const table of [procs, [...procs], older ?? procs]) {
      for (let i = 0; i < table.length; i++) {
        const p = table[i];
        for (const [series, secs] of [['proc.cpu_pct', 1], ['proc.cpu_pct', 10], ['proc.rss_bytes', 19]] as const) {
          const want = w.avg(series, procSubject(p.pid, p.start_time), secs).value;
          const got = w.procAvgAt(series, table, i, secs);
          compared++;
          if (!Object.is(got, want)) {
            mismatches++;
            if (mismatches <= 3) t.fail(`sec ${sec} ${series} ${secs}s ${p.pid}:${p.start_time}: ${got} != ${want}`);
          }
        }
      }
    }
    older = procs;
  }
  t.equal(mismatches, 0, `${compared} reads compared`);
  t.ok(w.sizes.procSlots > 40, 'slots were taken by new processes (and recycled at the horizon)');
});
