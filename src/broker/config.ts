import { z } from 'zod';

/**
 * The `mqtt` block of the Loom config: the embedded broker, or an external one (Mosquitto, EMQX,
 * HiveMQ ...) that every MQTT part of Loom (JSON connector, republish) connects to instead.
 *
 * @example
 * mqtt:
 *   broker: { enabled: true, port: 1883, host: 127.0.0.1 }
 *   # url: mqtt://mosquitto.plant.local:1883   # external broker: the embedded one is not started
 *   # username: loom
 *   # password: secret
 */
export const mqttBrokerSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Start the embedded MQTT broker (aedes) inside Loom; ignored when `url` is set'),
    port: z.number().int().min(0).max(65535).default(1883).describe('TCP port of the embedded broker; the next free one is taken when it is busy; 0 picks an ephemeral port'),
    host: z.string().default('127.0.0.1').describe('Address the embedded broker listens on; 0.0.0.0 serves the whole network'),
  })
  .strict();

export const mqttConfigSchema = z
  .object({
    broker: mqttBrokerSchema.prefault({}).describe('The embedded broker'),
    url: z
      .string()
      .regex(/^(mqtts?|tcp|ssl|wss?):\/\/[^\s/]+/, { error: "url must look like mqtt://host:1883 (or mqtts://, ws://, wss://)" })
      .optional()
      .describe('External broker mode: connect to this broker (e.g. mqtt://127.0.0.1:1883 for Mosquitto) instead of starting the embedded one'),
    username: z.string().optional().describe('User name Loom connects with; when set, the embedded broker also requires it'),
    password: z.string().optional().describe('Password Loom connects with; when set, the embedded broker also requires it'),
  })
  .strict();

export type MqttConfig = z.output<typeof mqttConfigSchema>;
export type MqttConfigInput = z.input<typeof mqttConfigSchema>;
