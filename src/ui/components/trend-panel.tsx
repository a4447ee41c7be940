// Trends of an asset's tags: pick tags, read their history for the range, follow live for short ranges.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { HistoryResult, LiveSample, SampleValue, TagInfo } from '../api-types.js';
import { formatDuration } from '../time.js';
import { tagLabel } from '../format.js';
import { isLive, type TimeRange } from '../range.js';
import { TrendChart, type TrendSeries } from './trend-chart.js';

export const SERIES_COLOURS = ['#2f78d0', '#e0662b', '#2f9e55', '#8e5cd9', '#c23b80', '#1a9ba3', '#9c8420', '#5d6b7a'];

interface Props {
  tags: TagInfo[];
  selected: string[];
  onToggle(path: string): void;
  range: TimeRange;
  /** The window shown now (moves with the clock for live ranges). */
  view: { from: number; to: number };
  /** Registers a listener for live sample batches; returns its remover. */
  subscribe(listener: (samples: LiveSample[]) => void): () => void;
}

type Points = Array<[number, number | null]>;

function toNumber(value: SampleValue | null): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

function describe(result: HistoryResult | undefined): string {
  if (!result) return '';
  if (!result.bucketMs) return 'Raw samples';
  const source = result.resolution === 'raw' ? 'raw samples' : `the ${result.resolution} rollup`;
  return `${result.agg ?? 'avg'} per ${formatDuration(result.bucketMs)}, from ${source}`;
}

/** The raw history of the trended tags over the shown window, as a file from GET /api/v1/export. */
function exportUrl(tags: string[], view: { from: number; to: number }, format: 'csv' | 'parquet'): string {
  const query = new URLSearchParams(tags.map((tag) => ['tag', tag]));
  query.set('from', new Date(view.from).toISOString());
  query.set('to', new Date(view.to).toISOString());
  query.set('format', format);
  return `/api/v1/export?${query.toString()}`;
}

export function TrendPanel({ tags, selected, onToggle, range, view, subscribe }: Props) {
  const colourOf = useMemo(() => new Map(tags.map((t, i) => [t.path, SERIES_COLOURS[i % SERIES_COLOURS.length]])), [tags]);
  const points = useRef(new Map<string, Points>());
  const [version, setVersion] = useState(0);
  const [meta, setMeta] = useState<{ loading: boolean; error: string | null; result?: HistoryResult }>({ loading: false, error: null });
  const selectedKey = selected.join(',');
  const live = isLive(range);

  // History for the range, re-read when the selection or the range changes.
  useEffect(() => {
    if (selected.length === 0) {
      points.current = new Map();
      setVersion((v) => v + 1);
      return;
    }
    const controller = new AbortController();
    setMeta((m) => ({ ...m, loading: true, error: null }));
    Promise.all(selected.map((tag) => api.history(tag, range.from, range.to, 1500, controller.signal)))
      .then((results) => {
        const next = new Map<string, Points>();
        for (const r of results) next.set(r.tag, r.points.map((p): [number, number | null] => [p.ts, toNumber(p.value)]));
        // Keep live points that arrived while the history was loading.
        for (const [tag, old] of points.current) {
          const target = next.get(tag);
          if (!target) continue;
          const last = target.length ? target[target.length - 1][0] : -Infinity;
          for (const p of old) if (p[0] > last) target.push(p);
        }
        points.current = next;
        setMeta({ loading: false, error: null, result: results[0] });
        setVersion((v) => v + 1);
      })
      .catch((error: Error) => {
        if (error.name !== 'AbortError') setMeta({ loading: false, error: error.message });
      });
    return () => controller.abort();
  }, [selectedKey, range.key, range.from, range.to]);

  // Live points for short ranges, redrawn at most once a second.
  useEffect(() => {
    if (!live || selected.length === 0) return;
    let dirty = false;
    const remove = subscribe((samples) => {
      for (const s of samples) {
        const list = points.current.get(s.tag);
        if (!list) continue;
        const v = toNumber(s.value);
        if (list.length && list[list.length - 1][0] >= s.ts) continue;
        list.push([s.ts, v]);
        dirty = true;
      }
    });
    const timer = setInterval(() => {
      if (!dirty) return;
      dirty = false;
      const cutoff = Date.now() - (range.to - range.from);
      for (const [tag, list] of points.current) {
        let i = 0;
        while (i < list.length - 1 && list[i + 1][0] < cutoff) i++;
        if (i > 0) points.current.set(tag, list.slice(i));
      }
      setVersion((v) => v + 1);
    }, 1000);
    return () => {
      remove();
      clearInterval(timer);
    };
  }, [live, selectedKey, range.from, range.to, subscribe]);

  const series: TrendSeries[] = useMemo(
    () =>
      selected
        .map((path) => tags.find((t) => t.path === path))
        .filter((t): t is TagInfo => !!t)
        .map((tag) => ({ tag, colour: colourOf.get(tag.path)!, points: [...(points.current.get(tag.path) ?? [])] })),
    [version, selectedKey, tags, colourOf],
  );

  return (
    <section class="panel trend-panel">
      <header class="panel-head">
        <h2>Trend</h2>
        <div class="tag-chips" role="group" aria-label="Tags to trend">
          {tags.map((tag) => {
            const on = selected.includes(tag.path);
            const colour = colourOf.get(tag.path)!;
            return (
              <button
                type="button"
                key={tag.path}
                class={`chip${on ? ' on' : ''}`}
                style={on ? { borderColor: colour, background: `${colour}1a` } : undefined}
                aria-pressed={on}
                onClick={() => onToggle(tag.path)}
                data-trend-tag={tag.path}
              >
                <i style={{ background: on ? colour : 'transparent', borderColor: colour }} />
                {tagLabel(tag.name)}
              </button>
            );
          })}
        </div>
      </header>
      {selected.length === 0 ? (
        <p class="empty">Pick one or more tags above to draw their trend.</p>
      ) : (
        <>
          <TrendChart series={series} from={view.from} to={view.to} />
          <footer class="panel-foot muted">
            {meta.error ? <span class="error">History could not be read: {meta.error}</span> : meta.loading ? 'Loading history…' : describe(meta.result)}
            {live && !meta.error && <span class="live-note"> · following live</span>}
            <span class="hint">Drag to zoom, double-click to reset</span>
            <span class="downloads">
              Download <a href={exportUrl(selected, view, 'csv')} download data-export="csv">CSV</a> · <a href={exportUrl(selected, view, 'parquet')} download data-export="parquet">Parquet</a>
            </span>
          </footer>
        </>
      )}
    </section>
  );
}
