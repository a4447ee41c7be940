// A site's planned time from its `shifts` block: the OEE plan and the simulator's shift pattern come
// from here, so simulated planned breaks fall where the plan expects them.
import { ShiftCalendar, type ShiftPattern } from '../../connectors/simulator/shift-calendar.js';
import { weekdayNumber, type SiteShifts } from './config.js';
import { shiftPlan, withDailyBreaks, type PlanCalendar } from './plan-calendar.js';

/** The shift pattern of a site's `shifts` block (its listed daily breaks are in `planOfSite` only). */
export function siteShiftPattern(shifts: SiteShifts): ShiftPattern {
  return {
    shiftStarts: shifts.starts,
    shiftNames: shifts.names,
    breakMinutes: shifts.breakMinutes ?? (shifts.breaks.length > 0 ? 0 : 30),
    offDays: shifts.offDays.map(weekdayNumber),
  };
}

/** The plan of a site's `shifts` block (or the default calendar) in `timeZone`. */
export function planOfSite(timeZone: string, shifts: SiteShifts | undefined): PlanCalendar {
  if (!shifts) return shiftPlan(new ShiftCalendar(timeZone));
  return withDailyBreaks(shiftPlan(new ShiftCalendar(timeZone, siteShiftPattern(shifts))), shifts.breaks, timeZone);
}
