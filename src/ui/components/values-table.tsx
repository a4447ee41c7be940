// Live values of an asset's tags: value, unit, quality and age; trendable rows toggle the trend.
import type { LiveValue, TagInfo } from '../api-types.js';
import { formatUnit, formatValue, tagLabel } from '../format.js';
import { isTrendable, sortTags } from '../plant.js';
import { formatAge, formatDateTime } from '../time.js';

interface Props {
  tags: TagInfo[];
  values: Map<string, LiveValue>;
  now: number;
  trended: string[];
  onToggle(path: string): void;
  colourOf(path: string): string | undefined;
}

export function ValuesTable({ tags, values, now, trended, onToggle, colourOf }: Props) {
  return (
    <section class="panel values-panel">
      <header class="panel-head">
        <h2>Live values</h2>
        <span class="muted">{tags.length} tags</span>
      </header>
      <table class="table values-table">
        <thead>
          <tr>
            <th class="col-check" aria-label="Trend" />
            <th>Tag</th>
            <th class="num">Value</th>
            <th>Unit</th>
            <th>Quality</th>
            <th class="num">Age</th>
          </tr>
        </thead>
        <tbody>
          {sortTags(tags).map((tag) => {
            const live = values.get(tag.path);
            const on = trended.includes(tag.path);
            const trendable = isTrendable(tag);
            const colour = colourOf(tag.path);
            return (
              <tr key={tag.path} class={on ? 'trended' : ''}>
                <td class="col-check">
                  {trendable && (
                    <input
                      type="checkbox"
                      checked={on}
                      onChange={() => onToggle(tag.path)}
                      title="Show in trend"
                      aria-label={`Trend ${tag.name}`}
                      style={on && colour ? { accentColor: colour } : undefined}
                    />
                  )}
                </td>
                <td title={tag.description ? `${tag.description}\n${tag.path}` : tag.path}>
                  <span class="tag-name">{tagLabel(tag.name)}</span>
                  {tag.description && <span class="tag-desc">{tag.description}</span>}
                </td>
                <td class="num value-cell" data-tag={tag.path}>
                  {formatValue(live?.value, tag)}
                </td>
                <td class="unit-cell">{formatUnit(tag.unit)}</td>
                <td>
                  {live ? <span class={`quality quality-${live.quality}`}>{live.quality}</span> : <span class="muted">—</span>}
                </td>
                <td class="num muted" title={live ? formatDateTime(live.ts) : undefined}>
                  {live ? formatAge(live.ts, now) : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
