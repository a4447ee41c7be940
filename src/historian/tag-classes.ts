// Tag classes: historian settings (compression, retention) chosen per tag by path pattern and/or role,
// first matching class wins. Shared by the compression and retention config blocks.

import { z } from 'zod';
import { parseDuration } from '../model/duration.js';
import { patternError, topicMatches } from '../model/paths.js';
import type { TagDefinition, TagRole } from '../model/types.js';

/** How a class picks its tags: MQTT-style path patterns (`+`, `#`) and/or roles; both given, both must match. */
export interface TagClassMatch {
  tags?: string[];
  roles?: TagRole[];
}

const list = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).min(1)]).transform((value): Array<z.output<T>> => (Array.isArray(value) ? value : [value]));

/**
 * The matching fields of a class. Takes the role schema from the caller, so that this module does not
 * import the model's config schema, which imports it.
 */
export function tagClassFields(roleSchema: z.ZodType<TagRole>) {
  return {
    tags: list(z.string().superRefine(checkPattern)).optional().describe('Tag path patterns with MQTT wildcards, e.g. acme/+/+/+/+/temperature or acme/berlin/#'),
    roles: list(roleSchema).optional().describe('Tag roles, e.g. process or [good_count, scrap_count]'),
  };
}

function checkPattern(pattern: string, ctx: z.RefinementCtx): void {
  const problem = patternError(pattern);
  if (problem) ctx.addIssue({ code: 'custom', message: `'${pattern}' is not a valid tag pattern: ${problem}` });
}

/** Refinement for a class object: it must say which tags it is for. */
export function requireMatch(value: TagClassMatch, ctx: z.RefinementCtx): void {
  if (value.tags === undefined && value.roles === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a class needs tags (path patterns) or roles to say which tags it is for' });
  }
}

export function matchesClass(match: TagClassMatch, tag: Pick<TagDefinition, 'path' | 'role'>): boolean {
  if (match.roles !== undefined && (tag.role === undefined || !match.roles.includes(tag.role))) return false;
  if (match.tags !== undefined && !match.tags.some((pattern) => topicMatches(pattern, tag.path))) return false;
  return match.tags !== undefined || match.roles !== undefined;
}

/** The first class that matches the tag, or undefined. */
export function classOf<C extends TagClassMatch>(classes: readonly C[], tag: Pick<TagDefinition, 'path' | 'role'>): C | undefined {
  return classes.find((c) => matchesClass(c, tag));
}

const DURATION_HINT = 'write a number and a unit, e.g. 250ms, 30s, 15m, 12h, 30d, 2w, 5y';

function toMs(value: string | number, ctx: z.RefinementCtx): number {
  if (typeof value === 'number') return value;
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `'${value}' is not a duration: ${DURATION_HINT}` });
    return z.NEVER;
  }
  return ms;
}

/** A duration field (`30d` or milliseconds) with a default. */
export const durationField = (fallback: string) => z.union([z.string(), z.number().int().nonnegative()]).default(fallback).transform(toMs);

/** A duration field without a default: absent means "inherit". */
export const optionalDuration = () => z.union([z.string(), z.number().int().nonnegative()]).transform(toMs).optional();
