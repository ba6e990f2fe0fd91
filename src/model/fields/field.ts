/**
 * The shape of a field table: one row per figure of a family (process, cpu, memory, ...), holding
 * everything every layer needs to know about it. The export columns, the process table's columns and sort
 * keys, the history window's series (and so the alert metrics), the Prometheus families and the docs
 * tables are generated from the rows, so a figure is named, sourced and formatted in one place.
 */

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
