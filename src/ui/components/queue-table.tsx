// Bus subscribers: queue depth against its limit, delivered, dropped and handler errors.
import type { BusStats } from '../api-types.js';
import { formatCount } from '../format.js';

export function QueueTable({ bus }: { bus: BusStats }) {
  return (
    <section class="panel">
      <header class="panel-head">
        <h2>Bus subscribers</h2>
        <span class="muted">
          {formatCount(bus.published)} published · {formatCount(bus.unrouted)} unrouted · {formatCount(bus.dropped)} dropped
        </span>
      </header>
      <table class="table queue-table">
        <thead>
          <tr>
            <th>Subscriber</th>
            <th>Pattern</th>
            <th class="queue-col">Queue</th>
            <th class="num">Delivered</th>
            <th class="num">Dropped</th>
            <th class="num">Errors</th>
          </tr>
        </thead>
        <tbody>
          {bus.subscribers.map((s) => {
            const fill = s.limit ? Math.min(1, s.depth / s.limit) : 0;
            const tone = fill > 0.8 ? 'bad' : fill > 0.5 ? 'warn' : 'ok';
            return (
              <tr key={s.name} data-subscriber={s.name}>
                <td class="strong">{s.name}</td>
                <td>
                  <code>{s.pattern}</code>
                </td>
                <td class="queue-col">
                  <div class="bar" title={`${s.depth} of ${s.limit} waiting`}>
                    <div class={`bar-fill tone-${tone}`} style={{ width: `${Math.max(fill * 100, s.depth > 0 ? 1 : 0)}%` }} />
                  </div>
                  <span class="bar-text">
                    {formatCount(s.depth)} / {formatCount(s.limit)}
                  </span>
                </td>
                <td class="num">{formatCount(s.delivered)}</td>
                <td class={`num${s.dropped ? ' bad-text' : ''}`}>{formatCount(s.dropped)}</td>
                <td class={`num${s.errors ? ' bad-text' : ''}`}>{formatCount(s.errors)}</td>
              </tr>
            );
          })}
          {bus.subscribers.length === 0 && (
            <tr>
              <td colSpan={6} class="muted">
                No subscribers.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
