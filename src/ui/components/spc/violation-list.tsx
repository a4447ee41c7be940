// The rule violations of a chart pair, one row each, with the marker the chart uses for the rule.
import type { SpcResult } from '../../api-types.js';
import { formatNumber } from '../../format.js';
import { formatDateTime } from '../../time.js';
import { ruleLabel } from '../../spc-rules.js';
import { RuleIcon } from './rule-marker.js';

/** Rows shown before "and n more". */
const MAX_ROWS = 200;

export function ViolationList({ result, dispersionName }: { result: SpcResult; dispersionName: string }) {
  const { violations, points } = result;
  if (violations.length === 0) return <p class="empty ok-text">No rule is violated: the process looks in control for the rules chosen.</p>;
  const byRule = new Map<string, { name: string; count: number }>();
  for (const v of violations) {
    const entry = byRule.get(v.rule) ?? { name: v.ruleName, count: 0 };
    entry.count++;
    byRule.set(v.rule, entry);
  }
  return (
    <>
      <ul class="rule-summary">
        {[...byRule].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([rule, r]) => (
          <li key={rule} data-rule={rule}>
            <RuleIcon rule={rule} />
            <b>{ruleLabel(rule)}</b> {r.name} <span class="pill tone-bad">{r.count}</span>
          </li>
        ))}
      </ul>
      <div class="violation-scroll">
        <table class="table violations">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Description</th>
              <th>Chart</th>
              <th class="num">Point</th>
              <th class="num">Value</th>
              <th>Time</th>
            </tr>
          </thead>
          <tbody>
            {violations.slice(0, MAX_ROWS).map((v) => {
              const ts = points[v.index]?.ts;
              return (
                <tr key={`${v.chart}-${v.rule}-${v.index}`} data-rule={v.rule}>
                  <td class="nowrap">
                    <RuleIcon rule={v.rule} /> {ruleLabel(v.rule)}
                  </td>
                  <td>{v.ruleName}</td>
                  <td>{v.chart === 'location' ? (result.chart === 'imr' ? 'Individuals' : 'X̄') : dispersionName}</td>
                  <td class="num">{v.points.length > 1 ? `${v.points[0] + 1}–${v.index + 1}` : v.index + 1}</td>
                  <td class="num">{formatNumber(v.value)}</td>
                  <td class="nowrap">{ts ? formatDateTime(ts) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {violations.length > MAX_ROWS && <p class="muted">… and {violations.length - MAX_ROWS} more.</p>}
    </>
  );
}
