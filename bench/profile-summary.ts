/**
 * What a profile of the TUI says, in a few lines:
 *   node dist/bench/profile-summary.js FILE.cpuprofile [N] [SKIP_MS]
 *     top self-time functions of a V8 CPU profile (`node --cpu-prof`), % of the profile's wall time;
 *     SKIP_MS leaves out start-up. (idle), (garbage collector) and (program) are kept as V8 names them.
 *   node dist/bench/profile-summary.js FILE.heapprofile [N]
 *     top allocation sites (self) of a sampling heap profile taken by bench/probe.ts, in kB per second.
 * Functions are told apart by name and file:line.
 */
import * as fs from 'fs';
import * as path from 'path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface CpuNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
}
interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}
interface HeapProfile {
  head: HeapNode;
  durationMs: number;
}

function where(f: CallFrame): string {
  return `${f.functionName || '(anonymous)'}${f.url === '' ? '' : ` ${path.basename(f.url)}:${f.lineNumber + 1}`}`;
}

function top(m: Map<string, number>, n: number): [string, number][] {
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
}

export function summariseCpu(file: string, n = 25, skipMs = 0): string[] {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  let at = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    at += p.timeDeltas[i] ?? 0;
    if (at < skipMs * 1000) continue;
    const node = byId.get(p.samples[i]);
    if (!node) continue;
    const key = where(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  const idle = self.get('(idle)') ?? 0;
  self.delete('(idle)');
  const lines = [`wall ${(total / 1e6).toFixed(1)} s, busy ${((100 * (total - idle)) / total).toFixed(2)} % (one thread)`];
  for (const [k, v] of top(self, n)) lines.push(`${((100 * v) / total).toFixed(2).padStart(6)} %  ${k}`);
  return lines;
}

export function summariseHeap(file: string, n = 25): string[] {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as HeapProfile;
  const self = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode): void => {
    const key = where(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const c of node.children) walk(c);
  };
  walk(p.head);
  const s = p.durationMs / 1000;
  const lines = [`allocated ${(total / 1024 / s).toFixed(0)} kB/s over ${s.toFixed(0)} s (sampled)`];
  for (const [k, v] of top(self, n)) lines.push(`${(v / 1024 / s).toFixed(1).padStart(8)} kB/s  ${k}`);
  return lines;
}

export function summarise(file: string, n = 25, skipMs = 0): string[] {
  return file.endsWith('.heapprofile') ? summariseHeap(file, n) : summariseCpu(file, n, skipMs);
}

if (require.main === module) {
  const [file, n, skip] = process.argv.slice(2);
  if (!file) {
    console.error('usage: profile-summary FILE.cpuprofile|FILE.heapprofile [N] [SKIP_MS]');
    process.exit(2);
  }
  for (const l of summarise(file, Number(n ?? 25), Number(skip ?? 0))) console.log(l);
}
