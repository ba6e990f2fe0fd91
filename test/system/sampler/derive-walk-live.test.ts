/**
 * On live Samples, from the native core and from the TypeScript readers, while children start, run and
 * exit: derive (walking the previous table, handing on the snapshots of processes that did not run) gives
 * the Snapshots it gives on copies of the same Samples (the pid index, every snapshot made afresh), and
 * the process pane (which keeps each row's line on its snapshot) draws the lines it draws from copies, and
 * the window (which finds a process's slot by walking its previous push) holds what a window fed the same
 * Snapshots with their process rows in reverse order every other push holds (where the walk finds next to
 * nothing).
 */
import { ChildProcess, spawn } from 'child_process';
import t from 'tap';
import { derive } from '../../../src/derive/derive';
import type { Sample } from '../../../src/model';
import { processesView } from '../../../src/panes/processes';
import { TableState, tableRows } from '../../../src/panes/proctable';
import { makeTheme } from '../../../src/render/theme';
import { loadNative, SamplerKind } from '../../../src/sampler/native/load';
import { Sampler } from '../../../src/sampler/sampler';
import { HistoryWindow } from '../../../src/store/window';
import { PROC_METRICS } from '../../../src/store/window/state';

const kinds: SamplerKind[] = loadNative().addon ? ['native', 'ts'] : ['ts'];

for (const kind of kinds) {
  t.test(`${kind}: walked derive and cached rows equal fresh ones, tick after tick`, async (t) => {
    const kids: ChildProcess[] = [];
    t.teardown(() => {
      for (const k of kids) if (k.exitCode === null) k.kill('SIGKILL');
    });
    // Sleepers (rows that do not move), a spinner (a row that moves), and short-lived children (rows that
    // come and go between tables).
    for (let i = 0; i < 20; i++) kids.push(spawn('sleep', ['60'], { stdio: 'ignore' }));
    kids.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    const s = new Sampler({ sampler: kind, intervalMs: 100, procIntervalMs: 100, connections: false, filesystems: false });
    t.teardown(() => s.close());
    const samples: Sample[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 0) kids.push(spawn('sleep', ['0.15'], { stdio: 'ignore' }));
      samples.push(s.sample(undefined, true));
      await new Promise((r) => setTimeout(r, 30));
    }
    const theme = makeTheme(true);
    const state: TableState = { sortKey: 'cpu', descending: true, filter: '', tree: false, follow: null };
    let handedOn = 0;
    let prevProcs: unknown[] = [];
    const walked = new HistoryWindow();
    const reversed = new HistoryWindow();
    for (let i = 1; i < samples.length; i++) {
      const a = derive(samples[i - 1], samples[i], s.host);
      const b = derive(structuredClone(samples[i - 1]), structuredClone(samples[i]), s.host);
      t.same(a, b, `tick ${i}: equal Snapshots`);
      walked.push(a);
      // Every other push in reverse order: the walk finds (next to) nothing, the pid lookup finds the slots.
      reversed.push({ ...b, procs: b.procs === null || i % 2 === 0 ? b.procs : [...b.procs].reverse() });
      for (const p of a.procs ?? []) if (prevProcs.includes(p)) handedOn++;
      prevProcs = a.procs ?? [];
      for (const tree of [false, true]) {
        const st = { ...state, tree };
        const view = (procs: NonNullable<typeof a.procs>) =>
          processesView({ rows: tableRows(procs, st), total: procs.length, state: st, selected: 2, top: 0, width: 200, height: 60, theme }).lines;
        t.strictSame(view(a.procs!), view(structuredClone(a.procs!)), `tick ${i}${tree ? ', tree' : ''}: equal lines`);
      }
    }
    t.ok(handedOn > 0, `${handedOn} snapshots handed on from the tick before`);
    const subjects = walked.procs().map((e) => `${e.pid}:${e.start_time}`);
    t.ok(subjects.length > 20, `${subjects.length} processes in the window`);
    t.same(subjects.slice().sort(), reversed.procs().map((e) => `${e.pid}:${e.start_time}`).sort(), 'the same processes');
    let cells = 0;
    for (const subject of subjects) {
      for (const m of PROC_METRICS) {
        const x = walked.stats(m, subject, 60);
        t.same(x, reversed.stats(m, subject, 60), `${m} ${subject}`);
        if (x !== null) cells++;
      }
    }
    t.ok(cells > 100, `${cells} process series compared`);
  });
}
