// Names and types for browsed variables; no node-opcua here, so the dashboard bundles it too.

const NUMERIC = new Set(['Double', 'Float', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64', 'Byte', 'SByte', 'Duration', 'DateTime']);

/** A tag path segment from a browse name: `2:Oil Temperature` -> `oil_temperature`. */
export function tagSegment(browseName: string): string {
  const cleaned = browseName
    .replace(/^\d+:/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[-_]+|[-_]+$/g, '');
  return cleaned.length > 0 ? cleaned : 'value';
}

/** The Loom tag type for an OPC UA data type name (Boolean -> boolean, numeric -> number, else string). */
export function tagTypeOf(dataType: string | undefined): 'number' | 'boolean' | 'string' {
  if (dataType === 'Boolean') return 'boolean';
  return dataType !== undefined && NUMERIC.has(dataType) ? 'number' : 'string';
}

/**
 * The UNS path to suggest for a variable from its browse path (browse names below Objects): when the
 * path starts with an asset path of the plant (a server that mirrors the UNS), that asset and the
 * rest; else `fallbackAsset/<name>`.
 *
 * @example suggestTagPath(['1:acme', '1:berlin', '1:press-1', '1:Temperature'], new Set(['acme/berlin']), 'acme') // 'acme/berlin/press-1_temperature'
 */
export function suggestTagPath(trail: readonly string[], assets: ReadonlySet<string>, fallbackAsset: string): string {
  const segments = trail.map(tagSegment);
  for (let k = segments.length - 1; k >= 1; k--) {
    const asset = segments.slice(0, k).join('/');
    if (assets.has(asset)) return `${asset}/${segments.slice(k).join('_')}`;
  }
  return `${fallbackAsset}/${segments.at(-1) ?? 'value'}`;
}
