/**
 * derive's objects keep one map (V8's hidden class) whatever their numbers are: integers (an idle
 * machine's 0 rates), fractions, null. A map that widens minutes into a run (0 → 0.37, or a number → null)
 * is deprecated, and V8 throws away the compiled code that read it (derive, the window's push, the views).
 * The check runs in a child with --allow-natives-syntax (%HaveSameMap).
 */
import t from 'tap';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { derive, primedProc } from '../../src/derive/derive';
import { cpu, HOST, proc, sample } from '../helpers/samples';

t.test("primedProc lists procSnap's fields in procSnap's order", async (t) => {
  const a = sample({ monoMs: 0, procs: { monoMs: 0, list: [proc(1, 5)] } });
  const b = sample({ monoMs: 1000, procs: { monoMs: 1000, list: [proc(1, 5)] } });
  const row = derive(a, b, HOST).procs![0];
  t.same(Object.keys(primedProc(0)), Object.keys(row));
});

t.test('snapshots of integers, fractions and nulls share their maps', async (t) => {
  const dist = path.join(__dirname, '..', '..');
  const script = `
    const { derive } = require(${JSON.stringify(path.join(dist, 'src/derive/derive.js'))});
    const h = require(${JSON.stringify(path.join(dist, 'test/helpers/samples.js'))});
    const mk = (ms, u, rx, rd, extra) => h.sample({ monoMs: ms, total: h.cpu(u, 0, 1000 + ms), cores: [h.cpu(u, 0, 1000 + ms), h.cpu(u, 0, 1000 + ms)],
      ctxt: u, net: [h.net('eth0', rx, rx)], disks: [h.disk('sda', rd, rd, rd)], procs: { monoMs: ms, list: [h.proc(1, 5, extra)] } });
    // Idle: every rate 0 (integers), over a round 1 s.
    const idle = derive(mk(0, 0, 0, 0, {}), mk(1000, 0, 0, 0, {}), h.HOST);
    // Busy over an odd interval: fractions.
    const busy = derive(mk(1000, 0, 0, 0, {}), mk(1333, 7, 1001, 33, {}), h.HOST);
    // Counters going backwards and a missing core: nulls.
    const odd = derive(mk(1333, 7, 1001, 33, {}), h.sample({ monoMs: 1500, total: h.cpu(1, 0, 1), cores: [null, h.cpu(1, 0, 1)], ctxt: 1, net: [h.net('eth0', 5, 5)], disks: [h.disk('sda', 1, 1, 1)], procs: { monoMs: 1500, list: [h.proc(1, 6, {})] } }), h.HOST);
    const out = {};
    const pick = { snap: (s) => s, cpu: (s) => s.cpu, core: (s) => s.cores[0], mem: (s) => s.mem, tcp: (s) => s.tcp, udp: (s) => s.udp, net: (s) => s.net[0], disk: (s) => s.disks[0], proc: (s) => s.procs[0] };
    for (const [k, f] of Object.entries(pick)) out[k] = %HaveSameMap(f(idle), f(busy)) && %HaveSameMap(f(busy), f(odd)) && %HaveSameMap(f(idle), f(odd));
    out.values = [idle.cpu.cpu_pct, busy.cpu.cpu_pct, odd.cores[0].cpu_pct, idle.net[0].rx_bytes_per_s, busy.net[0].rx_bytes_per_s, odd.net[0].rx_bytes_per_s];
    console.log(JSON.stringify(out));
  `;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  // The inputs did what they are meant to: integer 0s, fractions and nulls.
  const [i0, b0, o0, i1, b1, o1] = out.values;
  t.ok(i0 === null || Number.isInteger(i0), `idle cpu ${i0}`);
  t.ok(!Number.isInteger(b1) && b1 !== null, `busy rx ${b1}`);
  t.equal(o0, null, 'an offline core');
  t.equal(i1, 0);
  t.equal(o1, null, 'a counter that went backwards');
  t.ok(b0 !== undefined);
  for (const k of ['snap', 'cpu', 'core', 'mem', 'tcp', 'udp', 'net', 'disk', 'proc']) t.ok(out[k], `${k}: one map`);
});

t.test('an interface or disk listed twice before: its last entry is the previous sample, short lists and long', async (t) => {
  const { disk, net } = await import('../helpers/samples');
  for (const extra of [0, 30]) {
    const fillerNet = Array.from({ length: extra }, (_, i) => net(`veth${i}`, i, i));
    const fillerDisk = Array.from({ length: extra }, (_, i) => disk(`loop${i}`, i, i, i));
    const twice = sample({ monoMs: 0, net: [net('eth0', 100, 100), ...fillerNet, net('eth0', 500, 500)], disks: [disk('sda', 10, 10, 10), ...fillerDisk, disk('sda', 50, 50, 50)] });
    const once = sample({ monoMs: 0, net: [...fillerNet, net('eth0', 500, 500)], disks: [...fillerDisk, disk('sda', 50, 50, 50)] });
    const next = sample({ monoMs: 1000, net: [net('eth0', 900, 900), ...fillerNet], disks: [disk('sda', 90, 90, 90), ...fillerDisk] });
    const a = derive(twice, next, HOST);
    const b = derive(once, next, HOST);
    t.equal(JSON.stringify(a), JSON.stringify(b), `${extra} others: the same snapshot, byte for byte`);
    t.equal(a.net[0].rx_bytes_per_s, 400, 'rate from the last eth0');
    t.equal(a.disks[0].read_bytes_per_s, 40 * 512, 'rate from the last sda');
  }
});
