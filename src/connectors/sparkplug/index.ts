// Sparkplug B 3.0: a host application connector, the payload codec, and the virtual factory as
// Sparkplug edge nodes. See README.md.

/** The host application connector (`kind: 'sparkplug'`). */
export { SparkplugHost, type SparkplugHostInit, type WriteAudit } from './host.js';
/** The `sparkplug` config block (zod; `.describe()` on every field). */
export { sparkplugConfigSchema, assetMappingSchema, type SparkplugConfig, type SparkplugConfigInput } from './config.js';
/** Reasons the host refuses input, and their dead-letter-store equivalents. */
export { REJECT_REASONS, storeReason, type RejectReason, type DeadLetterCallback } from './rejects.js';
/** The virtual factory as Sparkplug edge nodes (`loom simulate --sparkplug <url>`). */
export { runSparkplugEdge, startSparkplugEdge, sparkplugMappingsForPlant, lineNodeId, type SparkplugEdgeOptions, type SparkplugEdgeHandle } from './simulator-edge.js';
/** A generic Sparkplug edge node (tests, benchmarks, gateways). */
export { SparkplugEdgeNode, type EdgeNodeOptions, type EdgeMetricDefinition, type EdgeValue } from './edge-node.js';
/** Payload codec and topics. */
export { encodePayload, decodePayload, type SparkplugPayload, type SparkplugMetric, type MetricValue, type DataSetValue, type TemplateValue, type PropertySet } from './codec.js';
export { DataTypes, dataTypeName } from './datatypes.js';
export { parseTopic, formatTopic, stateTopic, type SparkplugTopic } from './topic.js';
/** The topic -> asset path rule. */
export { AssetMapper, sanitizeSegment, metricPath, type AssetMapping } from './naming.js';
export { SparkplugSimulator, type SparkplugSimulatorInit } from './simulator-connector.js';
