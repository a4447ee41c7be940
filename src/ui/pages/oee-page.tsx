// OEE of a line: gauges (live for the current shift, or over a range) in both conventions, the trend,
// the loss waterfall, the Pareto of downtime reasons, and a row per machine that opens its timeline.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { OeeReport, PlantNode } from '../api-types.js';
import { DowntimePareto } from '../components/oee/downtime-pareto.js';
import { LossWaterfall } from '../components/oee/loss-waterfall.js';
import { MachineOeeTable } from '../components/oee/machine-oee-table.js';
import { OeeGauge } from '../components/oee/oee-gauge.js';
import { OeeTrend } from '../components/oee/oee-trend.js';
import { RangePicker } from '../components/range-picker.js';
import { formatCount, formatPercent } from '../format.js';
import { findTrail, nodesAt } from '../plant.js';
import { rangeMs, trendBucket } from '../range.js';
import { oeeHref } from '../router.js';
import { formatDateTime, formatTime } from '../time.js';
import { usePoll } from '../use-live.js';
import { useMovingRange } from '../use-range.js';

interface Props {
  root: PlantNode;
  /** Line path from the route; default the first line. */
  line?: string;
}

export function OeePage({ root, line }: Props) {
  const lines = useMemo(() => nodesAt(root, 'line'), [root]);
  const node = line === undefined ? lines[0] : lines.find((l) => l.path === line);
  if (!node) {
    return (
      <div class="page">
        <h1>OEE</h1>
        <p class="muted">
          {line === undefined ? 'The plant model has no lines.' : <><code>{line}</code> is not a line of the plant model.</>}{' '}
          {lines[0] && <a href={oeeHref(lines[0].path)}>Show {lines[0].name}</a>}
        </p>
      </div>
    );
  }
  return <LineOee key={node.path} root={root} node={node} lines={lines} />;
}

function LineOee({ root, node, lines }: { root: PlantNode; node: PlantNode; lines: PlantNode[] }) {
  const [range, setRange] = useMovingRange('8h');
  const [source, setSource] = useState<'live' | 'range'>('live');

  const bucketMs = trendBucket(rangeMs(range));
  const trendFrom = Math.floor(range.from / bucketMs) * bucketMs;
  const report = usePoll((signal) => api.oee(node.path, range.from, range.to, 'asset', signal), [node.path, range.from, range.to]);
  const losses = usePoll((signal) => api.oeeLosses(node.path, trendFrom, range.to, bucketMs, signal), [node.path, trendFrom, range.to, bucketMs]);
  // The live OEE advances every second on the server; poll it as often while it is shown.
  const live = usePoll((signal) => api.oeeLive(node.path, 'shift', signal), [node.path, source], source === 'live' ? 1000 : undefined);
  const shift = live.data?.groups[live.data.groups.length - 1];

  const gauges: { report: OeeReport; caption: string } | null =
    source === 'live'
      ? shift
        ? { report: shift, caption: `Live: shift ${shift.key} · ${formatTime(Date.now())}` }
        : null
      : report.data
        ? { report: report.data.total, caption: `${formatDateTime(range.from)} – ${formatDateTime(range.to)}` }
        : null;
  const trail = findTrail(root, node.path);
  const place = trail.slice(1, -1).map((n) => n.name).join(' › ');

  return (
    <div class="page oee-page">
      <div class="page-head">
        <div>
          <h1>OEE · {node.name}</h1>
          <p class="muted">
            {place} · <code>{node.path}</code>
          </p>
          {lines.length > 1 && (
            <nav class="line-tabs" aria-label="Lines">
              {lines.map((l) => (
                <a key={l.path} href={oeeHref(l.path)} class={l === node ? 'active' : ''}>
                  {l.name}
                </a>
              ))}
            </nav>
          )}
        </div>
        <RangePicker range={range} onChange={setRange} />
      </div>

      <section class="panel gauges-panel" data-source={source} data-from={range.from} data-to={range.to}>
        <header class="panel-head">
          <h2>Overall equipment effectiveness</h2>
          <div class="segmented small" role="group" aria-label="Figures of">
            <button type="button" class={source === 'live' ? 'active' : ''} onClick={() => setSource('live')}>
              Current shift (live)
            </button>
            <button type="button" class={source === 'range' ? 'active' : ''} onClick={() => setSource('range')}>
              Selected range
            </button>
          </div>
          {gauges && <span class="muted gauges-caption">{gauges.caption}</span>}
        </header>
        {source === 'live' && live.error && <p class="error">Live OEE is not available: {live.error}</p>}
        {source === 'range' && report.error && <p class="error">OEE could not be computed: {report.error}</p>}
        {!gauges && !(source === 'live' ? live.error : report.error) && <p class="muted">Loading…</p>}
        {source === 'live' && live.data?.missingLeadIn && (
          <p class="warning" role="status">
            {live.data.missingLeadIn.map((m) => `${m.machine.split('/').pop()}: figures start at ${formatTime(m.to)}, not the shift start (${m.reason})`).join(' · ')}
          </p>
        )}
        {gauges && <Gauges report={gauges.report} />}
      </section>

      <section class="panel">
        <header class="panel-head">
          <h2>OEE trend</h2>
          <span class="muted">per {bucketMs >= 3_600_000 ? `${bucketMs / 3_600_000} h` : `${bucketMs / 60_000} min`}, planned busy time only</span>
        </header>
        {losses.error && <p class="error">The trend could not be computed: {losses.error}</p>}
        {!losses.data && !losses.error && <p class="muted">Loading…</p>}
        {losses.data && <OeeTrend trend={losses.data.trend} from={trendFrom} to={range.to} />}
      </section>

      <div class="oee-grid">
        <section class="panel">
          <header class="panel-head">
            <h2>Six big losses</h2>
            <span class="muted">
              planned time → good-parts time at the ideal rate{report.data && report.data.machines.length > 1 && <>, summed over {report.data.machines.length} machines</>}
            </span>
          </header>
          {report.error && <p class="error">{report.error}</p>}
          {!report.data && !report.error && <p class="muted">Loading…</p>}
          {report.data && <LossWaterfall waterfall={report.data.total.waterfall} />}
        </section>
        <section class="panel">
          <header class="panel-head">
            <h2>Downtime reasons</h2>
            <span class="muted">lost time in planned busy time, with cumulative share</span>
          </header>
          {losses.error && <p class="error">{losses.error}</p>}
          {!losses.data && !losses.error && <p class="muted">Loading…</p>}
          {losses.data && <DowntimePareto reasons={losses.data.reasons} />}
        </section>
      </div>

      <section class="panel">
        <header class="panel-head">
          <h2>Machines</h2>
          <span class="muted">over the selected range; open a machine for its state timeline</span>
        </header>
        {report.data && <MachineOeeTable root={root} groups={report.data.groups} range={range} />}
        {!report.data && !report.error && <p class="muted">Loading…</p>}
      </section>
    </div>
  );
}

function Gauges({ report }: { report: OeeReport }) {
  const { iso, nakajima, quantities } = report;
  return (
    <div class="gauge-rows">
      <div class="gauge-row" data-convention="iso">
        <div class="gauge-row-label">
          <b>ISO 22400-2</b>
          <span>availability APT / PBT; minor stops are availability losses</span>
        </div>
        <OeeGauge label="OEE" value={iso.oee} kind="oee" title="Availability × effectiveness × quality ratio" />
        <OeeGauge label="Availability" value={iso.availability} title="APT / PBT" />
        <OeeGauge label="Effectiveness" value={iso.effectiveness} title="Σ ideal cycle time × produced / APT" />
        <OeeGauge label="Quality ratio" value={iso.qualityRatio} title="GQ / PQ" />
      </div>
      <div class="gauge-row" data-convention="nakajima">
        <div class="gauge-row-label">
          <b>Nakajima (TPM)</b>
          <span>availability operating / loading time; minor stops are performance losses</span>
        </div>
        <OeeGauge label="OEE" value={nakajima.oee} kind="oee" title="Availability × performance × quality" />
        <OeeGauge label="Availability" value={nakajima.availability} title="Operating time / loading time" />
        <OeeGauge label="Performance" value={nakajima.performance} title="Σ ideal cycle time × produced / operating time" />
        <OeeGauge label="Quality" value={nakajima.quality} title="Good / produced" />
      </div>
      <dl class="oee-facts">
        <div>
          <dt>Good</dt>
          <dd>{formatCount(quantities.GQ)}</dd>
        </div>
        <div>
          <dt>Scrap</dt>
          <dd>{formatCount(quantities.SQ)}</dd>
        </div>
        <div>
          <dt>Rework</dt>
          <dd>{formatCount(quantities.RQ)}</dd>
        </div>
        <div>
          <dt>TEEP</dt>
          <dd>{formatPercent(report.teep)}</dd>
        </div>
      </dl>
    </div>
  );
}
