// The exception (deadband) stage: the cheap first filter of PI-style data reduction. A sample passes
// when it moved more than `excDev` from the last passed value, or `excMax` after it. When one passes,
// the last sample it filtered passes too, just before it: without that, a value that sat still and
// then jumped would be drawn as a slow ramp from the last passed point. With it, every filtered sample
// lies within 2 x excDev of the line through the passed points (both ends of a flat stretch are kept).

/** A numeric sample as the compression stages see it: its time and value, plus whatever it carries. */
export interface Point {
  ts: number;
  value: number;
}

/** Where a stage appends the points it passes on (an array of points or of anything wider). */
export interface Sink<P> {
  push(point: P): unknown;
}

export class ExceptionFilter<P extends Point> {
  private reported: P | undefined;
  private filtered: P | undefined;

  /**
   * @param excDev how far (engineering units) a value must move from the last passed one to pass; 0
   *   passes every change and drops only repeats.
   * @param excMax the longest time (ms) between passed samples: a heartbeat.
   */
  constructor(
    private readonly excDev: number,
    private readonly excMax: number,
  ) {}

  /** Appends to `out` what passes for `point` (nothing, the point, or the last filtered one and the point). */
  offer(point: P, out: Sink<P>): void {
    const last = this.reported;
    if (last !== undefined && Math.abs(point.value - last.value) <= this.excDev && point.ts - last.ts < this.excMax) {
      this.filtered = point;
      return;
    }
    if (this.filtered !== undefined) out.push(this.filtered);
    out.push(point);
    this.reported = point;
    this.filtered = undefined;
  }

  /** Passes the last filtered sample, if any, so the newest value is not lost (flush, shutdown). */
  drain(out: Sink<P>): void {
    if (this.filtered === undefined) return;
    out.push(this.filtered);
    this.reported = this.filtered;
    this.filtered = undefined;
  }

  /** Forgets everything: the next sample passes. */
  reset(): void {
    this.reported = undefined;
    this.filtered = undefined;
  }
}
