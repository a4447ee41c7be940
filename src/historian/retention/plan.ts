// Turns retention classes into historian calls. One call without a tag list, with the longest age
// of every class, lets a backend drop whole partitions; then each class that keeps something shorter
// gets a call restricted to its tags.

import type { TagDefinition } from '../../model/types.js';
import { matchesClass } from '../tag-classes.js';
import type { Historian, RetentionPolicy } from '../types.js';
import type { RetentionConfig } from './config.js';

export interface RetentionStep {
  policy: RetentionPolicy;
  /** Tag paths; undefined: every tag in the store. */
  tags?: string[];
  /** `defaults` or `classes[i]`, for logs. */
  label: string;
}

/**
 * The calls that apply `config` to `tags`. Without classes: one call, as before classes existed.
 * Tags in the store that `tags` does not list (no longer configured) get the longest ages.
 */
export function planRetention(config: RetentionConfig, tags: ReadonlyArray<Pick<TagDefinition, 'path' | 'role'>>): RetentionStep[] {
  const defaults: RetentionPolicy = { rawMs: config.raw, minuteMs: config.minute, hourMs: config.hour };
  if (config.classes.length === 0) return [{ policy: defaults, label: 'defaults' }];
  const groups = new Map<number, string[]>(); // class index (-1: defaults) -> tags
  for (const tag of tags) {
    const index = config.classes.findIndex((c) => matchesClass(c, tag));
    const list = groups.get(index);
    if (list) list.push(tag.path);
    else groups.set(index, [tag.path]);
  }
  const policyOf = (index: number): RetentionPolicy => {
    if (index < 0) return defaults;
    const c = config.classes[index];
    return { rawMs: c.raw ?? config.raw, minuteMs: c.minute ?? config.minute, hourMs: c.hour ?? config.hour };
  };
  const used = [...groups.keys()];
  const longest: RetentionPolicy = { ...defaults };
  for (const index of used) {
    const policy = policyOf(index);
    longest.rawMs = Math.max(longest.rawMs, policy.rawMs);
    longest.minuteMs = Math.max(longest.minuteMs, policy.minuteMs);
    longest.hourMs = Math.max(longest.hourMs, policy.hourMs);
  }
  const steps: RetentionStep[] = [{ policy: longest, label: 'all tags (longest ages)' }];
  for (const index of used.sort((a, b) => a - b)) {
    const policy = policyOf(index);
    if (policy.rawMs === longest.rawMs && policy.minuteMs === longest.minuteMs && policy.hourMs === longest.hourMs) continue;
    steps.push({ policy, tags: groups.get(index), label: index < 0 ? 'defaults' : `classes[${index}]` });
  }
  return steps;
}

/** Runs the plan; returns the rows deleted per step. */
export async function applyRetentionClasses(
  historian: Historian,
  config: RetentionConfig,
  tags: ReadonlyArray<Pick<TagDefinition, 'path' | 'role'>>,
  now = Date.now(),
): Promise<Array<{ label: string; raw: number; minute: number; hour: number }>> {
  const results = [];
  for (const step of planRetention(config, tags)) results.push({ label: step.label, ...(await historian.applyRetention(step.policy, now, step.tags)) });
  return results;
}
