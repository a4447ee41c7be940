import { z } from 'zod';
import type { TagRole } from '../../model/types.js';
import { durationField, optionalDuration, requireMatch, tagClassFields } from '../tag-classes.js';

/**
 * The `historian.retention` block: how long raw samples and the 1-minute and 1-hour rollups are kept,
 * by default and per class of tags (by path pattern and/or role; the first matching class wins).
 * A class inherits what it does not set; rollups must be kept at least as long as raw samples.
 *
 * @example
 * retention:
 *   raw: 30d
 *   classes:
 *     - { roles: process, raw: 7d }            # minute and hour rollups: the defaults (365d, 10y)
 *     - { tags: acme/+/+/+/+/energy, raw: 2y }
 */
export function retentionSchema(roleSchema: z.ZodType<TagRole>) {
  const classSchema = z
    .object({
      ...tagClassFields(roleSchema),
      raw: optionalDuration().describe('How long raw samples of these tags are kept'),
      minute: optionalDuration().describe('How long their 1-minute rollups are kept'),
      hour: optionalDuration().describe('How long their 1-hour rollups are kept'),
    })
    .strict()
    .superRefine(requireMatch);
  return z
    .object({
      raw: durationField('30d').describe('How long raw samples are kept'),
      minute: durationField('365d').describe('How long 1-minute rollups are kept'),
      hour: durationField('10y').describe('How long 1-hour rollups are kept'),
      classes: z.array(classSchema).default([]).describe('Retention for groups of tags, by path pattern and/or role; the first matching class wins, unmatched tags keep the defaults above'),
    })
    .strict()
    .superRefine((value, ctx) => {
      value.classes.forEach((c, index) => {
        const raw = c.raw ?? value.raw;
        const minute = c.minute ?? value.minute;
        const hour = c.hour ?? value.hour;
        if (minute < raw || hour < raw) {
          ctx.addIssue({
            code: 'custom',
            path: ['classes', index],
            message: `rollups must be kept at least as long as raw samples (raw ${raw} ms, minute ${minute} ms, hour ${hour} ms): raise minute/hour or lower raw`,
          });
        }
      });
    });
}

export type RetentionConfig = z.output<ReturnType<typeof retentionSchema>>;
