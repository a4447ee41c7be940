import { listMachines, type MachineRef, type PlantConfig, type TagDefinition } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { MACHINE_KINDS, type KindProfile } from './kinds.js';
import type { GroundTruthRecord } from './faults.js';
import { MachineSim, type GroundTruthSink } from './machine.js';
import { resolveOptions, type ResolvedSimulatorOptions, type SimulatorOptions } from './options.js';
import { ShiftCalendar, type Shift } from './shift-calendar.js';
import { planOfSite, siteShiftPattern } from '../../analytics/oee/site-plan.js';
import type { PlanCalendar, PlanSlot } from '../../analytics/oee/plan-calendar.js';
import { STATE_NAMES } from './states.js';
import { machineTagDefinitions } from './tags.js';

/** A machine of the plant config the simulator does not simulate, and why. */
export interface SkippedMachine {
  path: string;
  kind?: string;
  reason: string;
}

/** What one simulated machine is doing now. */
export interface MachineStatus {
  machine: string;
  kind: string;
  state: string;
  product: string;
  order: string;
}

interface SimLine {
  calendar: ShiftCalendar;
  /** The site's plan when its `shifts` block lists daily breaks (a break may cross shifts and midnight). */
  plan?: { calendar: PlanCalendar; slot?: PlanSlot; from: number };
  machines: MachineSim[];
  /** Per machine: whether its samples go out (options.emitMachines). */
  emits: boolean[];
}

/** The first tick at or after `ts`: ticks sit on multiples of the tick interval (whole seconds by default). */
export function alignToTick(ts: number, tickMs: number): number {
  return Math.ceil(ts / tickMs) * tickMs;
}

function isResolved(options: SimulatorOptions | ResolvedSimulatorOptions): options is ResolvedSimulatorOptions {
  return 'counterRollover' in options && 'maintenanceMinutes' in options && 'shifts' in options && typeof options.tickMs === 'number' && 'lineBufferSeconds' in options && 'emitMachines' in options;
}

function classify(plant: PlantConfig, options: ResolvedSimulatorOptions) {
  const simulated: Array<{ ref: MachineRef; profile: KindProfile; rollover: number }> = [];
  const skipped: SkippedMachine[] = [];
  for (const ref of listMachines(plant)) {
    const profile = ref.kind !== undefined && Object.hasOwn(MACHINE_KINDS, ref.kind) ? MACHINE_KINDS[ref.kind] : undefined;
    if (!profile) {
      skipped.push({
        path: ref.path,
        kind: ref.kind,
        reason: ref.kind === undefined ? 'no kind given' : `unknown kind '${ref.kind}' (the simulator knows ${Object.keys(MACHINE_KINDS).join(', ')})`,
      });
      continue;
    }
    simulated.push({ ref, profile, rollover: options.counterRollover[profile.kind] ?? profile.counterRollover });
  }
  return { simulated, skipped };
}

/** Which machines of a plant the simulator simulates (paths) and which it skips (with the reason). */
export function simulatorCoverage(plant: PlantConfig, options: SimulatorOptions = {}): { simulated: string[]; skipped: SkippedMachine[] } {
  const { simulated, skipped } = classify(plant, resolveOptions(options));
  return { simulated: simulated.map((m) => m.ref.path), skipped };
}

/** Tag definitions of every machine the simulator would simulate in this plant (no simulation is built). */
export function simulatorTagDefinitions(plant: PlantConfig, options: SimulatorOptions = {}): TagDefinition[] {
  const resolved = resolveOptions(options);
  return classify(plant, resolved)
    .simulated.filter(({ ref }) => emits(resolved, ref.path))
    .flatMap(({ ref, profile, rollover }) => machineTagDefinitions(ref.path, profile, rollover));
}

function emits(options: ResolvedSimulatorOptions, path: string): boolean {
  return options.emitMachines === undefined || options.emitMachines.includes(path);
}

/**
 * The virtual factory's engine: every simulated machine of a plant, stepped one tick at a time on a
 * fixed grid from `start`. Pure computation (no timers, no I/O), so the live connector and the
 * backfill share it, and the same seed, options and start give the same samples.
 *
 * @example
 * const sim = new FactorySimulation(config.plant, { seed: 7 }, Date.UTC(2025, 0, 6));
 * const out: RawSample[] = [];
 * while (sim.nextTs < end) sim.step(out);
 */
export class FactorySimulation {
  readonly options: ResolvedSimulatorOptions;
  /** Time of the first tick (aligned to the tick grid). */
  readonly startTs: number;
  /** Time of the next tick `step` will simulate. */
  nextTs: number;
  ticks = 0;
  samples = 0;
  readonly skipped: SkippedMachine[];
  /** Called when an injected fault breaks a machine down and when its repair ends. */
  onGroundTruth: GroundTruthSink | undefined;
  private readonly machines: MachineSim[] = [];
  private readonly lines: SimLine[] = [];
  private readonly truth: GroundTruthRecord[] = [];
  private readonly defs: TagDefinition[] = [];
  private readonly scratch: RawSample[] = [];

  constructor(plant: PlantConfig, options: SimulatorOptions | ResolvedSimulatorOptions = {}, start: number | Date = Date.now()) {
    this.options = isResolved(options) ? options : resolveOptions(options);
    this.startTs = alignToTick(typeof start === 'number' ? start : start.getTime(), this.options.tickMs);
    this.nextTs = this.startTs;
    const { simulated, skipped } = classify(plant, this.options);
    this.skipped = skipped;

    // A site's `shifts` block (the one the OEE plans with) wins over the simulator's own pattern.
    const calendars = new Map<string, ShiftCalendar>();
    const plans = new Map<string, PlanCalendar>();
    const lines = new Map<string, SimLine>();
    const sink: GroundTruthSink = (record, event) => {
      if (event === 'failure') this.truth.push(record);
      this.onGroundTruth?.(record, event);
    };
    simulated.forEach(({ ref, profile, rollover }, index) => {
      let calendar = calendars.get(ref.site);
      if (!calendar) {
        const shifts = plant.sites.find((site) => `${plant.enterprise.id}/${site.id}` === ref.site)?.shifts;
        try {
          calendar = new ShiftCalendar(ref.timezone, shifts ? siteShiftPattern(shifts) : this.options.shifts);
        } catch (error) {
          throw new Error(`simulator, site ${ref.site}: ${(error as Error).message}`);
        }
        calendars.set(ref.site, calendar);
        if (shifts && shifts.breaks.length > 0) plans.set(ref.site, planOfSite(ref.timezone, shifts));
      }
      let line = lines.get(ref.line);
      if (!line) {
        const plan = plans.get(ref.site);
        line = { calendar, plan: plan ? { calendar: plan, from: 0 } : undefined, machines: [], emits: [] };
        lines.set(ref.line, line);
        this.lines.push(line);
      }
      const machine = new MachineSim({ path: ref.path, index, profile, options: this.options, counterRollover: rollover, startTs: this.startTs, sink });
      // Machines of a line are coupled in config order: upstream first.
      const previous = line.machines.at(-1);
      if (previous) {
        previous.down = machine;
        machine.up = previous;
      }
      line.machines.push(machine);
      line.emits.push(emits(this.options, ref.path));
      this.machines.push(machine);
      if (emits(this.options, ref.path)) this.defs.push(...machineTagDefinitions(ref.path, profile, rollover));
    });
  }

  /** Number of machines simulated. */
  get machineCount(): number {
    return this.machines.length;
  }

  /** Full definitions of every tag the simulation publishes. */
  tagDefinitions(): TagDefinition[] {
    return this.defs.map((d) => ({ ...d, states: d.states ? { ...d.states } : undefined }));
  }

  /**
   * Simulates the tick at `nextTs`, appends its samples to `out` and moves on by one tick.
   * Returns how many samples were appended.
   */
  step(out: RawSample[], historical = false): number {
    const ts = this.nextTs;
    let n = 0;
    const lines = this.lines;
    for (let l = 0; l < lines.length; l++) {
      const line = lines[l];
      const shift = line.plan ? shiftWithPlannedBreaks(line.calendar.at(ts), line.plan, ts) : line.calendar.at(ts);
      const machines = line.machines;
      for (let i = 0; i < machines.length; i++) machines[i].advance(ts, shift);
      for (let i = machines.length - 1; i >= 0; i--) machines[i].settleBlocked(ts);
      for (let i = 0; i < machines.length; i++) {
        if (line.emits[i]) n += machines[i].emit(ts, out, historical);
        else {
          // Emitting draws noise: a silent machine still emits (into a scratch list) so it behaves the same.
          machines[i].emit(ts, this.scratch, historical);
          this.scratch.length = 0;
        }
      }
    }
    this.nextTs = ts + this.options.tickMs;
    this.ticks++;
    this.samples += n;
    return n;
  }

  /**
   * Makes the next step send every tag of every machine, as at a keep-alive. A server that takes over
   * a running simulation (after a backfill) calls it, so it does not start from empty variables.
   */
  resendAll(): void {
    for (const machine of this.machines) machine.resendAll();
  }

  /** Resolves when the wall clock reaches the next tick (at once when it has), for a live first step. */
  async untilNextTick(): Promise<void> {
    const wait = this.nextTs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** Injected faults so far (copies): failures, with `repairedAt` once repaired. */
  groundTruth(): GroundTruthRecord[] {
    return this.truth.map((r) => ({ ...r }));
  }

  /** Faults that have broken a machine down and are not repaired yet. */
  openFaults(): GroundTruthRecord[] {
    return this.truth.filter((r) => r.repairedAt === undefined).map((r) => ({ ...r }));
  }

  /** State, product and order of every simulated machine. */
  status(): MachineStatus[] {
    return this.machines.map((m) => ({ machine: m.path, kind: m.profile.kind, state: STATE_NAMES[String(m.state)], product: m.product.id, order: m.order }));
  }
}

/**
 * The shift at `ts` with its break set to the plan's break in force at `ts` (none when it is not in
 * one): the machine model knows one break window per shift, a site may list several daily breaks.
 */
function shiftWithPlannedBreaks(shift: Shift, plan: NonNullable<SimLine['plan']>, ts: number): Shift {
  if (plan.slot === undefined || ts < plan.from || ts >= plan.slot.until) {
    plan.slot = plan.calendar.at(ts);
    plan.from = ts;
  }
  return plan.slot.inBreak ? { ...shift, breakStart: plan.from, breakEnd: plan.slot.until } : { ...shift, breakStart: shift.start, breakEnd: shift.start };
}
