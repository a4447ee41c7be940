// The address space of an OPC UA server as a tree: expand objects and folders, tick variables.
import { Fragment, type JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { opcuaApi, type OpcUaNode } from '../opcua-api.js';

/** A ticked variable and the browse names from below Objects down to it. */
export interface PickedVariable {
  node: OpcUaNode;
  trail: string[];
}

type Children = { nodes: OpcUaNode[] } | { error: string } | 'loading';

interface BrowserProps {
  connector: string;
  picked: ReadonlyMap<string, PickedVariable>;
  onToggle(variable: PickedVariable): void;
}

/** Loads children on expand (once), so a large server is browsed level by level. */
export function OpcUaBrowser({ connector, picked, onToggle }: BrowserProps) {
  const [children, setChildren] = useState(new Map<string, Children>());
  const [open, setOpen] = useState(new Set<string>());

  const load = async (nodeId: string) => {
    setChildren((m) => new Map(m).set(nodeId, 'loading'));
    try {
      const nodes = await opcuaApi.browse(connector, nodeId === ROOT ? undefined : nodeId);
      setChildren((m) => new Map(m).set(nodeId, { nodes: sortNodes(nodes) }));
    } catch (error) {
      setChildren((m) => new Map(m).set(nodeId, { error: (error as Error).message }));
    }
  };
  useEffect(() => {
    setChildren(new Map());
    setOpen(new Set());
    void load(ROOT);
  }, [connector]);

  const toggle = (nodeId: string) => {
    const next = new Set(open);
    if (next.has(nodeId)) next.delete(nodeId);
    else {
      next.add(nodeId);
      const known = children.get(nodeId);
      if (known === undefined || (typeof known === 'object' && 'error' in known)) void load(nodeId);
    }
    setOpen(next);
  };

  const renderLevel = (nodeId: string, trail: string[], depth: number): JSX.Element | JSX.Element[] => {
    const level = children.get(nodeId);
    if (level === undefined || level === 'loading') return <li class="muted opcua-note" style={{ paddingLeft: `${depth * 18 + 22}px` }}>Browsing…</li>;
    if ('error' in level) return <li class="bad-text opcua-note" style={{ paddingLeft: `${depth * 18 + 22}px` }}>{level.error}</li>;
    if (level.nodes.length === 0) return <li class="muted opcua-note" style={{ paddingLeft: `${depth * 18 + 22}px` }}>No children</li>;
    return level.nodes.map((node): JSX.Element => {
      const path = [...trail, node.browseName];
      const isVariable = node.nodeClass === 'Variable';
      const expanded = open.has(node.nodeId);
      return (
        <Fragment key={node.nodeId}>
          <li class={`opcua-row${picked.has(node.nodeId) ? ' picked' : ''}`} style={{ paddingLeft: `${depth * 18}px` }} data-node={node.nodeId}>
            <button type="button" class="opcua-twisty" aria-label={expanded ? `Collapse ${node.displayName}` : `Expand ${node.displayName}`} aria-expanded={expanded} onClick={() => toggle(node.nodeId)}>
              {expanded ? '▾' : '▸'}
            </button>
            {isVariable ? (
              <label class="opcua-name">
                <input type="checkbox" checked={picked.has(node.nodeId)} onChange={() => onToggle({ node, trail: path })} />
                {node.displayName}
              </label>
            ) : (
              <span class="opcua-name strong" onClick={() => toggle(node.nodeId)}>
                {node.displayName}
              </span>
            )}
            <span class="opcua-meta muted">
              {isVariable ? `${node.dataType ?? '?'}${node.access ? ` · ${node.access.read ? 'R' : ''}${node.access.write ? 'W' : ''}` : ''}` : node.nodeClass}
            </span>
            <code class="opcua-id muted">{node.nodeId}</code>
          </li>
          {expanded && renderLevel(node.nodeId, path, depth + 1)}
        </Fragment>
      );
    });
  };

  return <ul class="opcua-tree">{renderLevel(ROOT, [], 0)}</ul>;
}

const ROOT = 'ObjectsFolder';

/** Folders and objects first, then variables; the server's own namespace before namespace 0 (Server object). */
function sortNodes(nodes: OpcUaNode[]): OpcUaNode[] {
  const rank = (n: OpcUaNode) => (n.nodeId.startsWith('ns=') ? 0 : 2) + (n.nodeClass === 'Variable' ? 1 : 0);
  return [...nodes].sort((a, b) => rank(a) - rank(b));
}
