// A tag value with its unit, marked when its quality is not good.
import type { LiveValue, TagInfo } from '../api-types.js';
import { formatUnit, formatValue } from '../format.js';

export function ValueText({ tag, live }: { tag: TagInfo; live: LiveValue | undefined }) {
  const unit = formatUnit(tag.unit);
  const quality = live?.quality ?? 'good';
  return (
    <span class={`value q-${quality}`} data-tag={tag.path} title={quality === 'good' ? undefined : `quality: ${quality}`}>
      {formatValue(live?.value, tag)}
      {unit && live && <span class="unit">{unit}</span>}
    </span>
  );
}
