/**
 * The alert metrics: one table, built on the history window's SERIES, that drives rule validation, the
 * help text, the docs/alerts.md table and the TUI's marks. Every series the window keeps can be alerted on (the
 * window answers "average over the last N seconds" for all of them); the value compared is that average.
 *
 * Subjects per kind come from one exhaustive table (SUBJECT_KINDS): adding a SubjectKind fails to compile
 * until the alerts say how to list its subjects from a Snapshot and what `match` tests.
 */
import type { ProcSnap, Snapshot } from '../../model';
import { procSubject, SERIES, SERIES_NAMES, SeriesName, SubjectKind } from '../window';

export type AlertMetric = SeriesName;

/** The pane that shows a metric, for marks on the screen (the TUI's pane kinds). */
export type AlertPane = 'header' | 'cpu' | 'memory' | 'net' | 'disk' | 'processes';

export interface AlertMetricDef {
  readonly name: AlertMetric;
  readonly unit: string;
  readonly description: string;
  readonly subject: SubjectKind;
  readonly pane: AlertPane;
}

/** One subject of a per-thing metric in a Snapshot: its window subject and what `match` is tested on. */
export interface SubjectRef {
  /** The window's subject string ('' for system-wide series, `pid:start_time` for processes). */
  key: string;
  /** What `match` is tested against (core number, interface, device, mount point, comm). */
  name: string;
  proc: ProcSnap | null;
}

export interface SubjectKindDef {
  /** How a breach's subject is written ('host' for system-wide). */
  readonly label: string;
  /** What `match` means for this kind, for the help text; null: `match` is not allowed. */
  readonly matchOn: string | null;
  /** The subjects of this kind in a Snapshot (procs: only on ticks that re-read the process table). */
  readonly list: (snap: Snapshot) => Iterable<SubjectRef> | null;
}

const HOST: SubjectRef[] = [{ key: '', name: 'host', proc: null }];

function* named<T>(xs: readonly T[], name: (x: T) => string): Iterable<SubjectRef> {
  for (const x of xs) {
    const n = name(x);
    yield { key: n, name: n, proc: null };
  }
}

function* procs(ps: readonly ProcSnap[]): Iterable<SubjectRef> {
  for (const p of ps) yield { key: procSubject(p.pid, p.start_time), name: p.comm, proc: p };
}

export const SUBJECT_KINDS: { readonly [K in SubjectKind]: SubjectKindDef } = {
  none: { label: 'host', matchOn: null, list: () => HOST },
  core: { label: 'core', matchOn: 'the core number', list: (s) => named(s.cores.filter((c) => c.online), (c) => String(c.cpu)) },
  iface: { label: 'interface', matchOn: 'the interface name', list: (s) => named(s.net, (n) => n.iface) },
  disk: { label: 'device', matchOn: 'the device name', list: (s) => named(s.disks, (d) => d.device) },
  mount: { label: 'mount point', matchOn: 'the mount point', list: (s) => named(s.fs, (f) => f.mount) },
  proc: { label: 'process', matchOn: "the process's comm (and `user`: its user name)", list: (s) => (s.procs === null ? null : procs(s.procs)) },
  // Listed on the ticks where the cgroup tier read again, like processes.
  cgroup: { label: 'cgroup', matchOn: 'the cgroup path', list: (s) => (s.cgroups ? named(s.cgroups, (c) => c.path) : null) },
};

/** Which pane shows a metric: by its family, the part of the name before the first dot. */
function paneOf(name: string): AlertPane {
  const family = name.split('.')[0];
  switch (family) {
    case 'cpu':
    case 'load':
    case 'procs':
    case 'sys':
      return 'cpu';
    case 'mem':
    case 'swap':
    case 'vm':
      return 'memory';
    case 'net':
    case 'tcp':
    case 'udp':
      return 'net';
    case 'disk':
    case 'fs':
      return 'disk';
    case 'proc':
    case 'cgroup':
      return 'processes';
    case 'psi':
      return name.startsWith('psi.memory.') ? 'memory' : name.startsWith('psi.io.') ? 'disk' : 'cpu';
    default:
      return 'header';
  }
}

export const ALERT_METRICS: { readonly [K in AlertMetric]: AlertMetricDef } = Object.freeze(
  Object.fromEntries(SERIES_NAMES.map((name) => {
    const s = SERIES[name];
    return [name, { name, unit: s.unit, description: s.description, subject: s.subject, pane: paneOf(name) }];
  })),
) as { [K in AlertMetric]: AlertMetricDef };

export const ALERT_METRIC_NAMES: readonly AlertMetric[] = SERIES_NAMES;

export function isAlertMetric(x: string): x is AlertMetric {
  return Object.prototype.hasOwnProperty.call(ALERT_METRICS, x);
}

/** docs/alerts.md's table of alert metrics, generated so that it cannot drift from the code. */
export function metricsMarkdown(): string {
  const rows = ALERT_METRIC_NAMES.map((n) => {
    const m = ALERT_METRICS[n];
    const subj = m.subject === 'none' ? '—' : `${SUBJECT_KINDS[m.subject].label} (match: ${SUBJECT_KINDS[m.subject].matchOn})`;
    return `| \`${n}\` | ${m.unit === '' ? '—' : m.unit} | ${subj} | ${m.description} |`;
  });
  return ['| metric | unit | subject | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** One line per metric for `--help`-style listings. */
export function metricsHelp(): string[] {
  const w = Math.max(...ALERT_METRIC_NAMES.map((n) => n.length));
  return ALERT_METRIC_NAMES.map((n) => {
    const m = ALERT_METRICS[n];
    const per = m.subject === 'none' ? '' : ` [per ${SUBJECT_KINDS[m.subject].label}]`;
    return `${n.padEnd(w)}  ${m.unit === '' ? '' : `(${m.unit}) `}${m.description}${per}`;
  });
}
