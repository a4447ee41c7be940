import { setImmediate as yieldTurn } from 'node:timers/promises';
import { connect as mqttConnect, type IClientOptions, type MqttClient } from 'mqtt';
import { parentPath, type PlantConfig, type TagDefinition } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { FactorySimulation, simulatorTagDefinitions, type SimulatorOptions } from '../simulator/index.js';
import type { FieldMapping, MappingRuleInput } from './config.js';

/** Default topic prefix of the simulator's MQTT publisher. */
export const SIMULATOR_TOPIC_PREFIX = 'loom-sim';

export interface MqttJsonPublisherOptions {
  plant: PlantConfig;
  /** The config's `simulator` block (seed, speed, tickInterval, faults ...). */
  options?: SimulatorOptions;
  /** Broker, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  /** Topics are `<topicPrefix>/<machine path>`. Default `loom-sim`. */
  topicPrefix?: string;
  /** Stops publishing; the promise then resolves. */
  signal?: AbortSignal;
  username?: string;
  password?: string;
  /** Default 0. */
  qos?: 0 | 1;
  /** Simulated start time (default now). */
  start?: number;
  /** Called after every tick with the running totals. */
  onTick?: (totals: MqttJsonPublisherResult) => void;
  connect?: (url: string, options: IClientOptions) => MqttClient;
}

export interface MqttJsonPublisherResult {
  messages: number;
  samples: number;
  ticks: number;
}

const TICKS_PER_TURN = 500;

/**
 * Runs the virtual factory live and publishes it as plain MQTT JSON, the way a gateway in front of
 * real machines would: one message per machine per tick on `<topicPrefix>/<machine path>`, holding
 * `timestamp` (ms) and every tag the machine emitted at that tick (signals each tick, discrete tags
 * on change and keep-alive):
 *
 *     loom-sim/acme/berlin/assembly/line-1/press-1
 *     {"timestamp":1767225600000,"state":2,"running":true,"good_count":1412,"hydraulic_pressure":182.4,...}
 *
 * `simulatorMappingRules()` gives the matching rules, so Loom ingests them to the same UNS paths,
 * types and units as the built-in simulator. This is `loom simulate --mqtt-json <url>`.
 */
export async function runMqttJsonPublisher(init: MqttJsonPublisherOptions): Promise<MqttJsonPublisherResult> {
  const prefix = (init.topicPrefix ?? SIMULATOR_TOPIC_PREFIX).replace(/\/+$/, '');
  const qos = init.qos ?? 0;
  const totals: MqttJsonPublisherResult = { messages: 0, samples: 0, ticks: 0 };
  if (init.signal?.aborted) return totals;
  const sim = new FactorySimulation(init.plant, init.options ?? {}, init.start ?? Date.now());
  if (sim.machineCount === 0) throw new Error('the simulator knows no machine of this plant: give machines a kind (press, cnc, filler, oven, ...)');
  const client = (init.connect ?? mqttConnect)(init.url, { username: init.username, password: init.password, reconnectPeriod: 1_000, connectTimeout: 5_000 });
  const abort = new Promise<void>((resolve) => init.signal?.addEventListener('abort', () => resolve(), { once: true }));
  try {
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', (error) => reject(new Error(`cannot connect to ${init.url}: ${error.message}`)));
      }),
      abort,
    ]);
    const speed = sim.options.speed;
    const wallOrigin = Date.now();
    const simOrigin = sim.nextTs;
    while (!init.signal?.aborted) {
      const target = simOrigin + (Date.now() - wallOrigin) * speed;
      let steps = 0;
      let last: Promise<unknown> | undefined;
      while (sim.nextTs <= target && steps < TICKS_PER_TURN && !init.signal?.aborted) {
        const ts = sim.nextTs;
        const out: RawSample[] = [];
        sim.step(out, false);
        for (const [machine, fields] of groupByMachine(out)) {
          last = client.publishAsync(`${prefix}/${machine}`, JSON.stringify({ timestamp: ts, ...fields }), { qos });
          totals.messages++;
        }
        totals.samples += out.length;
        totals.ticks++;
        steps++;
        init.onTick?.(totals);
      }
      // Waiting for the last write is the backpressure: a slow broker slows the simulation down.
      if (last) await last;
      if (steps >= TICKS_PER_TURN) {
        await yieldTurn();
        continue;
      }
      const due = wallOrigin + (sim.nextTs - simOrigin) / speed;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, due - Date.now())))), abort]);
      clearTimeout(timer);
    }
  } finally {
    await client.endAsync();
  }
  return totals;
}

function groupByMachine(samples: RawSample[]): Map<string, Record<string, unknown>> {
  const byMachine = new Map<string, Record<string, unknown>>();
  for (const sample of samples) {
    const machine = parentPath(sample.tag);
    let fields = byMachine.get(machine);
    if (!fields) byMachine.set(machine, (fields = {}));
    fields[sample.tag.slice(machine.length + 1)] = sample.value;
  }
  return byMachine;
}

/**
 * Mapping rules for what `runMqttJsonPublisher` sends: one rule per simulated machine, each field
 * mapped to the tag (type, unit, range, role, states) the built-in simulator defines.
 */
export function simulatorMappingRules(plant: PlantConfig, options: SimulatorOptions = {}, topicPrefix = SIMULATOR_TOPIC_PREFIX): MappingRuleInput[] {
  const byAsset = new Map<string, TagDefinition[]>();
  for (const def of simulatorTagDefinitions(plant, options)) {
    const list = byAsset.get(def.asset) ?? [];
    list.push(def);
    byAsset.set(def.asset, list);
  }
  const prefix = topicPrefix.replace(/\/+$/, '');
  return [...byAsset].map(([asset, defs]) => ({
    topic: `${prefix}/${asset}`,
    path: asset,
    timestamp: { field: 'timestamp', format: 'ms' },
    fields: Object.fromEntries(defs.map((d) => [d.name, fieldFor(d)])),
  }));
}

function fieldFor(def: TagDefinition): FieldMapping {
  const mapping: FieldMapping = { tag: def.name, type: def.type, scale: 1, offset: 0 };
  if (def.unit !== undefined) mapping.unit = def.unit;
  if (def.description !== undefined) mapping.description = def.description;
  if (def.min !== undefined) mapping.min = def.min;
  if (def.max !== undefined) mapping.max = def.max;
  if (def.role !== undefined) mapping.role = def.role;
  if (def.states !== undefined) mapping.states = { ...def.states };
  return mapping;
}
