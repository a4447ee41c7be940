import type { TagDefinition } from '../../model/index.js';
import type { KindProfile } from './kinds.js';
import { STATE_NAMES } from './states.js';

/** Discrete tags every simulated machine has, in the order the generator indexes them. */
export const DISCRETE_TAGS = ['state', 'running', 'good_count', 'scrap_count', 'cycle_time', 'ideal_cycle_time', 'product', 'order'] as const;

/** Tag names of a machine of this kind: discrete tags, process signals, then `energy` when it has power. */
export function machineTagNames(profile: KindProfile): string[] {
  const names: string[] = [...DISCRETE_TAGS, ...profile.signals.map((s) => s.name)];
  if (profile.signals.some((s) => s.name === 'power')) names.push('energy');
  return names;
}

/** Full tag definitions of one simulated machine. */
export function machineTagDefinitions(machinePath: string, profile: KindProfile, counterRollover: number): TagDefinition[] {
  const tag = (name: string, fields: Omit<TagDefinition, 'path' | 'asset' | 'name' | 'source'>): TagDefinition => ({
    path: `${machinePath}/${name}`,
    asset: machinePath,
    name,
    source: 'simulator',
    ...fields,
  });
  const wraps = `wraps to 0 after ${(counterRollover - 1).toLocaleString('en-US')}`;
  const defs: TagDefinition[] = [
    tag('state', { type: 'number', role: 'state', min: 0, max: 9, states: { ...STATE_NAMES }, description: 'Machine state code (see states)' }),
    tag('running', { type: 'boolean', description: 'True while the machine produces' }),
    tag('good_count', { type: 'number', unit: 'pcs', role: 'good_count', min: 0, max: counterRollover - 1, description: `Good units, cumulative PLC counter (${wraps})` }),
    tag('scrap_count', { type: 'number', unit: 'pcs', role: 'scrap_count', min: 0, max: counterRollover - 1, description: `Scrapped units, cumulative PLC counter (${wraps})` }),
    tag('cycle_time', { type: 'number', unit: 's', role: 'cycle_time', min: 0, description: 'Measured cycle time per unit' }),
    tag('ideal_cycle_time', { type: 'number', unit: 's', role: 'ideal_cycle_time', min: 0, description: 'Ideal (design) cycle time of the current product' }),
    tag('product', { type: 'string', role: 'product', description: 'Product being made or set up for' }),
    tag('order', { type: 'string', role: 'order', description: 'Job order id; empty while idle without an order' }),
  ];
  for (const s of profile.signals) {
    defs.push(tag(s.name, { type: 'number', unit: s.unit, min: s.min, max: s.max, role: 'process', description: s.description }));
  }
  const powerSignal = profile.signals.find((s) => s.name === 'power');
  if (powerSignal) defs.push(tag('energy', { type: 'number', unit: 'kWh', role: 'energy', min: 0, description: 'Active energy, cumulative meter reading' }));
  return defs;
}
