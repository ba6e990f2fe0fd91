/** /proc/PID/cgroup on v2, v1 and hybrid layouts, and hostile text: the path vigil records and exports. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import t from 'tap';
import { readCgroup, cgroupBuf } from '../../../src/sampler/cgroup';
import { parseCgroup } from '../../../src/sampler/parse/cgroup';

t.test('layouts', async (t) => {
  const cases: [string, string, string | null][] = [
    ['v2 (unified)', '0::/system.slice/nginx.service\n', '/system.slice/nginx.service'],
    ['v2, a container\'s own root', '0::/\n', '/'],
    ['v1 with systemd', '12:pids:/user.slice/user-1000.slice\n4:memory:/user.slice\n1:name=systemd:/user.slice/user-1000.slice/session-3.scope\n', '/user.slice/user-1000.slice/session-3.scope'],
    ['v1, no systemd: first non-root hierarchy', '3:cpuset:/\n2:memory:/docker/0123456789abcdef\n1:cpu:/docker/0123456789abcdef\n', '/docker/0123456789abcdef'],
    // This build machine: a v2 line that says only / while v1 memory holds the placement.
    ['hybrid, v2 at the root', '9:name=systemd:/\n8:pids:/\n4:memory:/process_api/036feab4\n1:cpu:/\n0::/\n', '/process_api/036feab4'],
    ['hybrid, v2 placed', '9:name=systemd:/system.slice/a.service\n0::/system.slice/a.service\n', '/system.slice/a.service'],
    ['everything at the root', '9:name=systemd:/\n4:memory:/\n0::/\n', '/'],
    ['empty file (exited, no cgroups)', '', null],
  ];
  for (const [why, text, want] of cases) t.equal(parseCgroup(text), want, why);
});

t.test('hostile text', async (t) => {
  t.equal(parseCgroup('0::/a:b:c\n'), '/a:b:c', 'colons inside the path are the path');
  t.equal(parseCgroup('0::/with space/and\ttab\n'), '/with space/and\ttab', 'kept as is (the screen escapes control characters)');
  t.equal(parseCgroup('garbage\n::\n0:\n'), null, 'lines without two colons, or without a path, are skipped');
  t.equal(parseCgroup('0::/x\r\n'), '/x\r', 'no line ending but \\n is stripped');
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (text) => {
      const r = parseCgroup(text);
      return r === null || (typeof r === 'string' && r.length > 0 && !r.includes('\n'));
    }),
    { numRuns: 300 },
  );
});

t.test('this process, through the reader', async (t) => {
  const own = fs.readFileSync('/proc/self/cgroup', 'utf8');
  t.equal(readCgroup('/proc/self', cgroupBuf()), parseCgroup(own), 'the same path the file gives');
  t.equal(readCgroup('/proc/2147483647', cgroupBuf()), null, 'a pid that does not exist: null, no throw');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cg-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'cgroup'), `0::/${'x'.repeat(10_000)}\n`);
  t.equal(readCgroup(dir, cgroupBuf())?.length, 4096 - 3, 'a file past PATH_MAX is cut at 4096 bytes');
});
