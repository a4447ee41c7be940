// The Modbus TCP poller as a Loom connector: poll groups, block reads, decoding, quality, write-back.
import type { SampleValue, TagDefinition } from '../../model/index.js';
import type { Connector, ConnectorContext, ConnectorHealth, ConnectorState, RawSample } from '../types.js';
import { decode, encode, widthOf } from './codec.js';
import { modbusConnectorSchema, type ModbusConnectorConfig, type ModbusConnectorInput, type ModbusDevice, type ModbusRegister } from './config.js';
import { DeviceLink, ModbusExceptionError, type ClientFactory, type ModbusClient } from './device-link.js';
import { planReads, splitBlock, type ReadBlock } from './plan.js';

export interface ModbusConnectorInit {
  /** The `modbus` config block (validated here). */
  config: ModbusConnectorInput;
  /** Injects the protocol client (tests use fakes); default: a modbus-serial client per connection. */
  createClient?: ClientFactory;
}

/** One device's status, for the system page. */
export interface ModbusDeviceStatus {
  id: string;
  address: string;
  unitId: number;
  up: boolean;
  lastError?: string;
  blocks: number;
}

interface PollGroup {
  name: string;
  intervalMs: number;
  blocks: ReadBlock[];
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

interface DeviceRuntime {
  device: ModbusDevice;
  link: DeviceLink;
  groups: PollGroup[];
}

const TYPE_OF: Record<ModbusRegister['type'], TagDefinition['type']> = {
  bool: 'boolean',
  int16: 'number',
  uint16: 'number',
  int32: 'number',
  uint32: 'number',
  float32: 'number',
  float64: 'number',
  string: 'string',
};

const ZERO: Record<TagDefinition['type'], SampleValue> = { number: 0, boolean: false, string: '', json: '' };

/**
 * Polls Modbus TCP devices (`kind: 'modbus'`). Each poll group of each device reads its values in
 * coalesced block reads on its interval; a failed read marks its tags bad (once, at the failure)
 * instead of storing a stale or wrong value as good.
 *
 * @example
 * const modbus = new ModbusConnector({ config: { devices: [{ id: 'plc-1', host: '10.0.0.5', registers: [
 *   { tag: 'acme/berlin/line-1/press-1/temperature', area: 'input', address: 0, type: 'int16', scale: 0.1, unit: 'degC' }] }] } });
 */
export class ModbusConnector implements Connector {
  readonly id: string;
  readonly kind = 'modbus';
  readonly config: ModbusConnectorConfig;
  private readonly createClient: ClientFactory | undefined;
  private devices: DeviceRuntime[] = [];
  private context: ConnectorContext | undefined;
  private running = false;
  private polled = false;
  private readonly byTag = new Map<string, { register: ModbusRegister; runtime: () => DeviceRuntime | undefined }>();
  /** Last good value per tag (bad samples repeat it) and which tags are bad now. */
  private readonly lastGood = new Map<string, SampleValue>();
  private readonly bad = new Set<string>();
  private readonly counters = { polls: 0, pollOverruns: 0, reads: 0, readErrors: 0, samples: 0, badSamples: 0, decodeErrors: 0, writes: 0, writeErrors: 0, blocksSplit: 0, publishErrors: 0 };
  private lastError: string | undefined;

  constructor(init: ModbusConnectorInit) {
    this.config = modbusConnectorSchema.parse(init.config);
    this.id = this.config.id;
    this.createClient = init.createClient;
    for (const device of this.config.devices) {
      for (const register of device.registers) {
        this.byTag.set(register.tag, { register, runtime: () => this.devices.find((d) => d.device === device) });
      }
    }
  }

  tagDefinitions(): TagDefinition[] {
    return this.config.devices.flatMap((device) =>
      device.registers.map((r) => {
        const slash = r.tag.lastIndexOf('/');
        return {
          path: r.tag,
          asset: slash > 0 ? r.tag.slice(0, slash) : r.tag,
          name: r.tag.slice(slash + 1),
          type: TYPE_OF[r.type],
          unit: r.unit,
          description: r.description ?? `Modbus ${device.id} unit ${device.unitId} ${r.area} ${r.address} (${r.type})`,
          source: this.id,
        };
      }),
    );
  }

  async start(context: ConnectorContext): Promise<void> {
    if (this.running) throw new Error(`connector '${this.id}' is already running: stop it first`);
    this.context = context;
    this.running = true;
    this.polled = false;
    this.devices = this.config.devices.map((device) => {
      const link = new DeviceLink(device, this.createClient);
      const groups: PollGroup[] = [];
      for (const [name, intervalMs] of Object.entries(this.config.pollGroups)) {
        const registers = device.registers.filter((r) => r.poll === name);
        if (registers.length === 0) continue;
        groups.push({ name, intervalMs, blocks: planReads(registers, device) });
      }
      return { device, link, groups };
    });
    for (const runtime of this.devices) for (const group of runtime.groups) this.schedule(runtime, group, Date.now());
    context.logger.info({ devices: this.devices.length, blocks: this.devices.reduce((n, d) => n + d.groups.reduce((m, g) => m + g.blocks.length, 0), 0) }, 'modbus poller started');
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const runtime of this.devices) {
      for (const group of runtime.groups) {
        clearTimeout(group.timer);
        await group.running;
      }
      await runtime.link.close();
    }
  }

  health(): ConnectorHealth {
    const links = this.devices.map((d) => d.link);
    const up = links.filter((l) => l.up).length;
    let state: ConnectorState;
    if (!this.running) state = 'stopped';
    else if (!this.polled) state = 'starting';
    else if (up === links.length) state = this.bad.size > 0 ? 'degraded' : 'connected';
    else state = up === 0 ? 'disconnected' : 'degraded';
    const sum = (key: keyof DeviceLink['counters']) => links.reduce((n, l) => n + l.counters[key], 0);
    return {
      id: this.id,
      kind: this.kind,
      state,
      lastError: this.lastError ?? links.find((l) => l.lastError)?.lastError,
      counters: {
        ...this.counters,
        requests: sum('requests'),
        exceptions: sum('exceptions'),
        timeouts: sum('timeouts'),
        connectionErrors: sum('connectionErrors'),
        retries: sum('retries'),
        reconnects: sum('reconnects'),
        devicesUp: up,
        devicesDown: links.length - up,
        tagsBad: this.bad.size,
      },
    };
  }

  /** Per-device status: address, unit id, whether it answers, its last error. */
  deviceStatus(): ModbusDeviceStatus[] {
    return this.devices.map(({ device, link, groups }) => ({
      id: device.id,
      address: `${device.host}:${device.port}`,
      unitId: device.unitId,
      up: link.up,
      lastError: link.lastError,
      blocks: groups.reduce((n, g) => n + g.blocks.length, 0),
    }));
  }

  /**
   * Writes a value to a writable coil or holding register, reads it back and fails when the device
   * holds anything else afterwards. The read-back value is published as a sample.
   */
  async write(tag: string, value: SampleValue): Promise<void> {
    const entry = this.byTag.get(tag);
    if (!entry) throw new Error(`modbus connector '${this.id}' does not map tag '${tag}'`);
    const { register } = entry;
    if (!register.writable) throw new Error(`${tag} is not writable: set writable: true on its register (coils and holding registers only)`);
    const runtime = entry.runtime();
    if (!runtime || !this.running) throw new Error(`modbus connector '${this.id}' is not running`);
    const words = encode(value, register);
    const { link } = runtime;
    const where = `${register.area} ${register.address}`;
    this.counters.writes++;
    try {
      await link.run(`write ${where}`, async (client) => {
        if (register.area === 'coil') await client.writeCoil(register.address, words[0] === 1);
        else if (words.length === 1) await client.writeRegister(register.address, words[0]);
        else await client.writeRegisters(register.address, words);
      });
      const block: ReadBlock = { area: register.area, start: register.address, count: widthOf(register), items: [{ register, offset: 0, width: widthOf(register) }] };
      const back = await link.run(`read-back ${where}`, (client) => readBlock(client, block));
      if (back.some((w, i) => w !== words[i])) {
        throw new Error(`${tag}: wrote ${JSON.stringify(value)} (registers ${words.join(',')}) to ${runtime.device.id} ${where} but read back ${back.join(',')} = ${JSON.stringify(decode(back, register))}`);
      }
      this.emit([{ tag, ts: Date.now(), value: decode(back, register), quality: 'good' }]);
    } catch (error) {
      this.counters.writeErrors++;
      this.lastError = (error as Error).message;
      throw error;
    }
  }

  private schedule(runtime: DeviceRuntime, group: PollGroup, at: number): void {
    if (!this.running) return;
    group.timer = setTimeout(() => {
      const started = Date.now();
      group.running = this.poll(runtime, group).finally(() => {
        group.running = undefined;
        // Fixed cadence; a poll that takes longer than the interval skips the missed slots and is counted.
        let next = at + group.intervalMs;
        const now = Date.now();
        if (next <= now) {
          this.counters.pollOverruns += Math.floor((now - next) / group.intervalMs) + 1;
          next = Math.max(now, started + group.intervalMs);
        }
        this.schedule(runtime, group, next);
      });
    }, Math.max(0, at - Date.now()));
  }

  private async poll(runtime: DeviceRuntime, group: PollGroup): Promise<void> {
    this.counters.polls++;
    const out: RawSample[] = [];
    for (let i = 0; i < group.blocks.length && this.running; i++) {
      const block = group.blocks[i];
      this.counters.reads++;
      try {
        const words = await runtime.link.run(`read ${block.area} ${block.start}+${block.count}`, (client) => readBlock(client, block));
        this.decodeBlock(block, words, Date.now(), out);
      } catch (error) {
        if (error instanceof ModbusExceptionError && error.code === 2 && block.items.length > 1) {
          // A merged read spans an address the device does not have: read its values one by one from now on.
          group.blocks.splice(i, 1, ...splitBlock(block));
          this.counters.blocksSplit++;
          i--;
          continue;
        }
        this.counters.readErrors++;
        this.markBad(block, Date.now(), out);
      }
    }
    this.polled = true;
    this.emit(out);
  }

  private decodeBlock(block: ReadBlock, words: number[], ts: number, out: RawSample[]): void {
    for (const { register, offset, width } of block.items) {
      let value: SampleValue;
      try {
        value = decode(words.slice(offset, offset + width), register);
      } catch (error) {
        this.counters.decodeErrors++;
        this.lastError = `${register.tag}: ${(error as Error).message}`;
        this.markTagBad(register, ts, out);
        continue;
      }
      if (typeof value === 'number' && !Number.isFinite(value)) {
        // A NaN or infinite float is the device saying "no valid value": keep it out, mark the tag bad.
        this.counters.decodeErrors++;
        this.markTagBad(register, ts, out);
        continue;
      }
      this.bad.delete(register.tag);
      this.lastGood.set(register.tag, value);
      out.push({ tag: register.tag, ts, value, quality: 'good' });
    }
  }

  private markBad(block: ReadBlock, ts: number, out: RawSample[]): void {
    for (const { register } of block.items) this.markTagBad(register, ts, out);
  }

  /** One bad sample when a tag turns bad (carrying its last good value, or zero), none while it stays bad. */
  private markTagBad(register: ModbusRegister, ts: number, out: RawSample[]): void {
    if (this.bad.has(register.tag)) return;
    this.bad.add(register.tag);
    this.counters.badSamples++;
    out.push({ tag: register.tag, ts, value: this.lastGood.get(register.tag) ?? ZERO[TYPE_OF[register.type]], quality: 'bad' });
  }

  private emit(samples: RawSample[]): void {
    if (samples.length === 0 || !this.context) return;
    this.counters.samples += samples.length;
    this.context.publish(samples, this.id).catch((error: unknown) => {
      this.counters.publishErrors++;
      this.lastError = `publish failed: ${(error as Error).message}`;
    });
  }
}

/** Reads one block as 16-bit words (bits as 0/1). */
async function readBlock(client: ModbusClient, block: ReadBlock): Promise<number[]> {
  switch (block.area) {
    case 'coil':
      return (await client.readCoils(block.start, block.count)).data.slice(0, block.count).map(Number);
    case 'discrete':
      return (await client.readDiscreteInputs(block.start, block.count)).data.slice(0, block.count).map(Number);
    case 'holding':
      return (await client.readHoldingRegisters(block.start, block.count)).data;
    case 'input':
      return (await client.readInputRegisters(block.start, block.count)).data;
  }
}
