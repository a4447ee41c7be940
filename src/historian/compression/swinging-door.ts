// The compression stage: swinging-door trending (Bristol, 1990), as PI's archive applies it. From the
// last archived point a "door" of slopes opens: every point since then narrows it to the slopes whose
// line passes within `compDev` of that point. A point that no line in the door can reach closes it, and
// the last point before it (the "held" point) is archived; the door reopens from there.
//
// One deliberate difference from the classic algorithm: the classic test asks only whether the door is
// still open after a new point, yet the point that is later archived may lie outside the slopes that
// the points before it allowed, so a point between can end up slightly further than compDev from the
// stored line (A=(0,0), c=1, then (1,1), then (10,-0.5): the door stays open, the line to (10,-0.5)
// passes 1.05 from (1,1)). Here a point is held only when the line to it lies inside the door, so
// every point lies within compDev of the line between the stored points that enclose it: a guarantee
// the property tests check, at the price of a few more stored points.

import type { Point, Sink } from './deadband.js';

export class SwingingDoor<P extends Point> {
  private archived: P | undefined;
  private held: P | undefined;
  /** Slopes from `archived` whose line passes within compDev of every point since it (held included). */
  private low = -Infinity;
  private high = Infinity;

  /**
   * @param compDev the error bound (engineering units); 0 still drops points that lie exactly on the
   *   line, such as a constant value.
   * @param compMax the longest time (ms) between archived points: a held point older than this after
   *   the last archived one is archived.
   */
  constructor(
    private readonly compDev: number,
    private readonly compMax: number,
  ) {}

  /** Appends to `out` the points to archive for `point` (none, or the held one, or a first point). */
  offer(point: P, out: Sink<P>): void {
    const archived = this.archived;
    if (archived === undefined) {
      out.push(point);
      this.archived = point;
      return;
    }
    const dt = point.ts - archived.ts;
    if (this.held !== undefined) {
      const slope = (point.value - archived.value) / dt;
      if (slope < this.low || slope > this.high || dt > this.compMax) {
        out.push(this.held);
        this.restartFrom(this.held);
        this.offer(point, out);
        return;
      }
    }
    this.held = point;
    this.low = Math.max(this.low, (point.value - this.compDev - archived.value) / dt);
    this.high = Math.min(this.high, (point.value + this.compDev - archived.value) / dt);
  }

  /** Archives the held point, if any, so the newest value is stored (flush, shutdown). */
  drain(out: Sink<P>): void {
    if (this.held === undefined) return;
    out.push(this.held);
    this.restartFrom(this.held);
  }

  /** Forgets everything: the next point is archived. */
  reset(): void {
    this.archived = undefined;
    this.held = undefined;
    this.low = -Infinity;
    this.high = Infinity;
  }

  private restartFrom(point: P): void {
    this.archived = point;
    this.held = undefined;
    this.low = -Infinity;
    this.high = Infinity;
  }
}
