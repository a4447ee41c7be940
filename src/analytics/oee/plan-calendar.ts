// Planned time: which instants are in a planned shift, which in a planned break, and their keys.
import { wallClock, zonedTimeToUtc } from '../../connectors/simulator/time-zone.js';

/** What the calendar says about one instant, valid until `until`. */
export interface PlanSlot {
  /** In a planned shift (part of POT). */
  planned: boolean;
  /** In a planned break (planned downtime inside POT). */
  inBreak: boolean;
  /** Production day of the shift, `YYYY-MM-DD` local (a night shift belongs to the day it starts). */
  day: string;
  /** Shift name. */
  shift: string;
  /** The slot holds for [ts, until). */
  until: number;
}

/** Answers `at(ts)`; calls come mostly in increasing time. */
export interface PlanCalendar {
  at(ts: number): PlanSlot;
}

/** A shift as `ShiftCalendar` (src/connectors/simulator/shift-calendar.ts) returns it. */
export interface ShiftLike {
  name: string;
  date: string;
  start: number;
  end: number;
  breakStart: number;
  breakEnd: number;
  planned: boolean;
}

/** Anything that finds the shift containing an instant, such as `ShiftCalendar`. */
export interface ShiftSource {
  at(ts: number): ShiftLike;
}

/** A window [start, end) in ms UTC. */
export interface TimeWindow {
  start: number;
  end: number;
}

/**
 * Planned time from a shift calendar: shifts with `planned: false` (off days) are outside POT; each
 * shift's break plus any `extraBreaks` (which may cross shift boundaries and midnight) is planned downtime.
 *
 * @example
 * const plan = shiftPlan(new ShiftCalendar('Europe/Berlin'), [{ start: Date.parse('2026-11-26T21:45Z'), end: Date.parse('2026-11-26T22:15Z') }]);
 */
export function shiftPlan(source: ShiftSource, extraBreaks: readonly TimeWindow[] = []): PlanCalendar {
  const breaks = [...extraBreaks].filter((b) => b.end > b.start).sort((a, b) => a.start - b.start);
  return {
    at(ts: number): PlanSlot {
      const s = source.at(ts);
      let until = s.end;
      let inBreak = false;
      if (s.breakEnd > s.breakStart) {
        if (ts >= s.breakStart && ts < s.breakEnd) {
          inBreak = true;
          until = Math.min(until, s.breakEnd);
        } else if (s.breakStart > ts) until = Math.min(until, s.breakStart);
      }
      for (const b of breaks) {
        if (b.start > ts) {
          until = Math.min(until, b.start);
          break;
        }
        if (ts < b.end) {
          inBreak = true;
          until = Math.min(until, b.end);
        }
      }
      return { planned: s.planned, inBreak, day: s.date, shift: s.name, until };
    },
  };
}

/**
 * Round-the-clock planning (24/7, no breaks): every instant is planned; days are UTC dates and the
 * shift name is `day`. Use it when a site has no shift calendar.
 */
export function continuousPlan(extraBreaks: readonly TimeWindow[] = []): PlanCalendar {
  const DAY = 86_400_000;
  return shiftPlan({
    at(ts: number): ShiftLike {
      const start = Math.floor(ts / DAY) * DAY;
      return { name: 'day', date: new Date(start).toISOString().slice(0, 10), start, end: start + DAY, breakStart: start, breakEnd: start, planned: true };
    },
  }, extraBreaks);
}

/** A break every day at fixed local times; `end` before `start` crosses midnight. */
export interface LocalBreak {
  start: string;
  end: string;
}

const minutesOf = (hhmm: string): [number, number] => [Number(hhmm.slice(0, 2)), Number(hhmm.slice(3, 5))];

/**
 * Adds breaks that recur every day at local wall-clock times in `timeZone` to a plan. They may cross
 * shift boundaries and midnight; on unplanned days they change nothing (no POT to take from).
 *
 * @example
 * withDailyBreaks(shiftPlan(new ShiftCalendar('Europe/Berlin', { breakMinutes: 0 })), [{ start: '23:45', end: '00:15' }], 'Europe/Berlin');
 */
export function withDailyBreaks(plan: PlanCalendar, breaks: readonly LocalBreak[], timeZone: string): PlanCalendar {
  if (breaks.length === 0) return plan;
  const byDay = new Map<string, TimeWindow[]>();
  const windowsOn = (y: number, m: number, d: number): TimeWindow[] => {
    const key = `${y}-${m}-${d}`;
    let list = byDay.get(key);
    if (list) return list;
    list = breaks.map((b) => {
      const [sh, sm] = minutesOf(b.start);
      const [eh, em] = minutesOf(b.end);
      const crosses = eh * 60 + em <= sh * 60 + sm;
      return { start: zonedTimeToUtc(y, m, d, sh, sm, timeZone), end: zonedTimeToUtc(y, m, d + (crosses ? 1 : 0), eh, em, timeZone) };
    });
    if (byDay.size > 64) byDay.clear();
    byDay.set(key, list);
    return list;
  };
  return {
    at(ts: number): PlanSlot {
      const slot = plan.at(ts);
      let { inBreak, until } = slot;
      const w = wallClock(ts, timeZone);
      for (let offset = -1; offset <= 1; offset++) {
        const day = new Date(Date.UTC(w.year, w.month - 1, w.day + offset));
        for (const b of windowsOn(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate())) {
          if (ts >= b.start && ts < b.end) {
            inBreak = true;
            until = Math.min(until, b.end);
          } else if (b.start > ts) until = Math.min(until, b.start);
        }
      }
      return { ...slot, inBreak, until };
    },
  };
}
