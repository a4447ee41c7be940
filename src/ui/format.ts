// Number, value and size formatting shared by tiles, tables and charts.
import type { SampleValue, TagDefinition } from './api-types.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Rounds to a precision that suits the magnitude: 1234 → `1,234`, 12.345 → `12.35`, 0.0123 → `0.012`.
 * `steady` keeps trailing zeros (`1.60`) so live readings do not jump in width.
 */
export function formatNumber(value: number, steady = false): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if ((Number.isInteger(value) && !steady) || abs >= 1000) return integer.format(value);
  const digits = abs >= 100 ? 1 : abs >= 1 || abs === 0 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: steady ? digits : 0 });
}

const COUNT_ROLES = new Set(['good_count', 'scrap_count', 'rework_count']);

/** Counters and tags in pieces show whole numbers; measurements keep their decimals. */
function isCount(tag: Pick<TagDefinition, 'role' | 'unit'> | undefined): boolean {
  return !!tag && ((tag.role !== undefined && COUNT_ROLES.has(tag.role)) || tag.unit === 'pcs' || tag.unit === 'count');
}

// Decimals seen per tag so far: a reading keeps the precision its sensor reports (36.2 stays 36.2,
// 49.0 does not become 49), and live values do not jump in width when a trailing zero appears.
const seenDecimals = new Map<string, number>();

function decimalsOf(value: number): number {
  const text = String(Math.abs(value));
  if (text.includes('e')) return 3;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : Math.min(3, text.length - dot - 1);
}

function formatReading(value: number, path: string): string {
  const decimals = Math.max(seenDecimals.get(path) ?? 0, decimalsOf(value));
  seenDecimals.set(path, decimals);
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A tag value as text, without its unit. State codes show their names. */
export function formatValue(
  value: SampleValue | null | undefined,
  tag?: Pick<TagDefinition, 'states' | 'type' | 'role' | 'unit'> & { path?: string },
): string {
  if (value === null || value === undefined) return '—';
  if (tag?.states && (typeof value === 'number' || typeof value === 'string')) {
    const name = tag.states[String(value)];
    if (name) return name;
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    if (isCount(tag)) return integer.format(value);
    return tag?.path ? formatReading(value, tag.path) : formatNumber(value, !Number.isInteger(value));
  }
  return value;
}

/** `532 B`, `12.4 MB` */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** `1,234,567` or compact `1.2M` */
export function formatCount(n: number, compact = false): string {
  if (!compact || Math.abs(n) < 10_000) return integer.format(n);
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** A human label from a tag or counter name: `good_count` → `Good count`, `samplesEmitted` → `Samples emitted`. */
export function tagLabel(name: string): string {
  const text = name
    .replace(/([a-z0-9])([A-Z])/g, (_m, a: string, b: string) => `${a} ${b.toLowerCase()}`)
    .replace(/[_-]+/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Units shown as typed in config, with a few prettier spellings. */
export function formatUnit(unit: string | undefined): string {
  if (!unit) return '';
  const pretty: Record<string, string> = { degC: '°C', degF: '°F', 'mm/s': 'mm/s', pct: '%', percent: '%' };
  return pretty[unit] ?? unit;
}

/** A ratio as a percentage with one decimal: 0.8123 → `81.2 %`; null (undefined ratio) → `—`. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(1)} %`;
}
