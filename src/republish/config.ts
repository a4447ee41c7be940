import { z } from 'zod';

/**
 * The `republish` block: every live sample on the bus mirrored to MQTT at `<prefix>/<tag path>`, so
 * other systems read the unified namespace from the broker.
 *
 * @example
 * republish: { enabled: true, prefix: uns/v1, retain: true, qos: 0 }
 */
export const republishSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Mirror every live sample to MQTT'),
    prefix: z
      .string()
      .regex(/^[^+#]+$/, { error: 'prefix must not contain MQTT wildcards (+ or #)' })
      .default('uns/v1')
      .describe('Topic prefix; a sample of acme/berlin/press-1/temperature goes to <prefix>/acme/berlin/press-1/temperature'),
    retain: z.boolean().default(false).describe('Publish retained, so a new subscriber gets the latest value of every tag at once'),
    qos: z.union([z.literal(0), z.literal(1)]).default(0).describe('MQTT QoS of the republished messages'),
    pattern: z.string().default('#').describe('Bus pattern of the tags to republish, e.g. acme/berlin/#'),
    queueLimit: z.number().int().positive().default(100_000).describe('Samples that may wait (broker slow or away) before drops start; drops are counted'),
    overflow: z
      .enum(['drop-oldest', 'drop-newest'])
      .default('drop-oldest')
      .describe('Which sample a full queue loses: the oldest (the mirror stays current) or the newest; either way counted in health and dead letters'),
    maxInFlight: z.number().int().positive().default(10_000).describe('Messages handed to the MQTT client but not yet written (QoS 0) or acknowledged (QoS 1) before the queue waits'),
    url: z.string().optional().describe('Broker URL; default: the mqtt block (embedded broker, or mqtt.url)'),
  })
  .strict();

export type RepublishConfig = z.output<typeof republishSchema>;
export type RepublishConfigInput = z.input<typeof republishSchema>;
