/**
 * The shape of a field table: one row per figure of a family (process, cpu, memory, ...), holding
 * everything every layer needs to know about it. The export columns, the process table's columns and sort
 * keys, the history window's series (and so the alert metrics), the Prometheus families and the docs
 * tables are generated from the rows, so a figure is named, sourced and formatted in one place.
 */

import type { Counter } from '../counter';

/**
 * The TypeScript type of a value, spelled as the model spells it: the model's per-process types are
 * mapped from the tables (ValuesOf), and synthetic samples get a blank value of each (blankValues).
 */
export interface ValueTypes {
  number: number;
  'number | null': number | null;
  counter: Counter;
  'counter | null': Counter | null;
  string: string;
  'string | null': string | null;
  boolean: boolean;
}
export type ValueType = keyof ValueTypes;

/** The object a table's rows describe: one property per row, of the row's type. */
export type ValuesOf<Row extends { readonly key: string; readonly type: ValueType }> = { -readonly [R in Row as R['key']]: ValueTypes[R['type']] };

/** Each row's blank value (0, '', false, or null where null is allowed): the base of a synthetic sample. */
export function blankValues<Row extends { readonly key: string; readonly type: ValueType }>(rows: readonly Row[]): ValuesOf<Row> {
  const blank = (t: ValueType): unknown => (t.endsWith('| null') ? null : t === 'string' ? '' : t === 'boolean' ? false : 0);
  return Object.fromEntries(rows.map((r) => [r.key, blank(r.type)])) as ValuesOf<Row>;
}

/** What a value is: how it is averaged, summed and exported. */
export type FieldKind =
  /** A level or a share of an interval (%, bytes, count): averaged, never summed. */
  | 'gauge'
  /** A per-second rate over the interval: averaged, and integrated into "how much in the last N s". */
  | 'rate'
  /** A name, a state, an identity: not a number to chart. */
  | 'label';

export type FieldUnit = '%' | 'B' | 'B/s' | '/s' | '' | 'ms' | 's' | 'text';

/** How a pane formats the value (the formatter itself lives with the panes). */
export type CellFormat = 'pct' | 'bytes' | 'count' | 'int' | 'time' | 'text';

/** A column of an on-screen table. */
export interface PaneColumn<Id extends string = string> {
  /** The column's key: the sort key and the config name. */
  readonly id: Id;
  readonly title: string;
  readonly width: number;
  /** Dropped first when the terminal is narrow: the highest number goes first (equal numbers together); 0 never does. */
  readonly drop: number;
  readonly align: 'left' | 'right';
  /** Left to right: columns are laid out by this number. */
  readonly at: number;
  readonly format: CellFormat;
  /** Colour the cell by the value as a 0..100 share. */
  readonly level?: boolean;
}

/** A Prometheus family over the raw Sample: the counter whose rate the field is, or the gauge itself. */
export interface PromFamily<Raw, Host> {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  /** Labels besides the entity's own (pid, comm, ...). */
  readonly extraLabels?: readonly string[];
  /** Per entity: its series, each with its extra labels; a bigint counter stays exact until exported. */
  readonly series: (raw: Raw, host: Host) => [Record<string, string>, number | bigint | null | undefined][];
}

export interface Field<Snap, Raw, Host> {
  /** The Snapshot key, which is also the export column: snake_case with its unit. A user contract. */
  readonly key: keyof Snap & string;
  /** The Snapshot value's type (ProcSnap is mapped from the process table's rows). */
  readonly type: ValueType;
  readonly kind: FieldKind;
  readonly unit: FieldUnit;
  /** The /proc file (or other kernel interface) it comes from. */
  readonly source: string;
  /** How the number is made from it, in one line (derive.ts has the same formula next to the code). */
  readonly formula: string;
  /** One line for help texts (the alert metric list, the window's series). */
  readonly help: string;
  /** The raw Sample fields it is computed from: the recording must hold each of them. */
  readonly raw: readonly string[];
  /** A column of `vigil export` (in the table's row order). */
  readonly exported: boolean;
  /** Kept in the history window as a series, and so an alert metric. */
  readonly series?: boolean;
  readonly pane?: PaneColumn;
  readonly prom?: readonly PromFamily<Raw, Host>[];
}

/**
 * A raw per-process value kept in the recording's process row (proc_sample): the model's ProcSample
 * field, its column and kind there, and the schema version that added it.
 */
export interface ProcRawField {
  /** The ProcSample field and the proc_sample column. */
  readonly key: string;
  readonly type: ValueType;
  /** counter: cumulative (stored as deltas); gauge: a level; text: a string kept only when it changes. */
  readonly kind: 'counter' | 'gauge' | 'text';
  /** The kernel file and field it is read from. */
  readonly source: string;
  /** The recording schema version that added the column (1 when absent): SCHEMA_VERSION is the highest. */
  readonly since?: number;
}

// ---------------------------------------------------------------------------------------------------
// Machine-wide families (cpu, memory, net, disk, fs, ...): two kinds of row per family.
//
// A raw row is a value of the Sample as the kernel keeps it (a counter since boot, or a level): what a
// recording stores and what Prometheus exports under node_exporter's name (Prometheus takes the rates).
// A figure row is what derive() makes of raw values (a share, a per-second rate): what `vigil export`,
// the history window (the alert metrics) and the panes show. Figures name the raw rows they read.
// ---------------------------------------------------------------------------------------------------

export type PromLabels = Record<string, string>;
export type PromValue = number | bigint | null | undefined;

/**
 * A Prometheus family over one entity of a machine-wide family (a core, an interface, the whole host):
 * its series, each with the labels it adds to the entity's own. A bigint counter stays exact until exported.
 */
export interface SysPromFamily<Raw, Host> {
  readonly name: string;
  /** 'untyped' only where node_exporter exports a raw kernel field untyped (vmstat, netstat). */
  readonly type: 'counter' | 'gauge' | 'untyped';
  readonly help: string;
  /** Labels besides the entity's own (mode for node_cpu_seconds_total). */
  readonly extraLabels?: readonly string[];
  readonly series: (raw: Raw, host: Host) => readonly (readonly [PromLabels, PromValue])[];
}

export interface RawField<Raw, Host> {
  /** The Sample field (of the family's raw part: CpuTimes, MemSample, NetDevSample, ...). */
  readonly key: string;
  /** counter: cumulative, only its deltas mean something; gauge: a level as of the read. */
  readonly kind: 'counter' | 'gauge';
  /** The unit as the kernel gives it (ticks: 1/USER_HZ s; sectors: 512 bytes). */
  readonly unit: FieldUnit | 'ticks' | 'sectors' | 'µs';
  /** The kernel file and field it is read from. */
  readonly source: string;
  readonly prom?: readonly SysPromFamily<Raw, Host>[];
}

export interface SysField<Snap> {
  /** The Snapshot key (of the family's part: CpuPct, MemSnap, NetSnap, ...). */
  readonly key: keyof Snap & string;
  readonly kind: FieldKind;
  readonly unit: FieldUnit;
  /** The kernel file(s) it comes from. */
  readonly source: string;
  /** How derive() makes it from the raw rows, in one line (derive.ts has the code). */
  readonly formula: string;
  /** One line for help texts: the window series' description (and so the alert metric's). */
  readonly help: string;
  /** The raw rows it is computed from (keys of the family's raw table). */
  readonly raw: readonly string[];
  /** A column of its `vigil export` table, in row order; `column` when the column is not the key. */
  readonly exported: boolean;
  readonly column?: string;
  /** The history window series (and alert metric) it is kept as, if any. */
  readonly series?: string;
  /** Where a pane shows it (the pane and its label), for the docs. */
  readonly pane?: string;
}

/** A Prometheus family with one unlabeled series per entity. */
export function scalar<R, H>(name: string, type: SysPromFamily<R, H>['type'], help: string, value: (r: R, h: H) => PromValue): SysPromFamily<R, H> {
  return { name, type, help, series: (r, h) => [[{}, value(r, h)]] };
}

/** The keys of T that hold a number (or a counter, or null): what a Prometheus series can carry. */
export type NumericKey<T> = { [K in keyof T]: T[K] extends PromValue ? K : never }[keyof T] & string;
