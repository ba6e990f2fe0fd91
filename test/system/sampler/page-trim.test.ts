/**
 * The release of clean file pages (native/sampler/trim.c, src/sampler/native/page-trim.ts): it lowers the
 * resident file pages of a real process by about what smaps said they were, leaves RELRO (copied pages)
 * alone, and the process then computes the same results through the unmapped code and tables. The CLI
 * releases them unless VIGIL_PAGE_TRIM=0: two recorders started together, measured over the same seconds.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { loadNative } from '../../../src/sampler/native/load';
import { CLI } from '../../helpers/paths';

const MODULE = path.join(__dirname, '..', '..', '..', 'src', 'sampler', 'native', 'page-trim.js');
const CHILD = path.join(__dirname, 'page-trim-child.js');
const { addon } = loadNative();
const skip = addon?.trimFilePages ? false : 'the native sampler core is not built';

function rssFileKb(pid: number): number | null {
  try {
    return Number(/RssFile:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  } catch {
    return null;
  }
}

t.test('a process releases its clean file pages and computes the same afterwards', { skip }, async (t) => {
  const r = spawnSync(process.execPath, [CHILD, MODULE], { encoding: 'utf8', timeout: 60_000 });
  t.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout) as { r: { mappings: number; kb: number; skipped: number } | null; fileBefore: number; fileAfter: number; same: boolean };
  t.ok(o.r, 'released');
  t.ok(o.r!.mappings >= 2, `mappings released: ${o.r!.mappings} (the node binary's, libc's at least)`);
  t.ok(o.r!.skipped >= 1, `RELRO mappings left alone: ${o.r!.skipped}`);
  t.ok(o.r!.kb >= 8 * 1024, `smaps said ${o.r!.kb} kB were resident in them`);
  // Ground truth is the kernel's own count over the same call; a few pages come back before the second read.
  t.ok(o.fileBefore - o.fileAfter >= 0.5 * o.r!.kb, `RssFile ${o.fileBefore} -> ${o.fileAfter} kB for ${o.r!.kb} kB released`);
  t.ok(o.same, 'hash, gzip, deflate, ICU normalize/collation/number format and JSON give the same results after');
});

t.test('the CLI releases them; VIGIL_PAGE_TRIM=0 keeps them', { skip }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-page-trim-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = (name: string, env: NodeJS.ProcessEnv) =>
    spawn(process.execPath, [CLI, 'record', path.join(dir, name), '--duration', '60s'], { stdio: 'ignore', env: { ...process.env, ...env } });
  const on = start('on.vigil', {});
  const off = start('off.vigil', { VIGIL_PAGE_TRIM: '0' });
  t.teardown(() => {
    on.kill('SIGKILL');
    off.kill('SIGKILL');
  });
  // Both sample from the same start on the same machine; after its settling trims the one with the release
  // holds fewer file pages. Polled (no timing asserted): the settling trims run at 0.4, 1.5 and 5 s.
  let last = '';
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const a = rssFileKb(on.pid!);
    const b = rssFileKb(off.pid!);
    if (a === null || b === null) return void t.fail('a recorder exited early');
    last = `RssFile with the release ${a} kB, without ${b} kB`;
    if (fs.existsSync(path.join(dir, 'on.vigil')) && fs.existsSync(path.join(dir, 'off.vigil')) && a + 8 * 1024 <= b) break;
  }
  const [a, b] = [rssFileKb(on.pid!)!, rssFileKb(off.pid!)!];
  t.ok(a + 8 * 1024 <= b, last);
});
