// The recent SPC events, kept in memory for the API (GET /api/v1/spc/events).
import type { EventSink, SpcEvent, SpcMonitorStatus } from './monitor.js';

/**
 * Keeps the last `capacity` SPC events and forwards each to further sinks (e.g. the bus, so live
 * clients subscribed to `$events/spc/#` see them). Older events are dropped and counted.
 *
 * @example
 * const events = new SpcEventLog({ forward: [bus] });
 * startSpcMonitors(config.spc, { source: bus, sink: events });
 * events.list({ tag }); // newest first
 */
export class SpcEventLog implements EventSink {
  private readonly events: SpcEvent[] = [];
  private readonly capacity: number;
  private readonly forward: readonly EventSink[];
  /** Events received, and those dropped from the log because it was full. */
  readonly stats = { received: 0, dropped: 0 };

  /** The tags watched by the monitors feeding this log (for the API). */
  readonly monitors: readonly string[];

  constructor(options: { capacity?: number; forward?: readonly EventSink[]; monitors?: readonly string[] } = {}) {
    this.monitors = options.monitors ?? [];
    this.capacity = options.capacity ?? 10_000;
    this.forward = options.forward ?? [];
  }

  publish(topic: string, event: SpcEvent): void {
    this.stats.received++;
    this.events.push(event);
    if (this.events.length > this.capacity) {
      this.events.shift();
      this.stats.dropped++;
    }
    for (const sink of this.forward) sink.publish(topic, event);
  }

  private tracked: ReadonlyArray<{ status(): SpcMonitorStatus }> = [];

  /** The monitors feeding this log, so the API can show their phase and limits. */
  track(monitors: ReadonlyArray<{ status(): SpcMonitorStatus }>): void {
    this.tracked = monitors;
  }

  statuses(): SpcMonitorStatus[] {
    return this.tracked.map((m) => m.status());
  }

  /** Events newest first, optionally of one tag (or the tags under a path) and after `since` (ms). */
  list(filter: { tag?: string; since?: number; limit?: number } = {}): SpcEvent[] {
    const out: SpcEvent[] = [];
    const limit = filter.limit ?? 1000;
    for (let i = this.events.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.events[i];
      if (filter.tag !== undefined && e.tag !== filter.tag && !e.tag.startsWith(`${filter.tag}/`)) continue;
      if (filter.since !== undefined && e.ts < filter.since) continue;
      out.push(e);
    }
    return out;
  }
}
