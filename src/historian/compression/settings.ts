// Resolves a tag's compression settings from the config block: its class (or the defaults), with
// percentages of the tag's span turned into engineering units.

import type { TagDefinition } from '../../model/types.js';
import { matchesClass } from '../tag-classes.js';
import type { CompressionClass, CompressionConfig } from './config.js';
import type { CompressionSettings } from './tag-compressor.js';

/**
 * Roles whose every sample the OEE and state analytics read (a state change, a counter step): the
 * defaults never compress them, so turning compression on for a whole plant keeps OEE exact. A class
 * that matches such a tag (by path or role) still decides for it.
 */
const EXACT_ROLES: ReadonlySet<string> = new Set(['state', 'good_count', 'scrap_count', 'rework_count', 'product', 'order', 'ideal_cycle_time']);

/** The error bound when neither compDev nor compDevPercent is set anywhere: PI's default, 0.2 % of span. */
export const DEFAULT_COMP_DEV_PERCENT = 0.2;

export type ResolvedCompression =
  | { compress: true; settings: CompressionSettings; className: string }
  | { compress: false; reason: string; /** The config asks for compression but the tag lacks what it needs. */ problem: boolean };

type Parameters = Pick<CompressionClass, 'excDev' | 'excDevPercent' | 'compDev' | 'compDevPercent'>;

/**
 * How a tag is compressed, or why not: compression off, a non-numeric tag, a class that turns it
 * off, or a percentage for a tag without an engineering range (then the reason says how to fix it).
 */
export function resolveCompression(config: CompressionConfig, tag: TagDefinition): ResolvedCompression {
  if (!config.enabled) return { compress: false, reason: 'compression is off', problem: false };
  if (tag.type !== 'number') return { compress: false, reason: `${tag.type} tags are stored as received`, problem: false };
  const index = config.classes.findIndex((c) => matchesClass(c, tag));
  const found = index >= 0 ? config.classes[index] : undefined;
  const className = found ? `classes[${index}]` : 'defaults';
  if (!found && tag.role !== undefined && EXACT_ROLES.has(tag.role)) {
    return { compress: false, reason: `${tag.role} tags are stored as received (analytics read every change); a class naming the tag can compress it`, problem: false };
  }
  if (found && !found.enabled) return { compress: false, reason: `${className} turns compression off`, problem: false };
  const span = tag.min !== undefined && tag.max !== undefined && tag.max > tag.min ? tag.max - tag.min : undefined;
  const pick = (name: 'excDev' | 'compDev', fallbackPercent: number) => {
    const from: Parameters = found && (found[name] !== undefined || found[`${name}Percent`] !== undefined) ? found : config;
    if (from[name] !== undefined) return from[name];
    const percent = from[`${name}Percent`] ?? fallbackPercent;
    if (percent === 0) return 0;
    if (span === undefined) return `${name}Percent needs the tag's min and max (its span); give the tag min and max, or set ${name} in engineering units`;
    return (percent / 100) * span;
  };
  const excDev = pick('excDev', 0);
  const compDev = pick('compDev', DEFAULT_COMP_DEV_PERCENT);
  if (typeof excDev === 'string') return { compress: false, reason: excDev, problem: true };
  if (typeof compDev === 'string') return { compress: false, reason: compDev, problem: true };
  return {
    compress: true,
    className,
    settings: { excDev, compDev, excMax: found?.excMax ?? config.excMax, compMax: found?.compMax ?? config.compMax },
  };
}
