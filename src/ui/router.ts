// Hash routing: `#/` plant overview, `#/asset/<path>` one asset, `#/system` system health.
import { useEffect, useState } from 'preact/hooks';

export type Route = { page: 'overview' } | { page: 'asset'; path: string } | { page: 'system' } | { page: 'missing'; hash: string };

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  if (h === '') return { page: 'overview' };
  if (h === 'system') return { page: 'system' };
  if (h.startsWith('asset/') && h.length > 6) return { page: 'asset', path: decodeURIComponent(h.slice(6)) };
  return { page: 'missing', hash };
}

export function assetHref(path: string): string {
  return `#/asset/${path.split('/').map(encodeURIComponent).join('/')}`;
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
