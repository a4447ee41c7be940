// The embedded MQTT broker and the `mqtt` config block. See README.md.

/** aedes on a TCP server: `new EmbeddedBroker({ port: 1883 })`, `start()`, `url`, `stop()`. */
export { EmbeddedBroker, type EmbeddedBrokerOptions } from './embedded-broker.js';
/** The `mqtt` config block (embedded broker, or `url` of an external one) and its types. */
export { mqttConfigSchema, mqttBrokerSchema, type MqttConfig, type MqttConfigInput } from './config.js';
/** Connection settings every MQTT client of Loom uses, from the config and the running broker. */
export { brokerConnection, type BrokerConnection } from './connection.js';
/** The `log` option for Loom's MQTT clients: mqtt.js's per-packet debug calls only when DEBUG is set. */
export { mqttClientLog } from './client-log.js';
