// System health: ingest rate, bus queues, historian, connectors and dead letters, refreshed every second.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { SystemInfo } from '../api-types.js';
import { ConnectorsTable } from '../components/connectors-table.js';
import { DeadLettersPanel } from '../components/dead-letters-panel.js';
import { QueueTable } from '../components/queue-table.js';
import { Sparkline } from '../components/sparkline.js';
import { StatCard } from '../components/stat-card.js';
import { formatBytes, formatCount, formatNumber } from '../format.js';
import { formatDuration } from '../time.js';
import { usePoll } from '../use-live.js';

const HISTORY = 60;

function reasonCount(n: number): string {
  return n === 0 ? 'nothing rejected' : n === 1 ? '1 reason' : `${n} reasons`;
}

function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${formatNumber(value)} ms`;
}

export function SystemPage() {
  const system = usePoll((signal) => api.system(signal), [], 1000);
  const deadLetters = usePoll((signal) => api.deadLetters(50, signal), [], 3000);
  const rates = useRef<number[]>([]);
  const [, setTick] = useState(0);
  const last = useRef<SystemInfo | null>(null);

  useEffect(() => {
    const data = system.data;
    if (!data || data === last.current) return;
    last.current = data;
    rates.current = [...rates.current, data.ingest.ratePerS].slice(-HISTORY);
    setTick((t) => t + 1);
  }, [system.data]);

  const s = system.data;
  return (
    <div class="page system-page">
      <div class="page-head">
        <div>
          <h1>System</h1>
          <p class="muted">{s ? `Up ${formatDuration(s.uptimeS * 1000)} · refreshed every second` : 'Loading…'}</p>
        </div>
      </div>
      {system.error && <p class="error banner">The API did not answer: {system.error}</p>}
      {s && (
        <>
          <div class="stat-grid">
            <StatCard label="Ingest rate" value={<span data-ingest-rate>{formatNumber(Math.round(s.ingest.ratePerS))}</span>} sub="samples/s · last minute" wide>
              <Sparkline values={rates.current} capacity={HISTORY} width={360} height={44} />
            </StatCard>
            <StatCard
              label="Samples"
              value={formatCount(s.ingest.accepted, true)}
              sub={`${formatCount(s.ingest.received)} received · ${formatCount(s.ingest.rejected)} rejected`}
              tone={s.ingest.rejected ? 'warn' : undefined}
            />
            <StatCard
              label="Write latency"
              value={ms(s.writeLatencyMs.p50)}
              sub={`p99 ${ms(s.writeLatencyMs.p99)}`}
              tone={(s.writeLatencyMs.p99 ?? 0) > 1000 ? 'warn' : undefined}
            />
            <StatCard label="Event-loop lag" value={ms(s.eventLoopLagMs)} tone={s.eventLoopLagMs > 100 ? 'warn' : undefined} />
            <StatCard
              label="Dead letters"
              value={formatCount(s.deadLetters.total)}
              sub={reasonCount(Object.keys(s.deadLetters.byReason).length)}
              tone={s.deadLetters.total ? 'bad' : 'ok'}
            />
          </div>

          <div class="columns">
            <QueueTable bus={s.bus} />
            <section class="panel historian-panel">
              <header class="panel-head">
                <h2>Historian</h2>
              </header>
              <dl class="facts">
                <dt>Tags</dt>
                <dd>{formatCount(s.historian.tags)}</dd>
                <dt>Raw rows</dt>
                <dd data-raw-rows>{formatCount(s.historian.rawRows)}</dd>
                <dt>1-minute rollup rows</dt>
                <dd>{formatCount(s.historian.minuteRows)}</dd>
                <dt>1-hour rollup rows</dt>
                <dd>{formatCount(s.historian.hourRows)}</dd>
                <dt>On disk</dt>
                <dd>{formatBytes(s.historian.bytes)}</dd>
                <dt>Bytes per sample</dt>
                <dd>{s.historian.bytesPerSample === null ? '—' : formatNumber(s.historian.bytesPerSample)}</dd>
                <dt>Samples written</dt>
                <dd>{formatCount(s.historian.samplesWritten)}</dd>
                <dt>Pending</dt>
                <dd>{formatCount(s.historian.pendingSamples)}</dd>
              </dl>
            </section>
          </div>

          <ConnectorsTable connectors={s.connectors} />
        </>
      )}
      <DeadLettersPanel data={deadLetters.data} error={deadLetters.error} />
    </div>
  );
}
