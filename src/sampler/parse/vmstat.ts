import { Counter, parseCounter } from '../../model/counter';
import type { VmstatSample } from '../../model';
import { asText, ProcText, valueAfterKey } from './text';

/** The four /proc/vmstat counters vigil shows: page faults (all, major) and pages swapped in and out. */
export function parseVmstat(input: ProcText): VmstatSample {
  const text = asText(input);
  const get = (k: string): Counter | null => {
    const v = valueAfterKey(text, k + ' ');
    return v === null ? null : parseCounter(v);
  };
  return { pgfault: get('pgfault'), pgmajfault: get('pgmajfault'), pswpin: get('pswpin'), pswpout: get('pswpout') };
}
