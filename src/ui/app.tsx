// The dashboard shell: header, routing, and the plant data the plant pages share.
import { useCallback, useMemo, useRef } from 'preact/hooks';
import { api } from './api.js';
import type { LiveSample, PlantNode } from './api-types.js';
import { AssetTree } from './components/asset-tree.js';
import { Header } from './components/header.js';
import { AssetPage } from './pages/asset-page.js';
import { OeePage } from './pages/oee-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { OpcUaPage } from './pages/opcua-page.js';
import { SpcPage } from './pages/spc-page.js';
import { SystemPage } from './pages/system-page.js';
import { currentState, findTimeZone, findTrail, tagsByAsset as groupTags } from './plant.js';
import { assetHref, useRoute, type Route } from './router.js';
import { setPlantTimeZone } from './time.js';
import { useLive, usePoll } from './use-live.js';

export function App() {
  const route = useRoute();
  const assets = usePoll((signal) => api.assets(signal), [], 60_000);
  const root = assets.data;
  useMemo(() => {
    const zone = root && findTimeZone(root);
    if (zone) setPlantTimeZone(zone);
  }, [root]);

  return (
    <>
      <Header plantName={root?.name} active={route.page} />
      <main class="main">
        {route.page === 'system' ? (
          <SystemPage />
        ) : !root ? (
          assets.error ? (
            <p class="error banner">The plant model could not be loaded: {assets.error}. Retrying…</p>
          ) : (
            <p class="muted loading">Loading plant model…</p>
          )
        ) : route.page === 'oee' ? (
          <OeePage root={root} line={route.path} />
        ) : route.page === 'spc' ? (
          <SpcPage root={root} tag={route.path} />
        ) : route.page === 'opcua' ? (
          <OpcUaPage id={route.id} root={root} />
        ) : (
          <PlantPages root={root} route={route} />
        )}
      </main>
    </>
  );
}

/** Overview and asset pages: the tree on the left, live values for the whole plant. */
function PlantPages({ root, route }: { root: PlantNode; route: Exclude<Route, { page: 'system' | 'oee' | 'spc' | 'opcua' }> }) {
  const pattern = `${root.path}/#`;
  const tags = usePoll((signal) => api.tags(pattern, signal), [pattern], 30_000);
  const byAsset = useMemo(() => groupTags(tags.data ?? []), [tags.data]);
  const listeners = useRef(new Set<(samples: LiveSample[]) => void>());
  const values = useLive(pattern, (samples) => {
    for (const listener of listeners.current) listener(samples);
  });
  const subscribe = useCallback((listener: (samples: LiveSample[]) => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  const stateOf = (path: string) => currentState(byAsset.get(path), values)?.name;

  const trail = route.page === 'asset' ? findTrail(root, route.path) : [];
  return (
    <div class="with-sidebar">
      <aside class="sidebar">
        <AssetTree root={root} current={route.page === 'asset' ? route.path : undefined} stateOf={stateOf} />
      </aside>
      <div class="content">
        {tags.error && <p class="error banner">Tags could not be loaded: {tags.error}</p>}
        {route.page === 'overview' && <OverviewPage root={root} tagsByAsset={byAsset} values={values} />}
        {route.page === 'asset' && trail.length > 0 && (
          <AssetPage key={`${route.path}?${route.from ?? ''}-${route.to ?? ''}`} trail={trail} range={route.from !== undefined && route.to !== undefined ? { from: route.from, to: route.to } : undefined} tagsByAsset={byAsset} values={values} subscribe={subscribe} />
        )}
        {route.page === 'asset' && trail.length === 0 && (
          <div class="page">
            <h1>Unknown asset</h1>
            <p class="muted">
              <code>{route.path}</code> is not in the plant model. <a href={assetHref(root.path)}>Show {root.name}</a> or go back to the{' '}
              <a href="#/">overview</a>.
            </p>
          </div>
        )}
        {route.page === 'missing' && (
          <div class="page">
            <h1>Page not found</h1>
            <p class="muted">
              There is no page at <code>{route.hash}</code>. Go to the <a href="#/">plant overview</a>.
            </p>
          </div>
        )}
      </div>
    </div>
  );
}
