import { z } from 'zod';
import { SEGMENT_PATTERN } from './paths.js';
import { parseDuration } from './duration.js';
import { mqttConfigSchema } from '../broker/config.js';
import { mqttJsonConnectorSchema } from '../connectors/mqtt/config.js';
import { sparkplugConfigSchema } from '../connectors/sparkplug/config.js';
import { republishSchema } from '../republish/config.js';
import { opcuaConnectorSchema } from '../connectors/opcua/config.js';
import { modbusConnectorSchema } from '../connectors/modbus/config.js';
import { idealCycleTimesSchema, siteShiftsSchema } from '../analytics/oee/config.js';
import { spcConfigSchema } from '../analytics/spc/config.js';
import { compressionSchema } from '../historian/compression/config.js';
import { retentionSchema } from '../historian/retention/config.js';
import { importConfigSchema } from '../transfer/config.js';
import { simulatorMachinesSchema, unknownSimulatorMachines } from '../connectors/simulator/config.js';

// One schema per config block: validation, TypeScript types and the reference in README all come
// from here, so a field's description lives in exactly one place.

const id = (what: string) =>
  z
    .string({ error: `${what} id must be a string` })
    .regex(SEGMENT_PATTERN, {
      error: (issue) =>
        `'${String(issue.input)}' is not a valid ${what} id: use lower-case letters, digits, '-' and '_', ` +
        `starting with a letter or digit (for example '${suggestId(String(issue.input))}')`,
    });

/** Turns an invalid id into a valid suggestion for the error message. */
export function suggestId(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  return cleaned.length > 0 ? cleaned : 'my-asset';
}

const duration = (fallback: string) =>
  z
    .union([z.string(), z.number().int().nonnegative()])
    .default(fallback)
    .transform((value, ctx) => {
      if (typeof value === 'number') return value;
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `'${value}' is not a duration: write a number and a unit, e.g. 250ms, 30s, 15m, 12h, 30d, 2w, 5y` });
        return z.NEVER;
      }
      return ms;
    });

export const tagRoleSchema = z.enum([
  'state',
  'good_count',
  'scrap_count',
  'rework_count',
  'cycle_time',
  'ideal_cycle_time',
  'energy',
  'product',
  'order',
  'process',
]);

export const tagSchema = z
  .object({
    name: id('tag').describe('Last segment of the tag path'),
    type: z.enum(['number', 'boolean', 'string', 'json']).default('number').describe('Data type'),
    unit: z.string().optional().describe('Engineering unit, e.g. degC, bar, mm/s, kW'),
    description: z.string().optional(),
    min: z.number().optional().describe('Low end of the engineering range'),
    max: z.number().optional().describe('High end of the engineering range'),
    role: tagRoleSchema.optional().describe('What analytics use the tag for'),
    states: z.record(z.string(), z.string()).optional().describe('For state tags: code -> meaning'),
  })
  .strict()
  .meta({ id: 'Tag', description: 'A tag of an asset; its path is the asset path plus its name' });

export const machineSchema = z
  .object({
    id: id('machine'),
    name: z.string().optional().describe('Display name; defaults to the id'),
    kind: z.string().optional().describe('Machine kind (press, cnc, filler, oven, packer, labeler, mixer ...); the simulator uses it'),
    description: z.string().optional(),
    tags: z.array(tagSchema).default([]).describe('Tags declared at this level'),
    idealCycleTimes: idealCycleTimesSchema.optional(),
  })
  .strict();

export const lineSchema = z
  .object({
    id: id('line'),
    name: z.string().optional(),
    description: z.string().optional(),
    tags: z.array(tagSchema).default([]).describe('Tags declared at this level'),
    machines: z.array(machineSchema).default([]).describe('Machines (work units) of the line'),
  })
  .strict();

export const areaSchema = z
  .object({
    id: id('area'),
    name: z.string().optional(),
    description: z.string().optional(),
    tags: z.array(tagSchema).default([]).describe('Tags declared at this level'),
    lines: z.array(lineSchema).default([]).describe('Production lines (work centres) of the area'),
  })
  .strict();

export const siteSchema = z
  .object({
    id: id('site'),
    name: z.string().optional(),
    timezone: z.string().default('UTC').describe('IANA time zone the plant works in; the UI shows local time'),
    shifts: siteShiftsSchema.optional().describe('Shift calendar for OEE (planned time); default 06:00, 14:00, 22:00 with a 30-minute break, every day'),
    description: z.string().optional(),
    tags: z.array(tagSchema).default([]).describe('Tags declared at this level'),
    areas: z.array(areaSchema).default([]).describe('Areas of the site'),
  })
  .strict();

export const plantSchema = z
  .object({
    enterprise: z.object({ id: id('enterprise').describe('First segment of every path'), name: z.string().optional() }).strict(),
    sites: z.array(siteSchema).min(1, { error: 'a plant needs at least one site' }).describe('Sites (plants) of the enterprise'),
  })
  .strict();

export const httpSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(8080).describe('HTTP port; the next free one is taken when it is busy'),
    host: z.string().default('127.0.0.1').describe('Address to listen on; 0.0.0.0 serves the whole network'),
  })
  .strict();

export const historianSchema = z
  .object({
    engine: z.enum(['duckdb', 'postgres']).default('duckdb').describe('Storage engine: embedded DuckDB, or PostgreSQL when a plant outgrows one machine'),
    url: z.string().optional().describe('postgres engine: connection URL, e.g. postgres://loom@db.plant.local:5432/loom'),
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('loom').describe('postgres engine: schema holding the tables (created when missing)'),
    path: z.string().default('loom.duckdb').describe("Database file, relative to dataDir; ':memory:' keeps nothing"),
    flushInterval: duration('100ms').describe('Least time between two commits: longer means bigger, cheaper commits and later acknowledgements'),
    retention: retentionSchema(tagRoleSchema).prefault({}).describe('How long samples and rollups are kept, by default and per class of tags'),
    compression: compressionSchema(tagRoleSchema).prefault({}).describe('Exception deadband and swinging-door compression of numeric tags (src/historian/compression)'),
  })
  .strict();

export const simulatorSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Run the virtual factory for every machine whose kind it knows'),
    seed: z.number().int().default(42).describe('Same seed, same factory: runs are reproducible'),
    speed: z.number().positive().default(1).describe('Simulated seconds per real second'),
    tickInterval: duration('1s').describe('Simulated time between samples of each signal'),
    faults: z.boolean().default(true).describe('Inject faults (bearing wear, thermal runaway) with a lead-up'),
    transport: z
      .enum(['direct', 'sparkplug'])
      .default('direct')
      .describe("direct: samples go straight into the UNS; sparkplug: the machines are Sparkplug B edge nodes on Loom's MQTT broker, read by its Sparkplug host"),
    history: duration('0s').describe('On a start with an empty historian, simulate this much past first (e.g. 1h) so trends have data'),
    machines: simulatorMachinesSchema,
  })
  .strict();

export const busSchema = z
  .object({
    queueLimit: z.number().int().positive().default(100_000).describe('Messages each subscriber may have waiting before drops'),
  })
  .strict();

export const loomConfigSchema = z
  .object({
    dataDir: z.string().default('data').describe('Folder for the historian, dead letters and state; relative to the config file'),
    http: httpSchema.prefault({}).describe('The API and dashboard'),
    historian: historianSchema.prefault({}).describe('Where samples are stored'),
    simulator: simulatorSchema.prefault({}).describe('The virtual factory'),
    bus: busSchema.prefault({}).describe('The in-process message bus'),
    mqtt: mqttConfigSchema
      .extend({ json: z.array(mqttJsonConnectorSchema).default([]).describe('MQTT JSON connectors: topic and payload mapping rules into the UNS') })
      .prefault({})
      .describe('MQTT: the embedded broker (or an external one) and the JSON connectors'),
    sparkplug: sparkplugConfigSchema.prefault({}).describe('Sparkplug B 3.0 host application'),
    opcua: z.array(opcuaConnectorSchema).default([]).describe('OPC UA client connectors: endpoints, security, node-to-tag mappings'),
    modbus: z.array(modbusConnectorSchema).default([]).describe('Modbus TCP pollers: devices, register maps, poll groups'),
    republish: republishSchema.prefault({}).describe('UNS republish: every sample published at <prefix>/<path> for other systems'),
    spc: spcConfigSchema.prefault({}).describe('Statistical process control: tags watched live with a control chart; rule violations become events'),
    import: importConfigSchema.prefault({}).describe('Imports sent to a running Loom (POST /api/v1/import, loom import --url)'),
    plant: plantSchema.describe('The ISA-95 plant model: enterprise > site > area > line > machine'),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const path of unknownSimulatorMachines(config.simulator.machines, config.plant))
      ctx.addIssue({ code: 'custom', path: ['simulator', 'machines', path], message: `'${path}' is not a machine of the plant: use a full path enterprise/site/area/line/machine` });
  });

export type LoomConfig = z.output<typeof loomConfigSchema>;
export type LoomConfigInput = z.input<typeof loomConfigSchema>;
export type PlantConfig = LoomConfig['plant'];
export type SiteConfig = PlantConfig['sites'][number];
export type AreaConfig = SiteConfig['areas'][number];
export type LineConfig = AreaConfig['lines'][number];
export type MachineConfig = LineConfig['machines'][number];
export type TagConfig = MachineConfig['tags'][number];
