import type { Sample, TagRegistry } from '../model/index.js';
import type { Bus } from '../bus/index.js';
import type { RawSample } from '../connectors/types.js';
import type { DeadLetterStore } from './dead-letters.js';
import { checkSample, Refusal } from './normalize.js';

export interface IngestStats {
  received: number;
  accepted: number;
  rejected: number;
}

/**
 * The single entry into the unified namespace: checks raw samples against the tag registry,
 * dead-letters what fails with its reason, and publishes the rest on the bus under the tag path.
 */
export class Ingest {
  received = 0;
  accepted = 0;
  rejected = 0;

  constructor(
    private readonly registry: TagRegistry,
    private readonly bus: Bus<Sample>,
    private readonly deadLetters: DeadLetterStore,
  ) {}

  /** Normalises and publishes. Never throws on bad input: refusals are counted and dead-lettered. */
  submit(samples: readonly RawSample[], source: string): { accepted: number; rejected: number } {
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < samples.length; i++) {
      const raw = samples[i];
      const checked = checkSample(raw, raw && typeof raw.tag === 'string' ? this.registry.get(raw.tag) : undefined);
      if (checked instanceof Refusal) {
        this.deadLetters.add({ source, reason: checked.reason, detail: checked.detail, sample: raw });
        rejected++;
      } else {
        this.bus.publish(checked.tag, checked);
        accepted++;
      }
    }
    this.received += samples.length;
    this.accepted += accepted;
    this.rejected += rejected;
    return { accepted, rejected };
  }

  /** `submit`, then wait until the bus has room: what connectors that can slow down call. */
  async publish(samples: readonly RawSample[], source: string): Promise<void> {
    this.submit(samples, source);
    await this.bus.waitForRoom();
  }

  stats(): IngestStats {
    return { received: this.received, accepted: this.accepted, rejected: this.rejected };
  }
}
