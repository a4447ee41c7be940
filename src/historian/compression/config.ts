import { z } from 'zod';
import type { TagRole } from '../../model/types.js';
import { durationField, optionalDuration, requireMatch, tagClassFields } from '../tag-classes.js';

/** The parameters a class may override; absent ones come from the block's defaults. */
function parameterFields() {
  return {
    excDev: z.number().nonnegative().optional().describe('Exception deadband in engineering units: a value that moved no more than this from the last passed one is dropped'),
    excDevPercent: z.number().min(0).max(100).optional().describe("Exception deadband as % of the tag's span (max - min); instead of excDev"),
    compDev: z.number().nonnegative().optional().describe('Swinging-door error bound in engineering units: stored points reproduce every sample within compDev (+ 2 x excDev) by linear interpolation'),
    compDevPercent: z.number().min(0).max(100).optional().describe("Swinging-door error bound as % of the tag's span (max - min); instead of compDev"),
  };
}

function oneOfEach(value: { excDev?: number; excDevPercent?: number; compDev?: number; compDevPercent?: number }, ctx: z.RefinementCtx): void {
  for (const name of ['excDev', 'compDev'] as const) {
    if (value[name] !== undefined && value[`${name}Percent`] !== undefined) {
      ctx.addIssue({ code: 'custom', message: `set ${name} or ${name}Percent, not both`, path: [`${name}Percent`] });
    }
  }
}

/**
 * The `historian.compression` block: PI-style exception deadband and swinging-door compression per
 * numeric tag, with defaults and classes chosen by tag path pattern or role (first match wins).
 * Takes the role schema from the model's config schema, which wires this block in.
 *
 * @example
 * compression:
 *   enabled: true
 *   compDevPercent: 0.2        # excMax and compMax: 1m
 *   classes:
 *     - { roles: [good_count, scrap_count, energy, state], enabled: false }
 *     - { tags: acme/+/+/+/+/temperature, compDev: 0.05 }
 */
export function compressionSchema(roleSchema: z.ZodType<TagRole>) {
  const classSchema = z
    .object({
      ...tagClassFields(roleSchema),
      enabled: z.boolean().default(true).describe('false stores every sample of these tags'),
      ...parameterFields(),
      excMax: optionalDuration().describe('Longest time between samples passing the exception stage'),
      compMax: optionalDuration().describe('Longest time between stored samples'),
    })
    .strict()
    .superRefine(requireMatch)
    .superRefine(oneOfEach);
  return z
    .object({
      enabled: z.boolean().default(false).describe('Compress numeric tags before storing them (off: every sample is stored)'),
      ...parameterFields(),
      excMax: durationField('1m').describe('Longest time between samples passing the exception stage (a heartbeat); 1m keeps a point in every minute rollup'),
      compMax: durationField('1m').describe('Longest time between stored samples while samples keep coming; 1m keeps a point in every minute rollup (PI uses 8h)'),
      classes: z.array(classSchema).default([]).describe('Settings for groups of tags, by path pattern and/or role; the first matching class wins, unmatched tags take the defaults above'),
    })
    .strict()
    .superRefine(oneOfEach);
}

export type CompressionConfig = z.output<ReturnType<typeof compressionSchema>>;
export type CompressionClass = CompressionConfig['classes'][number];
