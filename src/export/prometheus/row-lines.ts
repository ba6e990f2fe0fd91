/**
 * The text lines of a per-entity family (vigil_process_*, container_*): each row's series carry the
 * row's own labels first (pid/comm/user, id/name), then the series' extra ones. Listed by the hundred at
 * every scrape, so they skip renderFamily's steps (a merged label object, a walk of its labels and a key
 * string per series) and write the same bytes: the row's label text is made once per row object and is
 * also its part of the dedupe key (escaped, so two rows write the same text only when their values are
 * equal). The first series of each label set wins, as in renderFamily. A family whose extra labels name
 * one of the row's own (none of vigil's) is listed the long way, from its start.
 */
import { escapeLabel, exportable, FamilySpec, Labels, Series, seriesLines } from './family';

export interface RowFamily<S, R> {
  /** The whole family, for the long way. */
  fam: FamilySpec<S>;
  rows(state: S): readonly R[];
  /**
   * The row's labels: every name of `own`, in that order, as strings; the same object for the same row
   * (its text is cached by it).
   */
  labels(row: R): Labels;
  series(row: R, state: S): Iterable<Series>;
  /** Names of the row's own labels, in their order. */
  own: readonly string[];
  /** Names of the extra labels, in their declared order (the dedupe key's). */
  extra: readonly string[];
}

const textOf = new WeakMap<Labels, string>();

/** `a="x",b="y"` of a row's labels in the object's own order, made once per labels object. */
function labelText(l: Labels): string {
  let s = textOf.get(l);
  if (s === undefined) {
    s = '';
    for (const name in l) s += `${s === '' ? '' : ','}${name}="${escapeLabel(l[name])}"`;
    textOf.set(l, s);
  }
  return s;
}

/** keyOf (family.ts) of the extra labels alone: their values in `names`' order, a missing one as ''. */
function extraKey(extra: Labels, names: readonly string[]): string {
  let k = '';
  for (const n of names) k += `${extra[n] ?? ''}\0`;
  return k;
}

export function rowLines<S, R>(f: RowFamily<S, R>, state: S, out: string[]): void {
  const { name, type } = f.fam;
  const start = out.length;
  const seen = new Set<string>();
  for (const row of f.rows(state)) {
    const base = labelText(f.labels(row));
    for (const [extra, raw] of f.series(row, state)) {
      const value = exportable(raw, type);
      if (value === null) continue;
      let text = base;
      for (const n in extra) {
        if (f.own.includes(n)) {
          out.length = start;
          return seriesLines(f.fam, state, out);
        }
        text += `${text === '' ? '' : ','}${n}="${escapeLabel(extra[n])}"`;
      }
      const key = f.extra.length === 0 ? base : `${base}\0${extraKey(extra, f.extra)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(text === '' ? `${name} ${value}` : `${name}{${text}} ${value}`);
    }
  }
}
