// Interoperability with a third-party Modbus TCP server: Debian's python3-pymodbus (peer/pymodbus-server.py).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from './factory-server.js';
import { ModbusConnector } from './modbus-connector.js';
import { recordingContext, waitFor } from './testing.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'peer', 'pymodbus-server.py');
const children: ChildProcess[] = [];
const connectors: ModbusConnector[] = [];

async function startPeer(port: number, unit: number): Promise<ChildProcess> {
  const child = spawn(PYTHON, [SCRIPT, String(port), String(unit)], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor(`pymodbus listening on ${port} (${stderr})`, () => child.exitCode === null, 100);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (ok) return child;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`pymodbus server on port ${port} did not start (exit ${child.exitCode}, ${child.signalCode}): ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function killPeer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid as number, 'SIGKILL');
  await exited;
}

after(async () => {
  for (const c of connectors) await c.stop();
  for (const child of children) await killPeer(child);
});

const hasPymodbus = existsSync('/usr/lib/python3/dist-packages/pymodbus');

describe('modbus poller against pymodbus (third-party peer)', { skip: hasPymodbus || process.env.CI === 'true' ? false : 'python3-pymodbus is not installed (apt-get install -y python3-pymodbus)' }, () => {
  it('decodes every type, writes with read-back, survives a kill and restart, and times out on a wrong unit id', async () => {
    const port = await freePort();
    let peer = await startPeer(port, 3);
    const tag = (name: string) => `test/pymodbus/plc/${name}`;
    const c = new ModbusConnector({
      config: {
        pollGroups: { default: 150 },
        devices: [
          {
            id: 'pymodbus',
            port,
            unitId: 3,
            timeout: 500,
            retries: 0,
            backoff: { initial: 100, max: 300 },
            registers: [
              { tag: tag('i16'), area: 'holding', address: 0, type: 'int16' },
              { tag: tag('f32'), area: 'holding', address: 1, type: 'float32' },
              { tag: tag('i32le'), area: 'holding', address: 3, type: 'int32', wordOrder: 'little' },
              { tag: tag('u32'), area: 'holding', address: 5, type: 'uint32' },
              { tag: tag('f64'), area: 'holding', address: 7, type: 'float64' },
              { tag: tag('text'), area: 'holding', address: 11, type: 'string', length: 4 },
              { tag: tag('scaled'), area: 'holding', address: 15, type: 'uint16', scale: 0.1 },
              { tag: tag('setpoint'), area: 'holding', address: 20, type: 'float32', writable: true },
              { tag: tag('swapped'), area: 'input', address: 0, type: 'float32', byteOrder: 'little' },
              { tag: tag('coil0'), area: 'coil', address: 0 },
              { tag: tag('coil9'), area: 'coil', address: 9, writable: true },
              { tag: tag('di1'), area: 'discrete', address: 1 },
            ],
          },
          // Same server, a unit id it does not serve: pymodbus stays silent, so this is a timeout.
          { id: 'wrong-unit', port, unitId: 9, timeout: 300, retries: 0, backoff: { initial: 100, max: 300 }, registers: [{ tag: tag('ghost'), area: 'holding', address: 0 }] },
        ],
      },
    });
    connectors.push(c);
    const { context, samples } = recordingContext();
    await c.start(context);
    const last = (name: string) => samples.filter((s) => s.tag === tag(name)).at(-1);
    await waitFor('values from pymodbus', () => last('di1') !== undefined && last('f64') !== undefined, 10_000);
    assert.deepEqual(
      Object.fromEntries(['i16', 'f32', 'i32le', 'u32', 'f64', 'text', 'scaled', 'swapped', 'coil0', 'coil9', 'di1'].map((n) => [n, last(n)?.value])),
      { i16: -1234, f32: 21.5, i32le: -100000, u32: 123456789, f64: -0.000123, text: 'PYMB-01', scaled: 6553.5, swapped: 1.25, coil0: true, coil9: true, di1: true },
    );
    assert.ok(samples.filter((s) => s.tag !== tag('ghost')).every((s) => s.quality === 'good'));
    await c.write(tag('setpoint'), 12.75);
    await c.write(tag('coil9'), false);
    await waitFor('written values polled back', () => last('setpoint')?.value === 12.75 && last('coil9')?.value === false);
    await waitFor('the wrong unit id timing out', () => last('ghost')?.quality === 'bad' && (c.health().counters?.timeouts ?? 0) >= 1);

    await killPeer(peer);
    await waitFor('pymodbus tags marked bad', () => last('f32')?.quality === 'bad', 10_000);
    assert.equal(c.deviceStatus().find((d) => d.id === 'pymodbus')?.up, false);
    const mark = samples.length;
    peer = await startPeer(port, 3);
    await waitFor('values after the restart', () => samples.slice(mark).some((s) => s.tag === tag('f32') && s.quality === 'good'), 15_000);
    // A fresh pymodbus starts from its initial map: the setpoint is 0 again, and we read that, not our old write.
    await waitFor('the fresh setpoint', () => last('setpoint')?.value === 0 && last('setpoint')?.quality === 'good');
    await c.stop();
    await killPeer(peer);
  });
});
