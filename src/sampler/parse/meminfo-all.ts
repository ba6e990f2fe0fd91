import type { MeminfoEntry } from '../../model/node';
import { asText, ProcText, words } from './text';

/**
 * Every line of /proc/meminfo ("Key:   value [kB]"), in file order. node_memory_* wants all of them, and
 * which fields exist depends on the kernel and its config (Zswap, SecPageTables, ...), so none is named
 * here. A line without a colon, with a value that is not a non-negative safe integer, or with a unit other
 * than kB is skipped; the first of two lines with the same key wins.
 */
export function parseMeminfoAll(input: ProcText): MeminfoEntry[] {
  const out: MeminfoEntry[] = [];
  const seen = new Set<string>();
  for (const line of asText(input).split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    if (/\s/.test(key) || seen.has(key)) continue;
    const f = words(line.slice(colon + 1));
    if (f.length === 0 || f.length > 2 || (f.length === 2 && f[1] !== 'kB')) continue;
    if (!/^\d+$/.test(f[0])) continue;
    const value = Number(f[0]);
    if (!Number.isSafeInteger(value)) continue;
    seen.add(key);
    out.push({ key, value, kb: f.length === 2 });
  }
  return out;
}
