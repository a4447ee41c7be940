// Hook: a time range chosen with the range picker; presets ("last 8 h") move on every minute so they
// keep ending now.
import { useEffect, useState } from 'preact/hooks';
import { presetRange, type RangeKey, type TimeRange } from './range.js';

export function useMovingRange(initial: Exclude<RangeKey, 'custom'>): [TimeRange, (range: TimeRange) => void] {
  const [range, setRange] = useState<TimeRange>(() => presetRange(initial));
  useEffect(() => {
    if (range.key === 'custom') return;
    const key = range.key;
    const timer = setInterval(() => setRange(presetRange(key)), 60_000);
    return () => clearInterval(timer);
  }, [range.key]);
  return [range, setRange];
}
