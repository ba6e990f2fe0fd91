import { asText, ProcText } from './text';

/** /etc/passwd: "name:x:uid:gid:gecos:home:shell" → uid → name. Malformed lines are skipped. */
export function parsePasswd(input: ProcText): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of asText(input).split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4 || f[0].length === 0) continue;
    const uid = Number(f[2]);
    if (!Number.isSafeInteger(uid) || uid < 0 || f[2].length === 0) continue;
    if (!out.has(uid)) out.set(uid, f[0]);
  }
  return out;
}
