// Hash routing: `#/` plant overview, `#/asset/<path>[?from=ms&to=ms]` one asset, `#/system` system
// health, `#/oee[/<line path>]` OEE, `#/spc[/<tag path>]` control charts.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'overview' }
  | { page: 'asset'; path: string; from?: number; to?: number }
  | { page: 'system' }
  | { page: 'oee'; path?: string }
  | { page: 'spc'; path?: string }
  | { page: 'opcua'; id: string }
  | { page: 'missing'; hash: string };

/** `prefix/<path>` or `prefix` alone: the decoded path, '' for none, null when the prefix differs. */
function pathAfter(h: string, prefix: string): string | null {
  if (h === prefix) return '';
  return h.startsWith(`${prefix}/`) ? decodeURIComponent(h.slice(prefix.length + 1)) : null;
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  if (h === '') return { page: 'overview' };
  if (h === 'system') return { page: 'system' };
  const [rest, search = ''] = h.split('?', 2);
  if (rest.startsWith('asset/') && rest.length > 6) {
    const params = new URLSearchParams(search);
    const from = Number(params.get('from'));
    const to = Number(params.get('to'));
    const range = params.has('from') && params.has('to') && Number.isFinite(from) && Number.isFinite(to) && from < to ? { from, to } : {};
    return { page: 'asset', path: decodeURIComponent(rest.slice(6)), ...range };
  }
  const opcua = pathAfter(rest, 'connectors/opcua');
  if (opcua) return { page: 'opcua', id: opcua };
  for (const page of ['oee', 'spc'] as const) {
    const path = pathAfter(rest, page);
    if (path !== null) return path === '' ? { page } : { page, path };
  }
  return { page: 'missing', hash };
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/** The asset page; with a range, its trends and state timeline open on that window. */
export function assetHref(path: string, range?: { from: number; to: number }): string {
  const href = `#/asset/${encodePath(path)}`;
  return range ? `${href}?from=${Math.round(range.from)}&to=${Math.round(range.to)}` : href;
}

export function oeeHref(line?: string): string {
  return line ? `#/oee/${encodePath(line)}` : '#/oee';
}

export function spcHref(tag?: string): string {
  return tag ? `#/spc/${encodePath(tag)}` : '#/spc';
}

/** The OPC UA connector page: browse, map, trust certificates. */
export function opcuaHref(id: string): string {
  return `#/connectors/opcua/${encodeURIComponent(id)}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
