// Helpers for tests against real brokers: the embedded one on an ephemeral port, and Mosquitto on
// 127.0.0.1:1883 (shared: give every run its own topic prefix).
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

export const MOSQUITTO_URL = process.env.LOOM_TEST_MOSQUITTO_URL ?? 'mqtt://127.0.0.1:1883';

/**
 * Whether Mosquitto answers. In CI (`CI=true`) an unreachable Mosquitto is an error; elsewhere the
 * caller skips with the returned message.
 */
export async function mosquittoSkipReason(): Promise<string | false> {
  const { hostname, port } = new URL(MOSQUITTO_URL);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = tcpConnect(Number(port || 1883), hostname);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  if (reachable) return false;
  const message = `Mosquitto is not reachable at ${MOSQUITTO_URL} (start it, or set LOOM_TEST_MOSQUITTO_URL)`;
  if (process.env.CI === 'true') throw new Error(message);
  return `skipped: ${message}`;
}

/** A topic prefix no other run uses. */
export function uniquePrefix(label = 'loomtest'): string {
  return `${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A connected MQTT client (no reconnects) for driving tests. */
export function testClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = connect(url, { reconnectPeriod: 0, connectTimeout: 3_000, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

/** Polls until `check()` is true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
