// One numeric tag's data reduction: the exception stage, then the swinging door. Decides per sample
// whether it is stored; keeps the samples it drops out of nothing but memory for one point each.

import type { Sample } from '../../model/index.js';
import { ExceptionFilter } from './deadband.js';
import { SwingingDoor } from './swinging-door.js';

/** A tag's compression settings, in engineering units and milliseconds. */
export interface CompressionSettings {
  /** Exception deadband: a value closer than this to the last passed one is dropped (0: repeats only). */
  excDev: number;
  /** Longest time between samples that pass the exception stage. */
  excMax: number;
  /** Swinging-door error bound. */
  compDev: number;
  /** Longest time between stored samples (while samples keep coming). */
  compMax: number;
}

/** A good numeric sample as the stages see it. */
interface NumericSample extends Sample {
  value: number;
}

/**
 * The guarantee: every good numeric sample offered lies within `errorBound(settings)` of the linear
 * interpolation between the stored samples around it, once the compressor is drained.
 *
 * What always passes: the first sample, samples of any quality but good (and the next good one),
 * values that are not finite numbers, and samples whose time is not after the tag's newest (late or
 * re-sent): each of these also stores the held points first and starts the tag over.
 *
 * @example
 * const c = new TagCompressor({ excDev: 0, excMax: 600_000, compDev: 0.1, compMax: 28_800_000 });
 * const keep: Sample[] = [];
 * for (const sample of samples) c.offer(sample, keep);
 * c.drain(keep); // on flush and shutdown: the newest value is stored too
 */
export class TagCompressor {
  private readonly exception: ExceptionFilter<NumericSample>;
  private readonly door: SwingingDoor<NumericSample>;
  private readonly passed: NumericSample[] = [];
  private newestTs = -Infinity;
  private fresh = true;
  /** The newest sample offered (stored or not): the tag's current value. */
  lastReceived: Sample | undefined;

  constructor(readonly settings: CompressionSettings) {
    this.exception = new ExceptionFilter(settings.excDev, settings.excMax);
    this.door = new SwingingDoor(settings.compDev, settings.compMax);
  }

  /** Appends to `out` the samples to store for `sample`, in time order. */
  offer(sample: Sample, out: Sample[]): void {
    if (sample.ts > this.newestTs) {
      this.newestTs = sample.ts;
      this.lastReceived = sample;
    } else {
      this.startOver(out);
      out.push(sample);
      return;
    }
    if (sample.quality !== 'good' || typeof sample.value !== 'number' || !Number.isFinite(sample.value)) {
      this.startOver(out);
      out.push(sample);
      return;
    }
    const numeric = sample as NumericSample;
    if (this.fresh) {
      this.fresh = false;
      this.exception.reset();
      this.door.reset();
      this.exception.offer(numeric, this.passed);
      this.door.offer(numeric, out);
      this.passed.length = 0;
      return;
    }
    this.exception.offer(numeric, this.passed);
    for (const point of this.passed) this.door.offer(point, out);
    this.passed.length = 0;
  }

  /** Appends the samples still held back (the newest value among them), so none is lost. */
  drain(out: Sample[]): void {
    if (this.fresh) return;
    this.exception.drain(this.passed);
    for (const point of this.passed) this.door.offer(point, out);
    this.passed.length = 0;
    this.door.drain(out);
  }

  private startOver(out: Sample[]): void {
    this.drain(out);
    this.fresh = true;
  }
}

/** How far a good sample may lie from the interpolation between stored ones, for these settings. */
export function errorBound(settings: CompressionSettings): number {
  return settings.compDev + 2 * settings.excDev;
}
