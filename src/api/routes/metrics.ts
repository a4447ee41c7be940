import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiDeps } from '../deps.js';

/** `GET /metrics` in the Prometheus text format. */
export async function metricsRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const registry = buildMetrics(deps);
  app.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}

/** Counters read Loom's own running totals at scrape time, so there is one source of truth. */
function monotonic(counter: Counter<string>, labels: Record<string, string>, current: number, seen: Map<string, number>): void {
  const key = JSON.stringify(labels);
  const previous = seen.get(key) ?? 0;
  if (current > previous) counter.inc(labels, current - previous);
  seen.set(key, Math.max(previous, current));
}

export function buildMetrics(deps: ApiDeps): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'loom_process_' });
  const seen = new Map<string, number>();

  new Counter({
    name: 'loom_samples_in_total',
    help: 'Samples received by normalisation, by outcome (accepted or rejected)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      monotonic(this, { outcome: 'accepted' }, deps.ingest.accepted, seen);
      monotonic(this, { outcome: 'rejected' }, deps.ingest.rejected, seen);
    },
  });
  new Counter({
    name: 'loom_dead_letters_total',
    help: 'Inputs refused and kept in the dead-letter store, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      for (const [reason, count] of Object.entries(deps.deadLetters.byReason())) monotonic(this, { reason }, count, seen);
    },
  });
  new Counter({
    name: 'loom_bus_dropped_total',
    help: 'Messages dropped because a subscriber queue was full, by subscriber',
    labelNames: ['subscriber'],
    registers: [registry],
    collect() {
      for (const s of deps.bus.stats().subscribers) monotonic(this, { subscriber: s.name }, s.dropped, seen);
    },
  });
  new Gauge({
    name: 'loom_bus_queue_depth',
    help: 'Messages waiting in each subscriber queue',
    labelNames: ['subscriber'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of deps.bus.stats().subscribers) this.set({ subscriber: s.name }, s.depth);
    },
  });
  new Gauge({
    name: 'loom_bus_queue_limit',
    help: 'Capacity of each subscriber queue',
    labelNames: ['subscriber'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of deps.bus.stats().subscribers) this.set({ subscriber: s.name }, s.limit);
    },
  });
  new Gauge({
    name: 'loom_ingest_rate',
    help: 'Samples accepted per second over the last second',
    registers: [registry],
    collect() {
      this.set(deps.telemetry.ratePerS);
    },
  });
  const writeLatency = new Histogram({
    name: 'loom_historian_write_latency_seconds',
    help: 'Time from a batch being handed to the historian until it is durable',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const rowsWritten = new Counter({ name: 'loom_historian_rows_written_total', help: 'Samples durably written', registers: [registry] });
  deps.telemetry.writeObservers.add((seconds, rows) => {
    writeLatency.observe(seconds);
    rowsWritten.inc(rows);
  });
  new Gauge({
    name: 'loom_historian_pending_samples',
    help: 'Samples accepted by the historian but not yet durable',
    registers: [registry],
    async collect() {
      this.set((await deps.historian.stats()).pendingSamples);
    },
  });
  new Gauge({
    name: 'loom_event_loop_lag_seconds',
    help: 'Event-loop delay p99 over the last second',
    registers: [registry],
    collect() {
      this.set(deps.telemetry.lagSnapshot / 1000);
    },
  });
  new Gauge({
    name: 'loom_connector_up',
    help: 'Connector state: 1 connected, 0.5 degraded or starting, 0 otherwise',
    labelNames: ['connector', 'kind', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of deps.connectors()) {
        const value = c.state === 'connected' ? 1 : c.state === 'degraded' || c.state === 'starting' ? 0.5 : 0;
        this.set({ connector: c.id, kind: c.kind, state: c.state }, value);
      }
    },
  });
  return registry;
}
