// The Sparkplug B 3.0 host application as a Loom connector (`kind: 'sparkplug'`): the MQTT side
// (STATE birth and will, subscriptions, rebirth commands, write-back); the message handling is in
// host-engine.ts.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { SampleValue } from '../../model/index.js';
import type { Connector, ConnectorContext, ConnectorHealth, ConnectorState } from '../types.js';
import { encodePayload, type MetricValue, type SparkplugMetric, type TemplateValue } from './codec.js';
import { sparkplugConfigSchema, type SparkplugConfig, type SparkplugConfigInput } from './config.js';
import { DataTypes, dataTypeName } from './datatypes.js';
import { mqttClientLog } from '../../broker/client-log.js';
import { HostEngine } from './host-engine.js';
import type { MetricInfo } from './host-session.js';
import { AssetMapper } from './naming.js';
import type { DeadLetterCallback } from './rejects.js';
import { formatTopic, NAMESPACE, stateTopic } from './topic.js';

/** One write-back through NCMD/DCMD, as kept in the audit trail. */
export interface WriteAudit {
  tag: string;
  value: SampleValue;
  user?: string;
  /** When the command was sent or refused (ms UTC). */
  ts: number;
  /** The NCMD/DCMD topic; empty when the tag is not a Sparkplug metric. */
  topic: string;
  /** `sent`, or `refused: <why>`. */
  result: string;
}

export interface SparkplugHostInit {
  /** The `sparkplug` config block (defaults filled in when missing). */
  config?: SparkplugConfigInput;
  /** Every refused input, with its reason: connect it to the dead-letter store. */
  deadLetter?: DeadLetterCallback;
  /** Broker used when the config names none: Loom's own (the embedded broker or `mqtt.url`). */
  defaultUrl?: string;
  /** Every write, sent or refused. */
  onAudit?: (record: WriteAudit) => void;
  /** MQTT connect function (tests inject a fake or a wrapped client). */
  connect?: (url: string, options: IClientOptions) => MqttClient;
}

const AUDIT_KEPT = 1_000;

/**
 * A Sparkplug B 3.0 host application. Tags are learned from NBIRTH/DBIRTH at runtime and registered
 * in `ctx.registry`; values go to `ctx.publish`.
 *
 * @example
 * const host = new SparkplugHost({ config: { url: 'mqtt://127.0.0.1:1883', hostId: 'loom', root: 'acme/berlin/sparkplug' },
 *   deadLetter: (reason, detail, raw) => deadLetters.add({ source: 'sparkplug', reason: storeReason(reason), detail, sample: raw }) });
 * await host.start(context);
 */
export class SparkplugHost implements Connector {
  readonly id: string;
  readonly kind = 'sparkplug';
  readonly config: SparkplugConfig;
  private readonly init: SparkplugHostInit;
  private client: MqttClient | undefined;
  private engine: HostEngine | undefined;
  private state: ConnectorState = 'stopped';
  private lastError: string | undefined;
  /** Timestamp of the current STATE birth and will (one per MQTT connection). */
  private stateTs = 0;
  private readonly auditTrail: WriteAudit[] = [];
  private readonly counters = { connects: 0, disconnects: 0, statePublished: 0, writes: 0, writesRefused: 0, publishErrors: 0 };

  constructor(init: SparkplugHostInit = {}) {
    this.init = init;
    this.config = sparkplugConfigSchema.parse(init.config ?? {});
    this.id = this.config.id;
  }

  /** Sparkplug tags are declared by the edge nodes' births, so none are known before start. */
  tagDefinitions(): [] {
    return [];
  }

  /** Connects and resolves once subscribed and online (or when the connect timeout passes; it keeps retrying). */
  async start(context: ConnectorContext): Promise<void> {
    if (this.client) throw new Error(`connector '${this.id}' is already running: stop it first`);
    const config = this.config;
    this.state = 'starting';
    this.engine = new HostEngine({
      connectorId: this.id,
      hostId: config.hostId,
      mapper: new AssetMapper(config.root, config.mappings),
      reorderTimeoutMs: config.reorderTimeout,
      rebirthIntervalMs: config.rebirthInterval,
      maxPayloadBytes: config.maxPayloadBytes,
      deadLetter: this.init.deadLetter,
      registerTag: (tag) => context.registry.upsert(tag),
      publish: (samples) => {
        this.pendingPublish = context.publish(samples, this.id).catch((error: unknown) => {
          this.counters.publishErrors++;
          this.lastError = `publish failed: ${(error as Error).message}`;
          context.logger.error({ err: error }, 'sparkplug: publish failed');
        });
      },
      sendRebirth: (group, node, reason) => {
        context.logger.info({ group, node, reason }, 'sparkplug: requesting rebirth');
        this.sendCommand(formatTopic(group, 'NCMD', node), [{ name: 'Node Control/Rebirth', datatype: DataTypes.Boolean, value: true }]);
      },
      onOwnOffline: () => {
        // Our own offline, echoed back while we stop, is expected: answering it would write after end.
        if (!this.client) return;
        context.logger.warn({ hostId: config.hostId }, 'sparkplug: saw our own STATE offline; publishing online again');
        this.publishState(true);
      },
    });
    this.stateTs = Date.now();
    const options: IClientOptions = {
      clientId: config.clientId ?? `loom-host-${config.hostId}`,
      username: config.username,
      password: config.password,
      keepalive: config.keepalive,
      connectTimeout: config.connectTimeout,
      reconnectPeriod: 1_000,
      clean: true,
      resubscribe: false,
      protocolVersion: 4,
      log: mqttClientLog(),
      will: { topic: stateTopic(config.hostId), payload: Buffer.from(this.stateJson(false)), qos: 1, retain: true },
    };
    const url = config.url ?? this.init.defaultUrl ?? 'mqtt://127.0.0.1:1883';
    const client = (this.init.connect ?? mqtt.connect)(url, options);
    this.client = client;
    // Backpressure: the next MQTT packet is read once the bus has room for this one's samples.
    client.handleMessage = (packet, done) => {
      this.pendingPublish = undefined;
      this.engine?.handle(packet.topic, packet.payload as Buffer);
      const waiting = this.pendingPublish as Promise<void> | undefined;
      if (waiting) waiting.then(() => done(), () => done());
      else done();
    };
    let firstConnect: () => void = () => {};
    const connected = new Promise<void>((resolve) => (firstConnect = resolve));
    client.on('connect', () => {
      this.counters.connects++;
      const topics = config.groups.length === 0 ? [`${NAMESPACE}/#`] : config.groups.map((g) => `${NAMESPACE}/${g}/#`);
      this.subscribedTopics = [...topics, stateTopic(config.hostId)];
      client.subscribe(this.subscribedTopics, { qos: 1 }, (error) => {
        if (error) {
          this.lastError = `subscribe failed: ${error.message}`;
          this.state = 'degraded';
          return;
        }
        this.publishState(true, () => {
          this.state = 'connected';
          firstConnect();
        });
      });
    });
    client.on('close', () => {
      if (this.state === 'stopped') return;
      this.counters.disconnects++;
      if (this.state !== 'starting') this.state = 'disconnected';
      this.engine?.connectionLost();
      // The next connection gets a new STATE timestamp, in its will and in its birth.
      this.stateTs = Date.now();
      if (client.options.will) client.options.will.payload = Buffer.from(this.stateJson(false));
    });
    client.on('error', (error) => {
      this.lastError = `MQTT: ${error.message}`;
      context.logger.warn({ err: error, url }, 'sparkplug: MQTT error');
    });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.connectTimeout).unref());
    await Promise.race([connected, timeout]);
    if (this.state === 'starting') {
      this.state = 'disconnected';
      context.logger.warn({ url }, `sparkplug: cannot reach the broker at ${url} yet; retrying in the background`);
    }
  }

  private pendingPublish: Promise<void> | undefined;
  /** The topics subscribed on the current connection (QoS 1). */
  subscribedTopics: string[] = [];

  /** Publishes STATE offline (clean shutdown), then disconnects. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.engine?.close();
    if (!client) {
      this.state = 'stopped';
      return;
    }
    if (client.connected) {
      await new Promise<void>((resolve) => client.publish(stateTopic(this.config.hostId), this.stateJson(false), { qos: 1, retain: true }, () => resolve()));
    }
    this.state = 'stopped';
    // Forced: our offline STATE is acknowledged above; waiting would only answer messages still in
    // flight (acks written after the stream ended).
    client.removeAllListeners('message');
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
  }

  health(): ConnectorHealth {
    const online = this.engine?.online() ?? { nodes: 0, devices: 0 };
    return {
      id: this.id,
      kind: this.kind,
      state: this.state,
      lastError: this.lastError,
      counters: { ...(this.engine?.counters ?? {}), ...this.counters, nodesOnline: online.nodes, devicesOnline: online.devices },
    };
  }

  /** The latest write-backs (up to 1,000), oldest first. */
  audit(): WriteAudit[] {
    return this.auditTrail.slice();
  }

  /**
   * Writes a value back through NCMD (node metric) or DCMD (device metric), by alias when the BIRTH
   * gave one, with the BIRTH's datatype. A template member is written as its template metric
   * carrying an instance with only that member (see `commandMetric`). Rejects (and audits) when the tag is unknown, its node or
   * device is offline, or the value does not fit the datatype.
   */
  async write(tag: string, value: SampleValue, user?: string): Promise<void> {
    const ts = Date.now();
    const address = this.engine?.address(tag);
    const record = (topic: string, result: string) => {
      const entry: WriteAudit = { tag, value, ts, topic, result };
      if (user !== undefined) entry.user = user;
      this.auditTrail.push(entry);
      if (this.auditTrail.length > AUDIT_KEPT) this.auditTrail.shift();
      if (result === 'sent') this.counters.writes++;
      else this.counters.writesRefused++;
      this.init.onAudit?.(entry);
    };
    const refuse = (topic: string, why: string): never => {
      record(topic, `refused: ${why}`);
      throw new Error(`cannot write ${tag}: ${why}`);
    };
    if (!address) return refuse('', 'not a metric of a Sparkplug node this host has seen born');
    const { session, device, metric } = address;
    const topic = formatTopic(session.group, device === undefined ? 'NCMD' : 'DCMD', session.node, device);
    const scope = device === undefined ? session : session.devices.get(device);
    if (!session.born || !scope?.born) return refuse(topic, `${device === undefined ? 'node' : 'device'} is offline`);
    if (!this.client?.connected) return refuse(topic, 'not connected to the broker');
    const wireValue = commandValue(value, metric.datatype);
    if (wireValue === undefined) return refuse(topic, `${JSON.stringify(value)} does not fit the metric's datatype ${dataTypeName(metric.datatype)}`);
    try {
      this.sendCommand(topic, [commandMetric(metric, wireValue)]);
    } catch (error) {
      return refuse(topic, (error as Error).message);
    }
    record(topic, 'sent');
  }

  private sendCommand(topic: string, metrics: Parameters<typeof encodePayload>[0]['metrics']): void {
    const ts = Date.now();
    const payload = encodePayload({ timestamp: ts, metrics: metrics.map((m) => ({ ...m, timestamp: ts })) });
    this.client?.publish(topic, Buffer.from(payload), { qos: 0, retain: false });
  }

  private stateJson(online: boolean): string {
    return JSON.stringify({ online, timestamp: this.stateTs });
  }

  private publishState(online: boolean, then?: () => void): void {
    this.client?.publish(stateTopic(this.config.hostId), this.stateJson(online), { qos: 1, retain: true }, (error) => {
      if (error) this.lastError = `STATE publish failed: ${error.message}`;
      else this.counters.statePublished++;
      then?.();
    });
  }
}

/**
 * The metric a command carries to set `metric` to `value`. A top-level metric goes by alias when the
 * BIRTH gave one (Sparkplug 3.0: commands carry the alias only), else by name. A template member has
 * no address of its own on the edge node: the command carries its template metric (by alias or name,
 * as above) whose value is an instance (template_ref of the BIRTH's instance, is_definition false)
 * holding only that member by name - the subset of members the specification allows outside BIRTHs -
 * nested once per level for templates within templates.
 */
export function commandMetric(metric: MetricInfo, value: MetricValue): SparkplugMetric {
  const address = (m: MetricInfo) => (m.parent === undefined && m.alias !== undefined ? { alias: m.alias } : { name: m.name });
  let command: SparkplugMetric = { ...address(metric), datatype: metric.datatype, value };
  for (let member = metric; member.parent; member = member.parent) {
    const template = member.parent;
    const instance: TemplateValue = { isDefinition: false, metrics: [command] };
    if (template.templateRef !== undefined) instance.templateRef = template.templateRef;
    command = { ...address(template), datatype: DataTypes.Template, value: instance };
  }
  return command;
}

/** A Loom value as a command value for a datatype, or undefined when it does not fit. */
function commandValue(value: SampleValue, datatype: number): number | boolean | string | undefined {
  if (datatype === DataTypes.Boolean) return typeof value === 'boolean' ? value : value === 0 || value === 1 ? value === 1 : undefined;
  if (datatype === DataTypes.String || datatype === DataTypes.Text || datatype === DataTypes.UUID) return typeof value === 'string' ? value : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (datatype === DataTypes.Float || datatype === DataTypes.Double) return value;
  const ranges: Record<number, [number, number]> = {
    [DataTypes.Int8]: [-128, 127],
    [DataTypes.Int16]: [-32768, 32767],
    [DataTypes.Int32]: [-2147483648, 2147483647],
    [DataTypes.UInt8]: [0, 255],
    [DataTypes.UInt16]: [0, 65535],
    [DataTypes.UInt32]: [0, 4294967295],
    [DataTypes.Int64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    [DataTypes.UInt64]: [0, Number.MAX_SAFE_INTEGER],
    [DataTypes.DateTime]: [0, Number.MAX_SAFE_INTEGER],
  };
  const range = ranges[datatype];
  if (!range || !Number.isInteger(value) || value < range[0] || value > range[1]) return undefined;
  return value;
}
