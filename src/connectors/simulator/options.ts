import type { ShiftPattern } from './shift-calendar.js';

/**
 * Options of the virtual factory. The `simulator` block of the Loom config (seed, speed, tickInterval,
 * faults, enabled) can be passed as it is; the other fields are for tests and special set-ups.
 */
export interface SimulatorOptions {
  /** Same seed (and same start time) -> identical samples. Default 42. */
  seed?: number;
  /** Simulated seconds per real second in live mode. Default 1. */
  speed?: number;
  /** Simulated time between ticks, ms. Default 1000. */
  tickMs?: number;
  /** The config schema's name for `tickMs` (already in ms); `tickMs` wins when both are set. */
  tickInterval?: number;
  /** Inject faults with a lead-up (bearing wear, thermal runaway). Default true. */
  faults?: boolean;
  /** Carried by the config block; the simulator ignores it (the registry decides whether to create it). */
  enabled?: boolean;
  /** Discrete tags (state, counts, product ...) are re-sent at least this often, ms. Default 60,000. */
  keepAliveMs?: number;
  /** Shift pattern of every site (time zone from the site). Default 06/14/22 with a 30-minute break. */
  shifts?: ShiftPattern;
  /** Length of each machine's weekly planned maintenance, minutes; 0 = none. Default 120. */
  maintenanceMinutes?: number;
  /** Mean time from one injected fault's repair to the next fault's first sign, per machine, hours. Default 60. */
  faultMeanIntervalHours?: number;
  /** Mean time between short unplanned power-offs (state offline), per machine, hours. Default 96. */
  offlineEveryHours?: number;
  /** Buffer between neighbouring machines of a line: how long a stop takes to starve or block them, seconds. Default 180. */
  lineBufferSeconds?: number;
  /** Counter wrap value per kind, overriding the kind's default (e.g. `{ cnc: 65536 }`). */
  counterRollover?: Record<string, number>;
  /**
   * Only these machines (paths) publish samples and tag definitions; the whole plant is still simulated,
   * so lines stay coupled and each machine behaves as in a run that emits everything. Default: all.
   */
  emitMachines?: readonly string[];
  /** The config's per-machine transports; the simulator ignores it (the connector registry uses it). */
  machines?: Record<string, string>;
  /** The config's transport; the simulator ignores it. */
  transport?: string;
}

/** Options with every default filled in. */
export interface ResolvedSimulatorOptions {
  seed: number;
  speed: number;
  tickMs: number;
  faults: boolean;
  keepAliveMs: number;
  shifts: ShiftPattern;
  maintenanceMinutes: number;
  faultMeanIntervalHours: number;
  offlineEveryHours: number;
  lineBufferSeconds: number;
  counterRollover: Record<string, number>;
  /** Machines that emit; undefined = all. */
  emitMachines: readonly string[] | undefined;
}

export function resolveOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
  const resolved: ResolvedSimulatorOptions = {
    seed: options.seed ?? 42,
    speed: options.speed ?? 1,
    tickMs: options.tickMs ?? options.tickInterval ?? 1000,
    faults: options.faults ?? true,
    keepAliveMs: options.keepAliveMs ?? 60_000,
    shifts: options.shifts ?? {},
    maintenanceMinutes: options.maintenanceMinutes ?? 120,
    faultMeanIntervalHours: options.faultMeanIntervalHours ?? 60,
    offlineEveryHours: options.offlineEveryHours ?? 96,
    lineBufferSeconds: options.lineBufferSeconds ?? 180,
    counterRollover: options.counterRollover ?? {},
    emitMachines: options.emitMachines ? [...options.emitMachines] : undefined,
  };
  const problems: string[] = [];
  if (!Number.isInteger(resolved.seed)) problems.push(`seed must be an integer (got ${resolved.seed})`);
  if (!(resolved.speed > 0) || !Number.isFinite(resolved.speed)) problems.push(`speed must be a positive number (got ${resolved.speed})`);
  if (!Number.isInteger(resolved.tickMs) || resolved.tickMs < 1) problems.push(`tickMs must be a whole number of ms, 1 or more (got ${resolved.tickMs})`);
  if (!(resolved.keepAliveMs > 0)) problems.push(`keepAliveMs must be positive (got ${resolved.keepAliveMs})`);
  if (!(resolved.maintenanceMinutes >= 0)) problems.push(`maintenanceMinutes must be 0 or more (got ${resolved.maintenanceMinutes})`);
  if (!(resolved.faultMeanIntervalHours > 0)) problems.push(`faultMeanIntervalHours must be positive (got ${resolved.faultMeanIntervalHours})`);
  if (!(resolved.offlineEveryHours > 0)) problems.push(`offlineEveryHours must be positive (got ${resolved.offlineEveryHours})`);
  if (!(resolved.lineBufferSeconds >= 0)) problems.push(`lineBufferSeconds must be 0 or more (got ${resolved.lineBufferSeconds})`);
  for (const [kind, value] of Object.entries(resolved.counterRollover)) {
    if (!Number.isInteger(value) || value < 2) problems.push(`counterRollover.${kind} must be an integer of 2 or more (got ${value})`);
  }
  if (problems.length > 0) throw new Error(`simulator options: ${problems.join('; ')}`);
  return resolved;
}
