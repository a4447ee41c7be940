import { randomBytes } from 'node:crypto';
import { connect as mqttConnect, type IClientOptions, type MqttClient } from 'mqtt';
import type { SampleValue, TagDefinition } from '../../model/index.js';
import type { Connector, ConnectorContext, ConnectorHealth, ConnectorState, RawSample } from '../types.js';
import { mqttJsonConnectorSchema, type MqttJsonConnectorConfig, type MqttJsonConnectorConfigInput } from './config.js';
import type { MqttDeadLetterCallback } from './dead-letters.js';
import { JsonMapper } from './json-mapper.js';
import { mqttClientLog } from '../../broker/client-log.js';

/** Makes the MQTT client; tests inject a fake or tune timeouts. */
export type MqttClientFactory = (url: string, options: IClientOptions) => MqttClient;

export interface MqttJsonConnectorInit {
  /** The connector's config block (validated here). */
  config: MqttJsonConnectorConfigInput;
  /** Broker to use when the config names none: the embedded broker's URL or `mqtt.url`. */
  url?: string;
  username?: string;
  password?: string;
  /** Receives every refused message or value with its reason. */
  deadLetter?: MqttDeadLetterCallback;
  /** Default `mqtt.connect`. */
  connect?: MqttClientFactory;
  /** How long `start()` waits for the first connection before resolving disconnected (and retrying). Default 5 s. */
  connectWaitMs?: number;
}

/**
 * Reads JSON over MQTT into the UNS by mapping rules (see README.md). Works against the embedded
 * broker or any external one; reconnects and resubscribes by itself; `write()` publishes to the
 * rule's command topic.
 *
 * @example
 * const mqtt = new MqttJsonConnector({ config: { rules: [...] }, url: broker.url, deadLetter });
 * for (const tag of mqtt.tagDefinitions()) registry.upsert(tag);
 * await mqtt.start({ registry, logger, publish: (s, source) => ingest.publish(s, source) });
 */
export class MqttJsonConnector implements Connector {
  readonly id: string;
  readonly kind = 'mqtt';
  readonly config: MqttJsonConnectorConfig;
  private readonly init: MqttJsonConnectorInit;
  private mapper: JsonMapper | undefined;
  private client: MqttClient | undefined;
  private context: ConnectorContext | undefined;
  private state: ConnectorState = 'stopped';
  private lastError: string | undefined;
  private pending: RawSample[] = [];
  private flushScheduled = false;
  private readonly counters = { messagesQos0: 0, messagesQos1: 0, messagesQos2: 0, connects: 0, reconnects: 0, disconnects: 0, commandsPublished: 0, commandsFailed: 0, publishErrors: 0 };

  constructor(init: MqttJsonConnectorInit) {
    this.init = init;
    this.config = mqttJsonConnectorSchema.parse(init.config);
    this.id = this.config.id;
    // Compiles the rules now, so config mistakes surface before start.
    this.mapper = this.buildMapper({ get: () => undefined, upsert: (t) => t });
  }

  /** Broker URL in use. */
  get url(): string {
    const url = this.config.url ?? this.init.url;
    if (!url) throw new Error(`MQTT connector '${this.id}': no broker URL: set 'url' on the connector, or enable the embedded broker (mqtt.broker.enabled) or set mqtt.url`);
    return url;
  }

  tagDefinitions(): TagDefinition[] {
    return this.mapper!.staticTagDefinitions();
  }

  /** The mapping engine (for tests and tools): `handle(topic, payload, receivedAt, out)`. */
  get jsonMapper(): JsonMapper | undefined {
    return this.mapper;
  }

  async start(context: ConnectorContext): Promise<void> {
    if (this.client) throw new Error(`connector '${this.id}' is already running: stop it first`);
    const url = this.url;
    this.context = context;
    this.mapper = this.buildMapper(context.registry);
    this.state = 'starting';
    const factory = this.init.connect ?? mqttConnect;
    const client = factory(url, {
      clientId: this.config.clientId ?? `loom-${this.id}-${randomBytes(4).toString('hex')}`,
      username: this.config.username ?? this.init.username,
      password: this.config.password ?? this.init.password,
      reconnectPeriod: this.config.reconnectPeriod,
      connectTimeout: 5_000,
      clean: true,
      // We subscribe on every connect ourselves, so a broker that lost its state gets the subscriptions back.
      resubscribe: false,
      log: mqttClientLog(),
    });
    this.client = client;
    const subscriptions = this.mapper.subscriptions(this.config.qos, this.config.unmapped.topics);
    let firstConnect: (() => void) | undefined;
    const connected = new Promise<void>((resolve) => (firstConnect = resolve));
    client.on('connect', () => {
      this.counters.connects++;
      if (this.counters.connects > 1) this.counters.reconnects++;
      void this.subscribe(client, subscriptions).then(() => firstConnect?.());
    });
    client.on('message', (topic, payload, packet) => {
      if (packet.qos === 1) this.counters.messagesQos1++;
      else if (packet.qos === 2) this.counters.messagesQos2++;
      else this.counters.messagesQos0++;
      this.onMessage(topic, payload);
    });
    client.on('close', () => {
      if (this.state === 'connected') this.counters.disconnects++;
      if (this.state !== 'stopped') this.state = 'disconnected';
    });
    client.on('error', (error) => {
      this.lastError = error.message;
      context.logger.warn({ err: error, url }, `MQTT connector '${this.id}': ${error.message}`);
    });
    const wait = this.init.connectWaitMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([connected, new Promise<void>((resolve) => (timer = setTimeout(resolve, wait)))]);
    clearTimeout(timer);
    if ((this.state as ConnectorState) !== 'connected') {
      this.state = 'disconnected';
      context.logger.warn(`MQTT connector '${this.id}': no connection to ${url} yet; retrying every ${this.config.reconnectPeriod} ms`);
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.state = 'stopped';
    if (client) await client.endAsync(true);
    this.flush();
  }

  health(): ConnectorHealth {
    return {
      id: this.id,
      kind: this.kind,
      state: this.state,
      lastError: this.lastError,
      counters: { ...this.mapper!.counterSnapshot(), ...this.counters },
    };
  }

  /**
   * Publishes `{"value":..,"<timestamp field>":<now ms>}` to the command topic of the tag's rule
   * (scaling undone). Rejects when the tag has no command topic or the broker does not take it.
   */
  async write(tag: string, value: SampleValue): Promise<void> {
    const client = this.client;
    if (!client) throw new Error(`MQTT connector '${this.id}' is not running: cannot write '${tag}'`);
    const target = this.mapper!.commandFor(tag);
    if (typeof target === 'string') throw new Error(target);
    if (!client.connected) throw new Error(`MQTT connector '${this.id}' is not connected to ${this.url}: write to '${tag}' not sent`);
    const raw = typeof value === 'number' && (target.scale !== 1 || target.offset !== 0) ? (value - target.offset) / target.scale : value;
    const payload = JSON.stringify({ value: raw, [target.timestampField]: Date.now() });
    try {
      await client.publishAsync(target.topic, payload, { qos: target.qos });
      this.counters.commandsPublished++;
    } catch (error) {
      this.counters.commandsFailed++;
      throw new Error(`MQTT connector '${this.id}': publishing the write to '${tag}' on '${target.topic}' failed: ${(error as Error).message}`);
    }
  }

  /** The message handler: maps and queues; samples go out in one batch per event-loop turn. */
  private onMessage(topic: string, payload: Buffer): void {
    this.mapper!.handle(topic, payload, Date.now(), this.pending);
    if (this.pending.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const context = this.context;
    if (this.pending.length === 0 || !context) return;
    const batch = this.pending;
    this.pending = [];
    // Live data cannot wait: the bus counts (and dead-letters) what a full queue drops.
    context.publish(batch, this.id).catch((error: unknown) => {
      this.counters.publishErrors++;
      this.lastError = `publish failed: ${(error as Error).message}`;
    });
  }

  private async subscribe(client: MqttClient, subscriptions: Array<{ topic: string; qos: 0 | 1 }>): Promise<void> {
    try {
      if (subscriptions.length > 0) {
        const granted = await client.subscribeAsync(Object.fromEntries(subscriptions.map((s) => [s.topic, { qos: s.qos }])));
        const refused = granted.filter((g) => g.qos === 128);
        if (refused.length > 0) {
          this.lastError = `broker refused subscriptions: ${refused.map((g) => g.topic).join(', ')}`;
          this.context?.logger.error(`MQTT connector '${this.id}': ${this.lastError}`);
        }
      }
      if (this.client === client) this.state = 'connected';
    } catch (error) {
      this.lastError = `subscribe failed: ${(error as Error).message}`;
      this.state = 'degraded';
    }
  }

  private buildMapper(registry: ConnectorContext['registry'] | { get: () => undefined; upsert: (t: TagDefinition) => TagDefinition }): JsonMapper {
    return new JsonMapper({
      id: this.config.id,
      rules: this.config.rules,
      registry,
      timestamp: this.config.timestamp,
      maxPayloadBytes: this.config.maxPayloadBytes,
      unmapped: this.config.unmapped,
      deadLetter: this.init.deadLetter,
    });
  }
}
