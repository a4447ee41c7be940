// Typed wrappers over the OPC UA engineering API (browse, mappings, certificates).
import { getJson } from './api.js';
import type { BrowsedNode } from '../connectors/opcua/browse.js';
import type { CertificateInfo } from '../connectors/opcua/pki.js';

export { suggestTagPath, tagTypeOf } from '../connectors/opcua/naming.js';

export type OpcUaNode = BrowsedNode;
export type OpcUaCertificate = Omit<CertificateInfo, 'file'> & { endpoint?: string };

export interface OpcUaConnectorInfo {
  id: string;
  endpoint: string | null;
  state: 'starting' | 'connected' | 'degraded' | 'disconnected' | 'stopped';
  lastError: string | null;
  rejectedCertificates: number;
  /** Whether mappings can be saved into the config file. */
  saveToConfig: boolean;
}

export interface NewMapping {
  nodeId: string;
  tag: string;
  type: 'number' | 'boolean' | 'string';
}

export interface AddedMappings {
  tags: string[];
  monitored: boolean;
  refused: Array<{ tag: string; nodeId: string; status: string }>;
  saved: boolean;
  configFile: string | null;
}

const BASE = 'api/v1/connectors/opcua';
const post = <T>(path: string, body: unknown) => getJson<T>(path, undefined, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const at = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

export const opcuaApi = {
  list: (signal?: AbortSignal) => getJson<{ configFile: string | null; items: OpcUaConnectorInfo[] }>(BASE, signal),
  browse: (id: string, node?: string, signal?: AbortSignal) => getJson<{ children: OpcUaNode[] }>(`${at(id)}/browse${node ? `?node=${encodeURIComponent(node)}` : ''}`, signal).then((r) => r.children),
  addMappings: (id: string, mappings: NewMapping[], save: boolean) => post<AddedMappings>(`${at(id)}/mappings`, { mappings, save }),
  certificates: (id: string, signal?: AbortSignal) => getJson<{ rejected: OpcUaCertificate[]; trusted: OpcUaCertificate[] }>(`${at(id)}/certificates`, signal),
  trust: (id: string, thumbprint: string) => post<{ trusted: OpcUaCertificate }>(`${at(id)}/certificates/${encodeURIComponent(thumbprint)}/trust`, {}),
};
