import { randomBytes } from 'node:crypto';
import { connect as mqttConnect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Bus, Subscription } from '../bus/index.js';
import type { Sample } from '../model/index.js';
import { mqttClientLog } from '../broker/client-log.js';
import { encodePublishBatch, TopicCache } from './publish-packets.js';
import { republishSchema, type RepublishConfig, type RepublishConfigInput } from './config.js';

export interface UnsRepublisherInit {
  bus: Bus<Sample>;
  config?: RepublishConfigInput;
  /** Broker to use when the config names none: the embedded broker's URL or `mqtt.url`. */
  url?: string;
  username?: string;
  password?: string;
  /** Default `mqtt.connect`. */
  connect?: (url: string, options: IClientOptions) => MqttClient;
  /** Bus subscriber name (shown in bus stats). Default `republish`. */
  name?: string;
  /** How long `start()` waits for the first connection. Default 5 s. */
  connectWaitMs?: number;
  reconnectPeriod?: number;
}

export interface RepublisherHealth {
  state: 'connected' | 'disconnected' | 'stopped';
  lastError?: string;
  counters: {
    /** Messages written to the broker (QoS 0) or acknowledged by it (QoS 1). */
    published: number;
    /** Samples flagged historical (backfill): not republished by design. */
    skippedHistorical: number;
    /** Samples the bounded queue dropped (broker slow or away). */
    queueDropped: number;
    queueDepth: number;
    publishErrors: number;
    inFlight: number;
    reconnects: number;
  };
}

/**
 * Mirrors live samples from the bus to MQTT as `{"ts":..,"value":..,"quality":..}` at
 * `<prefix>/<tag path>`. Reads the bus in batches through its own bounded queue; while the broker
 * is away or slow the queue fills and drops by the overflow policy, every drop counted.
 *
 * @example
 * const republish = new UnsRepublisher({ bus, config: { enabled: true, retain: true }, url: broker.url });
 * await republish.start();
 */
export class UnsRepublisher {
  readonly config: RepublishConfig;
  private readonly init: UnsRepublisherInit;
  private readonly name: string;
  private client: MqttClient | undefined;
  private subscription: Subscription | undefined;
  private state: RepublisherHealth['state'] = 'stopped';
  private lastError: string | undefined;
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private connects = 0;
  private readonly counters = { published: 0, skippedHistorical: 0, publishErrors: 0 };
  private readonly prefix: string;
  private readonly topics: TopicCache;

  constructor(init: UnsRepublisherInit) {
    this.init = init;
    this.config = republishSchema.parse(init.config ?? {});
    this.name = init.name ?? 'republish';
    this.prefix = this.config.prefix.replace(/\/+$/, '');
    this.topics = new TopicCache(this.prefix);
  }

  get url(): string {
    const url = this.config.url ?? this.init.url;
    if (!url) throw new Error('UNS republish: no broker URL: set republish.url, or enable the embedded broker (mqtt.broker.enabled) or set mqtt.url');
    return url;
  }

  async start(): Promise<void> {
    if (this.client) throw new Error('UNS republish is already running');
    const client = (this.init.connect ?? mqttConnect)(this.url, {
      clientId: `loom-republish-${randomBytes(4).toString('hex')}`,
      username: this.init.username,
      password: this.init.password,
      reconnectPeriod: this.init.reconnectPeriod ?? 1_000,
      connectTimeout: 5_000,
      // While disconnected, the bus queue (bounded, counted) holds samples, not the client's memory.
      queueQoSZero: false,
      log: mqttClientLog(),
    });
    this.client = client;
    client.on('connect', () => {
      this.connects++;
      this.state = 'connected';
      this.wake();
    });
    client.on('close', () => {
      if (this.state !== 'stopped') this.state = 'disconnected';
    });
    client.on('error', (error) => (this.lastError = error.message));
    this.subscription = this.init.bus.subscribe(this.config.pattern, (samples) => this.handle(samples), {
      name: this.name,
      queueLimit: this.config.queueLimit,
      overflow: this.config.overflow,
      maxBatch: 1_000,
    });
    if (!client.connected) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((resolve) => client.once('connect', () => resolve())), new Promise<void>((resolve) => (timer = setTimeout(resolve, this.init.connectWaitMs ?? 5_000)))]);
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.state = 'stopped';
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.wake();
    if (client) await client.endAsync(true);
  }

  health(): RepublisherHealth {
    const stats = this.init.bus.stats().subscribers.find((s) => s.name === this.name);
    return {
      state: this.state,
      lastError: this.lastError,
      counters: {
        ...this.counters,
        queueDropped: stats?.dropped ?? 0,
        queueDepth: stats?.depth ?? 0,
        inFlight: this.inFlight,
        reconnects: Math.max(0, this.connects - 1),
      },
    };
  }

  private async handle(samples: Sample[]): Promise<void> {
    let client = this.client;
    // Hold the queue while the broker is away: it fills, and drops are counted by the bus.
    while (client && (!client.connected || this.inFlight >= this.config.maxInFlight)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      client = this.client;
    }
    if (!client) return;
    const stream = client.stream as { writableNeedDrain?: boolean; once?: (event: 'drain' | 'close', listener: () => void) => void; write?: (chunk: Buffer) => boolean; destroyed?: boolean };
    // QoS 0: counted once handed to the socket; waiting for the socket's drain (once per batch, not a
    // listener per message) is the backpressure. QoS 1: counted on the broker's acknowledgement.
    if (this.config.qos === 0 && client.options.protocolVersion !== 5 && stream?.write && !stream.destroyed) this.writeBatch(samples, stream.write.bind(stream));
    else this.publishEach(client, samples);
    if (stream?.writableNeedDrain && stream.once) {
      await new Promise<void>((resolve) => {
        stream.once!('drain', resolve);
        stream.once!('close', resolve);
      });
    }
  }

  /** QoS 0: the batch's PUBLISH packets encoded here and written to the socket at once (see publish-packets.ts). */
  private writeBatch(samples: Sample[], write: (chunk: Buffer) => boolean): void {
    const topics: Buffer[] = [];
    const payloads: string[] = [];
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i];
      if (sample.historical) {
        this.counters.skippedHistorical++;
        continue;
      }
      topics.push(this.topics.get(sample.tag));
      payloads.push(encodeSample(sample));
    }
    if (topics.length === 0) return;
    write(encodePublishBatch(topics, payloads, this.config.retain));
    this.counters.published += topics.length;
  }

  private publishEach(client: MqttClient, samples: Sample[]): void {
    const options = { qos: this.config.qos, retain: this.config.retain };
    const callback = this.config.qos === 1 ? this.onPublished : undefined;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i];
      if (sample.historical) {
        this.counters.skippedHistorical++;
        continue;
      }
      const topic = `${this.prefix}/${sample.tag}`;
      if (callback) {
        this.inFlight++;
        client.publish(topic, encodeSample(sample), options, callback);
      } else {
        client.publish(topic, encodeSample(sample), options);
        this.counters.published++;
      }
    }
  }

  private readonly onPublished = (error?: Error): void => {
    this.inFlight--;
    if (error) {
      this.counters.publishErrors++;
      this.lastError = `publish failed: ${error.message}`;
    } else {
      this.counters.published++;
    }
    if (this.inFlight <= this.config.maxInFlight / 2) this.wake();
  };

  private wake(): void {
    if (this.waiters.length === 0) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}

/**
 * The republished message of a sample.
 * @example encodeSample({ tag: 'a/b', ts: 1767225600000, value: 23.5, quality: 'good' }) // '{"ts":1767225600000,"value":23.5,"quality":"good"}'
 */
export function encodeSample(sample: Sample): string {
  const value = typeof sample.value === 'string' ? JSON.stringify(sample.value) : String(sample.value);
  return `{"ts":${sample.ts},"value":${value},"quality":"${sample.quality}"}`;
}
