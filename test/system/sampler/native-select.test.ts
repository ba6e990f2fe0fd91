/** Which sampler runs: VIGIL_SAMPLER, the addon's presence, and the one-line note. */
import t from 'tap';
import { chooseSampler, loadNative } from '../../../src/sampler/native/load';
import { Sampler } from '../../../src/sampler/sampler';

const { addon, error } = loadNative();

t.test('VIGIL_SAMPLER=ts selects the TypeScript parsers silently', async (t) => {
  t.same(chooseSampler(undefined, { VIGIL_SAMPLER: 'ts' }), { kind: 'ts', note: null });
  t.same(chooseSampler('ts', {}), { kind: 'ts', note: null });
  const s = new Sampler({ sampler: 'ts', filesystems: false, connections: false, shim: false, procs: false });
  t.equal(s.kind, 'ts');
  s.close();
});

t.test('default and VIGIL_SAMPLER=native follow the addon; an explicit native without it says why', async (t) => {
  const def = chooseSampler(undefined, {});
  const nat = chooseSampler(undefined, { VIGIL_SAMPLER: 'native' });
  if (addon) {
    t.same(def, { kind: 'native', note: null });
    t.same(nat, { kind: 'native', note: null });
  } else {
    t.same(def, { kind: 'ts', note: null }, 'not asked for: silent (the install said it once)');
    t.equal(nat.kind, 'ts');
    t.match(nat.note, /native sampler core is not available/);
    t.comment(`addon not built: ${error}`);
  }
  t.match(chooseSampler(undefined, { VIGIL_SAMPLER: 'fast' }).note, /VIGIL_SAMPLER=fast is not one of native, ts/);
});
