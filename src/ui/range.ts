// Time ranges for trends and state timelines: presets ending now, or a custom window.

export type RangeKey = '15m' | '1h' | '8h' | '24h' | '7d' | 'custom';

export interface TimeRange {
  key: RangeKey;
  from: number;
  to: number;
}

export const PRESETS: Array<{ key: Exclude<RangeKey, 'custom'>; label: string; ms: number }> = [
  { key: '15m', label: '15 min', ms: 15 * 60_000 },
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '8h', label: '8 h', ms: 8 * 3_600_000 },
  { key: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { key: '7d', label: '7 d', ms: 7 * 24 * 3_600_000 },
];

export function presetRange(key: Exclude<RangeKey, 'custom'>, now = Date.now()): TimeRange {
  const preset = PRESETS.find((p) => p.key === key)!;
  return { key, from: now - preset.ms, to: now };
}

/** Short presets follow the live stream; longer ones are re-read now and then. */
export function isLive(range: TimeRange): boolean {
  return range.key === '15m' || range.key === '1h';
}

export function rangeMs(range: TimeRange): number {
  return range.to - range.from;
}

const TREND_STEPS = [60_000, 5 * 60_000, 10 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 2 * 3_600_000, 4 * 3_600_000, 8 * 3_600_000, 86_400_000];

/** A round bucket that gives the trend at most about 48 points. */
export function trendBucket(spanMs: number): number {
  return TREND_STEPS.find((s) => spanMs / s <= 48) ?? 86_400_000;
}
