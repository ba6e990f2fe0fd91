import { asText, ProcText } from './text';

/** RLIM_INFINITY (2^64 - 1) as a double: what Go's process collector reports for "unlimited". */
export const RLIM_INFINITY = 18446744073709551615;

/** The soft limits the exporter reports of itself; null: the line is missing or unreadable. */
export interface Limits {
  /** RLIMIT_NOFILE ("Max open files"). */
  openFiles: number | null;
  /** RLIMIT_AS ("Max address space"), bytes. */
  addressSpace: number | null;
}

/**
 * /proc/PID/limits: a header, then one line per limit, `Name   Soft   Hard   Units` in fixed columns
 * whose names hold spaces. The soft limit is the first word after the name; `unlimited` is RLIM_INFINITY.
 */
export function parseLimits(input: ProcText): Limits {
  const soft = (name: string): number | null => {
    for (const line of asText(input).split('\n')) {
      if (!line.startsWith(name)) continue;
      const word = line.slice(name.length).trim().split(/\s+/)[0];
      if (word === 'unlimited') return RLIM_INFINITY;
      return /^\d+$/.test(word) ? Number(word) : null;
    }
    return null;
  };
  return { openFiles: soft('Max open files'), addressSpace: soft('Max address space') };
}
