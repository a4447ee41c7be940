import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Ingest } from '../ingest/index.js';
import type { Historian } from '../historian/types.js';

/** Live figures the system page and `/metrics` share: ingest rate, write latency, event-loop lag. */
export class Telemetry {
  private readonly lag: IntervalHistogram;
  private readonly latencies: number[] = [];
  private readonly timer: NodeJS.Timeout;
  private lastAccepted = 0;
  private lastTick = Date.now();
  /** Samples accepted per second over the last second. */
  ratePerS = 0;
  /** Cumulative write-latency observations, for the Prometheus histogram. */
  readonly writeObservers = new Set<(seconds: number, rows: number) => void>();

  constructor(
    private readonly ingest: Ingest,
    historian: Historian,
  ) {
    this.lag = monitorEventLoopDelay({ resolution: 10 });
    this.lag.enable();
    historian.onWrite((report) => {
      this.latencies.push(report.latencyMs);
      if (this.latencies.length > 2_000) this.latencies.splice(0, this.latencies.length - 1_000);
      for (const observer of this.writeObservers) observer(report.latencyMs / 1000, report.rows);
    });
    this.timer = setInterval(() => this.tick(), 1_000);
    this.timer.unref();
  }

  /** Event-loop delay p99 over the last interval, in ms. */
  eventLoopLagMs(): number {
    return Math.max(0, this.lag.percentile(99) / 1e6 - 10);
  }

  writeLatencyMs(): { p50: number | null; p99: number | null } {
    if (this.latencies.length === 0) return { p50: null, p99: null };
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { p50: at(0.5), p99: at(0.99) };
  }

  stop(): void {
    clearInterval(this.timer);
    this.lag.disable();
  }

  private tick(): void {
    const now = Date.now();
    const accepted = this.ingest.accepted;
    this.ratePerS = ((accepted - this.lastAccepted) * 1000) / Math.max(1, now - this.lastTick);
    this.lastAccepted = accepted;
    this.lastTick = now;
    // Reset each second so the figure is the recent lag, not the worst since start.
    this.lagSnapshot = this.eventLoopLagMs();
    this.lag.reset();
  }

  /** The lag measured over the last full second (the live histogram is reset every second). */
  lagSnapshot = 0;
}
