import type { Counter } from '../../model/counter';
import { FieldScanner } from '../scan';

export interface Schedstat {
  /** Time spent on a CPU, ns. */
  run_ns: Counter;
  /** Time spent runnable but waiting on a run queue, ns. */
  wait_ns: Counter;
  /** Number of times the task was scheduled in. */
  timeslices: Counter;
}

const scan = new FieldScanner();

/** /proc/PID/schedstat (or .../task/TID/schedstat): "1303238 0 1". */
export function parseSchedstat(input: Buffer | string, len?: number): Schedstat | null {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const s = scan.reset(buf, 0, len ?? buf.length);
  const run_ns = s.counter();
  const wait_ns = s.counter();
  const timeslices = s.counter();
  if (run_ns === null || wait_ns === null || timeslices === null) return null;
  if (typeof run_ns === 'number' && run_ns < 0) return null;
  if (typeof wait_ns === 'number' && wait_ns < 0) return null;
  return { run_ns, wait_ns, timeslices };
}
