import * as crypto from 'crypto';
import type { Sample } from '../../src/model';
import { PROC_RAW } from '../../src/model/fields/proc';
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

/**
 * Per-process fields each schema version added to the model, by version (the `since` of the process
 * field table's raw rows). A fixture of version v was made before the later ones existed: its digest
 * leaves them out (they read as null from it, which laterFieldsOf checks).
 */
export const PROC_FIELDS_ADDED: Readonly<Record<number, readonly string[]>> = PROC_RAW.reduce<Record<number, string[]>>((by, r) => {
  if ('since' in r) (by[r.since] ??= []).push(r.key);
  return by;
}, {});

/** The per-process fields a recording of `version` does not have. */
export function laterFields(version: number): string[] {
  return Object.entries(PROC_FIELDS_ADDED).flatMap(([v, fs]) => (Number(v) > version ? [...fs] : []));
}

/** Non-null values of `fields` in a Sample's processes (an old file must read them all as null). */
export function laterFieldsSet(s: Sample, fields: readonly string[]): number {
  let n = 0;
  for (const p of s.procs?.procs ?? []) for (const f of fields) if ((p as unknown as Record<string, unknown>)[f] != null) n++;
  return n;
}

/**
 * A Sample as plain JSON in one order (processes by pid, sockets by content): what a fixture's digest
 * covers. `omit`: per-process fields left out (those added after the fixture's schema version).
 */
export function sampleJson(s: Sample, omit: readonly string[] = []): string {
  const drop = (p: object): object =>
    omit.length === 0 ? p : Object.fromEntries(Object.entries(p).filter(([k]) => !omit.includes(k)));
  const procs = s.procs === null ? null : { ...s.procs, procs: [...s.procs.procs].sort((a, b) => a.pid - b.pid).map(drop) };
  return canonical({ mono_ns: s.mono_ns, t: s.t, sys: s.sys, procs, conns: normConnsSample(s.conns) });
}

/** sha256 over every Sample of a recording, walked in order, and how many `omit` values were not null. */
export function walkDigest(rec: Recording, omit: readonly string[] = []): { samples: number; sha256: string; later: number } {
  const h = crypto.createHash('sha256');
  let n = 0;
  let later = 0;
  for (const p of rec.pairs(rec.first()!.s, rec.last()!.s)) {
    h.update(sampleJson(p.curr, omit));
    later += laterFieldsSet(p.curr, omit);
    n++;
  }
  return { samples: n, sha256: h.digest('hex'), later };
}
