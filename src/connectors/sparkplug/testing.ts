// Helpers for the Sparkplug tests: brokers (embedded aedes on an ephemeral loopback port, and the
// machine's Mosquitto), a recording connector context, and a scripted MQTT client.
import { createServer, Socket, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { TagRegistry } from '../../model/index.js';
import type { ConnectorContext, RawSample } from '../types.js';

export interface TestBroker {
  name: string;
  url: string;
  close(): Promise<void>;
}

/** An aedes broker on 127.0.0.1 and an ephemeral port. */
export async function startAedes(): Promise<TestBroker> {
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    name: 'aedes',
    url: `mqtt://127.0.0.1:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

export const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';

/** True when Mosquitto answers on 127.0.0.1:1883. */
export async function mosquittoReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(1883, '127.0.0.1', () => done(true));
  });
}

/**
 * The skip option for Mosquitto suites: a message when it is unreachable, except on CI
 * (CI=true), where an unreachable Mosquitto must fail the run (false: run and fail).
 */
export async function mosquittoSkip(): Promise<string | false> {
  if (await mosquittoReachable()) return false;
  if (process.env.CI === 'true') return false;
  return 'Mosquitto is not reachable on 127.0.0.1:1883 (start it to run these tests)';
}

/** A unique id per test run: shared brokers need distinct group and host ids. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A connector context that records what the connector publishes and registers. */
export function recordingContext(): ConnectorContext & { samples: RawSample[]; registry: TagRegistry } {
  const samples: RawSample[] = [];
  const registry = new TagRegistry();
  return {
    registry,
    samples,
    logger: pino({ level: 'silent' }),
    async publish(batch) {
      samples.push(...batch);
    },
  };
}

/** A connected MQTT client (the scripted edge node or an observer). */
export async function connectClient(url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, protocolVersion: 4, ...options });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

/** Waits until `predicate` holds, polling every 5 ms; throws with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Messages an observer client receives, in order. */
export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
  qos: number;
}

export async function observe(client: MqttClient, topics: string[]): Promise<Received[]> {
  const received: Received[] = [];
  client.on('message', (topic, payload, packet) => received.push({ topic, payload, retain: packet.retain, qos: packet.qos }));
  await client.subscribeAsync(topics, { qos: 1 });
  return received;
}

export async function publishAndFlush(client: MqttClient, topic: string, payload: Uint8Array | string, options: mqtt.IClientPublishOptions = {}): Promise<void> {
  await client.publishAsync(topic, typeof payload === 'string' ? payload : Buffer.from(payload), { qos: 1, ...options });
}
