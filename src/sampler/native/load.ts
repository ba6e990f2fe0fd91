/**
 * Finds and loads the native sampler core (native/build/vigil-sampler.node, built at install by
 * native/build.js), and decides which sampler runs:
 *   VIGIL_SAMPLER=ts      the TypeScript parsers, silently (asked for);
 *   VIGIL_SAMPLER=native  the native core, or one line on stderr saying why not and the TypeScript parsers;
 *   unset                 the native core when it loaded, else the TypeScript parsers. The install already
 *                         said once why the core was not built; a monitor that works the same either way
 *                         does not repeat it on every start (htop and btop print nothing about their
 *                         collectors), and nothing is written under a running TUI.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SockDiagNative } from '../conns/native-diag';
import { packageRoot } from '../shim/library';
import { EXPECTED_LAYOUT } from './layout';

export const SAMPLER_ADDON = 'vigil-sampler.node';

/** The sock_diag functions (native/sampler/sockdiag.c) are optional: an addon built before them has none. */
export interface NativeAddon extends Partial<SockDiagNative> {
  layout(): Record<string, number>;
  sysCreate(procRoot: string): unknown;
  sysBind(h: unknown, sf: Float64Array, su: BigUint64Array, cf: Float64Array, cu: BigUint64Array, nf: Float64Array, nu: BigUint64Array, df: Float64Array, du: BigUint64Array, arena: Uint8Array): void;
  sysRead(h: unknown): number;
  /** The text a system file read at the last sysRead (file: its index in system.c's FILES), or null. */
  sysText(h: unknown, file: number): string | null;
  procCreate(procRoot: string, procIntervalMs: number, slowMs: number, statusMs: number, cmdlineRefreshMs: number, maxKeptFds: number): unknown;
  procBind(h: unknown, f: Float64Array, u: BigUint64Array): void;
  procDiscover(h: unknown, nowNs: bigint): number;
  procRead(h: unknown, nowNs: bigint): number;
  procStrings(h: unknown, slot: number): Buffer | null;
  procTracked(h: unknown): number;
  /** The connections tier's fd scan: see FdScanNative in src/sampler/conns/inode-map.ts. */
  fdStat(dir: string, out: Float64Array): number;
  fdTable(dir: string, prev: Float64Array, nPrev: number, out: Float64Array): number;
  /** Absent from addons built before it. */
  fdProbe?(dir: string, fds: Float64Array, n: number, out: Float64Array): number;
  close(h: unknown): void;
  /** adjtimex(2) with modes = 0 into out (native/sampler/timex.h); absent from addons built before it. */
  timexRead?(out: Float64Array): number;
  /** Unmaps clean read-only file pages, counts into out (native/sampler/trim.h; page-trim.ts); 0 or -errno. */
  trimFilePages?(out: Float64Array): number;
}

let cached: { addon: NativeAddon | null; error: string | null } | null = null;

/** The addon, or null and why not (never throws). Loaded once per process. */
export function loadNative(): { addon: NativeAddon | null; error: string | null } {
  if (cached !== null) return cached;
  const file = path.join(packageRoot(), 'native', 'build', SAMPLER_ADDON);
  if (!fs.existsSync(file)) {
    cached = { addon: null, error: `${SAMPLER_ADDON} was not built (no C compiler at install? 'npm run build:native' retries)` };
    return cached;
  }
  try {
    const addon = require(file) as NativeAddon;
    const got = addon.layout();
    const bad = Object.keys(EXPECTED_LAYOUT).filter((k) => got[k] !== EXPECTED_LAYOUT[k]);
    cached = bad.length === 0 ? { addon, error: null } : { addon: null, error: `${SAMPLER_ADDON} is from another version (layout differs: ${bad.join(', ')}; 'npm run build:native')` };
  } catch (err) {
    cached = { addon: null, error: `${SAMPLER_ADDON} did not load: ${(err as Error).message.split('\n')[0]}` };
  }
  return cached;
}

export type SamplerKind = 'native' | 'ts';

/**
 * Which sampler to run. `want` comes from the caller (tests, benches) or else VIGIL_SAMPLER. Returns the
 * kind and, when native was asked for explicitly and is not available, the note to print.
 */
export function chooseSampler(want: SamplerKind | undefined, env: NodeJS.ProcessEnv = process.env): { kind: SamplerKind; note: string | null } {
  const raw = want ?? env.VIGIL_SAMPLER?.trim().toLowerCase();
  if (raw === 'ts') return { kind: 'ts', note: null };
  const { addon, error } = loadNative();
  if (raw !== undefined && raw !== '' && raw !== 'native') {
    return { kind: addon ? 'native' : 'ts', note: `vigil: VIGIL_SAMPLER=${raw} is not one of native, ts; using the ${addon ? 'native core' : 'TypeScript parsers'}` };
  }
  if (addon) return { kind: 'native', note: null };
  return { kind: 'ts', note: raw === 'native' ? `vigil: the native sampler core is not available (${error}); using the TypeScript parsers` : null };
}

let noted = false;

/** Prints the selection note once per process (several Samplers may be built; one line is enough). */
export function noteOnce(note: string | null): void {
  if (note === null || noted) return;
  noted = true;
  process.stderr.write(`${note}\n`);
}
