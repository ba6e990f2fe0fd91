/**
 * Child of row-kinds.test.ts, run with --allow-natives-syntax: records real Samples of this machine
 * through a RecordingWriter and prints, as one JSON line, every row that reached encodeRow in an array
 * of another elements kind than PACKED_ELEMENTS (by series columns), and how many rows it checked.
 */
import * as path from 'path';
import * as codec from '../../../src/store/recording/codec';
import { Sampler } from '../../../src/sampler/sampler';
import { RecordingWriter } from '../../../src/store/recording/writer';

// Natives syntax is parsed only with the flag, so it lives in a Function body, not in this file's source.
const packedObjects = new Function('a', 'return %HasObjectElements(a) && !%HasHoleyElements(a);') as (a: unknown) => boolean;

const bad = new Map<string, number>();
let checked = 0;
const encodeRow = codec.encodeRow;
// The writer's modules call encodeRow through the module object, so this wrapper sees every row.
(codec as { encodeRow: typeof encodeRow }).encodeRow = (cols, curr, prev, forceAbs, clocks) => {
  checked++;
  const table = cols.map((c) => c.name).slice(0, 3).join(',');
  for (const [what, a] of [['row', curr], ['previous row', prev], ['clock bases', clocks?.base], ['clock gaps', clocks?.gap]] as const) {
    if (a != null && !packedObjects(a)) bad.set(`${what} of (${table}...)`, (bad.get(`${what} of (${table}...)`) ?? 0) + 1);
  }
  return encodeRow(cols, curr, prev, forceAbs, clocks);
};

async function main(): Promise<void> {
  const s = new Sampler({ intervalMs: 100, procIntervalMs: 1000, connections: true, filesystems: true, cgroups: true });
  await new Promise((r) => setTimeout(r, 300)); // the filesystem tier's first statfs
  const w = RecordingWriter.open(path.join(process.argv[2], 'kinds.vigil'), { host: s.host, intervalMs: 100, procIntervalMs: 1000, vigilVersion: 'test' });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 35; i++) {
    w.add(s.sample(t0 + BigInt(i) * 100_000_000n, i % 10 === 1));
    if (i % 10 === 1) await new Promise((r) => setTimeout(r, 20)); // the connections tier's reads
  }
  w.close();
  s.close();
  process.stdout.write(`${JSON.stringify({ checked, bad: Object.fromEntries(bad) })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
