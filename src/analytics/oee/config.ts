// Config of the OEE: a site's shift calendar (shifts, breaks, off days) and a machine's ideal cycle
// times per product. Wired into the plant model by src/model/config-schema.ts (site `shifts`,
// machine `idealCycleTimes`), so every reader of the plant config sees the same plan.
import { z } from 'zod';

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const localTime = (what: string) =>
  z.string().regex(LOCAL_TIME, { error: (issue) => `${what} '${String(issue.input)}' is not a local time HH:MM such as 06:00 or 21:45` });

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const dailyBreakSchema = z
  .object({
    start: localTime('break start'),
    end: localTime('break end'),
    name: z.string().optional().describe('Shown nowhere yet; for the reader of the config'),
  })
  .strict()
  .refine((b) => b.start !== b.end, { error: (issue) => `break ${JSON.stringify(issue.input)}: start and end are equal; a break needs a duration` });

/**
 * A site's shift calendar. Shift boundaries and breaks are local wall-clock times in the site's time
 * zone; a break whose end is before its start ends the next day (crosses midnight); breaks may
 * also cross shift boundaries.
 *
 * @example
 * shifts:
 *   starts: ['06:00', '14:00', '22:00']
 *   names: [early, late, night]
 *   breakMinutes: 0
 *   breaks: [{ start: '09:00', end: '09:15' }, { start: '21:50', end: '22:10' }, { start: '23:45', end: '00:15' }]
 *   offDays: [sat, sun]
 */
export const siteShiftsSchema = z
  .object({
    starts: z
      .array(localTime('shift start'))
      .min(1, { error: 'shifts.starts needs at least one local start time such as 06:00' })
      .default(['06:00', '14:00', '22:00'])
      .describe('Local start times of the shifts, ascending; each shift ends when the next starts (the last at the first of the next day)'),
    names: z.array(z.string().min(1)).optional().describe('Shift names in the same order; default early, late, night for three shifts, else shift-1, shift-2 ...'),
    breakMinutes: z.number().min(0).optional().describe('A planned break of this many minutes centred in every shift; default 30, or 0 when `breaks` lists the breaks'),
    breaks: z.array(dailyBreakSchema).default([]).describe('Planned breaks every day at fixed local times (may cross shift boundaries and midnight)'),
    offDays: z.array(z.enum(WEEKDAYS)).default([]).describe('Weekdays without planned shifts (sun, mon ... sat): time on them is outside planned operation'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const minutes = s.starts.map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));
    for (let i = 1; i < minutes.length; i++) {
      if (minutes[i] <= minutes[i - 1]) ctx.addIssue({ code: 'custom', path: ['starts', i], message: `shift starts must ascend within the day (${s.starts[i - 1]} then ${s.starts[i]})` });
    }
    if (s.names !== undefined && s.names.length !== s.starts.length) {
      ctx.addIssue({ code: 'custom', path: ['names'], message: `${s.starts.length} shift starts but ${s.names.length} names: give one name per start` });
    }
  })
  .meta({ id: 'SiteShifts', description: "The site's shift calendar: shifts, planned breaks and off days" });

/**
 * Ideal cycle time in seconds per unit, per product the machine makes (the product tag's value).
 * Wins over an `ideal_cycle_time` tag.
 */
export const idealCycleTimesSchema = z
  .record(z.string().min(1), z.number({ error: 'an ideal cycle time is a number of seconds per unit' }).positive({ error: 'an ideal cycle time must be more than 0 s' }))
  .describe('Ideal cycle time in seconds per unit for each product (the value of the product tag); wins over an ideal_cycle_time tag');

export type SiteShifts = z.output<typeof siteShiftsSchema>;
export type DailyBreak = SiteShifts['breaks'][number];
export const weekdayNumber = (day: (typeof WEEKDAYS)[number]): number => WEEKDAYS.indexOf(day);
