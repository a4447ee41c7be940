// The `sparkplug` config block: one zod schema gives validation, the TypeScript type and the docs.
import { z } from 'zod';
import { parseDuration } from '../../model/duration.js';
import { assetPathError } from './naming.js';
import { idError } from './topic.js';

const duration = (fallback: string) =>
  z
    .union([z.string(), z.number().nonnegative()])
    .default(fallback)
    .transform((value, ctx) => {
      if (typeof value === 'number') return value;
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `'${value}' is not a duration: write a number and a unit, e.g. 250ms, 2s, 1m` });
        return z.NEVER;
      }
      return ms;
    });

const sparkplugId = (what: string) =>
  z.string().superRefine((value, ctx) => {
    const bad = idError(value);
    if (bad) ctx.addIssue({ code: 'custom', message: `${what} '${value}' ${bad}` });
  });

const assetPath = z.string().superRefine((value, ctx) => {
  const bad = assetPathError(value);
  if (bad) ctx.addIssue({ code: 'custom', message: bad });
});

export const assetMappingSchema = z
  .object({
    group: sparkplugId('group id').describe('Sparkplug group id'),
    node: sparkplugId('edge node id').optional().describe('Edge node id; omitted: every node of the group'),
    device: sparkplugId('device id').optional().describe('Device id; needs node; omitted: the node and all its devices'),
    asset: assetPath.describe('Asset path the ids map onto, e.g. acme/berlin/machining/line-1; ids not named are appended below it'),
  })
  .strict()
  .refine((m) => m.device === undefined || m.node !== undefined, { message: 'a mapping with a device needs its node' });

/** The `sparkplug` block: a Sparkplug B 3.0 host application. */
export const sparkplugConfigSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Run the Sparkplug B host application'),
    id: z.string().default('sparkplug').describe('Connector id: source of its tags and name in health and dead letters'),
    url: z.string().optional().describe("MQTT broker URL (mqtt://, mqtts://, ws://); default: Loom's MQTT broker (mqtt.url or the embedded one)"),
    username: z.string().optional().describe('MQTT user name'),
    password: z.string().optional().describe('MQTT password'),
    clientId: z.string().optional().describe('MQTT client id; default loom-host-<hostId>'),
    hostId: sparkplugId('host id').default('loom').describe('Sparkplug host id: the STATE topic is spBv1.0/STATE/<hostId>'),
    root: z
      .union([z.literal(''), assetPath])
      .default('sparkplug')
      .describe('Asset path under which unmapped ids go: <root>/<group>/<node>/<device>'),
    groups: z
      .array(sparkplugId('group id'))
      .default([])
      .describe('Subscribe only to these groups (spBv1.0/<group>/#); empty: every group (spBv1.0/#), as the specification has it'),
    mappings: z.array(assetMappingSchema).default([]).describe('Group / node / device to asset path; the most specific mapping wins'),
    reorderTimeout: duration('2s').describe('How long an out-of-order seq waits for the missing message before a rebirth is requested'),
    rebirthInterval: duration('5s').describe('Least time between two rebirth requests to the same edge node'),
    maxPayloadBytes: z.number().int().positive().default(1_048_576).describe('Larger payloads are refused (dead letter too_large)'),
    keepalive: z.number().int().min(0).default(30).describe('MQTT keep-alive in seconds'),
    connectTimeout: duration('10s').describe('MQTT connect timeout'),
  })
  .strict();

export type SparkplugConfig = z.output<typeof sparkplugConfigSchema>;
export type SparkplugConfigInput = z.input<typeof sparkplugConfigSchema>;
