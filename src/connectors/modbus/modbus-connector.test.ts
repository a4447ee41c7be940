// The poller against real modbus-serial TCP servers on ephemeral loopback ports.
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { loadDemoConfig } from '../../model/index.js';
import { FactorySimulation } from '../simulator/index.js';
import type { RawSample } from '../types.js';
import type { ModbusRegisterInput } from './config.js';
import { serveFactoryModbus } from './factory-server.js';
import { ModbusConnector } from './modbus-connector.js';
import { recordingContext, scriptedServer, waitFor } from './testing.js';

const plant = loadDemoConfig().config.plant;
const PRESS = 'acme/berlin/machining/line-1/press-1';
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function poller(port: number, registers: ModbusRegisterInput[], pollGroups: Record<string, number> = {}) {
  const c = new ModbusConnector({ config: { pollGroups: { default: 100, ...pollGroups }, devices: [{ id: 'dev', port, timeout: 300, retries: 1, backoff: { initial: 100, max: 400 }, registers }] } });
  cleanups.push(() => c.stop());
  return c;
}
const h = (tag: string, address: number, extra: Partial<ModbusRegisterInput> = {}): ModbusRegisterInput => ({ tag: `test/m/dev/${tag}`, area: 'holding', address, ...extra });
const of = (samples: RawSample[], tag: string) => samples.filter((s) => s.tag === `test/m/dev/${tag}`);

describe('modbus poller', () => {
  it('reads the virtual factory: values equal the simulation, coalesced into 5 reads per poll', async () => {
    const start = Date.now() - 3_000;
    const served = await serveFactoryModbus({ plant, options: { seed: 3 }, basePort: 0, start });
    cleanups.push(served.close);
    const config = served.clientConfig({ interval: 200 });
    config.devices = config.devices.filter((d) => d.registers.some((r) => r.tag.startsWith(`${PRESS}/`)));
    const c = new ModbusConnector({ config });
    cleanups.push(() => c.stop());
    const { context, samples } = recordingContext();
    await c.start(context);
    await waitFor('three polls', () => (c.health().counters?.polls ?? 0) >= 3);
    assert.equal(c.health().state, 'connected');
    // input 0-27 (gap of 7 to the signals is bridged), input 40-55, discrete 0, holding 0, coil 0.
    assert.equal(c.deviceStatus()[0].blocks, 5);
    const { polls, reads } = c.health().counters!;
    assert.ok(reads <= polls * 5 && reads >= (polls - 1) * 5, `${reads} reads in ${polls} polls`);
    const last = (name: string) => samples.filter((s) => s.tag === `${PRESS}/${name}`).at(-1);
    const replay = new FactorySimulation(plant, { seed: 3 }, start);
    const expected = new Map<string, RawSample>();
    const out: RawSample[] = [];
    while (replay.nextTs <= Date.now() - 1000) replay.step(out);
    for (const s of out) expected.set(s.tag, s);
    // The last tick the server had applied is the one before now, or this one: compare with either.
    const next: RawSample[] = [];
    replay.step(next);
    const nextMap = new Map(next.map((s) => [s.tag, s]));
    for (const name of ['state', 'good_count', 'temperature', 'vibration', 'pressure', 'power', 'energy', 'product', 'order', 'running', 'ideal_cycle_time']) {
      const got = last(name)?.value;
      const candidates = [expected.get(`${PRESS}/${name}`)?.value, nextMap.get(`${PRESS}/${name}`)?.value];
      assert.ok(candidates.includes(got), `${name}: got ${JSON.stringify(got)}, simulation has ${JSON.stringify(candidates)}`);
    }
    assert.equal(last('speed_setpoint')?.value, 100);
    assert.equal(last('enabled')?.value, true);
    await c.write(`${PRESS}/speed_setpoint`, 75);
    await c.write(`${PRESS}/enabled`, false);
    await waitFor('written values polled', () => last('speed_setpoint')?.value === 75 && last('enabled')?.value === false);
    await assert.rejects(c.write(`${PRESS}/temperature`, 1), /not writable/);
    await assert.rejects(c.write(`${PRESS}/speed_setpoint`, 70000), /outside uint16/);
  });

  it('serves several machines on one port by unit id', async () => {
    const served = await serveFactoryModbus({ plant, port: 0, unitIds: [11, 12], machines: [PRESS, 'acme/berlin/machining/line-1/cnc-1'] });
    cleanups.push(served.close);
    assert.deepEqual(served.machines.map((m) => m.unitId), [11, 12]);
    assert.equal(new Set(served.machines.map((m) => m.port)).size, 1);
    const c = new ModbusConnector({ config: served.clientConfig({ interval: 200 }) });
    cleanups.push(() => c.stop());
    const { context, samples } = recordingContext();
    await c.start(context);
    await waitFor('both machines', () => samples.some((s) => s.tag.endsWith('cnc-1/spindle_speed')) && samples.some((s) => s.tag.endsWith('press-1/pressure')));
    assert.equal(samples.filter((s) => s.quality !== 'good').length, 0);
  });

  it('counts exception codes, marks those tags bad once, and keeps the rest good', async () => {
    const server = await scriptedServer({ holding: { 0: 10, 1: 11, 2: { exception: 4 }, 20: 20 } });
    cleanups.push(server.close);
    const c = poller(server.port, [h('a', 0), h('b', 1), h('broken', 2, { poll: 'slow' }), h('far', 20)], { slow: 100 });
    const { context, samples } = recordingContext();
    // A separate poll group puts the failing register in its own read.
    await c.start(context);
    await waitFor('several polls of each group', () => of(samples, 'a').length >= 3 && (c.health().counters?.polls ?? 0) >= 6);
    assert.ok((c.health().counters?.exceptions ?? 0) >= 1);
    assert.match(c.health().lastError ?? '', /Modbus exception 4 \(server device failure\)/);
    assert.equal(c.health().state, 'degraded');
    assert.deepEqual(of(samples, 'broken').map((s) => s.quality), ['bad'], 'one bad sample when the tag turns bad');
    assert.ok(of(samples, 'a').every((s) => s.quality === 'good' && s.value === 10));
    assert.equal(of(samples, 'far').at(-1)?.value, 20);
  });

  it('splits a merged read the server refuses (exception 2) into single reads', async () => {
    const server = await scriptedServer({ holding: { 0: 1, 5: 2, 6: 3 } }); // 1-4 do not exist
    cleanups.push(server.close);
    const c = poller(server.port, [h('a', 0), h('b', 5, { type: 'uint32' })]);
    const { context, samples } = recordingContext();
    await c.start(context);
    await waitFor('values', () => of(samples, 'a').length >= 2 && of(samples, 'b').length >= 2);
    assert.equal(c.health().counters?.blocksSplit, 1);
    assert.equal(c.deviceStatus()[0].blocks, 2);
    assert.equal(of(samples, 'b').at(-1)?.value, 2 * 65536 + 3);
    assert.ok(samples.every((s) => s.quality === 'good'));
  });

  it('times out on a slow device, retries, marks the tags bad and recovers', async () => {
    const server = await scriptedServer({ holding: { 0: 5, 1: { delayMs: 1000, value: 6 } } });
    cleanups.push(server.close);
    const c = poller(server.port, [h('fast', 0, { poll: 'fast' }), h('slow', 1)], { fast: 100 });
    const { context, samples } = recordingContext();
    await c.start(context);
    await waitFor('a timeout with a retry', () => (c.health().counters?.timeouts ?? 0) >= 2 && (c.health().counters?.retries ?? 0) >= 1, 10_000);
    assert.match(c.health().lastError ?? '', /no answer within 300 ms/);
    await waitFor('the slow tag marked bad', () => of(samples, 'slow').some((s) => s.quality === 'bad'));
    assert.ok(of(samples, 'slow').every((s) => s.quality === 'bad'), 'never a value with good quality from a timed-out read');
    server.state.holding[1] = 6;
    await waitFor('the slow tag good again', () => of(samples, 'slow').at(-1)?.quality === 'good', 10_000);
    assert.equal(of(samples, 'slow').at(-1)?.value, 6);
  });

  it('survives the server going away and coming back on the same port', async () => {
    let server = await scriptedServer({ holding: { 0: 42 } });
    const port = server.port;
    const c = poller(port, [h('v', 0)]);
    const { context, samples } = recordingContext();
    await c.start(context);
    await waitFor('values', () => of(samples, 'v').length >= 2);
    await server.close();
    await waitFor('disconnected', () => c.health().state === 'disconnected', 10_000);
    assert.equal(of(samples, 'v').filter((s) => s.quality === 'bad').length, 1);
    assert.equal(of(samples, 'v').at(-1)?.value, 42, 'the bad sample repeats the last good value');
    assert.ok((c.health().counters?.connectionErrors ?? 0) >= 1);
    const badAt = samples.length;
    server = await scriptedServer({ holding: { 0: 43 } }, port);
    cleanups.push(server.close);
    await waitFor('good values again', () => of(samples.slice(badAt), 'v').some((s) => s.quality === 'good' && s.value === 43), 10_000);
    assert.equal(c.health().state, 'connected');
    assert.ok((c.health().counters?.reconnects ?? 0) >= 1);
  });

  it('writes with read-back: fails when the device keeps another value or refuses', async () => {
    const server = await scriptedServer({ holding: { 0: 0, 1: 0, 2: { ignoresWrites: 9 }, 3: { exception: 3 } }, coils: { 0: false } });
    cleanups.push(server.close);
    const c = poller(server.port, [h('f', 0, { type: 'float32', writable: true }), h('stuck', 2, { writable: true }), h('refuses', 3, { writable: true, poll: 'none' }), { tag: 'test/m/dev/coil', area: 'coil', address: 0, writable: true }], { none: 3_600_000 });
    const { context, samples } = recordingContext();
    await c.start(context);
    await waitFor('first poll', () => (c.health().counters?.polls ?? 0) >= 1);
    await c.write('test/m/dev/f', 21.5);
    assert.deepEqual([server.state.holding[0], server.state.holding[1]], [0x41ac, 0]);
    assert.equal(of(samples, 'f').at(-1)?.value, 21.5, 'the read-back value is published');
    await c.write('test/m/dev/coil', true);
    assert.equal(server.state.coils[0], true);
    await assert.rejects(c.write('test/m/dev/stuck', 4), /wrote 4 \(registers 4\) to dev holding 2 but read back 9/);
    await assert.rejects(c.write('test/m/dev/refuses', 4), /Modbus exception 3 \(illegal data value\)/);
    assert.equal(c.health().counters?.writeErrors, 2);
  });

  it('does not start polling twice and stops cleanly', async () => {
    const server = await scriptedServer({ holding: { 0: 1 } });
    cleanups.push(server.close);
    const c = poller(server.port, [h('v', 0)]);
    const { context } = recordingContext();
    await c.start(context);
    await assert.rejects(c.start(context), /already running/);
    await c.stop();
    const requests = server.state.requests;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(server.state.requests, requests, 'no request after stop()');
    assert.equal(c.health().state, 'stopped');
  });
});
