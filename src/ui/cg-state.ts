/**
 * The cgroups view's part of the screen state, and its pure reducer: sort, filter, follow and the
 * selection (by path, so it stays on its group while the tree moves). The rows on screen (paths in
 * display order) come from the last draw: moves step through them.
 */
import { CG_SORT_KEYS, CG_TABLE_DEFAULT, CgTableState } from '../panes/cgroups';

export interface CgUi {
  table: CgTableState;
  /** The selected group's path; null: the first row. */
  selected: string | null;
  /** Paths in display order as last drawn. */
  rows: readonly string[];
}

export const CG_UI_INITIAL: CgUi = { table: CG_TABLE_DEFAULT, selected: null, rows: [] };

export type CgAction =
  | { type: 'rows'; rows: readonly string[] }
  | { type: 'move'; delta: number }
  | { type: 'sortStep'; step: 1 | -1 }
  | { type: 'invert' }
  | { type: 'follow' }
  | { type: 'filterType'; ch: string }
  | { type: 'filterErase' }
  | { type: 'filterClear' }
  /** Esc on the view: clear the filter and the follow (true when there was one to clear). */
  | { type: 'back' };

const textual = (k: string): boolean => k === 'name';

export function selectedRow(cg: CgUi): number {
  if (cg.rows.length === 0) return -1;
  if (cg.selected === null) return 0;
  const i = cg.rows.indexOf(cg.selected);
  return i < 0 ? 0 : i;
}

export function selectedPath(cg: CgUi): string | null {
  const i = selectedRow(cg);
  return i < 0 ? null : cg.rows[i];
}

export function reduceCg(cg: CgUi, a: CgAction): CgUi {
  const t = cg.table;
  switch (a.type) {
    case 'rows':
      return { ...cg, rows: a.rows };
    case 'move': {
      if (cg.rows.length === 0) return cg;
      const i = Math.max(0, Math.min(cg.rows.length - 1, selectedRow(cg) + a.delta));
      return { ...cg, selected: cg.rows[i] };
    }
    case 'sortStep': {
      const i = CG_SORT_KEYS.indexOf(t.sort);
      const sort = CG_SORT_KEYS[(i + a.step + CG_SORT_KEYS.length) % CG_SORT_KEYS.length];
      return { ...cg, table: { ...t, sort, descending: !textual(sort) } };
    }
    case 'invert':
      return { ...cg, table: { ...t, descending: !t.descending } };
    case 'follow': {
      const p = selectedPath(cg);
      return { ...cg, table: { ...t, follow: t.follow !== null || p === null ? null : p } };
    }
    case 'filterType':
      return a.ch.length === 1 && a.ch >= ' ' && a.ch !== '\x7f' ? { ...cg, table: { ...t, filter: t.filter + a.ch } } : cg;
    case 'filterErase':
      return { ...cg, table: { ...t, filter: t.filter.slice(0, -1) } };
    case 'filterClear':
      return { ...cg, table: { ...t, filter: '' } };
    case 'back':
      return { ...cg, table: { ...t, filter: '', follow: null } };
  }
}
