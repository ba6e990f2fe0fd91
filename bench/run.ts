/**
 * `npm run bench [-- NAME...]`: every benchmark, or the named ones, printing figures. Figures are medians
 * of several runs or ratios measured in the same run: these machines are shared and noisy. Nothing here is
 * asserted; the targets are printed next to the figures.
 */
import { benchAlerts } from './alerts';
import { benchCgroups } from './cgroups';
import { benchConns } from './conns';
import { benchConnsNative } from './conns-native';
import { benchFrame } from './frame';
import { benchLighter } from './lighter';
import { benchNative } from './native';
import { benchNativeCore } from './native-core';
import { benchNativeFloor } from './native-floor';
import { benchNodeTier } from './node-tier';
import { benchPaint } from './paint';
import { benchPrometheus } from './prometheus';
import { benchRecord } from './record';
import { benchReplayCgroups } from './replay-cgroups';
import { benchReport } from './report';
import { benchSampler } from './sampler';
import { benchSide } from './side';
import { benchSoak } from './soak';
import { benchStartup } from './startup';
import { benchTui } from './tui';
import { benchWindow } from './window';

const benches: Record<string, () => Promise<void>> = {
  sampler: benchSampler,
  window: benchWindow,
  tui: benchTui,
  frame: benchFrame,
  record: benchRecord,
  report: benchReport,
  conns: benchConns,
  'conns-native': benchConnsNative,
  prometheus: benchPrometheus,
  'node-tier': benchNodeTier,
  alerts: benchAlerts,
  native: benchNative,
  'native-core': benchNativeCore,
  'native-floor': benchNativeFloor,
  startup: benchStartup,
  soak: benchSoak,
  lighter: benchLighter,
  cgroups: benchCgroups,
  'replay-cgroups': benchReplayCgroups,
  side: benchSide,
  paint: benchPaint,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  for (const n of names) if (!(n in benches)) throw new Error(`unknown bench '${n}' (have: ${Object.keys(benches).join(', ')})`);
  for (const [name, fn] of Object.entries(benches)) {
    if (names.length === 0 || names.includes(name)) await fn();
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
