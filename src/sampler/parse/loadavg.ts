import type { LoadSample } from '../../model';
import { asText, ProcText, words } from './text';

/** /proc/loadavg: "0.03 0.16 0.09 1/77 2943" (the last field, the newest pid, is not kept). */
export function parseLoadavg(input: ProcText): LoadSample | null {
  const f = words(asText(input).trim());
  if (f.length < 4) return null;
  const slash = f[3].indexOf('/');
  const load = [Number(f[0]), Number(f[1]), Number(f[2])];
  const running = Number(f[3].slice(0, slash));
  const total = Number(f[3].slice(slash + 1));
  if (slash < 0 || !load.every((x) => Number.isFinite(x) && x >= 0)) return null;
  if (!Number.isSafeInteger(running) || !Number.isSafeInteger(total)) return null;
  return { load1: load[0], load5: load[1], load15: load[2], running, total };
}
