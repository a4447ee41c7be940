// The MQTT JSON connector (kind `mqtt`): JSON payloads on MQTT topics into the UNS by mapping rules.
// See README.md and sample-config.yaml.

/** The connector: `new MqttJsonConnector({ config, url, deadLetter })`. */
export { MqttJsonConnector, type MqttJsonConnectorInit, type MqttClientFactory } from './mqtt-json-connector.js';
/** The pure mapping engine behind it (topic + payload in, samples or counted dead letters out). */
export { JsonMapper, type JsonMapperOptions, type TagSink, type CommandTarget } from './json-mapper.js';
/** The connector's config block (zod) and its types. */
export {
  mqttJsonConnectorSchema,
  mappingRuleSchema,
  fieldMappingSchema,
  type MqttJsonConnectorConfig,
  type MqttJsonConnectorConfigInput,
  type MappingRule,
  type MappingRuleInput,
  type FieldMapping,
} from './config.js';
/** Refusal reasons, the dead-letter callback, and the DeadLetterStore's reason for each. */
export { MQTT_DEAD_LETTER_REASONS, toStoreReason, type MqttDeadLetterReason, type MqttDeadLetterCallback, type MqttDeadLetterInput } from './dead-letters.js';
/** Topic patterns with `{captures}`, and `toSegment` (how topic levels become path segments). */
export { compileTopicPattern, toSegment, type TopicPattern } from './topic-template.js';
/** The virtual factory as plain MQTT JSON publishers (`loom simulate --mqtt-json`), and the rules that ingest it. */
export { runMqttJsonPublisher, simulatorMappingRules, SIMULATOR_TOPIC_PREFIX, type MqttJsonPublisherOptions, type MqttJsonPublisherResult } from './simulator-publisher.js';
