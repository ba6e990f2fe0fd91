import * as crypto from 'crypto';
import type { Sample } from '../../src/model';
import type { Recording } from '../../src/store/recording/reader';
import { normConnsSample } from './norm';

/** JSON with object keys sorted and bigints as "123n": the same text for equal values however built. */
export function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

/** A Sample as plain JSON in one order (processes by pid, sockets by content): what a fixture's digest covers. */
export function sampleJson(s: Sample): string {
  const procs = s.procs === null ? null : { ...s.procs, procs: [...s.procs.procs].sort((a, b) => a.pid - b.pid) };
  return canonical({ mono_ns: s.mono_ns, t: s.t, sys: s.sys, procs, conns: normConnsSample(s.conns) });
}

/** sha256 over every Sample of a recording, walked in order. */
export function walkDigest(rec: Recording): { samples: number; sha256: string } {
  const h = crypto.createHash('sha256');
  let n = 0;
  for (const p of rec.pairs(rec.first()!.s, rec.last()!.s)) {
    h.update(sampleJson(p.curr));
    n++;
  }
  return { samples: n, sha256: h.digest('hex') };
}
