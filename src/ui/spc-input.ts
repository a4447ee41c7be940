// What the SPC page charts: numeric measurement tags, and measurements pasted as text.
import type { TagInfo } from './api-types.js';

/** Numeric tags that make sense on a control chart: measurements, not counters, codes or energy meters. */
export function chartableTags(tags: TagInfo[]): TagInfo[] {
  return tags
    .filter((t) => t.type === 'number' && !t.states && (t.role === undefined || t.role === 'process' || t.role === 'cycle_time'))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Numbers from pasted text. Lines holding the same number (2 or more) of values are subgroups;
 * anything else is one flat series. Returns what could not be read, too.
 */
export function parseMeasurements(text: string): { values: number[]; subgroups: number[][] | null; bad: string[] } {
  const bad: string[] = [];
  const rows = text
    .split(/\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) =>
      line
        .split(/[\s,;]+/)
        .filter((t) => t !== '')
        .map((t) => {
          const v = Number(t);
          if (!Number.isFinite(v)) bad.push(t);
          return v;
        })
        .filter(Number.isFinite),
    );
  const values = rows.flat();
  const size = rows[0]?.length ?? 0;
  const subgroups = rows.length >= 2 && size >= 2 && rows.every((r) => r.length === size) ? rows : null;
  return { values, subgroups, bad };
}
