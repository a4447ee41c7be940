// The `opcua` connector's config block, declared once: validation, types and docs come from here.
import { z } from 'zod';
import { parseDuration } from '../../model/duration.js';

const duration = (fallback: string) =>
  z
    .union([z.string(), z.number().int().nonnegative()])
    .default(fallback)
    .transform((value, ctx) => {
      if (typeof value === 'number') return value;
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `'${value}' is not a duration: write a number and a unit, e.g. 250ms, 1s, 1m` });
        return z.NEVER;
      }
      return ms;
    });

export const deadbandSchema = z
  .object({
    type: z.enum(['absolute', 'percent']).describe('absolute: in the value\'s unit; percent: of the variable\'s EURange (AnalogItems only)'),
    value: z.number().nonnegative().describe('Smallest change the server reports'),
  })
  .describe('Data change filter: changes smaller than this are not reported');

/** One server variable mapped to a UNS tag. */
export const opcuaMappingSchema = z.object({
  nodeId: z.string().min(1).describe("The variable's NodeId, e.g. ns=2;s=Line1.Press1.Temperature or ns=3;i=1042"),
  tag: z.string().min(1).describe('Full UNS path of the tag, e.g. acme/berlin/line-1/press-1/temperature'),
  type: z.enum(['number', 'boolean', 'string']).default('number').describe('Data type of the Loom tag'),
  unit: z.string().optional().describe('Engineering unit'),
  description: z.string().optional().describe('What the value measures'),
  samplingInterval: duration('0ms').optional().describe('Overrides the subscription\'s sampling interval for this variable'),
  queueSize: z.number().int().min(1).optional().describe('Overrides the subscription\'s queue size'),
  deadband: deadbandSchema.optional().describe('Overrides the subscription\'s deadband'),
  writable: z.boolean().default(false).describe('Allow write-back to this variable'),
});

/** The whole `opcua` connector block. */
export const opcuaConnectorSchema = z.object({
  id: z.string().default('opcua').describe('Connector id (health, logs, tag source)'),
  endpoint: z.string().regex(/^opc\.tcp:\/\/[^/]+/, { error: 'an OPC UA endpoint looks like opc.tcp://host:4840' }).describe('Endpoint URL of the server'),
  securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None').describe('Message security: None, Sign, or SignAndEncrypt'),
  securityPolicy: z
    .enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'])
    .default('Basic256Sha256')
    .describe('Security policy when securityMode is Sign or SignAndEncrypt (ignored for None)'),
  auth: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('anonymous') }),
      z.object({ type: z.literal('username'), username: z.string().min(1), password: z.string() }),
    ])
    .default({ type: 'anonymous' })
    .describe('User identity: anonymous, or username and password'),
  subscription: z
    .object({
      publishingInterval: duration('1s').describe('How often the server sends notifications'),
      samplingInterval: duration('1s').describe('How often the server samples each variable'),
      queueSize: z.number().int().min(1).default(10).describe('Values the server queues per variable between publishes'),
      deadband: deadbandSchema.optional(),
      keepAliveCount: z.number().int().min(1).default(10).describe('Publishing intervals without data before a keep-alive'),
      lifetimeCount: z.number().int().min(3).default(100).describe('Publishing intervals without a client request before the server drops the subscription'),
    })
    .default({ publishingInterval: 1000, samplingInterval: 1000, queueSize: 10, keepAliveCount: 10, lifetimeCount: 100 })
    .describe('Subscription defaults'),
  batchSize: z.number().int().min(1).max(10_000).default(1000).describe('Monitored items created per CreateMonitoredItems request'),
  reconnect: z
    .object({
      initialDelay: duration('1s').describe('First wait before reconnecting'),
      maxDelay: duration('10s').describe('Longest wait between attempts (doubles up to it)'),
    })
    .default({ initialDelay: 1000, maxDelay: 10_000 })
    .describe('Reconnection backoff'),
  requestTimeout: duration('10s').describe('Longest wait for one service call (browse, write, read-back)'),
  mappings: z.array(opcuaMappingSchema).default([]).describe('Variables to subscribe and the tags they feed'),
});

export type OpcUaMapping = z.output<typeof opcuaMappingSchema>;
export type OpcUaMappingInput = z.input<typeof opcuaMappingSchema>;
export type OpcUaConnectorConfig = z.output<typeof opcuaConnectorSchema>;
export type OpcUaConnectorInput = z.input<typeof opcuaConnectorSchema>;
