// OPC UA client (`kind: 'opcua'`) and the virtual factory served over OPC UA. See README.md.

/** The connector: `new OpcUaConnector({ config, pkiDir })`; browse, trust, write-back with read-back. */
export { OpcUaConnector, type OpcUaConnectorInit } from './opcua-connector.js';
/** The config block as zod schemas (validation, types and docs). */
export {
  opcuaConnectorSchema,
  opcuaMappingSchema,
  deadbandSchema,
  type OpcUaConnectorConfig,
  type OpcUaConnectorInput,
  type OpcUaMapping,
  type OpcUaMappingInput,
} from './config.js';
/** Loom's application certificate and trust list (`<dataDir>/pki/opcua`). */
export { OpcUaPki, normaliseThumbprint, type CertificateInfo } from './pki.js';
/** Address-space browsing and mapping config rendering. */
export { browseChildren, mappingsFor, renderMappingYaml, type BrowsedNode } from './browse.js';
export { tagSegment, tagTypeOf, suggestTagPath } from './naming.js';
/** Saving browsed mappings into the config file (comments kept, atomic). */
export { saveOpcUaMappings, compactMapping, MappingSaveError } from './config-file.js';
/** The engineering surface the API uses (browse, certificates, run-time mappings), and how to find it. */
export { opcuaControlOf, type OpcUaControl, type PresentedCertificate, type AddedMappings } from './control.js';
/** Status code -> quality, variant -> value. */
export { qualityOf, valueOf, timestampOf } from './quality.js';
/** The virtual factory as an OPC UA server. */
export { serveFactoryOpcUa, factoryNodeId, type ServeFactoryOpcUaOptions, type ServedFactoryOpcUa } from './factory-server.js';
/** Simulated machines behind an in-process OPC UA server with a client reading them (simulator.machines: opcua). */
export { serveSimulatedOpcUa, prepareSimulatedOpcUa, type ServeSimulatedOpcUaOptions } from './simulated-server.js';
/** Sends node-opcua's console warnings to a sink (e.g. a pino logger) or nowhere. */
export { quietOpcUa } from './logging.js';
