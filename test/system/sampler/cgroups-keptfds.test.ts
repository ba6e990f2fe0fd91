/**
 * The cgroup tier's kept fds on this machine's real cgroups: the figures read through kept fds equal
 * those read with open + read + close; a group removed between two reads is left out (its fds read
 * ENODEV, never its old figures); a group made again under the same name between two reads is read as
 * the new group; and fds are given back (a removed group's at the next listing, all of them at close).
 * Skipped with the reason where the machine cannot make cgroups. Each test runs on the TypeScript reader
 * and on the native one (native/sampler/cgroup.c keeps its own fds) where the addon has it.
 */
import * as fs from 'fs';
import t from 'tap';
import type { CgroupSample } from '../../../src/model/cgroups';
import { CgroupReader, CgroupTierOptions } from '../../../src/sampler/cgroups/tier';
import { cgroupNativeOf, NativeCgroupReader } from '../../../src/sampler/native/cgroups';
import { loadNative } from '../../../src/sampler/native/load';
import { cgroupSkipReason, groupName, hierarchyOf, TestGroup } from '../../helpers/cgroups';

const MiB = 1024 * 1024;
const find = (r: CgroupReader, path: string): CgroupSample | undefined => r.read().groups.find((g) => g.path === path);

const skip = cgroupSkipReason(['memory']) ?? false;
const fns = cgroupNativeOf(loadNative().addon);
const readers: [string, (o: CgroupTierOptions) => CgroupReader][] = [['ts', (o) => new CgroupReader(o)]];
if (fns) readers.push(['native', (o) => new NativeCgroupReader(fns, o)]);

for (const [kind, make] of readers) {

  t.test(`${kind}: a v1 memory group read through kept fds: equal figures, removal and re-creation`, { skip }, async (t) => {
    const h = hierarchyOf('memory')!;
    const name = groupName('keptfds');
    let g = new TestGroup([h], name);
    t.teardown(() => g.remove());
    g.write('memory.limit_in_bytes', String(64 * MiB));
    const kept = make({ rewalkEvery: 1000 });
    const plain = make({ rewalkEvery: 1000, maxKeptFds: 0 });
    t.teardown(() => {
      kept.close();
      plain.close();
    });

    const a = find(kept, g.path)!;
    t.ok(kept.keptFds > 0, `${kept.keptFds} fds kept`);
    t.equal(plain.keptFds, 0, 'a budget of 0 keeps none');
    t.equal(a.mem_max_bytes, 64 * MiB, 'the limit, read through a kept fd');
    // Levels and limits of an empty group do not move: both readers must agree exactly.
    const b = find(plain, g.path)!;
    for (const k of ['mem_max_bytes', 'mem_limited', 'mem_current_bytes', 'pids_max', 'cpu_quota_usec', 'oom_kill'] as const) t.equal(a[k], b[k], k);
    g.write('memory.limit_in_bytes', String(32 * MiB));
    t.equal(find(kept, g.path)!.mem_max_bytes, 32 * MiB, 'a kept fd re-reads the file: the new limit shows at the next read');

    const held = kept.keptFds;
    await g.remove();
    t.equal(find(kept, g.path), undefined, 'removed between two reads: left out, never its old figures');
    t.equal(find(kept, g.path), undefined, 'and still out after the listing that follows');
    t.ok(kept.keptFds < held, `the removed group's fds are given back (${held} → ${kept.keptFds})`);

    // Made again under the same name between two reads (no listing in between: the reader still holds the
    // group's path from its listing, and its old fds read ENODEV): read as the new group.
    const r2 = make({ rewalkEvery: 1000 });
    t.teardown(() => r2.close());
    g = new TestGroup([h], name);
    g.write('memory.limit_in_bytes', String(16 * MiB));
    t.equal(find(r2, g.path)!.mem_max_bytes, 16 * MiB);
    await g.remove();
    g = new TestGroup([h], name);
    g.write('memory.limit_in_bytes', String(8 * MiB));
    const again = find(r2, g.path);
    t.equal(again?.mem_max_bytes, 8 * MiB, 'the new group\'s limit, not the old one\'s');
    t.ok(fs.existsSync(g.dirs[0]));

    const before = r2.keptFds;
    r2.close();
    t.ok(before > 0 && r2.keptFds === 0, `close gives back every fd (${before} → 0)`);
    t.equal(find(r2, g.path)?.mem_max_bytes, 8 * MiB, 'a closed reader lists the tree afresh and reads on');
  });

  t.test(`${kind}: the tree is looked at every rewalkEvery reads: made and removed subgroups show as a listing would`, { skip }, async (t) => {
    const h = hierarchyOf('memory')!;
    const g = new TestGroup([h], groupName('looks'));
    const made: string[] = [];
    t.teardown(async () => {
      for (const d of made.reverse()) if (fs.existsSync(d)) fs.rmdirSync(d);
      await g.remove();
    });
    const mk = (name: string): void => {
      fs.mkdirSync(`${g.dirs[0]}/${name}`);
      made.push(`${g.dirs[0]}/${name}`);
    };
    const r = make({ rewalkEvery: 2 });
    const plain = make({ rewalkEvery: 1, maxKeptFds: 0 });
    t.teardown(() => {
      r.close();
      plain.close();
    });
    const under = (x: CgroupReader): string[] => x.read().groups.map((s) => s.path).filter((p) => p.startsWith(g.path + '/'));
    t.same(under(r), []);
    under(r);
    mk('a');
    t.same(under(r), [`${g.path}/a`], 'a subgroup made since: the look finds one more subdirectory and lists the tree');
    under(r);
    fs.rmdirSync(`${g.dirs[0]}/a`);
    mk('b');
    // One removed and one made (the same count): found by the look (the removed directory cannot be opened)
    // or by the removed group's files reading ENODEV, which lists the tree at the next read.
    const first = under(r);
    t.ok(first.length === 0 || (first.length === 1 && first[0] === `${g.path}/b`), `never the removed one (${first.join(' ')})`);
    t.same(under(r), [`${g.path}/b`], 'and the new one by the next read');
    t.same(under(r), under(plain), 'the same groups as a reader that lists at every read');
  });
}
