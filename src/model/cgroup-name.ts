/**
 * What a cgroup path is called on screen: the part of it a user recognises.
 *   - a container (docker-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope, libpod-<id>.scope, or a
 *     bare id as v1 docker and kubepods write it): the id's first 12 characters, as `docker ps` shows it;
 *   - a Kubernetes pod (kubepods-…-pod<uid>.slice, v1 pod<uid>): `pod:` and the uid's first 8 characters
 *     (the pod's name lives in the API server, not in the kernel);
 *   - a systemd unit (nginx.service, session-3.scope, …): the deepest unit, so a service's delegated
 *     subgroups (nginx.service/worker) still say nginx.service;
 *   - otherwise the last component (user-1000.slice, a hand-made group), and `/` for the root.
 */

const CONTAINER = /^(?:docker-|cri-containerd-|crio-|libpod-|containerd-)?([0-9a-f]{32,})(?:\.scope)?$/;
const POD = /(?:^|-)pod([0-9a-f][0-9a-f_-]{7,})(?:\.slice)?$/;
const UNIT = /\.(service|scope|socket|mount|timer|swap|path|device|target)$/;

export function cgroupName(path: string | null): string {
  if (path === null || path === '') return '-';
  const parts = path.split('/').filter((s) => s !== '');
  if (parts.length === 0) return '/';
  for (let i = parts.length - 1; i >= 0; i--) {
    const c = CONTAINER.exec(parts[i]);
    if (c !== null) return c[1].slice(0, 12);
  }
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = POD.exec(parts[i]);
    if (p !== null) return `pod:${p[1].replace(/_/g, '-').slice(0, 8)}`;
    if (UNIT.test(parts[i])) return parts[i];
  }
  return parts[parts.length - 1];
}
