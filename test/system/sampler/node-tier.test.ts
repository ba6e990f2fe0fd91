/**
 * The node tier on the real /proc: off unless asked (a TUI's sampler never opens its files), read at most
 * once a second when on, and closed with the sampler.
 */
import * as fs from 'fs';
import t from 'tap';
import { NODE_PROC_FILES } from '../../../src/sampler/node-tier';
import { Sampler } from '../../../src/sampler/sampler';

/** The /proc files this process holds open that only the node tier reads. */
function nodeFilesOpen(): string[] {
  const only = ['net/sockstat', 'net/sockstat6', 'net/netstat', 'net/snmp6', 'net/softnet_stat', 'sys/fs/file-nr', 'net/arp', 'net/udp'];
  const targets = fs.readdirSync('/proc/self/fd').map((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return '';
    }
  });
  return targets.filter((p) => only.some((f) => p.endsWith(`/${f}`)));
}

t.test('without node: true the sampler reads none of the node tier\'s files', async (t) => {
  t.ok(Object.keys(NODE_PROC_FILES).length > 10);
  const s = new Sampler({ intervalMs: 100, procs: false, filesystems: false, connections: false });
  t.teardown(() => s.close());
  const a = s.sample();
  s.sample();
  t.equal(a.node, undefined, 'no node sample');
  t.same(nodeFilesOpen(), [], 'no node-tier file open');
});

t.test('with node: true it reads them once a second, and close() closes them', async (t) => {
  const s = new Sampler({ intervalMs: 100, procs: false, filesystems: false, connections: false, node: true });
  const a = s.sample(1_000_000_000n);
  t.ok(a.node, 'a node sample');
  t.ok(a.node!.meminfo.length > 20, 'meminfo read');
  t.ok(a.node!.netclass.some((n) => n.iface === 'lo'), 'lo in /sys/class/net');
  t.ok(nodeFilesOpen().length > 0, 'its files are kept open between reads');
  t.equal(s.sample(1_500_000_000n).node, a.node, 'half a second later: the same read');
  const b = s.sample(2_000_000_000n).node;
  t.not(b, a.node, 'a second later: a new read');
  t.equal(b!.mono_ns, 2_000_000_000n);
  s.close();
  t.same(nodeFilesOpen(), [], 'closed with the sampler');
});
