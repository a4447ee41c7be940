// Preset buttons (15 min ... 7 d) and a custom from/to in plant local time.
import { useState } from 'preact/hooks';
import { PRESETS, presetRange, type TimeRange } from '../range.js';
import { parsePlantLocal, toPlantLocal, zoneLabel } from '../time.js';

interface Props {
  range: TimeRange;
  onChange(range: TimeRange): void;
}

export function RangePicker({ range, onChange }: Props) {
  const [custom, setCustom] = useState(range.key === 'custom');
  const [from, setFrom] = useState(toPlantLocal(range.from));
  const [to, setTo] = useState(toPlantLocal(range.to));
  const fromMs = parsePlantLocal(from);
  const toMs = parsePlantLocal(to);
  const valid = fromMs !== null && toMs !== null && fromMs < toMs;

  return (
    <div class="range-picker">
      <div class="segmented" role="group" aria-label="Time range">
        {PRESETS.map((p) => (
          <button
            type="button"
            key={p.key}
            class={range.key === p.key && !custom ? 'active' : ''}
            onClick={() => {
              setCustom(false);
              onChange(presetRange(p.key));
            }}
          >
            {p.label}
          </button>
        ))}
        <button
          type="button"
          class={custom ? 'active' : ''}
          onClick={() => {
            setFrom(toPlantLocal(range.from));
            setTo(toPlantLocal(range.to));
            setCustom(true);
          }}
        >
          Custom
        </button>
      </div>
      {custom && (
        <form
          class="custom-range"
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) onChange({ key: 'custom', from: fromMs, to: toMs });
          }}
        >
          <label>
            From <input type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label>
            To <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
          <span class="muted">{zoneLabel()}</span>
          <button type="submit" class="primary" disabled={!valid}>
            Show
          </button>
        </form>
      )}
    </div>
  );
}
