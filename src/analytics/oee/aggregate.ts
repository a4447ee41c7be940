// Grouping of cells: sum time elements and quantities first, compute ratios after (never average ratios).
import { addTotals, emptyTotals, type Cell, type OeeTotals } from './types.js';

/** Ways to group cells. `line`, `area`, `site` cut the asset path (enterprise/site/area/line/machine). */
export type GroupBy = 'total' | 'asset' | 'line' | 'area' | 'site' | 'shift' | 'day' | 'week' | 'order' | 'product';

export const GROUP_BY: readonly GroupBy[] = ['total', 'asset', 'line', 'area', 'site', 'shift', 'day', 'week', 'order', 'product'];

/** ISO 8601 week of a `YYYY-MM-DD` date, e.g. `2026-W48`. */
export function isoWeek(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  const weekday = (t.getUTCDay() + 6) % 7; // Monday = 0
  t.setUTCDate(t.getUTCDate() - weekday + 3); // Thursday of the week decides the year
  const year = t.getUTCFullYear();
  const week = 1 + Math.floor((t.getTime() - Date.UTC(year, 0, 1)) / 604_800_000);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function parent(path: string, up: number): string {
  const parts = path.split('/');
  return parts.slice(0, Math.max(1, parts.length - up)).join('/');
}

/** The group a cell falls in. */
export function groupKey(cell: Cell, by: GroupBy): string {
  const k = cell.key;
  switch (by) {
    case 'total':
      return 'total';
    case 'asset':
      return k.asset;
    case 'line':
      return parent(k.asset, 1);
    case 'area':
      return parent(k.asset, 2);
    case 'site':
      return parent(k.asset, 3);
    case 'shift':
      return k.shift === '' ? k.day : `${k.day} ${k.shift}`;
    case 'day':
      return k.day;
    case 'week':
      return k.day === '' ? '' : isoWeek(k.day);
    case 'order':
      return k.order;
    case 'product':
      return k.product;
  }
}

/** Sums cells per group, in order of first appearance sorted by key. */
export function groupCells(cells: readonly Cell[], by: GroupBy): Array<{ key: string; totals: OeeTotals }> {
  const groups = new Map<string, OeeTotals>();
  for (const cell of cells) {
    const key = groupKey(cell, by);
    let totals = groups.get(key);
    if (!totals) groups.set(key, (totals = emptyTotals()));
    addTotals(totals, cell.totals);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, totals]) => ({ key, totals }));
}

/** Sum of all cells. */
export function sumCells(cells: readonly Cell[]): OeeTotals {
  return cells.reduce((acc, c) => addTotals(acc, c.totals), emptyTotals());
}
