// One device's TCP connection: serialised requests, timeouts, retries, reconnect backoff and counters.
import Modbus from 'modbus-serial';

// modbus-serial is CommonJS; its class is both module.exports and module.exports.default.
const ModbusRTU = Modbus.default;
type ModbusRTU = InstanceType<typeof Modbus.default>;
import type { ModbusDevice } from './config.js';

/** The part of a modbus-serial client the poller uses; tests may inject a fake. */
export type ModbusClient = Pick<
  ModbusRTU,
  'connectTCP' | 'setID' | 'setTimeout' | 'readCoils' | 'readDiscreteInputs' | 'readHoldingRegisters' | 'readInputRegisters' | 'writeCoil' | 'writeRegister' | 'writeRegisters' | 'close' | 'isOpen'
>;

export type ClientFactory = () => ModbusClient;

/** Modbus exception codes (Modbus Application Protocol v1.1b3, section 7). */
export const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** The device answered with a Modbus exception: the link is fine, the request was refused. */
export class ModbusExceptionError extends Error {
  constructor(
    readonly code: number,
    what: string,
  ) {
    super(`${what}: Modbus exception ${code} (${EXCEPTION_NAMES[code] ?? 'unknown'})`);
  }
}

/** The device is not reachable now (connection failed or in its reconnect backoff). */
export class DeviceUnavailableError extends Error {}

export interface LinkCounters {
  requests: number;
  exceptions: number;
  timeouts: number;
  connectionErrors: number;
  retries: number;
  connects: number;
  reconnects: number;
}

/**
 * A device's connection. Requests run one at a time (many PLCs answer one request per connection);
 * a timeout or a socket error closes the connection, so a late answer can never be taken for the
 * next request's; reconnects wait `backoff.initial`, doubling up to `backoff.max`.
 */
export class DeviceLink {
  readonly counters: LinkCounters = { requests: 0, exceptions: 0, timeouts: 0, connectionErrors: 0, retries: 0, connects: 0, reconnects: 0 };
  lastError: string | undefined;
  /** True while connected and the last request did not fail for link reasons. */
  up = false;
  private client: ModbusClient | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private backoffMs = 0;
  private nextAttemptAt = 0;
  private closed = false;

  constructor(
    readonly device: ModbusDevice,
    private readonly createClient: ClientFactory = () => new ModbusRTU(),
  ) {}

  /** Runs `op` on the connection after the requests queued before it, with the device's retries. */
  run<T>(what: string, op: (client: ModbusClient) => Promise<T>): Promise<T> {
    const result = this.chain.then(() => this.attempt(what, op));
    this.chain = result.catch(() => undefined);
    return result;
  }

  close(): Promise<void> {
    this.closed = true;
    return this.drop();
  }

  private async attempt<T>(what: string, op: (client: ModbusClient) => Promise<T>): Promise<T> {
    const { retries } = this.device;
    for (let attempt = 0; ; attempt++) {
      const client = await this.connection();
      this.counters.requests++;
      try {
        const value = await op(client);
        this.up = true;
        return value;
      } catch (error) {
        const e = error as { modbusCode?: number; errno?: string; message?: string };
        if (typeof e.modbusCode === 'number') {
          // A refusal is an answer: the link is up, and asking again gets the same refusal.
          this.counters.exceptions++;
          this.up = true;
          const refused = new ModbusExceptionError(e.modbusCode, `${this.device.id} ${what}`);
          this.lastError = refused.message;
          throw refused;
        }
        if (e.errno === 'ETIMEDOUT' || /timed out/i.test(e.message ?? '')) {
          this.counters.timeouts++;
          this.lastError = `${this.device.id} ${what}: no answer within ${this.device.timeout} ms`;
        } else {
          this.counters.connectionErrors++;
          this.lastError = `${this.device.id} ${what}: ${e.message ?? String(error)}`;
        }
        await this.drop();
        if (attempt >= retries || this.closed) {
          this.up = false;
          throw new DeviceUnavailableError(this.lastError);
        }
        this.counters.retries++;
      }
    }
  }

  private async connection(): Promise<ModbusClient> {
    if (this.closed) throw new DeviceUnavailableError(`${this.device.id}: connector stopped`);
    if (this.client?.isOpen) return this.client;
    const now = Date.now();
    if (now < this.nextAttemptAt) throw new DeviceUnavailableError(this.lastError ?? `${this.device.id}: reconnecting in ${this.nextAttemptAt - now} ms`);
    const { host, port, unitId, timeout, backoff } = this.device;
    const client = this.createClient();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connectTCP(host, { port }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`connect to ${host}:${port} timed out after ${timeout} ms`)), timeout);
        }),
      ]);
    } catch (error) {
      clearTimeout(timer);
      closeQuietly(client);
      this.up = false;
      this.counters.connectionErrors++;
      this.backoffMs = this.backoffMs === 0 ? backoff.initial : Math.min(backoff.max, this.backoffMs * 2);
      this.nextAttemptAt = Date.now() + this.backoffMs;
      this.lastError = `${this.device.id}: cannot connect to ${host}:${port}: ${(error as Error).message}; next attempt in ${this.backoffMs} ms`;
      throw new DeviceUnavailableError(this.lastError);
    }
    clearTimeout(timer);
    client.setID(unitId);
    client.setTimeout(timeout);
    if (this.counters.connects > 0) this.counters.reconnects++;
    this.counters.connects++;
    this.backoffMs = 0;
    this.nextAttemptAt = 0;
    this.client = client;
    return client;
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) closeQuietly(client);
  }
}

function closeQuietly(client: ModbusClient): void {
  try {
    client.close(() => undefined);
  } catch {
    // already closed
  }
}
