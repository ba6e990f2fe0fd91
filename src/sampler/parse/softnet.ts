import type { SoftnetCpu } from '../../model/node';
import { asText, ProcText, words } from './text';

/**
 * /proc/net/softnet_stat: one line per CPU of hex columns; the first three are packets processed, packets
 * dropped (backlog full) and times net_rx_action ran out of budget or time. node_exporter 1.5 labels a line
 * by its index (not by the CPU number later kernels print in column 13), and so does vigil. A line that does
 * not parse keeps its index, so later lines keep theirs.
 */
export function parseSoftnet(input: ProcText): SoftnetCpu[] {
  const out: SoftnetCpu[] = [];
  const lines = asText(input).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const f = words(lines[i]);
    if (f.length < 3) continue;
    const [processed, dropped, squeeze] = f.slice(0, 3).map(hex);
    if (processed === null || dropped === null || squeeze === null) continue;
    out.push({ cpu: i, processed, dropped, time_squeeze: squeeze });
  }
  return out;
}

/** A hex column of at most 13 digits (the file prints 8): always a safe integer. */
export function hex(s: string): number | null {
  return /^[0-9a-fA-F]{1,13}$/.test(s) ? parseInt(s, 16) : null;
}
