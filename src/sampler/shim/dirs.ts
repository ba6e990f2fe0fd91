/**
 * Where shim files live. The shim (native/preload.c, choose_dirs) and vigil must agree:
 *   $VIGIL_SHIM_DIR                         if set (exactly that directory, nothing else; absolute);
 *   else $XDG_RUNTIME_DIR/vigil             if XDG_RUNTIME_DIR is an absolute path,
 *        and /dev/shm/vigil-EUID            (the shim's fallback when the first is unusable).
 * Every directory must be a real directory (not a symlink) owned by its user with no group/other bits.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface ShimDir {
  path: string;
  /** The user whose processes write here: the directory, its files and their /proc/PID must belong to them. */
  uid: number;
}

function euid(): number {
  return typeof process.geteuid === 'function' ? process.geteuid() : 0;
}

/** The current user's shim directories, in the shim's order of preference. */
export function ownShimDirs(env: NodeJS.ProcessEnv = process.env, uid: number = euid()): ShimDir[] {
  const forced = env.VIGIL_SHIM_DIR;
  // The shim takes only an absolute path; vigil run hands its child the resolved one.
  if (forced !== undefined && forced !== '') return [{ path: path.resolve(forced), uid }];
  const dirs: ShimDir[] = [];
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && path.isAbsolute(xdg)) dirs.push({ path: path.join(xdg, 'vigil'), uid });
  dirs.push({ path: `/dev/shm/vigil-${uid}`, uid });
  return dirs;
}

/** The directory `vigil run` hands to the shim: the first of ownShimDirs. */
export function runShimDir(env: NodeJS.ProcessEnv = process.env, uid: number = euid()): string {
  return ownShimDirs(env, uid)[0].path;
}

/**
 * Every user's default directories (for a reader running as root): /dev/shm/vigil-UID and
 * /run/user/UID/vigil, with the uid taken from the name and checked against the owner later.
 */
export function allUsersShimDirs(devShm = '/dev/shm', runUser = '/run/user'): ShimDir[] {
  const out: ShimDir[] = [];
  const list = (dir: string): string[] => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  };
  for (const name of list(devShm)) {
    const m = /^vigil-(\d{1,10})$/.exec(name);
    if (m) out.push({ path: path.join(devShm, name), uid: Number(m[1]) });
  }
  for (const name of list(runUser)) {
    if (/^\d{1,10}$/.test(name)) out.push({ path: path.join(runUser, name, 'vigil'), uid: Number(name) });
  }
  return out;
}

/**
 * Why this directory must not be trusted, or null if it is fine. lstat: a symlink is refused, not followed.
 * 'missing' when it does not exist (nobody has run the shim yet): not worth a warning.
 */
export function checkShimDir(dir: ShimDir): string | null | 'missing' {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    return `cannot stat (${code ?? 'error'})`;
  }
  if (st.isSymbolicLink()) return 'is a symbolic link';
  if (!st.isDirectory()) return 'is not a directory';
  if (st.uid !== dir.uid) return `is owned by uid ${st.uid}, not ${dir.uid}`;
  if ((st.mode & 0o077) !== 0) return `has group/other permissions (${(st.mode & 0o777).toString(8)})`;
  return null;
}
