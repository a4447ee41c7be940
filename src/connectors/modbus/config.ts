// The `modbus` connector's config block, declared once: validation, types and docs come from here.
import { z } from 'zod';
import { parseDuration } from '../../model/duration.js';

/** A duration as `250ms`, `5s` ... or a number of milliseconds. */
export const durationSchema = (fallback: string) =>
  z
    .union([z.string(), z.number().int().nonnegative()])
    .default(fallback)
    .transform((value, ctx) => {
      if (typeof value === 'number') return value;
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `'${value}' is not a duration: write a number and a unit, e.g. 250ms, 5s, 1m` });
        return z.NEVER;
      }
      return ms;
    });

export const MODBUS_AREAS = ['coil', 'discrete', 'holding', 'input'] as const;
export const MODBUS_TYPES = ['bool', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'string'] as const;
export type ModbusArea = (typeof MODBUS_AREAS)[number];
export type ModbusType = (typeof MODBUS_TYPES)[number];

/** One value in a device's register map. */
export const modbusRegisterSchema = z
  .object({
    tag: z.string().min(1).describe('Full UNS path of the tag, e.g. acme/berlin/line-1/press-1/temperature'),
    area: z.enum(MODBUS_AREAS).describe('coil (FC1/5/15), discrete input (FC2), holding register (FC3/6/16) or input register (FC4)'),
    address: z.number().int().min(0).max(65535).describe('Zero-based protocol address (register 40001 is holding address 0)'),
    type: z.enum(MODBUS_TYPES).optional().describe('bool for coils and discrete inputs (the default there); uint16 is the default for registers'),
    length: z.number().int().min(1).max(125).optional().describe('Registers a string occupies (2 characters each); required for type string'),
    wordOrder: z.enum(['big', 'little']).default('big').describe('32/64-bit values: big = high word first (ABCD), little = low word first (CDAB)'),
    byteOrder: z.enum(['big', 'little']).default('big').describe('Byte order inside each 16-bit register: big = as sent (AB), little = swapped (BA)'),
    scale: z.number().default(1).describe('Engineering value = raw x scale + offset'),
    offset: z.number().default(0).describe('Engineering value = raw x scale + offset'),
    unit: z.string().optional().describe('Engineering unit of the tag'),
    description: z.string().optional().describe('What the value measures'),
    poll: z.string().default('default').describe('Poll group (a key of pollGroups) that reads this value'),
    writable: z.boolean().default(false).describe('Allow write-back (coils and holding registers only)'),
  })
  .superRefine((r, ctx) => {
    const bitArea = r.area === 'coil' || r.area === 'discrete';
    const type = r.type ?? (bitArea ? 'bool' : 'uint16');
    if (bitArea !== (type === 'bool')) ctx.addIssue({ code: 'custom', path: ['type'], message: `${r.tag}: ${bitArea ? `${r.area}s hold single bits: use type bool` : `type bool needs a coil or discrete input, not a ${r.area} register`}` });
    if (type === 'string' && r.length === undefined) ctx.addIssue({ code: 'custom', path: ['length'], message: `${r.tag}: a string needs length (registers, 2 characters each)` });
    if (r.writable && (r.area === 'discrete' || r.area === 'input')) ctx.addIssue({ code: 'custom', path: ['writable'], message: `${r.tag}: ${r.area} ${r.area === 'input' ? 'registers' : 'inputs'} are read-only in Modbus; use a holding register or coil` });
    if (r.scale === 0) ctx.addIssue({ code: 'custom', path: ['scale'], message: `${r.tag}: scale 0 would make every value equal to the offset` });
  })
  .transform((r) => ({ ...r, type: r.type ?? (r.area === 'coil' || r.area === 'discrete' ? ('bool' as const) : ('uint16' as const)) }));

/** One Modbus TCP server (PLC, gateway, meter) at one unit id. */
export const modbusDeviceSchema = z.object({
  id: z.string().min(1).describe('Name of the device in health and logs'),
  host: z.string().default('127.0.0.1').describe('Host name or IP address'),
  port: z.number().int().min(1).max(65535).default(502).describe('TCP port (502 is the standard one)'),
  unitId: z.number().int().min(0).max(255).default(1).describe('Unit (slave) id; gateways route on it'),
  timeout: durationSchema('1s').describe('Time to wait for one response'),
  retries: z.number().int().min(0).max(10).default(1).describe('Extra attempts of a failed read or write before it counts as failed'),
  backoff: z
    .object({
      initial: durationSchema('1s').describe('Wait before the first reconnect'),
      max: durationSchema('30s').describe('Longest wait between reconnects (the wait doubles up to it)'),
    })
    .default({ initial: 1000, max: 30_000 })
    .describe('Reconnection backoff after the device stopped answering'),
  maxGap: z.number().int().min(0).max(124).default(8).describe('Unused registers a block read may span to merge two neighbours (0 = only adjacent)'),
  maxBitGap: z.number().int().min(0).max(1999).default(64).describe('Unused coils / discrete inputs a block read may span'),
  registers: z.array(modbusRegisterSchema).min(1).describe('The register map: every value to read'),
});

/** The whole `modbus` connector block. */
export const modbusConnectorSchema = z
  .object({
    id: z.string().default('modbus').describe('Connector id (health, logs, tag source)'),
    pollGroups: z.record(z.string(), durationSchema('1s')).default({ default: 1000 }).describe('Poll groups by name and their interval, e.g. { fast: 200ms, default: 1s }'),
    devices: z.array(modbusDeviceSchema).min(1).describe('Devices to poll'),
  })
  .superRefine((c, ctx) => {
    c.devices.forEach((d, i) => {
      d.registers.forEach((r, j) => {
        if (!Object.hasOwn(c.pollGroups, r.poll)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'registers', j, 'poll'], message: `${r.tag}: poll group '${r.poll}' is not in pollGroups (${Object.keys(c.pollGroups).join(', ')})` });
      });
    });
    const seen = new Set<string>();
    for (const d of c.devices) {
      for (const r of d.registers) {
        if (seen.has(r.tag)) ctx.addIssue({ code: 'custom', path: ['devices'], message: `tag '${r.tag}' is mapped twice` });
        seen.add(r.tag);
      }
    }
  });

export type ModbusRegister = z.output<typeof modbusRegisterSchema>;
export type ModbusRegisterInput = z.input<typeof modbusRegisterSchema>;
export type ModbusDevice = z.output<typeof modbusDeviceSchema>;
export type ModbusConnectorConfig = z.output<typeof modbusConnectorSchema>;
export type ModbusConnectorInput = z.input<typeof modbusConnectorSchema>;
