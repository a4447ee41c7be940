// Modbus TCP poller (`kind: 'modbus'`) and the virtual factory served over Modbus TCP. See README.md.

/** The connector: `new ModbusConnector({ config })`; `deviceStatus()` per device; `write(tag, value)` with read-back. */
export { ModbusConnector, type ModbusConnectorInit, type ModbusDeviceStatus } from './modbus-connector.js';
/** The config block as zod schemas (validation, types and docs). */
export {
  modbusConnectorSchema,
  modbusDeviceSchema,
  modbusRegisterSchema,
  MODBUS_AREAS,
  MODBUS_TYPES,
  type ModbusConnectorConfig,
  type ModbusConnectorInput,
  type ModbusDevice,
  type ModbusRegister,
  type ModbusRegisterInput,
  type ModbusArea,
  type ModbusType,
} from './config.js';
/** Register decoding and encoding (word/byte order, scale/offset, strings). */
export { decode, encode, widthOf, type ValueSpec } from './codec.js';
/** Coalescing of register maps into block reads. */
export { planReads, MAX_REGISTERS_PER_READ, MAX_BITS_PER_READ, type ReadBlock } from './plan.js';
/** Protocol client injection and error types. */
export { EXCEPTION_NAMES, ModbusExceptionError, DeviceUnavailableError, type ModbusClient, type ClientFactory } from './device-link.js';
/** The virtual factory as Modbus TCP servers, and its register map. */
export { serveFactoryModbus, type ServeFactoryModbusOptions, type ServedFactoryModbus, type ServedMachine } from './factory-server.js';
export { factoryRegisterMap, factoryClientRegisters, type FactoryRegister } from './factory-map.js';
/** Simulated machines as in-process Modbus devices with the poller reading them (simulator.machines: modbus). */
export { serveSimulatedModbus } from './simulated-server.js';
