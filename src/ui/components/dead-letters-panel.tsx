// Dead letters: what was rejected or dropped, counted by reason, and the latest ones in full.
import type { DeadLetters } from '../api-types.js';
import { formatCount } from '../format.js';
import { formatDateTime } from '../time.js';

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

/** The rejected sample: its tag and value when it has them, else its JSON. */
function SampleCell({ sample }: { sample: unknown }) {
  const s = sample as { tag?: unknown; value?: unknown } | null;
  if (s && typeof s === 'object' && typeof s.tag === 'string') {
    return (
      <td class="sample" title={json(sample)}>
        <code class="sample-tag">{s.tag}</code>
        {'value' in s && <span class="sample-value"> = {json(s.value)}</span>}
      </td>
    );
  }
  return (
    <td class="sample" title={json(sample)}>
      <code>{json(sample)}</code>
    </td>
  );
}

export function DeadLettersPanel({ data, error }: { data: DeadLetters | null; error: string | null }) {
  const reasons = Object.entries(data?.byReason ?? {}).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...reasons.map((r) => r[1]));
  return (
    <section class="panel dead-letters">
      <header class="panel-head">
        <h2>Dead letters</h2>
        <span class="muted">{data ? `${formatCount(data.total)} in total` : ''}</span>
      </header>
      {error && <p class="error">Dead letters could not be read: {error}</p>}
      {data && data.total === 0 && <p class="empty ok-text">Nothing rejected or dropped. Every sample reached the bus.</p>}
      {reasons.length > 0 && (
        <ul class="reasons">
          {reasons.map(([reason, n]) => (
            <li key={reason} data-reason={reason}>
              <span class="reason-name">{reason}</span>
              <div class="bar">
                <div class="bar-fill tone-bad" style={{ width: `${(n / max) * 100}%` }} />
              </div>
              <b>{formatCount(n)}</b>
            </li>
          ))}
        </ul>
      )}
      {data && data.items.length > 0 && (
        <table class="table dead-letter-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Reason</th>
              <th>Source</th>
              <th>Sample</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((item, i) => (
              <tr key={`${item.ts}-${i}`} class="dead-letter">
                <td class="nowrap">{formatDateTime(item.ts)}</td>
                <td>
                  <span class="pill tone-bad">{item.reason}</span>
                </td>
                <td>{item.source}</td>
                <SampleCell sample={item.sample} />
                <td class="detail">{item.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
