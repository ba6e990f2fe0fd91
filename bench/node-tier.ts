/**
 * What the node tier (src/sampler/node-tier.ts) costs: one whole read, and each node_exporter collector's
 * files read alone (the others disabled). vigil serve does one read a second, so "ms per read" is also
 * "ms of CPU per second", i.e. a tenth of a percent of one core per ms.
 *   npm run bench -- node-tier
 */
import { NODE_COLLECTORS, NodeTier } from '../src/sampler/node-tier';
import { fmt, median } from './util';

function cpuMsPerRead(tier: NodeTier, reads: number): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < reads; i++) tier.read(BigInt(i));
    const c = process.cpuUsage(c0);
    runs.push((c.user + c.system) / 1000 / reads);
  }
  return median(runs);
}

export async function benchNodeTier(): Promise<void> {
  console.log('\n== node-tier: CPU per read of the node tier (one read a second under vigil serve)');
  const all = new NodeTier();
  for (let i = 0; i < 10; i++) all.read(BigInt(i));
  console.log(`every collector: ${fmt(cpuMsPerRead(all, 50))} ms per read (target: ≤ 5 ms, i.e. ≤ 0.5% of a core)`);
  all.close();
  for (const c of NODE_COLLECTORS) {
    const one = new NodeTier({ disabled: new Set(NODE_COLLECTORS.filter((x) => x !== c)) });
    for (let i = 0; i < 10; i++) one.read(BigInt(i));
    console.log(`  ${c.padEnd(12)} ${fmt(cpuMsPerRead(one, 100), 3)} ms`);
    one.close();
  }
}

if (require.main === module) void benchNodeTier();
