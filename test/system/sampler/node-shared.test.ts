/**
 * The node tier takes the files the system tier also reads (SHARED_SYSTEM_FILES) from that tier's read of
 * the same tick: the same NodeSample as reading them itself, each file opened once (the kept fds of this
 * process are the ground truth), with the TypeScript and the native system reader alike.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import t from 'tap';
import { loadNative } from '../../../src/sampler/native/load';
import { NativeSystemReader } from '../../../src/sampler/native/system';
import { NodeTier } from '../../../src/sampler/node-tier';
import { Sampler } from '../../../src/sampler/sampler';
import { SystemReader } from '../../../src/sampler/system';
import { FIXTURES } from '../../helpers/paths';

const ROOT = path.join(FIXTURES, 'proc', 'node-tier');
const { addon } = loadNative();

/** How many of this process's fds are open on `file`. */
function fdsOn(file: string): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === file) n++;
    } catch {
      // The listing's own fd, closed by now.
    }
  }
  return n;
}

t.test('fixture root: the same NodeSample, and each shared file opened once', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-node-shared-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.cpSync(ROOT, root, { recursive: true });
  const procRoot = path.join(root, 'proc');
  const opts = { procRoot, sysRoot: path.join(root, 'sys'), udevRoot: path.join(root, 'udev') };
  const readers = [['TypeScript', new SystemReader({ procRoot, sysRoot: opts.sysRoot })]] as [string, SystemReader | NativeSystemReader][];
  if (addon) readers.push(['native', new NativeSystemReader(addon, { procRoot, sysRoot: opts.sysRoot })]);
  else t.comment('native system reader not built here: TypeScript only');
  for (const [label, sys] of readers) {
    const alone = new NodeTier(opts);
    const shared = new NodeTier({ ...opts, systemText: (f) => sys.text(f) });
    t.teardown(() => {
      alone.close();
      shared.close();
      sys.close();
    });
    for (let tick = 1; tick <= 3; tick++) {
      fs.appendFileSync(path.join(procRoot, 'meminfo'), `Tick${label}${tick}:   ${tick} kB\n`);
      sys.read(BigInt(tick));
      const a = alone.read(BigInt(tick));
      const b = shared.read(BigInt(tick));
      t.same(b, a, `${label}, read ${tick}: the same NodeSample`);
      t.ok(b.meminfo.some((e) => e.key === `Tick${label}${tick}`), `${label}, read ${tick}: this tick's meminfo`);
    }
    for (const rel of ['meminfo', 'stat', 'vmstat', 'diskstats', 'net/dev', 'net/snmp']) {
      // alone keeps one fd per file, and the system reader one: two; the shared node tier adds none.
      t.equal(fdsOn(path.join(procRoot, rel)), 2, `${label}: ${rel} is open in the system reader and the lone node tier only`);
    }
    t.equal(fdsOn(path.join(procRoot, 'net/sockstat')), 2, `${label}: a node-only file is read by both node tiers`);
    alone.close();
    shared.close();
    sys.close();
  }
});

t.test('live /proc through the Sampler: the node tier opens no shared file of its own', async (t) => {
  const before = Object.fromEntries(['meminfo', 'stat', 'vmstat', 'diskstats'].map((f) => [f, fdsOn(`/proc/${f}`)]));
  const s = new Sampler({ procs: false, filesystems: false, node: true });
  t.teardown(() => s.close());
  const x = s.sample();
  const node = x.node ?? null;
  t.ok(node !== null && node.meminfo.length > 10, 'node tier read');
  // A NodeSample's meminfo and the hot tier's are one read: MemTotal agrees to the byte.
  t.equal(node!.meminfo.find((e) => e.key === 'MemTotal')!.value * 1024, x.sys.mem.total);
  t.ok(node!.intr !== null, 'intr from the shared /proc/stat');
  for (const f of Object.keys(before)) t.equal(fdsOn(`/proc/${f}`) - before[f], 1, `/proc/${f}: one kept fd (the system tier's)`);
  // /proc/net is /proc/self/net: the link names this process.
  t.equal(fdsOn(`/proc/${process.pid}/net/sockstat`), 1, 'a node-only file has its own fd');
});
