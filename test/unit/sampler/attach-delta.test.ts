/**
 * The readers skip the attachment lookup for a process whose attachments are the same() as at the previous
 * read (src/sampler/attach.ts). Proof by comparison: over random sequences of processes appearing, leaving,
 * running and being replaced on their pid, of connections reads (new, repeated, absent, with sockets
 * gained, lost and moving, with denied pids) and of shim tables, each reader fed by Attachments returns
 * the Samples it returns when fed by the lookup of every process at every read (FullAttachments, the
 * previous implementation), field by field, and the same rows are the very objects of the read before.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import t, { Test } from 'tap';
import type { ProcSample, ProcTcp, ProcTable } from '../../../src/model';
import type { ConnsProcSample, ConnsSample } from '../../../src/model/conns';
import { shimKey, ShimProcSample, ShimTable } from '../../../src/model/shim';
import { Attached, Attachments, ProcExtras } from '../../../src/sampler/attach';
import { loadNative } from '../../../src/sampler/native/load';
import { NativeProcReader } from '../../../src/sampler/native/procs';
import { ProcReader } from '../../../src/sampler/procs';
import { FIXTURES } from '../../helpers/paths';

const TEMPLATE = path.join(FIXTURES, 'proc', 'debian12-6.18', '1234');
const STAT = fs.readFileSync(path.join(TEMPLATE, 'stat'), 'latin1');
const { addon } = loadNative();

/** The lookup of every process at every read: Attachments as it was before same() (b46ca1c). */
class FullAttachments implements ProcExtras {
  private readonly tcpHist = new Map<number, { start: number; cur: ProcTcp; prev: ProcTcp | null; stamp: number }>();
  private stamp = 0;
  private conns: ConnsSample | null = null;
  private byPid = new Map<number, ConnsProcSample>();
  private denied = new Set<number>();
  private byKey: Map<string, ShimProcSample> | null = null;

  prepare(conns: ConnsSample | null, shims: ShimTable | null): ProcExtras | null {
    this.conns = conns;
    this.byKey = shims === null || shims.procs.length === 0 ? null : new Map(shims.procs.map((s) => [shimKey(s.pid, s.start_time), s]));
    if (conns === null && this.byKey === null && this.tcpHist.size === 0) return null;
    if (conns !== null) {
      this.byPid = new Map(conns.procs.map((p) => [p.pid, p]));
      this.denied = new Set(conns.denied);
    }
    this.stamp++;
    return this;
  }

  same(): boolean {
    return false;
  }

  get(pid: number, start: number): Attached {
    const idle = (t: ProcTcp): boolean => t.conns === 0 && t.since_ns === null && t.tx_bytes === 0 && t.rx_bytes === 0 && t.retrans === 0;
    const conns = this.conns;
    let h = this.tcpHist.get(pid);
    if (h !== undefined) h.stamp = this.stamp;
    const shim = this.byKey === null ? null : this.byKey.get(shimKey(pid, start)) ?? null;
    if (conns === null || this.denied.has(pid)) return { tcp: null, tcp_prev: null, shim };
    if (h !== undefined && h.start !== start) h = undefined;
    if (h === undefined || h.cur.mono_ns !== conns.mono_ns) {
      const c = this.byPid.get(pid);
      if (c === undefined && h !== undefined && h.prev !== null && idle(h.cur) && idle(h.prev)) return { tcp: h.cur, tcp_prev: h.prev, shim };
      const cur: ProcTcp = c
        ? { mono_ns: conns.mono_ns, since_ns: c.since_ns, tx_bytes: c.tcp_tx_bytes, rx_bytes: c.tcp_rx_bytes, retrans: c.tcp_retrans, conns: c.tcp }
        : { mono_ns: conns.mono_ns, since_ns: null, tx_bytes: 0, rx_bytes: 0, retrans: 0, conns: 0 };
      h = { start, cur, prev: h?.cur ?? null, stamp: this.stamp };
      this.tcpHist.set(pid, h);
    }
    return { tcp: h.cur, tcp_prev: h.prev, shim };
  }

  done(): void {
    for (const [pid, h] of this.tcpHist) if (h.stamp !== this.stamp) this.tcpHist.delete(pid);
  }
}

/** Writes a process's stat (start time, utime) and schedstat (on-CPU ns) in place: kept fds read the new bytes. */
function writeProc(root: string, pid: number, start: number, ran: number): void {
  const dir = path.join(root, String(pid));
  if (!fs.existsSync(dir)) fs.cpSync(TEMPLATE, dir, { recursive: true });
  const close = STAT.lastIndexOf(')');
  const f = STAT.slice(close + 2).trimEnd().split(' ');
  f[11] = String(ran); // utime, field 14
  f[19] = String(start); // starttime, field 22
  fs.writeFileSync(path.join(dir, 'stat'), `${pid} ${STAT.slice(STAT.indexOf('('), close + 1)} ${f.join(' ')}\n`, 'latin1');
  fs.writeFileSync(path.join(dir, 'schedstat'), `${870828 + ran} 267219 ${1 + ran}\n`);
}

const PIDS = [1300, 1301, 1302, 1303, 1304, 1305];

interface Live {
  start: number;
  ran: number;
}

type Reader = Pick<ProcReader, 'read' | 'close'>;

function sequence(t: Test, kind: 'ts' | 'native', seed: number, steps: number): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-attach-delta-'));
  fs.writeFileSync(path.join(root, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >> 8) % n;
  };
  const live = new Map<number, Live>();
  let nextStart = 90000;
  for (const pid of PIDS) if (rnd(2) === 0) {
    live.set(pid, { start: nextStart++, ran: 0 });
    writeProc(root, pid, live.get(pid)!.start, 0);
  }
  const opts = { procRoot: root, passwdPath: path.join(root, 'passwd'), pageSize: 4096, procIntervalMs: 100 };
  const make = (): Reader => (kind === 'ts' ? new ProcReader(opts) : new NativeProcReader(addon!, opts));
  const fast = make();
  const full = make();
  // Sweeps of the history at 1 to 4 reads apart: a sweep must never drop a live process's.
  const at = new Attachments(1 + (seed % 4));
  const ref = new FullAttachments();
  let conns: ConnsSample | null = null;
  let connsSec = 0;
  const sockets = new Map<number, ConnsProcSample>();
  let shims: ShimTable | null = null;
  let before: { fast: ProcTable; full: ProcTable } | null = null;
  let bad = 0;
  try {
    for (let i = 0; i < steps && bad < 3; i++) {
      // Processes: leave, arrive, run, or a new process on a pid that just left.
      for (const pid of PIDS) {
        const p = live.get(pid);
        const r = rnd(20);
        if (p === undefined) {
          if (r === 0) {
            live.set(pid, { start: nextStart++, ran: 0 });
            writeProc(root, pid, live.get(pid)!.start, 0);
          }
        } else if (r === 0) {
          fs.rmSync(path.join(root, String(pid)), { recursive: true, force: true });
          live.delete(pid);
        } else if (r === 1) {
          p.start = nextStart++;
          p.ran = 0;
          writeProc(root, pid, p.start, 0);
        } else if (r <= 3) {
          writeProc(root, pid, p.start, ++p.ran);
        }
      }
      // The connections tier: most process reads find its last sample; some a new one, or none.
      const c = rnd(10);
      if (c === 0) conns = null;
      else if (c <= 3) {
        for (const pid of PIDS) {
          const r = rnd(8);
          const s = sockets.get(pid);
          if (r === 0) sockets.delete(pid);
          else if (r === 1 || (r === 2 && s !== undefined)) {
            const o = s ?? { pid, comm: 'sleep', tcp: 1, tcp_listen: 0, udp: 0, unix: 0, tcp_tx_bytes: 0, tcp_rx_bytes: 0, tcp_retrans: 0, since_ns: null } as unknown as ConnsProcSample;
            sockets.set(pid, { ...o, tcp: rnd(3), tcp_tx_bytes: (o.tcp_tx_bytes as number) + rnd(2) * 100, tcp_rx_bytes: o.tcp_rx_bytes, since_ns: rnd(4) === 0 ? BigInt(connsSec) : null });
          }
        }
        conns = {
          mono_ns: BigInt(++connsSec) * 1_000_000_000n, t: 0, tcp: [], procs: [...sockets.values()],
          denied: PIDS.filter(() => rnd(8) === 0), scan_incomplete: false, malformed: 0, cost_ms: 0,
        } as unknown as ConnsSample;
      }
      // Shim files: a table of new objects at each read (as ShimReader), sometimes of a wrong start time.
      const sh = rnd(4);
      if (sh === 0) shims = null;
      else {
        const procs: ShimProcSample[] = [];
        for (const [pid, p] of live) {
          const r = rnd(4);
          if (r === 0) procs.push({ pid, start_time: p.start, attached: true, exited: false } as unknown as ShimProcSample);
          else if (r === 1 && rnd(4) === 0) procs.push({ pid, start_time: p.start - 1, attached: true, exited: false } as unknown as ShimProcSample);
        }
        shims = sh === 1 && shims !== null ? shims : { mono_ns: 0n, procs };
      }
      const ns = BigInt(i + 1) * 100_000_000n;
      const now = { fast: fast.read(ns, at.prepare(conns, shims)), full: full.read(ns, ref.prepare(conns, shims)) };
      if (!isDeepStrictEqual(now.fast.procs, now.full.procs)) {
        bad++;
        t.same(now.fast.procs, now.full.procs, `seed ${seed} step ${i}: the same samples`);
      }
      if (before !== null) {
        const b = before;
        const kept = (tb: ProcTable, last: ProcTable): string =>
          tb.procs.map((p) => (last.procs.includes(p) ? 'kept' : 'new')).join(' ');
        const shimSame = now.fast.procs.every((p, k) => p.shim === now.full.procs[k]?.shim);
        const tcpSame = (tb: ProcTable, last: ProcTable): string =>
          tb.procs.map((p) => { const o = last.procs.find((q) => q.pid === p.pid); return o === undefined ? '-' : `${p.tcp === o.tcp}${p.tcp_prev === o.tcp_prev}`; }).join(' ');
        if (kept(now.fast, b.fast) !== kept(now.full, b.full) || !shimSame || tcpSame(now.fast, b.fast) !== tcpSame(now.full, b.full)) {
          bad++;
          t.fail(`seed ${seed} step ${i}: rows or attached objects kept differently`, {
            fast: kept(now.fast, b.fast), full: kept(now.full, b.full), shimSame,
          });
        }
      }
      before = now;
    }
  } finally {
    fast.close();
    full.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
  t.equal(bad, 0, `${kind} seed ${seed}: ${steps} reads equal to the full lookup`);
}

for (const kind of ['ts', 'native'] as const) {
  t.test(`${kind} reader: the same Samples as a full attach every read`, { skip: kind === 'native' && !addon ? 'no native core built' : false }, async (t) => {
    for (let seed = 1; seed <= 20; seed++) sequence(t, kind, seed, 50);
  });
}

t.test('an idle process with unchanged attachments is the same row, with no lookup', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-attach-delta-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.writeFileSync(path.join(root, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeProc(root, 1300, 5000, 0);
  writeProc(root, 1301, 5001, 0);
  for (const kind of ['ts', 'native'] as const) {
    if (kind === 'native' && !addon) continue;
    const opts = { procRoot: root, passwdPath: path.join(root, 'passwd'), pageSize: 4096, procIntervalMs: 100 };
    const reader: Reader = kind === 'ts' ? new ProcReader(opts) : new NativeProcReader(addon!, opts);
    const at = new Attachments();
    let asked: number[] = [];
    const get = at.get.bind(at);
    at.get = (pid, start) => {
      asked.push(pid);
      return get(pid, start);
    };
    const sock = { pid: 1301, comm: 'x', tcp: 1, tcp_listen: 0, udp: 0, unix: 0, tcp_tx_bytes: 5, tcp_rx_bytes: 5, tcp_retrans: 0, since_ns: null } as unknown as ConnsProcSample;
    const c1 = { mono_ns: 1_000_000_000n, procs: [sock], denied: [] } as unknown as ConnsSample;
    const c2 = { mono_ns: 2_000_000_000n, procs: [sock], denied: [] } as unknown as ConnsSample;
    const c3 = { mono_ns: 3_000_000_000n, procs: [sock], denied: [] } as unknown as ConnsSample;
    const reads: ProcTable[] = [];
    const askedAt: number[][] = [];
    for (const [i, c] of [c1, c1, c2, c2, c3, c3, c3].entries()) {
      asked = [];
      reads.push(reader.read(BigInt(i + 1) * 100_000_000n, at.prepare(c, null)));
      askedAt.push([...new Set(asked)].sort()); // the TypeScript reader may ask twice (notRun, then update)
    }
    reader.close();
    t.same(askedAt, [[1300, 1301], [], [1300, 1301], [], [1301], [], []], `${kind}: asked only at connections reads, and only what may have moved`);
    const p1300 = reads.map((tb) => tb.procs.find((p) => p.pid === 1300)!);
    t.equal(p1300[4], p1300[3], `${kind}: a process settled at no socket keeps its row across a connections read`);
    t.equal(p1300[6], p1300[4], `${kind}: and after`);
    t.equal(p1300[4].tcp_prev!.conns, 0, `${kind}: with its zero pair`);
  }
});
