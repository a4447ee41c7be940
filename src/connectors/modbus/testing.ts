// Helpers for the Modbus tests and benchmark: a recording context, waiting, a scriptable server.
import { pino } from 'pino';
import { TagRegistry } from '../../model/index.js';
import type { ConnectorContext, RawSample } from '../types.js';
import { freePort, listen } from './factory-server.js';

/** A connector context that records every published sample. */
export function recordingContext(): { context: ConnectorContext; samples: RawSample[] } {
  const samples: RawSample[] = [];
  const context: ConnectorContext = { registry: new TagRegistry(), logger: pino({ level: 'silent' }), publish: async (batch) => void samples.push(...batch) };
  return { context, samples };
}

/** Polls `predicate` every 25 ms until it holds; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Behaviour of one holding register of the scripted server. */
export type ScriptedRegister = number | { exception: number } | { delayMs: number; value: number } | { ignoresWrites: number };

/**
 * A modbus-serial ServerTCP whose holding registers and coils follow a script: plain values,
 * an exception code, a slow answer, or a register that acknowledges writes and keeps its value.
 * Addresses outside the script answer exception 2. Counts requests.
 */
export async function scriptedServer(script: { holding: Record<number, ScriptedRegister>; coils?: Record<number, boolean> }, port?: number) {
  const host = '127.0.0.1';
  const actualPort = port ?? (await freePort(host));
  const state = { requests: 0, holding: { ...script.holding }, coils: { ...(script.coils ?? {}) } };
  const read = async (address: number): Promise<number> => {
    const entry = state.holding[address];
    if (entry === undefined) throw { modbusErrorCode: 2 };
    if (typeof entry === 'number') return entry;
    if ('exception' in entry) throw { modbusErrorCode: entry.exception };
    if ('delayMs' in entry) {
      await new Promise((resolve) => setTimeout(resolve, entry.delayMs));
      return entry.value;
    }
    return entry.ignoresWrites;
  };
  const vector = {
    // The callback form: modbus-serial only awaits promises per register, not for whole blocks.
    getMultipleHoldingRegisters: (address: number, length: number, _unitId: number, callback: (error: unknown, values?: number[]) => void) => {
      state.requests++;
      (async () => {
        const values: number[] = [];
        for (let i = 0; i < length; i++) values.push(await read(address + i));
        return values;
      })().then(
        (values) => callback(null, values),
        (error: unknown) => callback(error),
      );
    },
    getHoldingRegister: async (address: number) => {
      state.requests++;
      return read(address);
    },
    setRegister: (address: number, value: number) => {
      const entry = state.holding[address];
      if (entry === undefined) throw { modbusErrorCode: 2 };
      if (typeof entry === 'object' && 'exception' in entry) throw { modbusErrorCode: entry.exception };
      if (typeof entry === 'number') state.holding[address] = value;
    },
    getCoil: (address: number) => {
      state.requests++;
      if (!(address in state.coils)) throw { modbusErrorCode: 2 };
      return state.coils[address];
    },
    setCoil: (address: number, value: boolean) => {
      if (!(address in state.coils)) throw { modbusErrorCode: 2 };
      state.coils[address] = value;
    },
  };
  const server = await listen(vector, host, actualPort);
  return { port: actualPort, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
