// One asset: live values, trends over a chosen range, and (for machines) the state timeline.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { LiveSample, LiveValue, PlantNode, TagInfo } from '../api-types.js';
import { LineSection } from '../components/line-section.js';
import { RangePicker } from '../components/range-picker.js';
import { StateBadge } from '../components/state-badge.js';
import { StateTimeline } from '../components/state-timeline.js';
import { SERIES_COLOURS, TrendPanel } from '../components/trend-panel.js';
import { ValuesTable } from '../components/values-table.js';
import { currentState, isTrendable, nodesAt, sortTags, stateTag } from '../plant.js';
import { isLive, presetRange, rangeMs, type TimeRange } from '../range.js';
import { assetHref } from '../router.js';
import { useNow, usePoll } from '../use-live.js';

interface Props {
  trail: PlantNode[];
  tagsByAsset: Map<string, TagInfo[]>;
  values: Map<string, LiveValue>;
  subscribe(listener: (samples: LiveSample[]) => void): () => void;
  /** Opens on this window (a drill-down from the OEE page) instead of the last hour. */
  range?: { from: number; to: number };
}

const DEFAULT_TREND = ['temperature', 'power', 'vibration', 'pressure', 'cycle_time'];

function defaultSelection(tags: TagInfo[]): string[] {
  for (const name of DEFAULT_TREND) {
    const tag = tags.find((t) => t.name === name);
    if (tag) return [tag.path];
  }
  const first = tags.find((t) => t.type === 'number' && !t.states);
  return first ? [first.path] : [];
}

export function AssetPage({ trail, tagsByAsset, values, subscribe, range: initialRange }: Props) {
  const node = trail[trail.length - 1];
  const ownTags = useMemo(() => sortTags(tagsByAsset.get(node.path) ?? []), [tagsByAsset, node.path]);
  const trendable = useMemo(() => ownTags.filter(isTrendable), [ownTags]);
  const colourOf = useMemo(() => new Map(trendable.map((t, i) => [t.path, SERIES_COLOURS[i % SERIES_COLOURS.length]])), [trendable]);
  const [selected, setSelected] = useState<string[] | null>(null);
  const chosen = selected ?? defaultSelection(trendable);
  const toggle = useCallback(
    (path: string) => setSelected((prev) => {
      const list = prev ?? defaultSelection(trendable);
      return list.includes(path) ? list.filter((p) => p !== path) : [...list, path];
    }),
    [trendable],
  );

  const [range, setRange] = useState<TimeRange>(() => (initialRange ? { key: 'custom', ...initialRange } : presetRange('1h')));
  const live = isLive(range);
  const now = useNow(1000);
  // Longer presets are re-read every minute so they still end "now".
  useEffect(() => {
    if (range.key === 'custom' || live) return;
    const key = range.key;
    const timer = setInterval(() => setRange(presetRange(key)), 60_000);
    return () => clearInterval(timer);
  }, [range.key, live]);
  const view = live ? { from: now - rangeMs(range), to: now } : { from: range.from, to: range.to };

  const state = stateTag(ownTags);
  const states = usePoll(
    (signal) => {
      const r = live ? { from: Date.now() - rangeMs(range), to: Date.now() } : range;
      return state ? api.states(node.path, r.from, r.to, signal).then((result) => ({ result, to: r.to })) : Promise.resolve(null);
    },
    [node.path, state?.path, range.key, range.from, range.to],
    live ? 10_000 : undefined,
  );

  const lines = node.level === 'machine' ? [] : nodesAt(node, 'line');
  const current = currentState(ownTags, values);

  return (
    <div class="page asset-page">
      <nav class="breadcrumbs" aria-label="Location">
        <a href="#/">Overview</a>
        {trail.map((n) => (
          <a key={n.path} href={assetHref(n.path)} aria-current={n === node ? 'page' : undefined}>
            {n.name}
          </a>
        ))}
      </nav>
      <div class="page-head">
        <div>
          <h1>
            {node.name}
            {state && <StateBadge state={current?.name} large />}
          </h1>
          <p class="muted">
            <span class="level">{node.level}</span>
            {node.kind && <> · {node.kind}</>} · <code>{node.path}</code>
            {node.description && <> · {node.description}</>}
          </p>
        </div>
        {(trendable.length > 0 || state) && <RangePicker range={range} onChange={setRange} />}
      </div>

      {state && (
        <StateTimeline data={states.data?.result ?? null} queriedTo={states.data?.to ?? 0} error={states.error} from={view.from} to={view.to} now={now} />
      )}

      {trendable.length > 0 && (
        <TrendPanel tags={trendable} selected={chosen} onToggle={toggle} range={range} view={view} subscribe={subscribe} />
      )}

      {ownTags.length > 0 && (
        <ValuesTable tags={ownTags} values={values} now={now} trended={chosen} onToggle={toggle} colourOf={(p) => colourOf.get(p)} />
      )}

      {lines.map((line) => (
        <LineSection key={line.path} line={line} tagsByAsset={tagsByAsset} values={values} named={line !== node} />
      ))}

      {ownTags.length === 0 && node.level === 'machine' && <p class="empty">No tags are known for this machine yet.</p>}
    </div>
  );
}
