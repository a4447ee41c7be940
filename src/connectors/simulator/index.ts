// The virtual factory: a deterministic, seeded simulation of every machine in the plant model whose
// kind it knows, as a live connector and as a fast backfill. See README.md.

/** The live connector (`kind: 'simulator'`): `new VirtualFactory({ plant, options, dataDir })`. */
export { VirtualFactory, GROUND_TRUTH_FILE, type VirtualFactoryInit } from './virtual-factory.js';
/** Simulates [from, to) as fast as publish allows (or at N x real time) with progress: what `loom simulate` runs. */
export { runBackfill, type BackfillOptions, type BackfillResult } from './backfill.js';
/** The engine both share; step it yourself for tests and tools. */
export {
  FactorySimulation,
  simulatorTagDefinitions,
  simulatorCoverage,
  alignToTick,
  type SkippedMachine,
  type MachineStatus,
} from './engine.js';
/** Options (the config's `simulator` block fits) and their defaults. */
export { resolveOptions, type SimulatorOptions, type ResolvedSimulatorOptions } from './options.js';
/** Injected faults: the ground truth records and how to write them as JSON Lines. */
export { writeGroundTruth, groundTruthJsonl, FAULT_MODELS, type GroundTruthRecord, type FaultModel } from './faults.js';
/** Machine kinds the simulator knows, with products, signals and failure behaviour. */
export { MACHINE_KINDS, knownKinds, type KindProfile, type ProductSpec, type SignalSpec, type FaultKind } from './kinds.js';
/** State codes of the `state` tag. */
export { STATE_NAMES, STATE_CODES } from './states.js';
/** Shift calendar in a site's IANA time zone (shifts across midnight and DST handled). */
export { ShiftCalendar, type Shift, type ShiftPattern } from './shift-calendar.js';
/** Per-machine transports (`simulator.machines`): the config schema and the split of machines by transport. */
export { simulatorMachinesSchema, SIMULATOR_TRANSPORTS, type SimulatorTransport } from './config.js';
export { planTransports, type TransportPlan } from './transports.js';
/** Simulated machines served by an in-process protocol server and read back by Loom's client. */
export { ServedMachines, type ServedMachinesInit, type ServedTransport } from './served-machines.js';
