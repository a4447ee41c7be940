import type { MqttConfig } from './config.js';

/** Where Loom's MQTT clients connect: the external broker's URL, or the embedded broker's. */
export interface BrokerConnection {
  url: string;
  username?: string;
  password?: string;
  /** True in external broker mode (`mqtt.url` set). */
  external: boolean;
}

/**
 * Connection settings for Loom's MQTT clients (JSON connector, republish).
 * @example brokerConnection(config.mqtt, embedded?.url) // { url: 'mqtt://127.0.0.1:1883', external: false }
 */
export function brokerConnection(config: MqttConfig, embeddedUrl: string | undefined): BrokerConnection {
  if (config.url) return { url: config.url, username: config.username, password: config.password, external: true };
  if (!embeddedUrl) throw new Error('no MQTT broker: set mqtt.broker.enabled to true, or mqtt.url to an external broker (e.g. mqtt://127.0.0.1:1883)');
  return { url: embeddedUrl, username: config.username, password: config.password, external: false };
}
