// Statistical process control: a control chart pair for a numeric tag's history or for pasted
// measurements, with limits, zones, rule violations, capability against spec limits and a histogram.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { PlantNode, SpcChartKind, SpcOptions, SpcResult, TagInfo } from '../api-types.js';
import { RangePicker } from '../components/range-picker.js';
import { CapabilitySummary } from '../components/spc/capability-summary.js';
import { ControlChart } from '../components/spc/control-chart.js';
import { SpecHistogram } from '../components/spc/spec-histogram.js';
import { ViolationList } from '../components/spc/violation-list.js';
import { formatUnit, tagLabel } from '../format.js';
import { nodesAt } from '../plant.js';
import { assetHref, spcHref } from '../router.js';
import { chartableTags, parseMeasurements } from '../spc-input.js';
import { usePoll } from '../use-live.js';
import { useMovingRange } from '../use-range.js';

interface Props {
  root: PlantNode;
  /** Tag path from the route. */
  tag?: string;
}

const CHARTS: Array<{ kind: SpcChartKind; label: string; dispersion: string }> = [
  { kind: 'imr', label: 'Individuals / MR', dispersion: 'Moving range' },
  { kind: 'xbar-r', label: 'X̄ / R', dispersion: 'Range' },
  { kind: 'xbar-s', label: 'X̄ / s', dispersion: 'Std. deviation' },
];

const RULE_SETS = [
  { value: 'nelson', label: 'Nelson 1–8' },
  { value: 'we', label: 'Western Electric 1–4' },
  { value: '1', label: 'Beyond limits only (1)' },
];

/** A measurement per part suits a control chart best; continuous signals are autocorrelated. */
const PREFERRED = ['cycle_time', 'pressure', 'temperature'];

function numberOrUndefined(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : undefined;
}

export function SpcPage({ root, tag }: Props) {
  const tags = usePoll((signal) => api.tags(`${root.path}/#`, signal), [root.path], 60_000);
  const candidates = useMemo(() => chartableTags(tags.data ?? []), [tags.data]);
  // The default: the preferred signal of the first machine in plant order that has one.
  const fallback = useMemo(() => {
    const machines = nodesAt(root, 'machine').map((m) => m.path);
    const rank = (t: TagInfo) => (machines.indexOf(t.asset) + 1 || machines.length + 1) * 10 + (PREFERRED.indexOf(t.name) + 1 || PREFERRED.length + 1);
    return [...candidates].sort((a, b) => rank(a) - rank(b))[0];
  }, [candidates, root]);
  const [mode, setMode] = useState<'tag' | 'measurements'>('tag');
  const selected = tag ?? fallback?.path;
  const info = candidates.find((t) => t.path === selected) ?? tags.data?.find((t) => t.path === selected);

  const [chart, setChart] = useState<SpcChartKind>('xbar-r');
  const [n, setN] = useState(5);
  const [rules, setRules] = useState('nelson');
  // Typed values stay drafts until applied, so the chart is not recomputed per keystroke.
  const [draft, setDraft] = useState({ lsl: '', usl: '', target: '', phase1: '' });
  const [spec, setSpec] = useState(draft);
  const [range, setRange] = useMovingRange('1h');
  const [pasted, setPasted] = useState('');
  const [submitted, setSubmitted] = useState('');

  const options: SpcOptions = {
    chart,
    n,
    rules,
    lsl: numberOrUndefined(spec.lsl),
    usl: numberOrUndefined(spec.usl),
    target: numberOrUndefined(spec.target),
    phase1: numberOrUndefined(spec.phase1),
  };
  const optionKey = JSON.stringify(options);
  const parsed = useMemo(() => parseMeasurements(submitted), [submitted]);

  const result = usePoll<SpcResult | null>(
    (signal) => {
      if (mode === 'measurements') {
        if (parsed.values.length === 0) return Promise.resolve(null);
        const grouped = parsed.subgroups && chart !== 'imr';
        return api.spcMeasurements(grouped ? parsed.subgroups! : parsed.values, grouped ? { ...options, n: parsed.subgroups![0].length } : options, signal);
      }
      return selected ? api.spc(selected, range.from, range.to, options, signal) : Promise.resolve(null);
    },
    [mode, selected, range.from, range.to, optionKey, submitted],
  );
  // Individual values for the histogram: the posted ones, or the tag's raw history (when the
  // historian answers raw, i.e. up to 10,000 samples; else the individuals chart's own points).
  const raw = usePoll(
    (signal) =>
      mode === 'tag' && selected
        ? api.history(selected, range.from, range.to, 10_000, signal).then((h) => (h.bucketMs === null ? h.points.filter((p) => p.quality !== 'bad').map((p) => p.value).filter((v): v is number => typeof v === 'number') : null))
        : Promise.resolve(null),
    [mode, selected, range.from, range.to],
  );
  const data = result.data;
  const individuals = mode === 'measurements' ? parsed.values : (raw.data ?? (data?.chart === 'imr' ? data.points.map((p) => p.location) : []));
  const kind = CHARTS.find((c) => c.kind === (data?.chart ?? chart))!;
  const unit = formatUnit(info?.unit);

  const byGroups = <T,>(list: T[], chartName: 'location' | 'dispersion') => list.filter((v) => (v as { chart: string }).chart === chartName);

  return (
    <div class="page spc-page">
      <div class="page-head">
        <div>
          <h1>Statistical process control</h1>
          <p class="muted">
            {mode === 'tag' && info ? (
              <>
                <a href={assetHref(info.asset)}>{info.asset.split('/').pop()}</a> · {tagLabel(info.name)}
                {unit && <> ({unit})</>} · <code>{info.path}</code>
              </>
            ) : mode === 'measurements' ? (
              'Measurements pasted here and posted to the API (POST /api/v1/spc/measurements)'
            ) : (
              'Choose a numeric tag'
            )}
          </p>
        </div>
        {mode === 'tag' && <RangePicker range={range} onChange={setRange} />}
      </div>

      <section class="panel spc-controls">
        <div class="control-row">
          <div class="segmented" role="group" aria-label="Data source">
            <button type="button" class={mode === 'tag' ? 'active' : ''} onClick={() => setMode('tag')}>
              Tag history
            </button>
            <button type="button" class={mode === 'measurements' ? 'active' : ''} onClick={() => setMode('measurements')}>
              Measurements
            </button>
          </div>
          {mode === 'tag' && (
            <label class="field">
              Tag
              <select
                class="tag-select"
                value={selected ?? ''}
                onChange={(e) => {
                  location.hash = spcHref(e.currentTarget.value);
                }}
              >
                {candidates.map((t) => (
                  <option key={t.path} value={t.path}>
                    {t.asset.split('/').slice(-2).join(' / ')} · {tagLabel(t.name)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <div class="segmented chart-kind" role="group" aria-label="Chart">
            {CHARTS.map((c) => (
              <button type="button" key={c.kind} class={chart === c.kind ? 'active' : ''} onClick={() => setChart(c.kind)}>
                {c.label}
              </button>
            ))}
          </div>
          <label class="field">
            Subgroup n
            <input type="number" min="2" max="25" value={n} disabled={chart === 'imr'} onChange={(e) => setN(Math.min(25, Math.max(2, Number(e.currentTarget.value) || 5)))} />
          </label>
          <label class="field">
            Rules
            <select value={rules} onChange={(e) => setRules(e.currentTarget.value)}>
              {RULE_SETS.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <form
          class="control-row"
          onSubmit={(e) => {
            e.preventDefault();
            setSpec(draft);
            if (mode === 'measurements') setSubmitted(pasted);
          }}
        >
          {(['lsl', 'target', 'usl'] as const).map((key) => (
            <label class="field" key={key}>
              {key === 'target' ? 'Target' : key.toUpperCase()}
              <input type="text" inputMode="decimal" name={key} size={8} value={draft[key]} onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })} />
            </label>
          ))}
          <label class="field" title="The first k subgroups (values for I-MR) estimate the limits; the rest are monitored against them">
            Phase I
            <input type="text" inputMode="numeric" name="phase1" size={5} placeholder="all" value={draft.phase1} onInput={(e) => setDraft({ ...draft, phase1: e.currentTarget.value })} />
          </label>
          <button type="submit" class="primary">
            {mode === 'measurements' ? 'Analyse' : 'Apply'}
          </button>
          {(['lsl', 'usl', 'target', 'phase1'] as const).some((k) => draft[k].trim() !== '' && numberOrUndefined(draft[k]) === undefined) && (
            <span class="error">Limits must be numbers.</span>
          )}
        </form>
        {mode === 'measurements' && (
          <label class="field measurements-field">
            Measurements: numbers separated by spaces, commas or lines; lines of equal length are subgroups
            <textarea name="measurements" rows={4} value={pasted} placeholder={'74.030 74.002 74.019 73.992 74.008\n73.995 73.992 74.001 74.011 74.004\n…'} onInput={(e) => setPasted(e.currentTarget.value)} />
            {parsed.bad.length > 0 && <span class="error">Not numbers, left out: {parsed.bad.slice(0, 5).join(', ')}</span>}
          </label>
        )}
      </section>

      {tags.error && <p class="error banner">Tags could not be loaded: {tags.error}</p>}
      {result.error && <p class="error banner spc-error">{result.error}</p>}
      {!data && !result.error && <p class="muted">{mode === 'measurements' && parsed.values.length === 0 ? 'Paste measurements and press Analyse.' : 'Loading…'}</p>}
      {data && (
        <>
          <section class="panel">
            <header class="panel-head">
              <h2>{kind.label} chart</h2>
              <span class="muted">
                {data.points.length} {data.chart === 'imr' ? 'values' : `subgroups of ${data.n}`} · limits from the first {data.limits.phaseISize} · σ within{' '}
                {data.limits.sigmaWithin.toPrecision(4)}
                {data.samples.dropped > 0 && <> · {data.samples.dropped} values of an incomplete last subgroup left out</>}
                {(data.samples.skipped ?? 0) > 0 && <> · {data.samples.skipped} samples not good or not numbers, skipped</>}
              </span>
            </header>
            <ControlChart
              title={data.chart === 'imr' ? 'Individuals' : 'Subgroup mean X̄'}
              points={data.points.map((p) => ({ index: p.index, value: p.location, ts: p.ts }))}
              limits={data.limits.location}
              violations={byGroups(data.violations, 'location')}
              zones
              phaseISize={data.limits.phaseISize}
            />
            <ControlChart
              title={kind.dispersion}
              points={data.points.map((p) => ({ index: p.index, value: p.dispersion, ts: p.ts }))}
              limits={data.limits.dispersion}
              violations={byGroups(data.violations, 'dispersion')}
              phaseISize={data.limits.phaseISize}
              height={180}
            />
          </section>
          <div class="spc-grid">
            <section class="panel">
              <header class="panel-head">
                <h2>Rule violations</h2>
                <span class="muted">{data.rules.map((r) => r.replace('nelson-', 'N').replace('we-', 'WE')).join(' ')}</span>
              </header>
              <ViolationList result={data} dispersionName={kind.dispersion} />
            </section>
            <div>
              <section class="panel">
                <header class="panel-head">
                  <h2>Capability</h2>
                </header>
                {data.capability ? <CapabilitySummary capability={data.capability} /> : <p class="empty">Enter LSL and/or USL and press {mode === 'measurements' ? 'Analyse' : 'Apply'} for Cp, Cpk, Pp, Ppk and Cpm.</p>}
              </section>
              <section class="panel">
                <header class="panel-head">
                  <h2>Distribution</h2>
                </header>
                <SpecHistogram values={individuals} lsl={options.lsl} usl={options.usl} target={data.capability?.target ?? options.target} />
              </section>
            </div>
          </div>
        </>
      )}
    </div>
  );
}
