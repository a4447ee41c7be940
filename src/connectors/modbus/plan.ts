// Coalescing: the values of one poll group become as few block reads as the protocol allows.
import type { ModbusArea, ModbusRegister } from './config.js';
import { widthOf } from './codec.js';

/** Protocol limits per read request (Modbus Application Protocol v1.1b3, FC1/2: 2000 bits, FC3/4: 125 registers). */
export const MAX_REGISTERS_PER_READ = 125;
export const MAX_BITS_PER_READ = 2000;

/** One read request and the values it carries. */
export interface ReadBlock {
  area: ModbusArea;
  start: number;
  count: number;
  items: Array<{ register: ModbusRegister; offset: number; width: number }>;
}

export interface PlanOptions {
  /** Unused registers a block may span to merge neighbours. */
  maxGap: number;
  /** Unused bits a coil / discrete input block may span. */
  maxBitGap: number;
  maxRegisters?: number;
  maxBits?: number;
}

/**
 * Plans block reads for a set of register map entries: per area, sorted by address, neighbours merged
 * while the gap between them is at most `maxGap` (`maxBitGap` for bits) and the block stays within
 * the protocol limit. Overlapping entries (the same register read as two types) share a block.
 *
 * @example planReads([{ area: 'holding', address: 0, ... }, { area: 'holding', address: 3, ... }], { maxGap: 8, maxBitGap: 64 })
 * // one block: holding 0..3 (count 4)
 */
export function planReads(registers: readonly ModbusRegister[], options: PlanOptions): ReadBlock[] {
  const blocks: ReadBlock[] = [];
  const byArea = new Map<ModbusArea, ModbusRegister[]>();
  for (const r of registers) {
    const list = byArea.get(r.area) ?? [];
    list.push(r);
    byArea.set(r.area, list);
  }
  for (const [area, list] of byArea) {
    const bits = area === 'coil' || area === 'discrete';
    const limit = bits ? (options.maxBits ?? MAX_BITS_PER_READ) : (options.maxRegisters ?? MAX_REGISTERS_PER_READ);
    const gap = bits ? options.maxBitGap : options.maxGap;
    const sorted = [...list].sort((a, b) => a.address - b.address || widthOf(b) - widthOf(a));
    let current: ReadBlock | undefined;
    for (const register of sorted) {
      const width = widthOf(register);
      if (width > limit) throw new Error(`${register.tag}: ${width} registers exceed the ${limit} a single read may return`);
      if (register.address + width > 65536) throw new Error(`${register.tag}: address ${register.address} + ${width} runs past the last register 65535`);
      const end = register.address + width;
      const currentEnd = current ? current.start + current.count : 0;
      if (current && register.address - currentEnd <= gap && Math.max(end, currentEnd) - current.start <= limit) {
        current.count = Math.max(end, currentEnd) - current.start;
        current.items.push({ register, offset: register.address - current.start, width });
        continue;
      }
      current = { area, start: register.address, count: width, items: [{ register, offset: 0, width }] };
      blocks.push(current);
    }
  }
  return blocks;
}

/** Splits a block into one block per value: the fallback when a merged read spans an address the server refuses. */
export function splitBlock(block: ReadBlock): ReadBlock[] {
  return block.items.map((item) => ({ area: block.area, start: item.register.address, count: item.width, items: [{ ...item, offset: 0 }] }));
}
