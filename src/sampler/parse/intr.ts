import { Counter, parseCounter } from '../../model/counter';
import { asText, ProcText, valueAfterKey } from './text';

/** The first number of /proc/stat's `intr` line: interrupts serviced since boot (node_intr_total). */
export function parseIntrTotal(input: ProcText): Counter | null {
  const v = valueAfterKey(asText(input), 'intr ');
  if (v === null) return null;
  const c = parseCounter(v);
  return c === null || (typeof c === 'number' && c < 0) ? null : c;
}
