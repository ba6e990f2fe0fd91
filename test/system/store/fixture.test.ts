/**
 * Recordings made by earlier versions are checked in and must read forever: same Samples, every table
 * exportable. A new schema version adds its own fixture here; none is ever removed.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Writable } from 'stream';
import t from 'tap';
import { runExport } from '../../../src/commands/export';
import { TABLE_NAMES } from '../../../src/commands/export-tables';
import { derive } from '../../../src/derive/derive';
import { Recording } from '../../../src/store/recording/reader';
import { sha } from '../../helpers/cli';
import { laterFields, sampleJson, walkDigest } from '../../helpers/fixture-digest';
import { FIXTURES } from '../../helpers/paths';

const DIR = path.join(FIXTURES, 'recordings');
const big = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? `${v}n` : v);
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x, big));

for (const name of fs.readdirSync(DIR).filter((f) => f.endsWith('.vigil'))) {
  t.test(`${name} still reads exactly`, async (t) => {
    const file = path.join(DIR, name);
    const exp = JSON.parse(fs.readFileSync(file.replace(/\.vigil$/, '.expected.json'), 'utf8'));
    const before = sha(file);
    if (exp.kind === 'synthetic') {
      // Written from synthetic Samples (keyframes of every tier, carried entities, sockets): every Sample
      // reads back as it did when the fixture was made, walked in order and reached by a seek.
      const rec = Recording.open(file);
      // Fields later versions added are not in the file: left out of the digest, and every one reads null.
      const later = laterFields(Number(rec.meta.schema_version ?? 1));
      t.strictSame(walkDigest(rec, later), { samples: exp.samples, sha256: exp.sha256, later: 0 }, 'every sample, walked');
      const first = rec.first()!.s;
      const walked = new Map<number, string>();
      for (const p of rec.pairs(first, rec.last()!.s)) walked.set(p.s, sampleJson(p.curr, later));
      for (const s of [first, first + 9, first + 10, first + 59, first + 60, first + 61, first + 120, first + 125, rec.last()!.s]) {
        t.equal(sampleJson(rec.pairAt(s).curr, later), walked.get(s), `sample ${s - first} by a seek`);
      }
      rec.close();
      t.equal(sha(file), before, 'reading never changes the file');
      return;
    }
    const rec = Recording.open(file);
    t.equal(rec.count(), exp.samples);
    t.equal(rec.sessions.length, exp.sessions);
    t.equal(rec.meta.host, exp.host);
    const first = rec.first()!;
    const last = rec.last()!;
    t.equal(first.t, exp.first_t);
    t.equal(last.t, exp.last_t);
    t.strictSame(plain(rec.pairAt(first.s).curr.sys), exp.first_sys, 'first system sample');
    const end = rec.pairAt(last.s).curr;
    t.strictSame(plain(end.sys), exp.last_sys, 'last system sample');
    t.equal(end.procs!.procs.length, exp.last_procs_count);
    // The fields this schema recorded must read back exactly; fields later versions add to the model are
    // not in an old file and are left out of the comparison.
    const fields = Object.keys(exp.last_procs_first);
    const project = (p: object): object => Object.fromEntries(fields.map((k) => [k, (p as Record<string, unknown>)[k]]));
    t.strictSame(plain(project(end.procs!.procs[0])), exp.last_procs_first);
    const table = { ...end.procs!, procs: end.procs!.procs.map(project) };
    t.equal(crypto.createHash('sha256').update(JSON.stringify(table, big)).digest('hex'), exp.last_procs_sha256, 'last process table');
    let procTicks = 0;
    let connsTicks = 0;
    for (const p of rec.pairs(first.s, last.s)) {
      if (p.prev === null) continue;
      const s = derive(p.prev, p.curr, p.host);
      if (s.procs !== null) procTicks++;
      if (s.conns !== null) connsTicks++;
    }
    t.equal(procTicks, exp.proc_ticks);
    // Connections (schema 1 onwards): the same reads, and the last one rebuilt exactly.
    if (exp.conns_ticks !== undefined) {
      t.equal(connsTicks, exp.conns_ticks, 'connections-tier reads with rates');
      t.equal(crypto.createHash('sha256').update(JSON.stringify(end.conns, big)).digest('hex'), exp.last_conns_sha256, 'last connections sample');
    }
    if (exp.alerts !== undefined) t.strictSame([...rec.alerts()], exp.alerts, 'breach rows');
    rec.close();
    for (const table of TABLE_NAMES) {
      let out = '';
      const sink = new Writable({ write: (c, _e, cb) => ((out += c), cb()) });
      await runExport({ file, table, format: 'csv' }, sink);
      const lines = out.trim().split('\n');
      if (table === 'system' || table === 'memory') t.equal(lines.length, exp.samples, `${table}: a header and a row per sample after the first`);
      else t.ok(lines.length >= 1, `${table} exports`);
    }
    t.equal(sha(file), before, 'reading never changes the file');
  });
}
