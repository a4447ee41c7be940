/**
 * Remembers which (tag, ts) pairs a file has already given, so a repeated row is reported instead of
 * silently replacing the first. Files are mostly in time order per tag: those timestamps go into a
 * sorted Float64Array (8 bytes each, looked up by binary search); the few that arrive out of order go
 * into a Set. Memory is therefore about 8 bytes per imported sample (80 MB for 10M).
 */
export class DuplicateGuard {
  private readonly tracks = new Map<string, Track>();

  /** True when this tag and time were seen before; otherwise records them. */
  seen(tag: string, ts: number): boolean {
    let track = this.tracks.get(tag);
    if (!track) {
      track = { sorted: new Float64Array(1024), length: 0, outOfOrder: new Set() };
      this.tracks.set(tag, track);
    }
    const { sorted, length } = track;
    if (length === 0 || ts > sorted[length - 1]) {
      if (track.outOfOrder.has(ts)) return true;
      if (length === sorted.length) {
        const grown = new Float64Array(sorted.length * 2);
        grown.set(sorted);
        track.sorted = grown;
      }
      track.sorted[track.length++] = ts;
      return false;
    }
    if (binarySearch(sorted, length, ts)) return true;
    if (track.outOfOrder.has(ts)) return true;
    track.outOfOrder.add(ts);
    return false;
  }
}

interface Track {
  sorted: Float64Array;
  length: number;
  outOfOrder: Set<number>;
}

function binarySearch(values: Float64Array, length: number, target: number): boolean {
  let lo = 0;
  let hi = length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid];
    if (v === target) return true;
    if (v < target) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
