import { asText, ProcText, words } from './text';
import { hex } from './softnet';

/**
 * /proc/net/stat/nf_conntrack: a header of column names, then one line of hex values per CPU. Returns each
 * column summed over the CPUs (what node_exporter's node_nf_conntrack_stat_* report), or null without a
 * header. A line whose length differs from the header's is skipped.
 */
export function parseConntrackStat(input: ProcText): Map<string, number> | null {
  const lines = asText(input).split('\n');
  const head = words(lines[0] ?? '');
  if (head.length === 0 || head.some((h) => !/^[a-z_]+$/.test(h))) return null;
  const sums = new Map<string, number>(head.map((h) => [h, 0]));
  for (const line of lines.slice(1)) {
    const f = words(line);
    if (f.length !== head.length) continue;
    const v = f.map(hex);
    if (v.some((x) => x === null)) continue;
    for (let i = 0; i < head.length; i++) sums.set(head[i], sums.get(head[i])! + v[i]!);
  }
  return sums;
}
