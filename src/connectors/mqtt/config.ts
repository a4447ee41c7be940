import { z } from 'zod';

const dataType = z.enum(['number', 'boolean', 'string', 'json']);
const qos = z.union([z.literal(0), z.literal(1)]);

export const timestampSchema = z
  .object({
    field: z.string().min(1).default('timestamp').describe('Payload field holding the source time; when absent from a message, the receive time is used'),
    format: z
      .enum(['ms', 's', 'iso', 'auto'])
      .default('auto')
      .describe("ms or s since the epoch, ISO 8601 text, or auto (numbers above 1e11 are ms, smaller ones s; text is ISO or digits)"),
  })
  .strict();

/** How one payload field (or the single value of a topic) becomes a tag. */
export const fieldMappingSchema = z
  .object({
    tag: z.string().min(1).describe('Tag name (last path segment); may use captures, e.g. {sensor}'),
    type: dataType.optional().describe('Data type; default: inferred from the first value seen'),
    unit: z.string().optional().describe('Engineering unit, e.g. degC, rpm, bar'),
    scale: z.number().default(1).describe('Stored value = raw * scale + offset (numbers only)'),
    offset: z.number().default(0).describe('Added after scaling'),
    description: z.string().optional(),
    min: z.number().optional().describe('Low end of the engineering range'),
    max: z.number().optional().describe('High end of the engineering range'),
    role: z
      .enum(['state', 'good_count', 'scrap_count', 'rework_count', 'cycle_time', 'ideal_cycle_time', 'energy', 'product', 'order', 'process'])
      .optional()
      .describe('What analytics use the tag for'),
    states: z.record(z.string(), z.string()).optional().describe('For state tags: code -> meaning'),
  })
  .strict();

export const mappingRuleSchema = z
  .object({
    topic: z
      .string()
      .min(1)
      .describe("Topic pattern; {name} captures a level, + matches one level uncaptured, # (last) any rest, e.g. 'factory/{line}/{machine}/telemetry'"),
    path: z.string().min(1).describe("UNS asset path template using the captures, e.g. 'acme/berlin/{line}/{machine}'"),
    tag: z
      .union([z.string().min(1), fieldMappingSchema])
      .optional()
      .describe("For a single value per topic (23.5, true, \"text\", {\"value\":..,\"timestamp\":..}): the tag name, or its full mapping"),
    fields: z
      .record(z.string(), z.union([z.string().min(1), fieldMappingSchema]))
      .optional()
      .describe('For multi-tag objects ({"timestamp_ms":..,"temp":..,"rpm":..}): payload field -> tag name or mapping'),
    otherFields: z
      .enum(['ignore', 'create'])
      .default('ignore')
      .describe('Fields of an object payload that `fields` does not name: ignore (counted as fieldsIgnored) or create a tag named after the field'),
    timestamp: timestampSchema.optional().describe("Where the source time is; default: the connector's timestamp setting"),
    qos: qos.optional().describe("Subscription QoS; default: the connector's qos"),
    command: z
      .string()
      .optional()
      .describe("Write-back: topic template a write to one of this rule's tags is published to, e.g. 'factory/{line}/{machine}/cmd/{tag}'"),
  })
  .strict();

export const mqttJsonConnectorSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).default('mqtt-json').describe('Connector id, shown in health and dead letters'),
    url: z.string().optional().describe('Broker URL; default: the mqtt block (embedded broker, or mqtt.url)'),
    username: z.string().optional(),
    password: z.string().optional(),
    clientId: z.string().optional().describe('MQTT client id; default loom-<id>-<random>'),
    qos: qos.default(1).describe('Default subscription QoS (0 or 1)'),
    maxPayloadBytes: z.number().int().positive().default(1_048_576).describe('Larger payloads are dead-lettered (too_large)'),
    timestamp: timestampSchema.prefault({}).describe('Default timestamp field and format for every rule'),
    rules: z.array(mappingRuleSchema).default([]).describe('Mapping rules, tried in order; the first whose topic matches wins'),
    unmapped: z
      .object({
        action: z.enum(['refuse', 'create']).default('refuse').describe('Messages matching no rule: refuse (dead letter unmapped_topic) or create tags under root'),
        root: z.string().default('mqtt').describe('UNS path under which unmapped topics become tags: <root>/<topic levels>[/<field>]'),
        topics: z.array(z.string()).default([]).describe("Extra subscriptions for unmapped topics, e.g. ['sensors/#']"),
        maxTags: z.number().int().positive().default(10_000).describe('Most tags auto-creation may register; beyond, messages are dead-lettered (too_many_tags)'),
      })
      .strict()
      .prefault({})
      .describe('What to do with topics no rule maps'),
    reconnectPeriod: z.number().int().min(0).default(1_000).describe('ms between reconnect attempts'),
  })
  .strict();

export type MqttJsonConnectorConfig = z.output<typeof mqttJsonConnectorSchema>;
export type MqttJsonConnectorConfigInput = z.input<typeof mqttJsonConnectorSchema>;
export type MappingRule = z.output<typeof mappingRuleSchema>;
export type MappingRuleInput = z.input<typeof mappingRuleSchema>;
export type FieldMapping = z.output<typeof fieldMappingSchema>;
export type TimestampSetting = z.output<typeof timestampSchema>;
