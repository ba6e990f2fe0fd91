import { parseCounter } from '../../counter';
import type { PsiLine, PsiResource } from '../../model';
import { asText, ProcText, words } from './text';

/**
 * A /proc/pressure/{cpu,memory,io} file:
 *   some avg10=0.00 avg60=0.14 avg300=0.83 total=7060499
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 * (cpu has a "full" line only since 5.13.)
 */
export function parsePressure(input: ProcText): PsiResource {
  const out: PsiResource = { some: null, full: null };
  for (const line of asText(input).split('\n')) {
    const f = words(line);
    if (f[0] !== 'some' && f[0] !== 'full') continue;
    const kv: Record<string, string> = {};
    for (const w of f.slice(1)) {
      const eq = w.indexOf('=');
      if (eq > 0) kv[w.slice(0, eq)] = w.slice(eq + 1);
    }
    const avg10 = Number(kv.avg10);
    const avg60 = Number(kv.avg60);
    const avg300 = Number(kv.avg300);
    const total = kv.total === undefined ? null : parseCounter(kv.total);
    if (![avg10, avg60, avg300].every((x) => Number.isFinite(x) && x >= 0) || total === null) continue;
    const psi: PsiLine = { avg10, avg60, avg300, total };
    out[f[0] as 'some' | 'full'] = psi;
  }
  return out;
}
