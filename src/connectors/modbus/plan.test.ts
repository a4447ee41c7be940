// Coalescing: which block reads a register map becomes.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { modbusRegisterSchema, type ModbusRegister, type ModbusRegisterInput } from './config.js';
import { widthOf } from './codec.js';
import { MAX_BITS_PER_READ, MAX_REGISTERS_PER_READ, planReads, splitBlock } from './plan.js';

const reg = (input: Omit<ModbusRegisterInput, 'tag'> & { tag?: string }): ModbusRegister => modbusRegisterSchema.parse({ tag: `t/${input.area}-${input.address}-${input.type ?? ''}`, ...input });
const shape = (blocks: ReturnType<typeof planReads>) => blocks.map((b) => `${b.area}:${b.start}+${b.count}`);

describe('modbus read planning', () => {
  it('merges adjacent and near registers, keeps areas apart', () => {
    const blocks = planReads(
      [
        reg({ area: 'holding', address: 0 }),
        reg({ area: 'holding', address: 1, type: 'float32' }),
        reg({ area: 'holding', address: 10 }), // gap of 7 after 3: merged with maxGap 8
        reg({ area: 'holding', address: 30 }), // gap of 19: a new block
        reg({ area: 'input', address: 0 }),
        reg({ area: 'coil', address: 0 }),
        reg({ area: 'coil', address: 60 }),
        reg({ area: 'coil', address: 200 }),
      ],
      { maxGap: 8, maxBitGap: 64 },
    );
    assert.deepEqual(shape(blocks).sort(), ['coil:0+61', 'coil:200+1', 'holding:0+11', 'holding:30+1', 'input:0+1'].sort());
    const holding = blocks.find((b) => b.area === 'holding' && b.start === 0)!;
    assert.deepEqual(
      holding.items.map((i) => [i.register.address, i.offset, i.width]),
      [
        [0, 0, 1],
        [1, 1, 2],
        [10, 10, 1],
      ],
    );
  });

  it('maxGap 0 merges only adjacent registers', () => {
    assert.deepEqual(shape(planReads([reg({ area: 'input', address: 0 }), reg({ area: 'input', address: 1 }), reg({ area: 'input', address: 3 })], { maxGap: 0, maxBitGap: 0 })), ['input:0+2', 'input:3+1']);
  });

  it('never exceeds 125 registers or 2000 bits per read', () => {
    const registers = Array.from({ length: 300 }, (_, i) => reg({ area: 'holding', address: i, type: 'uint16' }));
    const blocks = planReads(registers, { maxGap: 8, maxBitGap: 64 });
    assert.deepEqual(shape(blocks), ['holding:0+125', 'holding:125+125', 'holding:250+50']);
    const coils = Array.from({ length: 4500 }, (_, i) => reg({ area: 'coil', address: i }));
    assert.deepEqual(shape(planReads(coils, { maxGap: 8, maxBitGap: 64 })), ['coil:0+2000', 'coil:2000+2000', 'coil:4000+500']);
  });

  it('does not split a multi-register value across blocks', () => {
    const blocks = planReads([reg({ area: 'input', address: 0, type: 'uint16' }), reg({ area: 'input', address: 124, type: 'float32' })], { maxGap: 124, maxBitGap: 0 });
    assert.deepEqual(shape(blocks), ['input:0+1', 'input:124+2']);
  });

  it('overlapping entries share a block', () => {
    const blocks = planReads([reg({ area: 'holding', address: 0, type: 'uint32' }), reg({ area: 'holding', address: 1, type: 'uint16', tag: 't/low-word' })], { maxGap: 0, maxBitGap: 0 });
    assert.deepEqual(shape(blocks), ['holding:0+2']);
  });

  it('splits a block into single reads', () => {
    const [block] = planReads([reg({ area: 'input', address: 2 }), reg({ area: 'input', address: 5, type: 'int32' })], { maxGap: 8, maxBitGap: 0 });
    assert.deepEqual(shape(splitBlock(block)), ['input:2+1', 'input:5+2']);
    assert.ok(splitBlock(block).every((b) => b.items[0].offset === 0));
  });

  it('property: every value is read exactly once, inside its block, within the limits', () => {
    const entry = fc.record({
      area: fc.constantFrom('coil' as const, 'discrete' as const, 'holding' as const, 'input' as const),
      address: fc.integer({ min: 0, max: 3000 }),
      type: fc.constantFrom('uint16' as const, 'int32' as const, 'float64' as const),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 200 }), fc.integer({ min: 0, max: 130 }), fc.integer({ min: 0, max: 3000 }), (entries, maxGap, maxBitGap) => {
        const registers = entries.map((e, i) => reg({ tag: `t/${i}`, area: e.area, address: e.address, type: e.area === 'coil' || e.area === 'discrete' ? 'bool' : e.type }));
        const blocks = planReads(registers, { maxGap: Math.min(maxGap, 124), maxBitGap: Math.min(maxBitGap, 1999) });
        const seen = blocks.flatMap((b) => b.items.map((i) => i.register.tag)).sort();
        assert.deepEqual(seen, registers.map((r) => r.tag).sort());
        for (const b of blocks) {
          const bits = b.area === 'coil' || b.area === 'discrete';
          assert.ok(b.count <= (bits ? MAX_BITS_PER_READ : MAX_REGISTERS_PER_READ));
          for (const i of b.items) {
            assert.equal(i.register.area, b.area);
            assert.equal(b.start + i.offset, i.register.address);
            assert.ok(i.offset + widthOf(i.register) <= b.count);
          }
        }
      }),
    );
  });
});
