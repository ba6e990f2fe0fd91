/**
 * One metric family, rebuilt from cached state at each scrape.
 *
 * prom-client's Counter and Gauge keep a map of label sets that callers inc() or set(); an exporter whose
 * truth is "whatever the latest Sample says" would have to reset that map and refill it on every scrape,
 * and the map's key (`name:value,` concatenated) lets two hostile label sets collide, so a process named
 * to look like another's labels could add its count to another's series. So a family here is a
 * prom-client Counter or Gauge (name and label validation, registration, the text format all stay
 * prom-client's) whose get() lists the series straight from the state: no map, no reset, and a series
 * absent from the state is absent from the scrape. This is the Go client's "const metrics"
 * pattern (MustNewConstMetric in a Collector), which node_exporter itself uses.
 *
 * series() runs inside a scrape: it must only read memory, never /proc.
 */
import { Counter as PromCounter, Gauge as PromGauge, Registry } from 'prom-client';
import { Counter, counterToNumber } from '../../model/counter';

/**
 * 'untyped' exists for node_exporter compatibility only: node_exporter exports the raw /proc/vmstat and
 * /proc/net/snmp fields as untyped under names without `_total`, and dashboards query those names.
 */
export type FamilyType = 'counter' | 'gauge' | 'untyped';

export type Labels = Record<string, string>;
/** A value of null, a non-finite number or (for a counter) a negative one is left out, never exported. */
export type SeriesValue = Counter | number | null | undefined;
export type Series = readonly [Labels, SeriesValue];

export interface FamilySpec<S> {
  name: string;
  help: string;
  type: FamilyType;
  labelNames: readonly string[];
  /** The family's series as of `state`. Duplicate label sets: the first wins. */
  series(state: S): Iterable<Series>;
  /**
   * A faster way to the same text: the lines renderFamily() would write after the header, byte for byte
   * (tests hold the two equal against prom-client's, which lists series()). For families listed by the
   * hundred at every scrape (vigil_process_*).
   */
  lines?(state: S, out: string[]): void;
}

interface PromValue {
  value: number;
  labels: Labels;
}

/** Number.isFinite is the gate: NaN or ±Inf never reach a scrape; counters are never negative. */
export function exportable(v: SeriesValue, type: FamilyType): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? counterToNumber(v) : v;
  if (!Number.isFinite(n)) return null;
  if (type === 'counter' && n < 0) return null;
  return n;
}

/** Key of a label set in the label-name order; \0 cannot occur in a /proc name or a passwd entry. */
function keyOf(labels: Labels, names: readonly string[]): string {
  // One label: its value alone tells label sets apart as well as `value\0` does.
  if (names.length === 1) return `${labels[names[0]] ?? ''}`;
  let k = '';
  for (const n of names) k += `${labels[n] ?? ''}\0`;
  return k;
}

/**
 * The series a family lists: exportable values only, the first of each label set (a family without labels
 * has one series). One walk for prom-client's value objects and for the text renderer; a callback, not a
 * generator (a generator's resumption per series was a visible part of a scrape).
 */
function eachUnique<S>(spec: FamilySpec<S>, state: S, fn: (labels: Labels, value: number) => void): void {
  const names = spec.labelNames;
  const seen = names.length > 0 ? new Set<string>() : null;
  let n = 0;
  for (const [labels, raw] of spec.series(state)) {
    const value = exportable(raw, spec.type);
    if (value === null) continue;
    if (seen) {
      const k = keyOf(labels, names);
      if (seen.has(k)) continue;
      seen.add(k);
    } else if (n > 0) continue;
    n++;
    fn(labels, value);
  }
}

export function collectSeries<S>(spec: FamilySpec<S>, state: S): PromValue[] {
  const out: PromValue[] = [];
  eachUnique(spec, state, (labels, value) => out.push({ value, labels }));
  return out;
}

function metricObject<S>(spec: FamilySpec<S>, state: S): unknown {
  return { name: spec.name, help: spec.help, type: spec.type, aggregator: 'sum', values: collectSeries(spec, state) };
}

/** prom-client's escapes (registry.js escapeString, escapeLabelValue), skipped when there is nothing to escape. */
const NEEDS_ESCAPE = /[\\\n"]/;
function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
export function escapeLabel(v: string): string {
  return typeof v !== 'string' || !NEEDS_ESCAPE.test(v) ? v : escapeHelp(v).replace(/"/g, '\\"');
}

/** `# HELP` and `# TYPE` of a family, as prom-client writes them. */
export function familyHeader(spec: Pick<FamilySpec<unknown>, 'name' | 'help' | 'type'>): string {
  return `# HELP ${spec.name} ${escapeHelp(spec.help)}\n# TYPE ${spec.name} ${spec.type}`;
}

/**
 * A family in the text format, byte for byte what prom-client's Registry.getMetricsAsString() makes of
 * metricObject() (HELP, TYPE, then one line per series with the labels in the label object's own order),
 * in one pass over the series: no value objects, no label arrays, no promise per family. The lines go to
 * `out`, to be joined once for the whole scrape (a string grown line by line is a rope that the final join
 * must walk: a fifth of a scrape's time). A scrape lists about 2,000 series; prom-client's path took
 * half a scrape's time here.
 */
export function renderFamily<S>(spec: FamilySpec<S>, state: S, header: string, out: string[]): void {
  out.push(header);
  if (spec.lines !== undefined) spec.lines(state, out);
  else seriesLines(spec, state, out);
}

/** renderFamily's lines after the header, from series() (what a spec's own lines() must equal). */
export function seriesLines<S>(spec: FamilySpec<S>, state: S, out: string[]): void {
  const name = spec.name;
  eachUnique(spec, state, (labels, value) => {
    let ls = '';
    for (const l in labels) ls += `${ls === '' ? '{' : ','}${l}="${escapeLabel(labels[l])}"`;
    out.push(`${name}${ls === '' ? '' : `${ls}}`} ${value}`);
  });
}

/** What registerFamily() hangs on a registered metric: its lines at a scrape, and whether it is listed last. */
const RENDER = Symbol('vigil.render');
interface Rendered {
  name: string;
  [RENDER]?: { lines: (out: string[]) => void; last: boolean };
}

/**
 * The registry's families as text blocks (HELP, TYPE, then the series; no trailing newline), in
 * registration order, from renderFamily(). Synchronous: every family describes the same moment. The
 * `last` families list their series after all the others have. A metric registered some other way (none
 * today) goes through prom-client.
 */
export async function renderBlocks(registry: Registry): Promise<string[]> {
  const metrics = registry.getMetricsAsArray() as unknown as Rendered[];
  const parts: (string[] | null)[] = metrics.map(() => null);
  for (const pass of [false, true]) {
    for (let i = 0; i < metrics.length; i++) {
      const r = metrics[i][RENDER];
      if (r === undefined || r.last !== pass) continue;
      const out: string[] = [];
      r.lines(out);
      parts[i] = out;
    }
  }
  const blocks: string[] = [];
  for (let i = 0; i < metrics.length; i++) {
    const p = parts[i];
    blocks.push(p !== null ? p.join('\n') : await registry.getSingleMetricAsString(metrics[i].name));
  }
  return blocks;
}

/** The whole text, as Registry.metrics() gives it: the blocks, a blank line between two, a final newline. */
export function blocksText(blocks: readonly string[]): string {
  return `${blocks.join('\n\n')}\n`;
}

/**
 * blocksText's UTF-8 bytes, written block by block. A few help texts hold characters beyond Latin-1 (∪,
 * −): one of them made the whole joined text a two-byte string, twice the bytes to copy and then to
 * encode, where each block on its own stays one-byte but for them.
 */
export function blocksBuffer(blocks: readonly string[]): Buffer {
  let n = 1;
  for (const b of blocks) n += Buffer.byteLength(b) + 2;
  const buf = Buffer.allocUnsafe(n);
  let at = 0;
  for (let i = 0; i < blocks.length; i++) {
    if (i > 0) at += buf.write('\n\n', at, 'latin1');
    at += buf.write(blocks[i], at);
  }
  at += buf.write('\n', at, 'latin1');
  return buf.subarray(0, at);
}

/** The registry's whole text, as Registry.metrics() gives it (see renderBlocks). */
export async function renderRegistry(registry: Registry): Promise<string> {
  return blocksText(await renderBlocks(registry));
}

/**
 * Registers `spec` in `registry`; each scrape calls getState() once per family and lists its series.
 * Returns nothing to update: the state is the only input. `last`: list the series after every other
 * family of the scrape has listed its own (the registry calls each get() synchronously, in turn, so one
 * await defers past all of them), for families about the scrape itself (node_scrape_collector_*).
 */
export function registerFamily<S>(registry: Registry, spec: FamilySpec<S>, getState: () => S, last = false): void {
  const config = { name: spec.name, help: spec.help, labelNames: [...spec.labelNames], registers: [registry] };
  // The overrides are own properties set after prom-client's constructor has validated and registered.
  const metric = spec.type === 'counter' ? new PromCounter(config) : new PromGauge(config);
  const header = familyHeader(spec);
  (metric as unknown as Rendered)[RENDER] = { lines: (out) => renderFamily(spec, getState(), header, out), last };
  (metric as unknown as { get: () => Promise<unknown> }).get = last
    ? async () => {
      await null;
      return metricObject(spec, getState());
    }
    : async () => metricObject(spec, getState());
}
