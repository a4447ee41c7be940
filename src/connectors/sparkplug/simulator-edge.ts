// The virtual factory as external Sparkplug B edge nodes over a real broker: one edge node per
// production line, one device per machine, one metric per simulator tag.
//
//   group   = groupId (default: the enterprise id, e.g. `acme`)
//   node    = the line path below the enterprise with ':' for '/' (`berlin:machining:line-1`)
//   device  = the machine id (`press-1`)
//   metrics = the simulator's tag names (`temperature`, `good_count` ...) plus a writable `Control/Note`
//
// `sparkplugMappingsForPlant(plant)` gives the host mappings that put these tags back on exactly the
// paths the built-in simulator uses (`acme/berlin/machining/line-1/press-1/temperature`).
import type { Logger } from 'pino';
import type { PlantConfig, TagDefinition } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { FactorySimulation, type SimulatorOptions } from '../simulator/index.js';
import type { MetricValue, PropertySet } from './codec.js';
import { DataTypes } from './datatypes.js';
import { SparkplugEdgeNode, type EdgeMetricDefinition, type EdgeValue } from './edge-node.js';
import type { AssetMapping } from './naming.js';

export interface SparkplugEdgeOptions {
  plant: PlantConfig;
  /** The config's `simulator` block (seed, speed, tick ...). */
  options?: SimulatorOptions;
  /** Broker URL, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  /** Sparkplug group id; default the enterprise id. */
  groupId?: string;
  /** Aborting stops the edge nodes (NDEATH, disconnect). */
  signal?: AbortSignal;
  /** Simulation start (ms); default now. */
  start?: number;
  /** Continue this simulation (e.g. one a backfill returned) instead of starting a new one at `start`. */
  simulation?: FactorySimulation;
  logger?: Logger;
}

export interface SparkplugEdgeHandle {
  /** The edge nodes, one per line. */
  nodes: ReadonlyMap<string, SparkplugEdgeNode>;
  simulation: FactorySimulation;
  counters(): Record<string, number>;
  /** NDEATH from every node, then disconnect. */
  stop(): Promise<void>;
}

const NOTE = 'Control/Note';

/** Sparkplug node id of a line (`acme/berlin/machining/line-1` -> `berlin:machining:line-1`). */
export function lineNodeId(linePath: string): string {
  return linePath.split('/').slice(1).join(':');
}

/** Host mappings (`sparkplug.mappings`) that map the simulator's edge nodes onto the plant's line paths. */
export function sparkplugMappingsForPlant(plant: PlantConfig, groupId = plant.enterprise.id): AssetMapping[] {
  const out: AssetMapping[] = [];
  for (const site of plant.sites) {
    for (const area of site.areas) {
      for (const line of area.lines) {
        const asset = [plant.enterprise.id, site.id, area.id, line.id].join('/');
        out.push({ group: groupId, node: lineNodeId(asset), asset });
      }
    }
  }
  return out;
}

function datatypeFor(tag: TagDefinition): number {
  if (tag.type === 'boolean') return DataTypes.Boolean;
  if (tag.type === 'string' || tag.type === 'json') return DataTypes.String;
  if (tag.role === 'state') return DataTypes.Int32;
  // Counters wrap at up to 2^32: UInt64 (Tahu 1.0 carries UInt32 differently from the 3.0 spec).
  if (tag.role === 'good_count' || tag.role === 'scrap_count') return DataTypes.UInt64;
  return DataTypes.Double;
}

function propertiesFor(tag: TagDefinition): PropertySet {
  const props: PropertySet = {};
  if (tag.unit) props.engUnit = { type: DataTypes.String, value: tag.unit };
  if (tag.min !== undefined) props.engLow = { type: DataTypes.Double, value: tag.min };
  if (tag.max !== undefined) props.engHigh = { type: DataTypes.Double, value: tag.max };
  if (tag.description) props.Documentation = { type: DataTypes.String, value: tag.description };
  return props;
}

/**
 * Starts the edge nodes and the live simulation (wall clock x speed); resolves once every node has
 * sent its births. Call `stop()` (or abort the signal) to end with a clean NDEATH.
 */
export async function startSparkplugEdge(options: SparkplugEdgeOptions): Promise<SparkplugEdgeHandle> {
  const groupId = options.groupId ?? options.plant.enterprise.id;
  const now = options.start ?? Date.now();
  const sim = options.simulation ?? new FactorySimulation(options.plant, options.options ?? {}, now);
  const speed = sim.options.speed;

  // First tick: the values the births carry.
  const first: RawSample[] = [];
  sim.step(first);
  const initial = new Map(first.map((s) => [s.tag, s]));

  // tag path -> (node, device, metric); devices per line.
  const route = new Map<string, { node: string; device: string; name: string }>();
  const lines = new Map<string, Map<string, EdgeMetricDefinition[]>>();
  for (const tag of sim.tagDefinitions()) {
    const machinePath = tag.asset;
    const linePath = machinePath.slice(0, machinePath.lastIndexOf('/'));
    const device = machinePath.slice(linePath.length + 1);
    const node = lineNodeId(linePath);
    let devices = lines.get(node);
    if (!devices) lines.set(node, (devices = new Map()));
    let metrics = devices.get(device);
    if (!metrics) {
      devices.set(device, (metrics = []));
      metrics.push({ name: NOTE, datatype: DataTypes.String, writable: true, value: '', properties: { Documentation: { type: DataTypes.String, value: 'Operator note (writable through DCMD)' } } });
    }
    const datatype = datatypeFor(tag);
    const value = initial.get(tag.path)?.value;
    metrics.push({ name: tag.name, datatype, properties: propertiesFor(tag), value: value === undefined ? null : (value as MetricValue) });
    route.set(tag.path, { node, device, name: tag.name });
  }

  const nodes = new Map<string, SparkplugEdgeNode>();
  for (const [node, devices] of lines) {
    nodes.set(
      node,
      new SparkplugEdgeNode({
        url: options.url,
        groupId,
        nodeId: node,
        clientId: `loom-sim-${groupId}-${node}-${process.pid}`.slice(0, 128),
        devices: [...devices].map(([id, metrics]) => ({ id, metrics })),
        onCommand: (_device, name, value) => name === NOTE && typeof value === 'string',
      }),
    );
  }
  await Promise.all([...nodes.values()].map((n) => n.start()));
  options.logger?.info({ url: options.url, group: groupId, nodes: nodes.size, machines: [...lines.values()].reduce((n, devices) => n + devices.size, 0) }, 'simulator: Sparkplug edge nodes online');

  let running = true;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let publishErrors = 0;
  const wallOrigin = Date.now();
  const loop = (async () => {
    while (running) {
      const target = now + (Date.now() - wallOrigin) * speed;
      const out: RawSample[] = [];
      for (let steps = 0; sim.nextTs <= target && steps < 1_000; steps++) sim.step(out);
      // Group the tick's samples by node and device: one DDATA per device and tick.
      const batches = new Map<string, Map<string, { ts: number; values: EdgeValue[] }[]>>();
      for (const s of out) {
        const r = route.get(s.tag);
        if (!r) continue;
        let devices = batches.get(r.node);
        if (!devices) batches.set(r.node, (devices = new Map()));
        let list = devices.get(r.device);
        if (!list) devices.set(r.device, (list = []));
        const ts = s.ts as number;
        let batch = list.at(-1);
        if (!batch || batch.ts !== ts) list.push((batch = { ts, values: [] }));
        batch.values.push({ name: r.name, value: s.value as MetricValue, ts });
      }
      for (const [node, devices] of batches) {
        const edge = nodes.get(node);
        if (!edge?.connected) continue;
        for (const [device, list] of devices) {
          for (const batch of list) {
            try {
              edge.publishDeviceData(device, batch.values, batch.ts);
            } catch (error) {
              publishErrors++;
              options.logger?.error({ err: error, node, device }, 'simulator: DDATA failed');
            }
          }
        }
      }
      if (!running) break;
      const wait = Math.max(5, Math.min(1_000, (sim.nextTs - (now + (Date.now() - wallOrigin) * speed)) / speed));
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, wait);
      });
    }
  })();

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      running = false;
      clearTimeout(timer);
      wake?.();
      await loop;
      await Promise.all([...nodes.values()].map((n) => n.stop()));
      options.signal?.removeEventListener('abort', onAbort);
    })());
  const onAbort = () => void stop();
  if (options.signal?.aborted) await stop();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    nodes,
    simulation: sim,
    stop,
    counters() {
      const total: Record<string, number> = { nodes: nodes.size, machines: sim.machineCount, ticks: sim.ticks, publishErrors };
      for (const n of nodes.values()) for (const [k, v] of Object.entries(n.counters)) total[k] = (total[k] ?? 0) + v;
      return total;
    },
  };
}

/**
 * What `loom simulate --sparkplug <url>` runs: the edge nodes until `signal` aborts, then NDEATH and
 * disconnect. Resolves with the counters.
 *
 * @example
 * const controller = new AbortController();
 * process.once('SIGINT', () => controller.abort());
 * await runSparkplugEdge({ plant: config.plant, options: config.simulator, url: 'mqtt://127.0.0.1:1883', signal: controller.signal });
 */
export async function runSparkplugEdge(options: SparkplugEdgeOptions & { signal: AbortSignal }): Promise<Record<string, number>> {
  const handle = await startSparkplugEdge(options);
  if (!options.signal.aborted) await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve(), { once: true }));
  await handle.stop();
  return handle.counters();
}
