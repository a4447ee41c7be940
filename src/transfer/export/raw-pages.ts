// Reads every raw sample of a tag in a range through the Historian interface alone, so export works
// on every backend. A count per bucket (answered from the rollups) plans windows of about PAGE samples;
// each window is then read raw. A window the historian answers in buckets (more samples than planned)
// is split in two until it fits, which always ends: a tag holds at most one sample per millisecond.
import type { Historian, HistoryPoint } from '../../historian/types.js';

/** Samples per page: enough to amortise a query, small enough to keep memory flat. */
export const PAGE = 20_000;

export interface TagCount {
  tag: string;
  /** Samples in [from, to), estimated from rollup buckets (exact for small ranges). */
  estimate: number;
  windows: Window[];
}

interface Window {
  from: number;
  to: number;
  estimate: number;
  /** Already read while counting (small ranges answer the count with the samples themselves). */
  points?: HistoryPoint[];
}

/** Counts a tag's samples in [from, to) and plans the windows to read them in. */
export async function countTag(historian: Historian, tag: string, from: number, to: number): Promise<TagCount> {
  const counted = await historian.query({ tag, from, to, agg: 'count', maxPoints: 10_000 });
  if (counted.bucketMs === null) {
    return { tag, estimate: counted.points.length, windows: [{ from, to, estimate: counted.points.length, points: counted.points }] };
  }
  const width = counted.bucketMs;
  const windows: Window[] = [];
  let open: Window | undefined;
  let estimate = 0;
  for (const point of counted.points) {
    const n = typeof point.value === 'number' ? point.value : 0;
    if (n === 0) continue;
    estimate += n;
    const start = Math.max(from, point.ts);
    const end = Math.min(to, point.ts + width);
    if (n > PAGE) {
      // A dense bucket: equal slices, assuming even spacing (a slice that is wrong gets split on read).
      if (open) windows.push(open);
      open = undefined;
      const parts = Math.ceil(n / PAGE);
      const step = Math.ceil((end - start) / parts);
      for (let s = start; s < end; s += step) windows.push({ from: s, to: Math.min(end, s + step), estimate: n / parts });
      continue;
    }
    if (open && open.to === start && open.estimate + n <= PAGE) {
      open.to = end;
      open.estimate += n;
    } else {
      if (open) windows.push(open);
      open = { from: start, to: end, estimate: n };
    }
  }
  if (open) windows.push(open);
  return { tag, estimate, windows };
}

/** The raw samples of a planned tag, page by page, in time order. */
export async function* rawPages(historian: Historian, count: TagCount): AsyncGenerator<HistoryPoint[]> {
  for (const window of count.windows) {
    if (window.points) {
      if (window.points.length > 0) yield window.points;
      continue;
    }
    yield* readWindow(historian, count.tag, window.from, window.to);
  }
}

async function* readWindow(historian: Historian, tag: string, from: number, to: number): AsyncGenerator<HistoryPoint[]> {
  const answer = await historian.query({ tag, from, to, maxPoints: 2 * PAGE });
  if (answer.bucketMs === null) {
    if (answer.points.length > 0) yield answer.points;
    return;
  }
  const middle = from + Math.floor((to - from) / 2);
  yield* readWindow(historian, tag, from, middle);
  yield* readWindow(historian, tag, middle, to);
}

/** A read position in one tag's samples, for merging tags by time (the wide layout). */
export class PointCursor {
  private page: HistoryPoint[] = [];
  private index = 0;
  private readonly pages: AsyncGenerator<HistoryPoint[]>;

  constructor(historian: Historian, count: TagCount) {
    this.pages = rawPages(historian, count);
  }

  /** The current sample, or undefined at the end (call `fill` first). */
  get head(): HistoryPoint | undefined {
    return this.page[this.index];
  }

  /** Makes `head` available unless the tag has no more samples. */
  async fill(): Promise<void> {
    while (this.index >= this.page.length) {
      const next = await this.pages.next();
      if (next.done) return;
      this.page = next.value;
      this.index = 0;
    }
  }

  advance(): void {
    this.index++;
  }
}
