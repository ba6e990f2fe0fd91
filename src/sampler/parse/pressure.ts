import { parseCounter } from '../../model/counter';
import type { PsiLine, PsiResource } from '../../model';
import { asText, lineAt, lineStarting, ProcText } from './text';

/**
 * A /proc/pressure/{cpu,memory,io} file:
 *   some avg10=0.00 avg60=0.14 avg300=0.83 total=7060499
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 * (cpu has a "full" line only since 5.13.) Keys are found by name within their line; a line with any
 * of the four missing or malformed is left out.
 */
export function parsePressure(input: ProcText): PsiResource {
  const text = asText(input);
  return { some: psiLine(text, 'some'), full: psiLine(text, 'full') };
}

function psiLine(text: string, kind: 'some' | 'full'): PsiLine | null {
  const at = lineStarting(text, kind + ' ', 0);
  if (at < 0) return null;
  const end = at + lineAt(text, at).length;
  const avg10 = average(valueOf(text, at, end, 'avg10'));
  const avg60 = average(valueOf(text, at, end, 'avg60'));
  const avg300 = average(valueOf(text, at, end, 'avg300'));
  const t = valueOf(text, at, end, 'total');
  const total = t === null ? null : parseCounter(t);
  if (avg10 === null || avg60 === null || avg300 === null || total === null) return null;
  return { avg10, avg60, avg300, total };
}

/** A percentage as the kernel prints it ("1.50"): finite and ≥ 0, or null. */
function average(s: string | null): number | null {
  if (s === null) return null;
  const x = Number(s);
  return Number.isFinite(x) && x >= 0 ? x : null;
}

/** The text after ` key=` up to the next space, within [from, end), or null. */
function valueOf(text: string, from: number, end: number, key: string): string | null {
  const k = text.indexOf(` ${key}=`, from);
  if (k < 0 || k >= end) return null;
  const s = k + key.length + 2;
  let e = text.indexOf(' ', s);
  if (e < 0 || e > end) e = end;
  return s < e ? text.slice(s, e) : null;
}
