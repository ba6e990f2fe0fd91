/**
 * /proc/PID/cgroup: one `hierarchy-ID:controllers:path` line per hierarchy. On cgroup v2 there is one
 * line, `0::/path`; a v1 system has a line per mounted hierarchy (`4:memory:/path`, `9:name=systemd:/path`);
 * a hybrid one has both, and its v2 line often says only `/` while the v1 hierarchies hold the placement.
 *
 * The path vigil shows: the v2 path, unless it is the root while a v1 hierarchy has more to say; then the
 * name=systemd hierarchy's path, else the first v1 hierarchy whose path is not the root. null: no line
 * (the file was empty or unreadable: a kernel without cgroups, a process that exited).
 */
export function parseCgroup(text: string): string | null {
  let v2: string | null = null;
  let systemd: string | null = null;
  let firstV1: string | null = null;
  for (const line of text.split('\n')) {
    // The path is everything after the second colon: it may hold colons itself.
    const a = line.indexOf(':');
    const b = a < 0 ? -1 : line.indexOf(':', a + 1);
    if (b < 0) continue;
    const id = line.slice(0, a);
    const controllers = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (path === '') continue;
    if (id === '0' && controllers === '') v2 = path;
    else if (controllers === 'name=systemd') systemd = path;
    else if (firstV1 === null && path !== '/') firstV1 = path;
  }
  if (v2 !== null && v2 !== '/') return v2;
  if (systemd !== null && systemd !== '/') return systemd;
  if (firstV1 !== null) return firstV1;
  return v2 ?? systemd;
}
