import { Counter, parseCounter } from '../../model/counter';
import { valueAfterKey } from './text';

export interface PidStatus {
  /** Effective uid (the second of the four Uid: columns), which is whose process top shows it as. */
  uid: number | null;
  threads: number | null;
  vol_ctxsw: Counter | null;
  invol_ctxsw: Counter | null;
  rss_bytes: number | null;
  swap_bytes: number | null;
}

/** /proc/PID/status. Kernel threads and zombies have no Vm* lines: those come back null. */
export function parsePidStatus(input: Buffer | string, len?: number): PidStatus {
  const text = typeof input === 'string' ? input : input.toString('latin1', 0, len ?? input.length);
  const num = (key: string): Counter | null => {
    const v = valueAfterKey(text, key);
    return v === null ? null : parseCounter(v);
  };
  const kb = (key: string): number | null => {
    const v = num(key);
    return typeof v === 'number' && v >= 0 ? v * 1024 : null;
  };
  let uid: number | null = null;
  const u = text.indexOf('\nUid:');
  if (u >= 0) {
    const eol = text.indexOf('\n', u + 1);
    const f = text.slice(u + 5, eol < 0 ? text.length : eol).trim().split(/\s+/);
    const e = parseCounter(f[1] ?? f[0] ?? '');
    uid = typeof e === 'number' && e >= 0 ? e : null;
  }
  const threads = num('Threads:');
  return {
    uid,
    threads: typeof threads === 'number' ? threads : null,
    vol_ctxsw: num('voluntary_ctxt_switches:'),
    invol_ctxsw: num('nonvoluntary_ctxt_switches:'),
    rss_bytes: kb('VmRSS:'),
    swap_bytes: kb('VmSwap:'),
  };
}
