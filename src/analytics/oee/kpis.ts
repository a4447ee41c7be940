// Time elements, both OEE conventions, the loss waterfall and the ISO 22400-2 KPIs from summed totals.
import type { OeeTotals } from './types.js';

/** ISO 22400-2 time elements, ms. */
export interface TimeElements {
  /** Calendar time covered. */
  calendar: number;
  /** Planned operation time. */
  POT: number;
  /** Planned downtime (breaks, planned maintenance) inside POT. */
  PDT: number;
  /** Planned busy time = POT - PDT. */
  PBT: number;
  /** Actual unit busy time (on an order) = PBT - ADOT. */
  AUBT: number;
  /** Actual unit down time (no order: idle). */
  ADOT: number;
  /** Actual unit processing time = ASUT + APT. */
  AUPT: number;
  /** Actual unit delay time: breakdowns, minor stops, starved, blocked, offline. */
  ADET: number;
  /** Actual setup time. */
  ASUT: number;
  /** Actual production time: running and reduced speed. */
  APT: number;
  /** Actual order execution time: time with a job order active. */
  AOET: number;
  /** Corrective maintenance time (breakdowns) and preventive maintenance time. */
  CMT: number;
  PMT: number;
  /** Working outside planned shifts (not part of any element above). */
  outsidePlan: number;
}

export interface Quantities {
  /** Produced = GQ + SQ + RQ. */
  PQ: number;
  GQ: number;
  SQ: number;
  RQ: number;
  /** Scrap within the start-up window after a setup. */
  startupSQ: number;
  /** Sum of PRI x PQ, ms (the ideal time of the output). */
  idealMs: number;
  /** Mean PRI, s (idealMs / PQ). */
  PRI: number | null;
  unitsWithoutPri: number;
  failures: number;
  energy: number | null;
}

/** ISO 22400-2: availability APT/PBT, effectiveness PRI*PQ/APT (may exceed 1), quality GQ/PQ. */
export interface IsoOee {
  availability: number | null;
  effectiveness: number | null;
  qualityRatio: number | null;
  oee: number | null;
  /** (AUPT / PBT) x effectiveness x quality ratio. */
  nee: number | null;
}

/** Nakajima: loading time = PBT; minor stops and speed in performance. */
export interface NakajimaOee {
  loadingMs: number;
  /** Loading minus idle, breakdowns, offline and setup. */
  operatingMs: number;
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
}

/** One step of the loss waterfall, ms. */
export interface LossStep {
  loss: 'planned_downtime' | 'no_order' | 'breakdowns' | 'setup_adjustment' | 'minor_stops' | 'reduced_speed' | 'startup_rejects' | 'production_rejects';
  ms: number;
}

export interface Kpi {
  id: string;
  name: string;
  value: number | null;
  unit: string;
  formula: string;
}

export interface MissingKpi {
  id: string;
  name: string;
  lacks: string;
}

/** Everything `GET /api/v1/oee` answers for one group. */
export interface OeeReport {
  timeElements: TimeElements;
  quantities: Quantities;
  iso: IsoOee;
  nakajima: NakajimaOee;
  /** OEE x PBT / calendar time. */
  teep: number | null;
  /** From POT down to the ideal time of the good parts; the steps plus `goodMs` sum to POT. */
  waterfall: { startMs: number; steps: LossStep[]; goodMs: number };
  kpis: Kpi[];
  missing: MissingKpi[];
}

const div = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const mul = (...xs: Array<number | null>): number | null => (xs.some((x) => x === null) ? null : xs.reduce<number>((p, x) => p * (x as number), 1));

export function timeElements(t: OeeTotals): TimeElements {
  const s = t.stateMs;
  const PBT = t.potMs - t.plannedDowntimeMs;
  const ADOT = s.idle;
  const ADET = s.breakdown + s.minor_stop + s.starved + s.blocked + s.offline;
  const ASUT = s.setup;
  const APT = s.running + s.reduced_speed;
  return {
    calendar: t.calendarMs,
    POT: t.potMs,
    PDT: t.plannedDowntimeMs,
    PBT,
    AUBT: PBT - ADOT,
    ADOT,
    AUPT: ASUT + APT,
    ADET,
    ASUT,
    APT,
    AOET: t.orderMs,
    CMT: s.breakdown,
    PMT: t.pmMs,
    outsidePlan: t.outsidePlanMs,
  };
}

export function quantities(t: OeeTotals): Quantities {
  const PQ = t.good + t.scrap + t.rework;
  const priUnits = PQ - t.unitsWithoutPri;
  return {
    PQ,
    GQ: t.good,
    SQ: t.scrap,
    RQ: t.rework,
    startupSQ: t.startupScrap,
    idealMs: t.idealMs,
    PRI: priUnits > 0 ? t.idealMs / priUnits / 1000 : null,
    unitsWithoutPri: t.unitsWithoutPri,
    failures: t.failures,
    energy: t.has.energy ? t.energy : null,
  };
}

/** The full report of one group of summed totals. */
export function oeeReport(t: OeeTotals): OeeReport {
  const e = timeElements(t);
  const q = quantities(t);
  const availability = div(e.APT, e.PBT);
  const effectiveness = t.has.pri ? div(t.idealMs, e.APT) : null;
  const qualityRatio = div(q.GQ, q.PQ);
  const iso: IsoOee = {
    availability,
    effectiveness,
    qualityRatio,
    oee: mul(availability, effectiveness, qualityRatio),
    nee: mul(div(e.AUPT, e.PBT), effectiveness, qualityRatio),
  };
  const s = t.stateMs;
  const operatingMs = e.PBT - e.ADOT - s.breakdown - s.offline - e.ASUT;
  const nAvail = div(operatingMs, e.PBT);
  const performance = t.has.pri ? div(t.idealMs, operatingMs) : null;
  const nakajima: NakajimaOee = {
    loadingMs: e.PBT,
    operatingMs,
    availability: nAvail,
    performance,
    quality: qualityRatio,
    oee: mul(nAvail, performance, qualityRatio),
  };
  const productionRejects = t.idealScrapMs - t.idealStartupScrapMs + t.idealReworkMs;
  const steps: LossStep[] = [
    { loss: 'planned_downtime', ms: e.PDT },
    { loss: 'no_order', ms: e.ADOT },
    { loss: 'breakdowns', ms: s.breakdown + s.offline },
    { loss: 'setup_adjustment', ms: e.ASUT },
    { loss: 'minor_stops', ms: s.minor_stop + s.starved + s.blocked },
    // Negative when the machine ran faster than its ideal cycle time (effectiveness > 1).
    { loss: 'reduced_speed', ms: e.APT - t.idealMs },
    { loss: 'startup_rejects', ms: t.idealStartupScrapMs },
    { loss: 'production_rejects', ms: productionRejects },
  ];
  const teep = mul(iso.oee, div(e.PBT, e.calendar));
  return {
    timeElements: e,
    quantities: q,
    iso,
    nakajima,
    teep,
    waterfall: { startMs: e.POT, steps, goodMs: t.idealGoodMs },
    ...isoKpis(t, e, q, iso),
  };
}

function isoKpis(t: OeeTotals, e: TimeElements, q: Quantities, iso: IsoOee): { kpis: Kpi[]; missing: MissingKpi[] } {
  const kpis: Kpi[] = [];
  const missing: MissingKpi[] = [];
  const add = (id: string, name: string, value: number | null, unit: string, formula: string) => kpis.push({ id, name, value, unit, formula });
  const lack = (id: string, name: string, lacks: string) => missing.push({ id, name, lacks });
  const H = 3_600_000;
  const aoet = t.has.order ? e.AOET : 0;

  lack('worker_efficiency', 'Worker efficiency', 'APWT and APAT: no personnel attendance or work-time data');
  if (t.has.order) {
    add('allocation_ratio', 'Allocation ratio', div(e.AUBT, aoet), '', 'AUBT / AOET');
    add('throughput_rate', 'Throughput rate', div(q.PQ, aoet / H), 'units/h', 'PQ / AOET');
  } else {
    lack('allocation_ratio', 'Allocation ratio', 'AOET: the asset has no order tag');
    lack('throughput_rate', 'Throughput rate', 'AOET: the asset has no order tag');
  }
  add('allocation_efficiency', 'Allocation efficiency', div(e.AUBT, e.PBT), '', 'AUBT / PBT');
  add('utilization_efficiency', 'Utilization efficiency', div(e.APT, e.AUBT), '', 'APT / AUBT');
  add('oee', 'OEE index', iso.oee, '', 'availability x effectiveness x quality ratio');
  add('nee', 'NEE index', iso.nee, '', '(AUPT / PBT) x effectiveness x quality ratio');
  add('availability', 'Availability', iso.availability, '', 'APT / PBT');
  if (t.has.pri) add('effectiveness', 'Effectiveness', iso.effectiveness, '', 'PRI x PQ / APT');
  else lack('effectiveness', 'Effectiveness', 'PRI: no ideal cycle time (ideal_cycle_time tag or product table)');
  add('quality_ratio', 'Quality ratio', iso.qualityRatio, '', 'GQ / PQ');
  add('setup_rate', 'Setup rate', div(e.ASUT, e.AUPT), '', 'ASUT / AUPT');
  add('technical_efficiency', 'Technical efficiency', div(e.APT, e.APT + e.ADET), '', 'APT / (APT + ADET)');
  if (t.has.order) add('production_process_ratio', 'Production process ratio', div(e.APT, aoet), '', 'APT / AOET');
  else lack('production_process_ratio', 'Production process ratio', 'AOET: the asset has no order tag');
  lack('actual_to_planned_scrap_ratio', 'Actual to planned scrap ratio', 'PSQ: no planned scrap quantity per order');
  add('first_pass_yield', 'First pass yield', div(q.GQ, q.PQ), '', 'GQ (good first time) / PQ (inspected)');
  add('scrap_ratio', 'Scrap ratio', div(q.SQ, q.PQ), '', 'SQ / PQ');
  if (t.has.rework) add('rework_ratio', 'Rework ratio', div(q.RQ, q.PQ), '', 'RQ / PQ');
  else lack('rework_ratio', 'Rework ratio', 'RQ: the asset has no tag with role rework_count');
  lack('fall_off_ratio', 'Fall-off ratio', 'the routing (which operation is first in a sequence) is not modelled');
  for (const [id, name] of [
    ['machine_capability', 'Machine capability index Cm'],
    ['critical_machine_capability', 'Critical machine capability index Cmk'],
    ['process_capability', 'Process capability index Cp'],
    ['critical_process_capability', 'Critical process capability index Cpk'],
  ]) {
    lack(id, name, 'specification limits (USL, LSL) of a quality characteristic: computed by the SPC module (src/analytics/spc)');
  }
  if (t.has.energy) add('comprehensive_energy_consumption', 'Comprehensive energy consumption', div(t.energy, q.PQ), 'kWh/unit', 'energy / PQ');
  else lack('comprehensive_energy_consumption', 'Comprehensive energy consumption', 'energy: the asset has no tag with role energy');
  lack('inventory_turns', 'Inventory turns', 'inventory levels are not modelled');
  for (const [id, name] of [
    ['finished_goods_ratio', 'Finished goods ratio'],
    ['integrated_goods_ratio', 'Integrated goods ratio'],
    ['production_loss_ratio', 'Production loss ratio'],
    ['storage_transportation_loss_ratio', 'Storage and transportation loss ratio'],
    ['other_loss_ratio', 'Other loss ratio'],
  ]) {
    lack(id, name, 'consumed material quantities are not measured');
  }
  if (t.has.pri) add('equipment_load_ratio', 'Equipment load ratio', div(t.idealMs, e.POT), '', 'PQ / capacity, capacity = POT / PRI');
  else lack('equipment_load_ratio', 'Equipment load ratio', 'PRI: no ideal cycle time to derive the capacity');
  add('mtbf', 'Mean operating time between failures', q.failures > 0 ? e.APT / q.failures / H : null, 'h', 'APT / FE');
  lack('mttf', 'Mean time to failure', 'TTF applies to non-repairable items; Loom sees repairable machines only (see MTBF)');
  add('mttr', 'Mean time to restoration', q.failures > 0 ? e.CMT / q.failures / H : null, 'h', 'CMT / FE (breakdown time per failure event)');
  add('corrective_maintenance_ratio', 'Corrective maintenance ratio', div(e.CMT, e.CMT + e.PMT), '', 'CMT / (CMT + PMT)');
  return { kpis, missing };
}
