// A Sparkplug B 3.0 edge node over MQTT: NBIRTH/DBIRTH with aliases, bdSeq in the will, seq,
// NDATA/DDATA, rebirth on NCMD `Node Control/Rebirth`, DCMD for writable metrics, NDEATH on stop.
// The simulator's Sparkplug mode and the benchmark drive it; it knows nothing about Loom's model.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { decodePayload, encodePayload, type MetricValue, type PropertySet, type SparkplugMetric } from './codec.js';
import { DataTypes } from './datatypes.js';
import { formatTopic } from './topic.js';

export interface EdgeMetricDefinition {
  name: string;
  datatype: number;
  properties?: PropertySet;
  /** Accepts NCMD/DCMD writes (passed to `onCommand`). */
  writable?: boolean;
  /** Initial value; null (or absent) until data arrives. */
  value?: MetricValue;
}

export interface EdgeNodeOptions {
  url: string;
  groupId: string;
  nodeId: string;
  nodeMetrics?: EdgeMetricDefinition[];
  devices?: Array<{ id: string; metrics: EdgeMetricDefinition[] }>;
  /** bdSeq of the first connection (then +1 per connection, wrapping 255 -> 0). Default 0. */
  bdSeq?: number;
  /** Send aliases in the births and only aliases in DATA (default true). */
  aliases?: boolean;
  clientId?: string;
  /** A write to a writable metric: return true to accept it (the new value is then reported in DATA). */
  onCommand?: (device: string | undefined, name: string, value: MetricValue) => boolean;
  connect?: (url: string, options: IClientOptions) => MqttClient;
}

interface MetricState {
  def: EdgeMetricDefinition;
  alias: number;
  value: MetricValue;
  ts: number;
}

/** One value to report: metric name, value and source time (ms). */
export interface EdgeValue {
  name: string;
  value: MetricValue;
  ts: number;
}

/**
 * @example
 * const edge = new SparkplugEdgeNode({ url, groupId: 'acme', nodeId: 'line-1', devices: [{ id: 'press-1', metrics: [{ name: 'temperature', datatype: DataTypes.Double }] }] });
 * await edge.start();
 * edge.publishDeviceData('press-1', [{ name: 'temperature', value: 48.2, ts: Date.now() }]);
 * await edge.stop();
 */
export class SparkplugEdgeNode {
  readonly counters = { births: 0, dataMessages: 0, metricsSent: 0, rebirthCommands: 0, commandsAccepted: 0, commandsRefused: 0, badCommands: 0, connects: 0 };
  private readonly node = new Map<string, MetricState>();
  private readonly devices = new Map<string, Map<string, MetricState>>();
  private readonly byAlias = new Map<number, { device?: string; state: MetricState }>();
  private readonly aliases: boolean;
  private client: MqttClient | undefined;
  private bdSeq: number;
  private seq = 0;
  private born = false;

  constructor(private readonly options: EdgeNodeOptions) {
    this.bdSeq = (options.bdSeq ?? 0) % 256;
    this.aliases = options.aliases ?? true;
    let alias = 1;
    const add = (into: Map<string, MetricState>, def: EdgeMetricDefinition, device?: string) => {
      const state: MetricState = { def, alias: alias++, value: def.value ?? null, ts: Date.now() };
      into.set(def.name, state);
      this.byAlias.set(state.alias, { device, state });
    };
    add(this.node, { name: 'Node Control/Rebirth', datatype: DataTypes.Boolean, writable: true, value: false });
    for (const def of options.nodeMetrics ?? []) add(this.node, def);
    for (const device of options.devices ?? []) {
      const metrics = new Map<string, MetricState>();
      for (const def of device.metrics) add(metrics, def, device.id);
      this.devices.set(device.id, metrics);
    }
  }

  /** Connects; resolves after the NBIRTH and DBIRTHs of the first connection. */
  async start(): Promise<void> {
    const { url, groupId, nodeId } = this.options;
    const client = (this.options.connect ?? mqtt.connect)(url, {
      clientId: this.options.clientId ?? `loom-edge-${groupId}-${nodeId}`.slice(0, 128),
      clean: true,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      protocolVersion: 4,
      will: { topic: formatTopic(groupId, 'NDEATH', nodeId), payload: this.deathPayload(), qos: 1, retain: false },
    });
    this.client = client;
    let firstBirth: () => void = () => {};
    const ready = new Promise<void>((resolve) => (firstBirth = resolve));
    client.on('connect', () => {
      this.counters.connects++;
      client.subscribe([formatTopic(groupId, 'NCMD', nodeId), `${formatTopic(groupId, 'DCMD', nodeId)}/+`], { qos: 1 }, () => {
        this.birth();
        firstBirth();
      });
    });
    client.on('close', () => {
      if (!this.born) return;
      this.born = false;
      // A new connection means a new bdSeq, in its will and its NBIRTH.
      this.bdSeq = (this.bdSeq + 1) % 256;
      if (client.options.will) client.options.will.payload = this.deathPayload();
    });
    client.on('message', (topic, payload) => this.command(topic, payload));
    client.on('error', () => {});
    await ready;
  }

  /** Publishes NDEATH (with the connection's bdSeq) and disconnects. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected) {
      await new Promise<void>((resolve) => client.publish(formatTopic(this.options.groupId, 'NDEATH', this.options.nodeId), this.deathPayload(), { qos: 1 }, () => resolve()));
    }
    this.born = false;
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  }

  get currentBdSeq(): number {
    return this.bdSeq;
  }

  get connected(): boolean {
    return this.born && this.client?.connected === true;
  }

  /** NBIRTH (seq 0) and one DBIRTH per device, with the current values. */
  birth(): void {
    if (!this.client) return;
    const { groupId, nodeId } = this.options;
    const now = Date.now();
    this.seq = 0;
    const nodeMetrics: SparkplugMetric[] = [{ name: 'bdSeq', datatype: DataTypes.UInt64, value: this.bdSeq, timestamp: now }];
    for (const state of this.node.values()) nodeMetrics.push(this.birthMetric(state));
    this.send(formatTopic(groupId, 'NBIRTH', nodeId), { timestamp: now, seq: this.nextSeq(), metrics: nodeMetrics });
    for (const [device, metrics] of this.devices) {
      this.send(formatTopic(groupId, 'DBIRTH', nodeId, device), { timestamp: now, seq: this.nextSeq(), metrics: [...metrics.values()].map((s) => this.birthMetric(s)) });
    }
    this.born = true;
    this.counters.births++;
  }

  /** Reports node metrics (NDATA). Unknown names throw. */
  publishNodeData(values: readonly EdgeValue[], ts = Date.now()): void {
    this.data(this.node, formatTopic(this.options.groupId, 'NDATA', this.options.nodeId), values, ts);
  }

  /** Reports device metrics (DDATA). Unknown devices or names throw. */
  publishDeviceData(device: string, values: readonly EdgeValue[], ts = Date.now()): void {
    const metrics = this.devices.get(device);
    if (!metrics) throw new Error(`edge node ${this.options.nodeId} has no device '${device}'`);
    this.data(metrics, formatTopic(this.options.groupId, 'DDATA', this.options.nodeId, device), values, ts);
  }

  /** DDEATH for a device (it stays declared; `birthDevice` brings it back). */
  deviceDeath(device: string, ts = Date.now()): void {
    this.send(formatTopic(this.options.groupId, 'DDEATH', this.options.nodeId, device), { timestamp: ts, seq: this.nextSeq(), metrics: [] });
  }

  private data(metrics: Map<string, MetricState>, topic: string, values: readonly EdgeValue[], ts: number): void {
    if (!this.born || values.length === 0) return;
    const out: SparkplugMetric[] = [];
    for (const v of values) {
      const state = metrics.get(v.name);
      if (!state) throw new Error(`no metric '${v.name}' declared on ${topic}`);
      state.value = v.value;
      state.ts = v.ts;
      const m: SparkplugMetric = this.aliases ? { alias: state.alias } : { name: state.def.name };
      m.timestamp = v.ts;
      m.datatype = state.def.datatype;
      m.value = v.value;
      out.push(m);
    }
    this.counters.dataMessages++;
    this.counters.metricsSent += out.length;
    this.send(topic, { timestamp: ts, seq: this.nextSeq(), metrics: out });
  }

  private birthMetric(state: MetricState): SparkplugMetric {
    const m: SparkplugMetric = { name: state.def.name, datatype: state.def.datatype, timestamp: state.ts, value: state.value };
    if (this.aliases) m.alias = state.alias;
    if (state.def.properties) m.properties = state.def.properties;
    return m;
  }

  private command(topic: string, payload: Buffer): void {
    const parts = topic.split('/');
    const device = parts[2] === 'DCMD' ? parts[4] : undefined;
    let metrics: SparkplugMetric[];
    try {
      metrics = decodePayload(payload).metrics;
    } catch {
      this.counters.badCommands++;
      return;
    }
    for (const m of metrics) {
      const scope = device === undefined ? this.node : this.devices.get(device);
      const state = m.alias !== undefined ? this.byAlias.get(Number(m.alias))?.state : m.name !== undefined ? scope?.get(m.name) : undefined;
      if (!state || !scope || scope.get(state.def.name) !== state) {
        this.counters.badCommands++;
        continue;
      }
      if (device === undefined && state.def.name === 'Node Control/Rebirth') {
        if (m.value === true) {
          this.counters.rebirthCommands++;
          this.birth();
        }
        continue;
      }
      if (!state.def.writable || m.value === undefined || !this.options.onCommand?.(device, state.def.name, m.value)) {
        this.counters.commandsRefused++;
        continue;
      }
      this.counters.commandsAccepted++;
      const value = { name: state.def.name, value: m.value, ts: Date.now() };
      if (device === undefined) this.publishNodeData([value]);
      else this.publishDeviceData(device, [value]);
    }
  }

  private deathPayload(): Buffer {
    return Buffer.from(encodePayload({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', datatype: DataTypes.UInt64, value: this.bdSeq }] }));
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (seq + 1) % 256;
    return seq;
  }

  private send(topic: string, payload: Parameters<typeof encodePayload>[0]): void {
    this.client?.publish(topic, Buffer.from(encodePayload(payload)), { qos: 0 });
  }
}
