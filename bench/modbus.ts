// Modbus benchmark: D simulated devices x R holding registers, polled every second by the modbus
// connector. The devices (modbus-serial ServerTCP, one port each) run in a child process so the CPU
// figure is the poller's alone.
// Run: node --import tsx bench/modbus.ts [--seconds 30] [--devices 100] [--registers 50]
// Prints one line per figure; the baseline (same run) is this process idle before polling starts.

import { fork } from 'node:child_process';
import { ModbusConnector, type ModbusConnectorInput } from '../src/connectors/modbus/index.js';
import { freePort, listen } from '../src/connectors/modbus/factory-server.js';
import { recordingContext } from '../src/connectors/modbus/testing.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seconds = option('seconds', 30);
const devices = option('devices', 100);
const registers = option('registers', 50);

if (args.includes('--serve')) {
  // Child: the devices. Each register holds (second + address) & 0xffff, so values change every second.
  const ports: number[] = [];
  for (let d = 0; d < devices; d++) {
    const port = await freePort();
    await listen({ getMultipleHoldingRegisters: (address: number, length: number) => Array.from({ length }, (_, i) => (Math.floor(Date.now() / 1000) + address + i + d) & 0xffff), getHoldingRegister: (address: number) => address }, '127.0.0.1', port);
    ports.push(port);
  }
  process.send?.({ ports });
} else {
  const child = fork(import.meta.filename, ['--serve', '--devices', String(devices), '--registers', String(registers)], { execArgv: ['--import', 'tsx'] });
  const ports = await new Promise<number[]>((resolve) => child.once('message', (m) => resolve((m as { ports: number[] }).ports)));
  const config: ModbusConnectorInput = {
    pollGroups: { default: '1s' },
    devices: ports.map((port, d) => ({
      id: `dev-${d}`,
      port,
      timeout: '1s',
      registers: Array.from({ length: registers }, (_, r) => ({ tag: `acme/plant/area/line-${d % 10}/dev-${d}/r${r}`, area: 'holding' as const, address: r, type: 'uint16' as const })),
    })),
  };
  const connector = new ModbusConnector({ config });
  const { context, samples } = recordingContext();
  let published = 0;
  context.publish = async (batch) => {
    published += batch.length;
    if (samples.length < 1) samples.push(batch[0]);
  };
  const cpuShare = async (ms: number) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
  };
  try {
    const idle = await cpuShare(3_000);
    await connector.start(context);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // connections made, first polls done
    const before = connector.health().counters!;
    const published0 = published;
    const busy = await cpuShare(seconds * 1000);
    const after = connector.health().counters!;
    const polls = (after.polls - before.polls) / seconds;
    console.log(`baseline     expected ${devices} polls/s (${devices} devices x 1 Hz), ${devices * registers} registers/s; idle process CPU ${(idle * 100).toFixed(1)} % of one core`);
    console.log(`poll rate    ${polls.toFixed(1)} polls/s, ${((after.reads - before.reads) / seconds).toFixed(1)} block reads/s, ${((published - published0) / seconds).toFixed(0)} values/s over ${seconds} s (ratio to expected ${(polls / devices).toFixed(3)})`);
    console.log(`cpu          ${(busy * 100).toFixed(1)} % of one core (${((busy * 100) / 2).toFixed(1)} % of the 2-core machine; +${((busy - idle) * 100).toFixed(1)} points over idle); devices in their own process`);
    console.log(`health       ${connector.health().state}, overruns ${after.pollOverruns - before.pollOverruns}, timeouts ${after.timeouts}, read errors ${after.readErrors}`);
  } finally {
    await connector.stop();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid as number, 'SIGTERM');
    await exited;
  }
}
