/**
 * The pressure family: /proc/pressure/{cpu,memory,io}, one `some` and one `full` line each. The rows
 * hold for every resource: a series name `psi.<resource>.<series>`, an export column
 * `psi_<resource>_<column>`, and node_pressure_<resource>_* families.
 */
import { counterToNumber } from '../counter';
import type { Counter } from '../counter';
import type { HostInfo, PsiSample, PsiSnap } from '../index';
import type { RawField, SysField, SysPromFamily } from './field';

export const PSI_RESOURCES = ['cpu', 'memory', 'io'] as const;
export type PsiResourceName = (typeof PSI_RESOURCES)[number];

const seconds = (t: Counter | null | undefined): number | null => (t == null ? null : counterToNumber(t) / 1e6);

/** The cumulative stall time of one line, for each resource that has it (node_exporter has no cpu full line). */
function stalls(line: 'some' | 'full', word: string, what: string, resources: readonly PsiResourceName[]): SysPromFamily<PsiSample, HostInfo>[] {
  return resources.map((res) => ({
    name: `node_pressure_${res}_${word}_seconds_total`, type: 'counter',
    help: `Seconds ${what} ${res} (/proc/pressure/${res} ${line} total µs / 1e6).`,
    series: (p: PsiSample) => [[{}, seconds(p[res]?.[line]?.total)]],
  }));
}

type Raw = RawField<PsiSample, HostInfo>;
const line = (l: 'some' | 'full', prom?: Raw['prom']): Raw[] => [
  { key: `${l}.avg10`, kind: 'gauge', unit: '%', source: `/proc/pressure/* ${l} avg10` },
  { key: `${l}.avg60`, kind: 'gauge', unit: '%', source: `/proc/pressure/* ${l} avg60` },
  { key: `${l}.avg300`, kind: 'gauge', unit: '%', source: `/proc/pressure/* ${l} avg300` },
  { key: `${l}.total`, kind: 'counter', unit: 'µs', source: `/proc/pressure/* ${l} total`, ...(prom ? { prom } : {}) },
];

/** A resource's PsiResource lines, in recording order; the node_pressure families on their total rows. */
export const PSI_RAW: readonly Raw[] = [
  ...line('some', stalls('some', 'waiting', 'some task waited for', ['cpu', 'io', 'memory'])),
  // The kernel's cpu full line is all zeros at the system level.
  ...line('full', stalls('full', 'stalled', 'all non-idle tasks stalled on', ['io', 'memory'])),
];

/** PsiSnap, per resource, in `system` export column order (`psi_<resource>_<column>`). */
export const PSI_FIELDS = [
  { key: 'some_pct', kind: 'gauge', unit: '%', source: '/proc/pressure/* some total', formula: '100 × Δtotal_µs / Δt_µs, at most 100',
    help: 'PSI {res} some, share of each interval', raw: ['some.total'], exported: true, series: 'some_pct' },
  { key: 'full_pct', kind: 'gauge', unit: '%', source: '/proc/pressure/* full total', formula: '100 × Δtotal_µs / Δt_µs, at most 100',
    help: 'PSI {res} full, share of each interval', raw: ['full.total'], exported: true, series: 'full_pct' },
  { key: 'some_avg10', kind: 'gauge', unit: '%', source: '/proc/pressure/* some avg10', formula: 'as given',
    help: 'PSI {res} some avg10', raw: ['some.avg10'], exported: true, column: 'some_avg10_pct', series: 'some_avg10', pane: 'memory pane: PSI some' },
  { key: 'some_avg60', kind: 'gauge', unit: '%', source: '/proc/pressure/* some avg60', formula: 'as given',
    help: 'PSI {res} some avg60', raw: ['some.avg60'], exported: true, column: 'some_avg60_pct' },
  { key: 'some_avg300', kind: 'gauge', unit: '%', source: '/proc/pressure/* some avg300', formula: 'as given',
    help: 'PSI {res} some avg300', raw: ['some.avg300'], exported: true, column: 'some_avg300_pct' },
  { key: 'full_avg10', kind: 'gauge', unit: '%', source: '/proc/pressure/* full avg10', formula: 'as given',
    help: 'PSI {res} full avg10', raw: ['full.avg10'], exported: true, column: 'full_avg10_pct', series: 'full_avg10', pane: 'memory pane: PSI full' },
] as const satisfies readonly SysField<PsiSnap>[];

/** `{res}` in a PSI row's help, for one resource. */
export const psiHelp = (help: string, res: PsiResourceName): string => help.replace('{res}', res);

