// What each machine kind produces, how it fails and which process signals it carries. Figures are
// plausible for the kind (a rotary filler fills a bottle in a third of a second, a dough mixer runs
// ten-minute batches, a tunnel oven bakes near 230 degC), not measurements of a particular machine.

/** Injected faults that announce themselves before the breakdown. */
export type FaultKind = 'bearing_wear' | 'thermal_runaway';

export interface ProductSpec {
  id: string;
  /** Ideal (design) cycle time per unit, seconds. */
  idealCycleSec: number;
  /** Share of units scrapped in steady running. */
  scrapRate: number;
  /** How hard the product works the machine: scales the producing level of `productScaled` signals. */
  load: number;
}

export interface SignalSpec {
  name: string;
  unit: string;
  description: string;
  /** The sensor's resolution; values are rounded to it. */
  resolution: number;
  /** Engineering range; values are clamped to it. */
  min: number;
  max: number;
  /** Target values when the machine is off, on standby, producing. */
  levels: readonly [number, number, number];
  /** Standard deviation of the measurement noise in each of those levels. */
  noise: readonly [number, number, number];
  /** Time constant of the first-order response to a new target, seconds. */
  tauSec: number;
  /** Standard deviation of the slow drift (mean-reverting, correlation time of hours). */
  drift: number;
  /** Producing level = standby + (producing - standby) x product load. */
  productScaled?: boolean;
  /** What each fault adds at the end of its lead-up, in the signal's unit. */
  faults?: Partial<Record<FaultKind, number>>;
  /** Standby holds the product's producing level minus this (an oven keeps its setpoint through a break). */
  standbyBelowProducing?: number;
}

export interface KindProfile {
  kind: string;
  description: string;
  products: readonly ProductSpec[];
  /** Counters wrap to 0 at this value (65,536 for a 16-bit PLC counter). */
  counterRollover: number;
  /** Changeover duration range when the product changes. */
  setupMinutes: readonly [number, number];
  /** Length of a job order at the ideal rate. */
  orderHours: readonly [number, number];
  /** Mean running time between minor stops, and their duration range. */
  minorStopEveryMinutes: number;
  minorStopSeconds: readonly [number, number];
  /** Mean running time between random breakdowns (no lead-up), and their repair time range. */
  breakdownEveryHours: number;
  breakdownMinutes: readonly [number, number];
  /** Typical share by which real cycles are slower than ideal. */
  speedLoss: number;
  /** Scrap rate of the first units after a changeover (start-up rejects), and how many units that is. */
  startupScrapRate: number;
  startupUnits: number;
  faults: readonly FaultKind[];
  /**
   * Heated processes: after a stop that cooled the machine, or a change to a hotter product, it stays
   * in setup (warming up) until this signal is within `within` of its producing level.
   */
  warmUp?: { signal: string; within: number };
  /** Process signals; a `power` signal also drives the cumulative `energy` counter. */
  signals: readonly SignalSpec[];
}

const vibration = (levels: [number, number, number], noise: [number, number, number], bearing: number): SignalSpec => ({
  name: 'vibration',
  unit: 'mm/s',
  description: 'Vibration velocity, RMS (ISO 10816)',
  resolution: 0.01,
  min: 0,
  max: 50,
  levels,
  noise,
  tauSec: 4,
  drift: levels[2] * 0.05,
  faults: { bearing_wear: bearing },
});

const power = (levels: [number, number, number], resolution = 0.01): SignalSpec => ({
  name: 'power',
  unit: 'kW',
  description: 'Active electrical power',
  resolution,
  min: 0,
  max: Math.ceil(levels[2] * 2),
  levels,
  noise: [levels[0] * 0.02, levels[1] * 0.03, levels[2] * 0.04],
  tauSec: 2,
  drift: levels[2] * 0.02,
  productScaled: true,
  faults: { thermal_runaway: levels[2] * 0.08, bearing_wear: levels[2] * 0.05 },
});

const pneumatic = (): SignalSpec => ({
  name: 'pressure',
  unit: 'bar',
  description: 'Compressed air supply pressure',
  resolution: 0.01,
  min: 0,
  max: 10,
  levels: [0, 6.2, 5.9],
  noise: [0.002, 0.03, 0.08],
  tauSec: 3,
  drift: 0.08,
});

/** The kinds the virtual factory knows, by `kind` as written in the plant config. */
export const MACHINE_KINDS: Readonly<Record<string, KindProfile>> = Object.freeze({
  press: {
    kind: 'press',
    description: 'Hydraulic stamping press',
    products: [
      { id: 'bracket-a', idealCycleSec: 2.0, scrapRate: 0.012, load: 0.9 },
      { id: 'bracket-b', idealCycleSec: 2.4, scrapRate: 0.015, load: 1.0 },
      { id: 'hinge-plate', idealCycleSec: 3.0, scrapRate: 0.02, load: 1.2 },
    ],
    counterRollover: 65_536,
    setupMinutes: [20, 45],
    orderHours: [2, 6],
    minorStopEveryMinutes: 25,
    minorStopSeconds: [15, 180],
    breakdownEveryHours: 40,
    breakdownMinutes: [15, 120],
    speedLoss: 0.08,
    startupScrapRate: 0.1,
    startupUnits: 40,
    faults: ['bearing_wear', 'thermal_runaway'],
    signals: [
      {
        name: 'temperature',
        unit: 'degC',
        description: 'Hydraulic oil temperature',
        resolution: 0.1,
        min: -20,
        max: 120,
        levels: [22, 38, 49],
        noise: [0.05, 0.1, 0.15],
        tauSec: 1200,
        drift: 0.8,
        productScaled: true,
        faults: { thermal_runaway: 32, bearing_wear: 3 },
      },
      vibration([0.05, 0.6, 2.8], [0.02, 0.08, 0.35], 7),
      {
        name: 'pressure',
        unit: 'bar',
        description: 'Hydraulic system pressure',
        resolution: 0.1,
        min: 0,
        max: 350,
        levels: [0, 25, 180],
        noise: [0.05, 1, 6],
        tauSec: 3,
        drift: 2,
        productScaled: true,
      },
      power([0.8, 9, 42], 0.1),
    ],
  },
  cnc: {
    kind: 'cnc',
    description: 'CNC machining centre',
    products: [
      { id: 'housing-h1', idealCycleSec: 95, scrapRate: 0.01, load: 1.0 },
      { id: 'flange-f2', idealCycleSec: 140, scrapRate: 0.015, load: 1.15 },
      { id: 'shaft-s3', idealCycleSec: 60, scrapRate: 0.008, load: 0.85 },
    ],
    counterRollover: 4_294_967_296,
    setupMinutes: [15, 40],
    orderHours: [3, 8],
    minorStopEveryMinutes: 45,
    minorStopSeconds: [20, 240],
    breakdownEveryHours: 60,
    breakdownMinutes: [20, 150],
    speedLoss: 0.05,
    startupScrapRate: 0.15,
    startupUnits: 3,
    faults: ['bearing_wear', 'thermal_runaway'],
    signals: [
      {
        name: 'temperature',
        unit: 'degC',
        description: 'Spindle bearing temperature',
        resolution: 0.1,
        min: -20,
        max: 120,
        levels: [22, 27, 38],
        noise: [0.05, 0.08, 0.12],
        tauSec: 600,
        drift: 0.5,
        productScaled: true,
        faults: { thermal_runaway: 28, bearing_wear: 5 },
      },
      vibration([0.03, 0.4, 1.6], [0.01, 0.05, 0.2], 6),
      {
        name: 'pressure',
        unit: 'bar',
        description: 'Coolant pressure',
        resolution: 0.01,
        min: 0,
        max: 20,
        levels: [0, 0.5, 6.5],
        noise: [0.002, 0.03, 0.12],
        tauSec: 4,
        drift: 0.1,
      },
      power([0.4, 2.5, 15]),
      {
        name: 'spindle_speed',
        unit: 'rpm',
        description: 'Spindle speed',
        resolution: 1,
        min: 0,
        max: 24_000,
        levels: [0, 0, 9_000],
        noise: [0, 0, 25],
        tauSec: 2,
        drift: 20,
        productScaled: true,
      },
    ],
  },
  filler: {
    kind: 'filler',
    description: 'Rotary bottle filler',
    products: [
      { id: 'water-0.5l', idealCycleSec: 0.36, scrapRate: 0.004, load: 1.0 },
      { id: 'juice-1l', idealCycleSec: 0.6, scrapRate: 0.006, load: 1.2 },
      { id: 'soda-0.33l', idealCycleSec: 0.3, scrapRate: 0.005, load: 0.9 },
    ],
    counterRollover: 65_536,
    setupMinutes: [30, 60],
    orderHours: [2, 6],
    minorStopEveryMinutes: 18,
    minorStopSeconds: [10, 120],
    breakdownEveryHours: 45,
    breakdownMinutes: [20, 120],
    speedLoss: 0.06,
    startupScrapRate: 0.05,
    startupUnits: 300,
    faults: ['bearing_wear'],
    signals: [
      {
        name: 'temperature',
        unit: 'degC',
        description: 'Product temperature at the filling valve',
        resolution: 0.1,
        min: -5,
        max: 60,
        levels: [16, 11, 9.5],
        noise: [0.05, 0.05, 0.08],
        tauSec: 900,
        drift: 0.3,
        faults: { bearing_wear: 0.5 },
      },
      vibration([0.04, 0.5, 2.2], [0.01, 0.06, 0.25], 6.5),
      {
        name: 'pressure',
        unit: 'bar',
        description: 'Filling (counter) pressure',
        resolution: 0.01,
        min: 0,
        max: 10,
        levels: [0, 2.2, 3.1],
        noise: [0.002, 0.02, 0.05],
        tauSec: 5,
        drift: 0.04,
        productScaled: true,
      },
      power([0.5, 3, 11]),
    ],
  },
  labeler: {
    kind: 'labeler',
    description: 'Hot-melt labeler',
    products: [
      { id: 'label-0.5l', idealCycleSec: 0.33, scrapRate: 0.003, load: 1.0 },
      { id: 'label-1l', idealCycleSec: 0.55, scrapRate: 0.004, load: 1.1 },
      { id: 'label-0.33l', idealCycleSec: 0.27, scrapRate: 0.003, load: 0.9 },
    ],
    counterRollover: 65_536,
    setupMinutes: [10, 25],
    orderHours: [2, 6],
    minorStopEveryMinutes: 22,
    minorStopSeconds: [10, 90],
    breakdownEveryHours: 55,
    breakdownMinutes: [15, 90],
    speedLoss: 0.04,
    startupScrapRate: 0.04,
    startupUnits: 200,
    faults: ['bearing_wear', 'thermal_runaway'],
    warmUp: { signal: 'temperature', within: 5 },
    signals: [
      {
        name: 'temperature',
        unit: 'degC',
        description: 'Hot-melt glue temperature',
        resolution: 0.1,
        min: 0,
        max: 250,
        levels: [25, 165, 168],
        noise: [0.1, 0.3, 0.4],
        tauSec: 900,
        drift: 0.8,
        faults: { thermal_runaway: 30 },
      },
      vibration([0.03, 0.3, 1.4], [0.01, 0.04, 0.18], 5),
      pneumatic(),
      power([0.2, 1.5, 3.8]),
    ],
  },
  packer: {
    kind: 'packer',
    description: 'Case packer / flow wrapper',
    products: [
      { id: 'case-6', idealCycleSec: 2.0, scrapRate: 0.004, load: 1.0 },
      { id: 'case-12', idealCycleSec: 3.2, scrapRate: 0.005, load: 1.2 },
      { id: 'tray-4', idealCycleSec: 1.5, scrapRate: 0.006, load: 0.9 },
    ],
    counterRollover: 100_000,
    setupMinutes: [10, 25],
    orderHours: [2, 6],
    minorStopEveryMinutes: 30,
    minorStopSeconds: [10, 150],
    breakdownEveryHours: 50,
    breakdownMinutes: [15, 100],
    speedLoss: 0.05,
    startupScrapRate: 0.05,
    startupUnits: 30,
    faults: ['bearing_wear', 'thermal_runaway'],
    warmUp: { signal: 'temperature', within: 6 },
    signals: [
      {
        name: 'temperature',
        unit: 'degC',
        description: 'Sealing jaw / glue temperature',
        resolution: 0.1,
        min: 0,
        max: 250,
        levels: [25, 150, 155],
        noise: [0.1, 0.3, 0.4],
        tauSec: 600,
        drift: 0.8,
        faults: { thermal_runaway: 25 },
      },
      vibration([0.03, 0.4, 1.9], [0.01, 0.05, 0.22], 5.5),
      pneumatic(),
      power([0.3, 1.8, 5.5]),
    ],
  },
  mixer: {
    kind: 'mixer',
    description: 'Spiral dough mixer (batch)',
    products: [
      { id: 'dough-wheat', idealCycleSec: 540, scrapRate: 0.01, load: 1.0 },
      { id: 'dough-rye', idealCycleSec: 660, scrapRate: 0.015, load: 1.25 },
      { id: 'dough-sweet', idealCycleSec: 480, scrapRate: 0.01, load: 0.85 },
    ],
    counterRollover: 4_294_967_296,
    setupMinutes: [10, 20],
    orderHours: [3, 8],
    minorStopEveryMinutes: 60,
    minorStopSeconds: [30, 300],
    breakdownEveryHours: 70,
    breakdownMinutes: [20, 120],
    speedLoss: 0.07,
    startupScrapRate: 0.1,
    startupUnits: 1,
    faults: ['bearing_wear', 'thermal_runaway'],
    signals: [
      {
        name: 'temperature',
        unit: 'degC',
        description: 'Drive motor winding temperature',
        resolution: 0.1,
        min: -20,
        max: 180,
        levels: [22, 35, 65],
        noise: [0.05, 0.1, 0.2],
        tauSec: 900,
        drift: 1,
        productScaled: true,
        faults: { thermal_runaway: 40, bearing_wear: 4 },
      },
      vibration([0.05, 0.8, 3.5], [0.02, 0.1, 0.4], 8),
      power([0.5, 4, 28]),
      {
        name: 'agitator_speed',
        unit: 'rpm',
        description: 'Spiral agitator speed',
        resolution: 1,
        min: 0,
        max: 400,
        levels: [0, 0, 210],
        noise: [0, 0, 1.5],
        tauSec: 3,
        drift: 2,
        productScaled: true,
      },
    ],
  },
  oven: {
    kind: 'oven',
    description: 'Tunnel oven',
    products: [
      { id: 'bread-white', idealCycleSec: 4.0, scrapRate: 0.01, load: 1.0 },
      { id: 'bread-rye', idealCycleSec: 4.8, scrapRate: 0.012, load: 1.5 },
      { id: 'rolls', idealCycleSec: 3.2, scrapRate: 0.008, load: 0.5 },
    ],
    counterRollover: 4_294_967_296,
    setupMinutes: [20, 40],
    orderHours: [3, 8],
    minorStopEveryMinutes: 90,
    minorStopSeconds: [20, 180],
    breakdownEveryHours: 90,
    breakdownMinutes: [30, 180],
    speedLoss: 0.03,
    startupScrapRate: 0.06,
    startupUnits: 60,
    faults: ['bearing_wear', 'thermal_runaway'],
    warmUp: { signal: 'temperature', within: 6 },
    signals: [
      {
        name: 'temperature',
        unit: 'degC',
        description: 'Baking chamber temperature',
        resolution: 0.1,
        min: 0,
        max: 350,
        levels: [25, 200, 230],
        noise: [0.1, 0.3, 0.5],
        tauSec: 1200,
        drift: 1,
        productScaled: true,
        standbyBelowProducing: 4,
        faults: { thermal_runaway: 45 },
      },
      vibration([0.05, 1.0, 1.8], [0.02, 0.1, 0.2], 5),
      {
        name: 'pressure',
        unit: 'bar',
        description: 'Steam injection pressure',
        resolution: 0.01,
        min: 0,
        max: 6,
        levels: [0, 1.2, 1.5],
        noise: [0.002, 0.02, 0.03],
        tauSec: 10,
        drift: 0.03,
      },
      power([1, 60, 95], 0.1),
    ],
  },
});

/** Names of the kinds the simulator knows. */
export function knownKinds(): string[] {
  return Object.keys(MACHINE_KINDS);
}
