// Cumulative counters (PLC piece counters, energy meters) to increments, with rollover and resets.
// The rule itself is the historian's `counterStep`, which its `counterSums` states in SQL: the raw and
// the reduced history reads count alike.
import { counterStep, DEFAULT_RESET_BELOW } from '../../historian/reductions.js';

export interface CounterOptions {
  /** The value at which the counter wraps to 0 (65536 for a 16-bit counter). Default: inferred as tag max + 1 when `tagMax` is given. */
  modulus?: number;
  /** The tag's engineering maximum (TagDefinition.max); the modulus is `tagMax + 1` when `modulus` is not given. */
  tagMax?: number;
  /** A drop to at most this value, not explained by a wrap, is a reset: the new value counts. Default 10. */
  resetBelow?: number;
}

/** What the counter did, for diagnostics. */
export interface CounterStats {
  wraps: number;
  resets: number;
  /** Drops that were neither a wrap nor a reset: ignored (re-baselined). */
  glitches: number;
}

/**
 * Turns readings of a cumulative counter into increments. The first reading is the baseline.
 * A drop is a wrap when `value + modulus - previous` is less than half the modulus, else a reset
 * when the new value is at most `resetBelow` (the units counted since the reset count), else a
 * glitch (0, and the new value is the baseline).
 *
 * @example
 * const c = new CounterTracker({ modulus: 65536 });
 * c.next(65530); c.next(4); // 10 (wrapped)
 */
export class CounterTracker {
  private last: number | undefined;
  private readonly modulus: number | undefined;
  private readonly resetBelow: number;
  readonly stats: CounterStats = { wraps: 0, resets: 0, glitches: 0 };

  constructor(options: CounterOptions = {}) {
    this.modulus = counterModulus(options);
    this.resetBelow = options.resetBelow ?? DEFAULT_RESET_BELOW;
  }

  /** The increment since the previous reading (0 for the first). */
  next(value: number): number {
    if (!Number.isFinite(value)) return 0;
    const step = counterStep(this.last, value, this.modulus, this.resetBelow);
    this.last = value;
    if (step.kind === 'wrap') this.stats.wraps++;
    else if (step.kind === 'reset') this.stats.resets++;
    else if (step.kind === 'glitch') this.stats.glitches++;
    return step.increment;
  }

  /** The last reading, if any. */
  get value(): number | undefined {
    return this.last;
  }
}

/** The modulus the options give: `modulus`, else the tag's max + 1, else none. */
export function counterModulus(options: CounterOptions): number | undefined {
  return options.modulus ?? (options.tagMax !== undefined ? options.tagMax + 1 : undefined);
}

/** Increments of a whole series of readings: `[{ ts, value: delta }]`, the first reading dropped. */
export function counterDeltas(samples: ReadonlyArray<{ ts: number; value: number }>, options: CounterOptions = {}): Array<{ ts: number; value: number }> {
  const tracker = new CounterTracker(options);
  const out: Array<{ ts: number; value: number }> = [];
  samples.forEach((s, i) => {
    const d = tracker.next(s.value);
    if (i > 0) out.push({ ts: s.ts, value: d });
  });
  return out;
}
