// One OPC UA connector: browse its server, map ticked variables to UNS tags, trust its certificate.
import { useMemo, useState } from 'preact/hooks';
import type { PlantNode } from '../api-types.js';
import { OpcUaBrowser, type PickedVariable } from '../components/opcua-browser.js';
import { OpcUaCertificates } from '../components/opcua-certificates.js';
import { formatValue } from '../format.js';
import { opcuaApi, suggestTagPath, tagTypeOf, type AddedMappings, type NewMapping } from '../opcua-api.js';
import '../components/opcua.css';
import { useLive, usePoll } from '../use-live.js';

const TONE = { connected: 'ok', starting: 'info', degraded: 'warn', disconnected: 'bad', stopped: 'neutral' } as const;

export function OpcUaPage({ id, root }: { id: string; root: PlantNode }) {
  const [version, setVersion] = useState(0);
  const list = usePoll((signal) => opcuaApi.list(signal), [version], 1000);
  const info = list.data?.items.find((c) => c.id === id);
  const assets = useMemo(() => assetPaths(root), [root]);
  const [asset, setAsset] = useState(root.path);
  const [picked, setPicked] = useState(new Map<string, PickedVariable>());
  const [paths, setPaths] = useState(new Map<string, string>());
  const [save, setSave] = useState(true);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ added?: AddedMappings; error?: string } | null>(null);
  const [added, setAdded] = useState<string[]>([]);
  // Open before "Add to Loom": a variable that never changes sends one value, right when it is added.
  const values = useLive(picked.size > 0 || added.length > 0 ? `${root.path}/#` : null);

  const pathOf = (v: PickedVariable) => paths.get(v.node.nodeId) ?? suggestTagPath(v.trail, assets, asset);
  const toggle = (v: PickedVariable) => {
    const next = new Map(picked);
    if (next.has(v.node.nodeId)) next.delete(v.node.nodeId);
    else next.set(v.node.nodeId, v);
    setPicked(next);
  };
  const add = async () => {
    const mappings: NewMapping[] = [...picked.values()].map((v) => ({ nodeId: v.node.nodeId, tag: pathOf(v), type: tagTypeOf(v.node.dataType) }));
    setBusy(true);
    setResult(null);
    try {
      const answer = await opcuaApi.addMappings(id, mappings, save && (info?.saveToConfig ?? false));
      setResult({ added: answer });
      setAdded((a) => [...a, ...answer.tags]);
      setPicked(new Map());
      setPaths(new Map());
    } catch (error) {
      setResult({ error: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page opcua-page">
      <div class="page-head">
        <div>
          <p class="muted small">
            <a href="#/system">System</a> › OPC UA connector
          </p>
          <h1>
            {id} {info && <span class={`pill tone-${TONE[info.state] ?? 'neutral'}`}>{info.state}</span>}
          </h1>
          <p class="muted">{info?.endpoint ? <code>{info.endpoint}</code> : list.error ?? 'Loading…'}</p>
          {info?.lastError && <p class="bad-text">{info.lastError}</p>}
        </div>
      </div>
      {list.data && !info && <p class="error banner">There is no OPC UA connector '{id}'. The system page lists the connectors.</p>}
      {info && (
        <>
          {info.rejectedCertificates > 0 && <OpcUaCertificates connector={id} onTrusted={() => setVersion((v) => v + 1)} />}
          <div class="opcua-grid">
            <section class="panel" data-panel="browser">
              <header class="panel-head">
                <h2>Address space</h2>
                <span class="muted">Expand objects and tick the variables to map</span>
              </header>
              <OpcUaBrowser key={`${id}-${online(info.state)}`} connector={id} picked={picked} onToggle={toggle} />
            </section>
            <section class="panel" data-panel="mapping">
              <header class="panel-head">
                <h2>Map to Loom</h2>
                <span class="muted">{picked.size} variable{picked.size === 1 ? '' : 's'} ticked</span>
              </header>
              <label class="opcua-field">
                Default asset
                <select value={asset} onChange={(e) => setAsset((e.target as HTMLSelectElement).value)}>
                  {[...assets].map((path) => (
                    <option key={path} value={path}>
                      {path}
                    </option>
                  ))}
                </select>
              </label>
              {picked.size === 0 ? (
                <p class="muted">Tick variables in the tree. Each becomes a tag under an asset of the plant model; edit the UNS path as you like.</p>
              ) : (
                <table class="table">
                  <thead>
                    <tr>
                      <th>Variable</th>
                      <th>UNS path</th>
                      <th>Type</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...picked.values()].map((v) => (
                      <tr key={v.node.nodeId} data-mapping={v.node.nodeId}>
                        <td>
                          <div class="strong">{v.node.displayName}</div>
                          <code class="muted">{v.node.nodeId}</code>
                        </td>
                        <td>
                          <input class="opcua-path" value={pathOf(v)} aria-label={`UNS path for ${v.node.displayName}`} onInput={(e) => setPaths(new Map(paths).set(v.node.nodeId, (e.target as HTMLInputElement).value))} />
                        </td>
                        <td>{tagTypeOf(v.node.dataType)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <div class="opcua-actions">
                <label class={info.saveToConfig ? '' : 'muted'}>
                  <input type="checkbox" checked={save && info.saveToConfig} disabled={!info.saveToConfig} onChange={(e) => setSave((e.target as HTMLInputElement).checked)} /> Save to the config file
                </label>
                <button type="button" class="primary" disabled={picked.size === 0 || busy} onClick={() => void add()}>
                  {busy ? 'Adding…' : `Add to Loom${picked.size > 0 ? ` (${picked.size})` : ''}`}
                </button>
              </div>
              {!info.saveToConfig && (
                <p class="muted small">
                  {list.data?.configFile ? `This connector is not an entry of ${list.data.configFile}: mappings last until Loom stops.` : 'Loom runs without a config file (the demo): mappings last until Loom stops.'}
                </p>
              )}
              {result?.error && <p class="bad-text">{result.error}</p>}
              {result?.added && (
                <p class="ok-text">
                  Added {result.added.tags.length} tag{result.added.tags.length === 1 ? '' : 's'}
                  {result.added.saved ? ` and saved them to ${result.added.configFile}` : ' for this run'}.
                  {result.added.refused.length > 0 && <span class="bad-text"> The server refused: {result.added.refused.map((r) => `${r.tag} (${r.status})`).join(', ')}</span>}
                </p>
              )}
              {added.length > 0 && (
                <table class="table" data-panel="added">
                  <thead>
                    <tr>
                      <th>New tag</th>
                      <th class="num">Live value</th>
                      <th>Quality</th>
                    </tr>
                  </thead>
                  <tbody>
                    {added.map((tag) => {
                      const live = values.get(tag);
                      return (
                        <tr key={tag} data-tag={tag}>
                          <td>
                            <code>{tag}</code>
                          </td>
                          <td class="num strong">{live ? formatValue(live.value) : '…'}</td>
                          <td>{live ? <span class={`pill tone-${live.quality === 'good' ? 'ok' : live.quality === 'bad' ? 'bad' : 'warn'}`}>{live.quality}</span> : <span class="muted">waiting</span>}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
            </section>
          </div>
          {info.rejectedCertificates === 0 && <OpcUaCertificates connector={id} onTrusted={() => setVersion((v) => v + 1)} />}
        </>
      )}
    </div>
  );
}

/** The tree browses again when the connector comes online (e.g. after a certificate was trusted). */
function online(state: string): boolean {
  return state === 'connected' || state === 'degraded';
}

function assetPaths(node: PlantNode, into = new Set<string>()): Set<string> {
  into.add(node.path);
  for (const child of node.children) assetPaths(child, into);
  return into;
}
