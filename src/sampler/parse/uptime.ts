import { asText, ProcText } from './text';

/** /proc/uptime: "357.61 616.38" (seconds up, idle seconds summed over cores). Returns seconds up. */
export function parseUptime(input: ProcText): number | null {
  const s = asText(input).trim();
  const sp = s.indexOf(' ');
  const v = Number(sp < 0 ? s : s.slice(0, sp));
  return s.length > 0 && Number.isFinite(v) && v >= 0 ? v : null;
}
