// Fills the shift cache in the background, so that a report over the recent past is answered from
// cached cells even right after a start: every closed shift of the last `days` of every machine is
// computed once, newest first, a few shifts per step with a yield to the event loop between steps
// (a request waits for at most one step's historian reads). Then, every `intervalMs`, the same pass
// finds the shifts that closed since (and those a late sample dropped) and computes just those, from
// history: the cache only ever holds what a request would compute.
import { machineCellsFor, machinesUnder, sitePlanFor, type MachineCellsDeps } from './routes.js';
import { shiftWindows, type ShiftCellCache, type ShiftWindow } from './shift-cache.js';

const DAY_MS = 86_400_000;

export interface ShiftWarmUpOptions {
  /** Closed shifts of this many days before now are kept warm. Default 35 (a month report of any recent month). */
  days?: number;
  /** Shifts of one machine computed per step. Default 3 (a day of three shifts). */
  shiftsPerStep?: number;
  /** Time between passes (each finds newly closed or dropped shifts). Default 60 s. */
  intervalMs?: number;
  /** Wait before the first pass, so that a start (connectors, backfill) gets the historian first. Default 30 s. */
  startDelayMs?: number;
  now?: () => number;
  /** A step failed (e.g. the historian is closing): the pass goes on with the next step. */
  onError?: (error: Error) => void;
}

/**
 * @example
 * const warmUp = new ShiftWarmUp({ historian, registry, plant, cache });
 * warmUp.start();   // first pass now, then every minute
 * warmUp.stop();
 */
export class ShiftWarmUp {
  readonly stats = { passes: 0, steps: 0, failures: 0, lastPassMs: 0 };
  private readonly machineCells: ReturnType<typeof machineCellsFor>;
  private readonly days: number;
  private readonly shiftsPerStep: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly deps: MachineCellsDeps & { cache: ShiftCellCache },
    private readonly options: ShiftWarmUpOptions = {},
  ) {
    this.machineCells = machineCellsFor(deps);
    this.days = options.days ?? 35;
    this.shiftsPerStep = options.shiftsPerStep ?? 3;
    this.intervalMs = options.intervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Runs a pass after `startDelayMs` and then every `intervalMs` (never two at once). */
  start(): void {
    this.stopped = false;
    const run = () => {
      this.running ??= this.pass().finally(() => (this.running = undefined));
    };
    this.timer = setTimeout(() => {
      run();
      this.timer = setInterval(run, this.intervalMs);
      this.timer.unref();
    }, this.options.startDelayMs ?? 30_000);
    this.timer.unref();
  }

  /** Stops after the current step; resolves once it has. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: every closed shift of every machine over the last `days`, newest first, computed where the cache lacks it. */
  async pass(): Promise<void> {
    const started = performance.now();
    const now = this.now();
    const span = this.days * DAY_MS;
    const planFor = this.deps.planFor ?? sitePlanFor(this.deps.plant);
    const steps = new Map<string, ShiftWindow[][]>();
    for (const machine of machinesUnder('', this.deps.registry.all())) {
      const closed = shiftWindows(planFor(machine), now - span, now - this.deps.cache.settleMs).filter((w) => w.complete);
      const groups: ShiftWindow[][] = [];
      for (let end = closed.length; end > 0; end -= this.shiftsPerStep) groups.push(closed.slice(Math.max(0, end - this.shiftsPerStep), end));
      steps.set(machine, groups);
    }
    const rounds = Math.max(0, ...[...steps.values()].map((g) => g.length));
    for (let round = 0; round < rounds; round++) {
      for (const [machine, groups] of steps) {
        const group = groups[round];
        if (!group) continue;
        // Lowest priority: whatever else is waiting on the event loop goes first.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.stopped) return;
        try {
          await this.machineCells(machine, group[0].start, group[group.length - 1].end, span);
          this.stats.steps++;
        } catch (error) {
          this.stats.failures++;
          this.options.onError?.(error as Error);
        }
      }
    }
    this.stats.passes++;
    this.stats.lastPassMs = performance.now() - started;
  }
}
