import * as fs from 'fs';
import { parsePasswd } from './parse/passwd';

const RECHECK_MS = 10_000;

/**
 * uid → user name from /etc/passwd, cached. The file is re-read only when its mtime changes, checked at
 * most every 10 s. A uid with no entry (a container's user, an LDAP user) shows as the number.
 */
export class UserNames {
  private names = new Map<number, string>();
  private mtimeMs = -1;
  private checkedAt = -Infinity;

  constructor(private readonly path = '/etc/passwd') {}

  name(uid: number): string {
    const now = Date.now();
    if (now - this.checkedAt >= RECHECK_MS) {
      this.checkedAt = now;
      this.reload();
    }
    return this.names.get(uid) ?? String(uid);
  }

  private reload(): void {
    try {
      const st = fs.statSync(this.path);
      if (st.mtimeMs === this.mtimeMs) return;
      this.mtimeMs = st.mtimeMs;
      this.names = parsePasswd(fs.readFileSync(this.path));
    } catch {
      // No readable passwd (a minimal container): every user shows as its uid.
      this.names = new Map();
    }
  }
}
