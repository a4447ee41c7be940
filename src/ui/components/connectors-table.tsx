// Connector health: state, counters and the last error of each connector.
import type { ConnectorHealth } from '../api-types.js';
import { formatCount, tagLabel } from '../format.js';
import { opcuaHref } from '../router.js';

const TONE: Record<ConnectorHealth['state'], string> = {
  connected: 'ok',
  starting: 'info',
  degraded: 'warn',
  disconnected: 'bad',
  stopped: 'neutral',
};

export function ConnectorsTable({ connectors }: { connectors: ConnectorHealth[] }) {
  return (
    <section class="panel">
      <header class="panel-head">
        <h2>Connectors</h2>
        <span class="muted">{connectors.filter((c) => c.state === 'connected').length} of {connectors.length} connected</span>
      </header>
      <table class="table">
        <thead>
          <tr>
            <th>Connector</th>
            <th>Kind</th>
            <th>State</th>
            <th>Counters</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {connectors.map((c) => (
            <tr key={c.id} data-connector={c.id}>
              <td class="strong">
                {c.id}
                {c.kind === 'opcua' && (
                  <div>
                    <a class="small" href={opcuaHref(c.id)}>
                      Browse, map, certificates
                    </a>
                  </div>
                )}
              </td>
              <td>{c.kind}</td>
              <td>
                <span class={`pill tone-${TONE[c.state] ?? 'neutral'}`}>{c.state}</span>
              </td>
              <td>
                <div class="counters">
                  {Object.entries(c.counters ?? {}).map(([k, v]) => (
                    <span key={k}>
                      {tagLabel(k)} <b>{formatCount(v, true)}</b>
                    </span>
                  ))}
                </div>
              </td>
              <td class={c.lastError ? 'bad-text' : 'muted'}>{c.lastError ?? '—'}</td>
            </tr>
          ))}
          {connectors.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No connectors configured.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
