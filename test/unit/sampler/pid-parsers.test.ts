import * as fs from 'fs';
import * as path from 'path';
import t from 'tap';
import { parseAuxv } from '../../../src/sampler/parse/auxv';
import { CMDLINE_MAX, parseCmdline } from '../../../src/sampler/parse/cmdline';
import { parsePasswd } from '../../../src/sampler/parse/passwd';
import { parsePidIo } from '../../../src/sampler/parse/pid-io';
import { parsePidStat, PF_KTHREAD } from '../../../src/sampler/parse/pid-stat';
import { parsePidStatus } from '../../../src/sampler/parse/pid-status';
import { parseSchedstat } from '../../../src/sampler/parse/schedstat';
import { FIXTURES } from '../../helpers/paths';

const REAL = path.join(FIXTURES, 'proc', 'debian12-6.18');
const real = (rel: string): Buffer => fs.readFileSync(path.join(REAL, rel));

/** A /proc/PID/stat line with a given comm, the rest taken from a real sleep process. */
const statWith = (comm: string, pid = 42, state = 'S'): Buffer =>
  Buffer.from(`${pid} (${comm}) ${state} 6497 6497 1063 0 -1 4194304 143 0 7 0 11 13 0 0 20 0 1 0 84632 2990080 403 18446744073709551615 1 1 1 0 0 0 0 6 0 1 0 0 17 1 0 0 0 0 0 1 1 1 1 1 1 1 0\n`, 'utf8');

t.test('/proc/PID/stat of a real process', async (t) => {
  const s = parsePidStat(real('1234/stat'));
  t.ok(s);
  t.equal(s?.pid, 1234);
  t.equal(s?.comm, 'sleep');
  t.equal(s?.state, 'S');
  t.equal(s?.ppid, 6497);
  t.equal(s?.starttime, 84632);
  t.equal(s?.rss, 403);
  t.equal(s?.threads, 1);
  t.equal((s?.flags ?? 0) & PF_KTHREAD, 0);
  const k = parsePidStat(real('2/stat'));
  t.equal(k?.comm, 'kthreadd');
  t.not((k?.flags ?? 0) & PF_KTHREAD, 0, 'kthreadd is a kernel thread by its flags');
});

t.test('hostile comm: parentheses, spaces, newlines, (sd-pam)', async (t) => {
  for (const comm of ['a) R 1 (b', 'a) R 1 (b\nx', '(sd-pam)', ') ) )', 'x y', '((((', '']) {
    const s = parsePidStat(statWith(comm));
    t.equal(s?.comm, comm, `comm ${JSON.stringify(comm)}`);
    t.equal(s?.ppid, 6497, `ppid after ${JSON.stringify(comm)}`);
    t.equal(s?.starttime, 84632);
    t.equal(s?.majflt, 7);
    t.equal(s?.utime, 11);
    t.equal(s?.stime, 13);
  }
});

t.test('comm with an escape sequence and non-UTF-8 bytes is parsed, not interpreted', async (t) => {
  const esc = parsePidStat(statWith('\x1b]52;c;aGk=\x07'));
  t.equal(esc?.comm, '\x1b]52;c;aGk=\x07', 'kept raw here; the TUI sanitizer escapes it');
  const bytes = Buffer.concat([Buffer.from('7 (', 'latin1'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from(') R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n', 'latin1')]);
  const s = parsePidStat(bytes);
  t.equal(s?.ppid, 1);
  t.equal(s?.comm, '\ufffd\ufffdA', 'invalid UTF-8 becomes replacement characters');
});

t.test('zombie and truncated stat', async (t) => {
  const z = parsePidStat(statWith('defunct', 99, 'Z'));
  t.equal(z?.state, 'Z');
  t.equal(parsePidStat('42 (x) S 1 2'), null, 'truncated: null, not half an object');
  t.equal(parsePidStat('no parens at all'), null);
  t.equal(parsePidStat(')( S 1'), null);
  t.equal(parsePidStat(''), null);
  const buf = Buffer.alloc(4096, 0x41);
  const line = statWith('reused');
  line.copy(buf);
  t.equal(parsePidStat(buf, line.length)?.comm, 'reused', 'only the valid bytes of a reused buffer count');
});

t.test('stat counters above 2^53 and negative priority', async (t) => {
  // Fields 3..24, then 14 fields (rsslim..exit_signal), then processor (39).
  const s = parsePidStat(`5 (rt) R 1 5 5 0 -1 0 18446744073709551615 0 9007199254740993 0 1 2 0 0 -100 -20 3 0 77 0 0 ${'0 '.repeat(14)}1\n`);
  t.equal(s?.minflt, 18446744073709551615n);
  t.equal(s?.majflt, 9007199254740993n);
  t.equal(s?.priority, -100);
  t.equal(s?.nice, -20);
  t.equal(s?.processor, 1);
});

t.test('/proc/PID/status', async (t) => {
  const s = parsePidStatus(real('1234/status'));
  t.equal(s.uid, 0);
  t.equal(s.threads, 1);
  t.type(s.vol_ctxsw, 'number');
  t.type(s.invol_ctxsw, 'number');
  t.ok((s.rss_bytes ?? 0) > 0);
  const k = parsePidStatus(real('2/status'));
  t.equal(k.rss_bytes, null, 'a kernel thread has no VmRSS');
  const u = parsePidStatus('Name:\tx\nUid:\t1000\t1001\t1002\t1003\nThreads:\t4\n');
  t.equal(u.uid, 1001, 'effective uid');
  t.equal(u.vol_ctxsw, null);
});

t.test('/proc/PID/io', async (t) => {
  const io = parsePidIo(real('1234/io'));
  t.equal(io.rchar, 6976);
  t.equal(io.write_bytes, 0);
  t.equal(parsePidIo('').rchar, null);
  t.equal(parsePidIo('rchar: 18446744073709551615\n').rchar, 18446744073709551615n);
});

t.test('/proc/PID/cmdline: NULs, empty, setproctitle, 1 MiB, non-UTF-8', async (t) => {
  t.same(parseCmdline(real('1234/cmdline')), { text: 'sleep 30', argv0: 'sleep', truncated: false });
  t.same(parseCmdline(Buffer.alloc(0)), { text: '', argv0: '', truncated: false }, 'kernel threads and zombies');
  t.equal(parseCmdline('nginx: worker process').text, 'nginx: worker process', 'setproctitle without NULs');
  t.equal(parseCmdline('postgres: writer\0\0\0\0').text, 'postgres: writer', 'trailing NUL padding');
  const huge = Buffer.alloc(1 << 20, 0x61);
  for (let i = 100; i < huge.length; i += 100) huge[i] = 0;
  const c = parseCmdline(huge);
  t.ok(c.truncated, '1 MiB cmdline is truncated');
  t.ok(c.text.length <= CMDLINE_MAX);
  t.equal(c.argv0.length, 100);
  const bad = parseCmdline(Buffer.from([0x2f, 0x62, 0xff, 0x00, 0x41, 0x00]));
  t.equal(bad.text, '/b\ufffd A');
});

t.test('/proc/PID/schedstat', async (t) => {
  t.same(parseSchedstat(real('1234/schedstat')), { run_ns: 870828, wait_ns: 267219, timeslices: 1 });
  t.same(parseSchedstat('18446744073709551615 1 2\n')?.run_ns, 18446744073709551615n);
  t.equal(parseSchedstat('1 2'), null);
  t.equal(parseSchedstat('-1 2 3'), null);
  t.equal(parseSchedstat(''), null);
});

t.test('/etc/passwd', async (t) => {
  const m = parsePasswd('root:x:0:0:root:/root:/bin/bash\n#comment\nbroken\n:x:5:5::/:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\nalias:x:0:0::/:/bin/sh\nneg:x:-1:0::/:/bin/sh\n');
  t.equal(m.get(0), 'root', 'first name of a uid wins');
  t.equal(m.get(1000), 'bob');
  t.equal(m.size, 2);
});

t.test('auxv gives the page size and USER_HZ of this machine', async (t) => {
  const a = parseAuxv(fs.readFileSync('/proc/self/auxv'));
  t.equal(a.clkTck, 100);
  t.ok(a.pageSize !== null && a.pageSize >= 4096 && (a.pageSize & (a.pageSize - 1)) === 0, 'a power of two');
  t.same(parseAuxv(Buffer.alloc(8)), { pageSize: null, clkTck: null }, 'short input');
});
