import { execFileSync } from 'child_process';
import * as path from 'path';
import t from 'tap';
import * as L from '../../../src/sampler/shim/layout';
import { C_DIR, ROOT, tmpDir } from '../../helpers/shim';

// The TypeScript reader's numbers must be the C header's numbers: compile a program against
// native/vigil_shm.h that prints them, and compare every one.
t.test('layout.ts matches native/vigil_shm.h', async (t) => {
  const dir = tmpDir('layout');
  const exe = path.join(dir, 'layout');
  execFileSync('cc', ['-std=gnu11', '-Wall', '-I', path.join(ROOT, 'native'), '-o', exe, path.join(C_DIR, 'layout.c')]);
  const c = JSON.parse(execFileSync(exe, { encoding: 'utf8' })) as Record<string, number>;

  t.equal(c.magic, L.SHM_MAGIC_HI * 2 ** 32 + L.SHM_MAGIC_LO, 'magic');
  t.equal(Buffer.from('VIGILSHM').readBigUInt64LE(0), BigInt(L.SHM_MAGIC_HI) * 2n ** 32n + BigInt(L.SHM_MAGIC_LO), 'magic spells VIGILSHM');
  t.equal(c.version, L.SHM_VERSION, 'version');
  t.equal(c.size, L.SHM_SIZE, 'file size');
  t.equal(c.flag_alloc, L.FLAG_ALLOC);
  t.equal(c.dest_inbound, L.DEST_INBOUND);
  t.equal(c.nclass, L.NCLASS);
  t.equal(c.nfn, L.NFN);
  t.equal(c.ntx, L.NTX);
  t.equal(c.nhist, L.NHIST);
  t.equal(c.ndest, L.NDEST);
  L.CLASSES.forEach((cls, i) => t.equal(c[cls], i, `class ${cls}`));
  L.FNS.forEach((fn, i) => t.equal(c[`f.${fn}`], i, `fn ${fn}`));
  t.equal(c.header_size, L.HEADER_SIZE);
  t.equal(c.dest_size, L.DEST_SIZE);
  t.equal(c.counters_off, L.COUNTERS_OFF);
  t.equal(c.dest_off, L.DEST_OFF);
  t.equal(c.ncounters, L.NCOUNTERS);
  t.equal(c['io_calls(3,5)'], L.ioCalls(3, 5));
  t.equal(c['io_bytes(4,12)'], L.ioBytes(4, 12));
  t.equal(c['connect(2)'], L.connectAttempts(2));
  t.equal(c['connect_fail(4)'], L.connectFailures(4));
  for (const [k, v] of Object.entries(L.C)) t.equal(c[`c.${k}`], v, `counter ${k}`);
  for (const [k, v] of Object.entries(L.HDR)) t.equal(c[`hdr.${k}`], v, `header field ${k}`);
  for (const [k, v] of Object.entries(L.DEST)) t.equal(c[`dest.${k}`], v, `dest field ${k}`);
  t.ok(L.DEST_OFF + L.NDEST * L.DEST_SIZE <= L.SHM_SIZE, 'the table fits the file');
});
