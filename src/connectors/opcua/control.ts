// What the API needs of an OPC UA connector (browse, certificates, mappings), without loading node-opcua.
import type { Connector } from '../types.js';
import type { BrowsedNode } from './browse.js';
import type { OpcUaMapping, OpcUaMappingInput } from './config.js';
import type { CertificateInfo } from './pki.js';

/** A refused server certificate and, when this connector saw it, the endpoint that presented it. */
export interface PresentedCertificate extends CertificateInfo {
  endpoint?: string;
}

/** What `addMappings` did: the parsed mappings, whether they are monitored yet, and items the server refused. */
export interface AddedMappings {
  mappings: OpcUaMapping[];
  /** False when not connected: they are monitored on connection. */
  monitored: boolean;
  refused: Array<{ tag: string; nodeId: string; status: string }>;
}

/** The OPC UA connector's engineering surface (implemented by `OpcUaConnector`). */
export interface OpcUaControl {
  readonly id: string;
  readonly endpoint: string;
  browse(nodeId?: string): Promise<BrowsedNode[]>;
  rejectedCertificates(): Promise<PresentedCertificate[]>;
  trustedCertificates(): Promise<CertificateInfo[]>;
  trustCertificate(thumbprint: string): Promise<CertificateInfo>;
  addMappings(mappings: readonly OpcUaMappingInput[]): Promise<AddedMappings>;
}

/**
 * The OPC UA control of a connector: the connector itself, or the client inside one that wraps it
 * (simulated machines served over OPC UA); undefined for other kinds or while the client is not there.
 */
export function opcuaControlOf(connector: Connector): OpcUaControl | undefined {
  if (connector.kind !== 'opcua') return undefined;
  const inner = (connector as { clientConnector?: Connector }).clientConnector;
  const candidate = (inner ?? connector) as Partial<OpcUaControl>;
  return typeof candidate.browse === 'function' && typeof candidate.addMappings === 'function' ? (candidate as OpcUaControl) : undefined;
}
