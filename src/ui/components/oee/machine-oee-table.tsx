// One row per machine of a line: OEE and its factors in both conventions, units, the largest loss,
// and the way to its state timeline over the same range.
import type { OeeReport, PlantNode } from '../../api-types.js';
import { formatCount, formatPercent } from '../../format.js';
import { findTrail } from '../../plant.js';
import { assetHref } from '../../router.js';
import { formatDuration } from '../../time.js';
import { tone } from './oee-gauge.js';

interface Props {
  root: PlantNode;
  groups: Array<OeeReport & { key: string }>;
  range: { from: number; to: number };
}

const LOSS_LABELS: Record<string, string> = {
  no_order: 'No order',
  breakdowns: 'Breakdowns',
  setup_adjustment: 'Setup',
  minor_stops: 'Minor stops',
  reduced_speed: 'Reduced speed',
  startup_rejects: 'Start-up rejects',
  production_rejects: 'Rejects',
};

function Pct({ value, kind = 'factor' }: { value: number | null; kind?: 'oee' | 'factor' }) {
  return <span class={`pct tone-${tone(value, kind)}`}>{formatPercent(value)}</span>;
}

export function MachineOeeTable({ root, groups, range }: Props) {
  if (groups.length === 0) return <p class="empty">No machine of this line has OEE data in the range.</p>;
  return (
    <div class="table-scroll">
      <table class="table machine-oee">
        <thead>
          <tr>
            <th>Machine</th>
            <th class="num">OEE</th>
            <th class="num" title="ISO 22400-2: APT / PBT">Avail. ISO</th>
            <th class="num" title="ISO 22400-2 effectiveness">Effect. ISO</th>
            <th class="num" title="Nakajima: operating / loading time">Avail. Nakajima</th>
            <th class="num" title="Nakajima performance">Perf. Nakajima</th>
            <th class="num">Quality</th>
            <th class="num">Good</th>
            <th class="num">Scrap</th>
            <th>Largest loss</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => {
            const trail = findTrail(root, g.key);
            const name = trail[trail.length - 1]?.name ?? g.key.split('/').pop();
            const largest = g.waterfall.steps.filter((s) => s.loss !== 'planned_downtime' && s.ms > 0).sort((a, b) => b.ms - a.ms)[0];
            const href = assetHref(g.key, range);
            return (
              <tr key={g.key} data-asset={g.key}>
                <td>
                  <a href={href} class="strong">
                    {name}
                  </a>
                </td>
                <td class="num">
                  <Pct value={g.iso.oee} kind="oee" />
                </td>
                <td class="num">
                  <Pct value={g.iso.availability} />
                </td>
                <td class="num">
                  <Pct value={g.iso.effectiveness} />
                </td>
                <td class="num">
                  <Pct value={g.nakajima.availability} />
                </td>
                <td class="num">
                  <Pct value={g.nakajima.performance} />
                </td>
                <td class="num">
                  <Pct value={g.iso.qualityRatio} />
                </td>
                <td class="num">{formatCount(g.quantities.GQ)}</td>
                <td class="num">{formatCount(g.quantities.SQ)}</td>
                <td>{largest ? `${LOSS_LABELS[largest.loss] ?? largest.loss} · ${formatDuration(largest.ms)}` : '—'}</td>
                <td>
                  <a href={href} class="timeline-link">
                    State timeline ›
                  </a>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
