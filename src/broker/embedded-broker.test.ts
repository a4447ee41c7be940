import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect as tcpConnect, type AddressInfo } from 'node:net';
import { connect, type MqttClient } from 'mqtt';
import { EmbeddedBroker, brokerConnection, mqttConfigSchema } from './index.js';

function client(url: string, options: { username?: string; password?: string } = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = connect(url, { reconnectPeriod: 0, connectTimeout: 2_000, ...options });
    c.once('connect', () => resolve(c));
    c.once('error', (error) => {
      c.end(true);
      reject(error);
    });
  });
}

test('starts on an ephemeral port, relays messages, and stop() closes every client socket', async () => {
  const broker = new EmbeddedBroker({ port: 0 });
  const port = await broker.start();
  assert.ok(port > 0);
  assert.equal(broker.url, `mqtt://127.0.0.1:${port}`);
  const sub = await client(broker.url);
  const pub = await client(broker.url);
  try {
    const got = new Promise<string>((resolve) => sub.on('message', (topic, payload) => resolve(`${topic}=${payload.toString()}`)));
    await sub.subscribeAsync('t/#', { qos: 1 });
    await pub.publishAsync('t/x', 'hello', { qos: 1 });
    assert.equal(await got, 't/x=hello');
    assert.equal(broker.clients, 2);
    const closed = new Promise<void>((resolve) => sub.once('close', () => resolve()));
    await broker.stop();
    await closed; // the broker closed the client's connection
    assert.equal(broker.running, false);
    // Nothing listens any more.
    await assert.rejects(client(`mqtt://127.0.0.1:${port}`));
  } finally {
    sub.end(true);
    pub.end(true);
    await broker.stop();
  }
});

test('takes the next free port when the wanted one is busy and says which ports were busy', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const busy = (blocker.address() as AddressInfo).port;
  const reported: number[] = [];
  const broker = new EmbeddedBroker({ port: busy, onPortBusy: (p) => reported.push(p) });
  try {
    const port = await broker.start();
    assert.notEqual(port, busy);
    assert.ok(port > busy && port < busy + 20, `port ${port} after ${busy}`);
    assert.equal(reported[0], busy);
    const c = await client(broker.url);
    c.end(true);
  } finally {
    await broker.stop();
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});

test('fails with a clear message when every port tried is busy', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const busy = (blocker.address() as AddressInfo).port;
  const broker = new EmbeddedBroker({ port: busy, portAttempts: 1 });
  try {
    await assert.rejects(broker.start(), /are all taken: set mqtt.broker.port/);
    assert.equal(broker.running, false);
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});

test('restarts on the same port after stop', async () => {
  const broker = new EmbeddedBroker({ port: 0 });
  const port = await broker.start();
  await broker.stop();
  assert.equal(await broker.start(), port);
  const c = await client(broker.url);
  c.end(true);
  await broker.stop();
  await broker.stop(); // twice is fine
});

test('stop() also closes a raw TCP connection that never speaks MQTT', async () => {
  const broker = new EmbeddedBroker({ port: 0 });
  await broker.start();
  const socket = tcpConnect(broker.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await broker.stop();
  await closed;
});

test('requires the configured user name and password', async () => {
  const broker = new EmbeddedBroker({ port: 0, username: 'loom', password: 's3cret' });
  await broker.start();
  try {
    await assert.rejects(client(broker.url, { username: 'loom', password: 'wrong' }), /Bad username or password|bad user name/i);
    const ok = await client(broker.url, { username: 'loom', password: 's3cret' });
    ok.end(true);
  } finally {
    await broker.stop();
  }
});

test('config block: defaults, external url, and the connection Loom clients use', () => {
  const defaults = mqttConfigSchema.parse({});
  assert.deepEqual(defaults, { broker: { enabled: true, port: 1883, host: '127.0.0.1' } });
  assert.deepEqual(brokerConnection(defaults, 'mqtt://127.0.0.1:1884'), { url: 'mqtt://127.0.0.1:1884', username: undefined, password: undefined, external: false });
  const external = mqttConfigSchema.parse({ url: 'mqtt://127.0.0.1:1883', username: 'u', password: 'p' });
  assert.deepEqual(brokerConnection(external, 'mqtt://127.0.0.1:1884'), { url: 'mqtt://127.0.0.1:1883', username: 'u', password: 'p', external: true });
  assert.throws(() => brokerConnection(mqttConfigSchema.parse({ broker: { enabled: false } }), undefined), /set mqtt.broker.enabled/);
  const bad = mqttConfigSchema.safeParse({ url: 'localhost:1883' });
  assert.equal(bad.success, false);
  assert.match(JSON.stringify(bad.error?.issues), /mqtt:\/\/host:1883/);
  assert.equal(mqttConfigSchema.safeParse({ broker: { prot: 1 } }).success, false);
});
