import { checkTimeZone, wallClock, zonedTimeToUtc } from './time-zone.js';

/** How a site works: shift start times in local time, one break per shift, days without production. */
export interface ShiftPattern {
  /** Local start times, ascending, `HH:MM`; each shift ends when the next starts. Default 06:00, 14:00, 22:00. */
  shiftStarts?: string[];
  /** Shift names, same order; default early, late, night (or shift-1, shift-2 ...). */
  shiftNames?: string[];
  /** One planned break per shift, centred in the shift's real duration (0 = none). Default 30. */
  breakMinutes?: number;
  /** Weekdays (0 = Sunday ... 6 = Saturday) whose shifts are not planned: the plant is offline. Default none. */
  offDays?: number[];
}

/** One shift occurrence. Instants are ms since the epoch, UTC. */
export interface Shift {
  /** Position in the pattern (0 = first shift of the day). */
  index: number;
  name: string;
  /** Local calendar date the shift starts on, `YYYY-MM-DD` (a night shift belongs to the day it starts). */
  date: string;
  /** Weekday of `date`, 0 = Sunday. */
  weekday: number;
  start: number;
  end: number;
  /** The planned break; equal to each other when there is none. */
  breakStart: number;
  breakEnd: number;
  /** False on off days: nothing is planned, machines are offline. */
  planned: boolean;
}

const DEFAULT_STARTS = ['06:00', '14:00', '22:00'];
const DEFAULT_NAMES = ['early', 'late', 'night'];
const DAY_MS = 86_400_000;

/**
 * Shifts of one site in its IANA time zone. Shift boundaries are local wall-clock times, so a shift
 * that spans a daylight-saving change is an hour shorter or longer in real time; the break sits in
 * the middle of the real duration. Lookups for increasing times are O(1) (the current shift is cached).
 *
 * @example
 * const cal = new ShiftCalendar('Europe/Berlin');
 * cal.at(Date.UTC(2025, 2, 30, 0, 0)).name; // 'night' (started 22:00 CET on 29 March, 7 h long)
 */
export class ShiftCalendar {
  private readonly starts: Array<{ hour: number; minute: number }>;
  private readonly names: string[];
  private readonly breakMs: number;
  private readonly offDays: Set<number>;
  private current: Shift | undefined;

  constructor(
    readonly timeZone: string,
    pattern: ShiftPattern = {},
  ) {
    checkTimeZone(timeZone, 'shift calendar');
    const starts = pattern.shiftStarts ?? DEFAULT_STARTS;
    if (starts.length === 0) throw new Error('shift calendar: shiftStarts needs at least one start time');
    this.starts = starts.map((text) => {
      const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
      if (!match) throw new Error(`shift calendar: shift start '${text}' is not a local time HH:MM such as 06:00`);
      return { hour: Number(match[1]), minute: Number(match[2]) };
    });
    for (let i = 1; i < this.starts.length; i++) {
      const prev = this.starts[i - 1];
      const cur = this.starts[i];
      if (cur.hour * 60 + cur.minute <= prev.hour * 60 + prev.minute) {
        throw new Error(`shift calendar: shift starts must ascend within the day (${starts[i - 1]} then ${starts[i]})`);
      }
    }
    this.names = pattern.shiftNames ?? (starts.length === 3 ? DEFAULT_NAMES : starts.map((_, i) => `shift-${i + 1}`));
    if (this.names.length !== starts.length) throw new Error(`shift calendar: ${starts.length} shift starts but ${this.names.length} names`);
    const breakMinutes = pattern.breakMinutes ?? 30;
    if (!(breakMinutes >= 0)) throw new Error(`shift calendar: breakMinutes must be 0 or more (got ${breakMinutes})`);
    this.breakMs = breakMinutes * 60_000;
    this.offDays = new Set(pattern.offDays ?? []);
  }

  /** The shift that contains instant `ts`. */
  at(ts: number): Shift {
    const cur = this.current;
    if (cur !== undefined && ts >= cur.start && ts < cur.end) return cur;
    const shift = this.find(ts);
    this.current = shift;
    return shift;
  }

  /** Every shift that overlaps [from, to), in order. */
  between(from: number, to: number): Shift[] {
    const shifts: Shift[] = [];
    let t = from;
    while (t < to) {
      const shift = this.find(t);
      shifts.push(shift);
      t = shift.end;
    }
    return shifts;
  }

  private find(ts: number): Shift {
    const w = wallClock(ts, this.timeZone);
    // Candidate starts on the previous, current and next local day; the shift is the last start <= ts.
    const candidates: Array<{ start: number; index: number; y: number; m: number; d: number }> = [];
    for (let dayOffset = -1; dayOffset <= 1; dayOffset++) {
      const date = new Date(Date.UTC(w.year, w.month - 1, w.day + dayOffset));
      const y = date.getUTCFullYear();
      const m = date.getUTCMonth() + 1;
      const d = date.getUTCDate();
      this.starts.forEach((s, index) => candidates.push({ start: zonedTimeToUtc(y, m, d, s.hour, s.minute, this.timeZone), index, y, m, d }));
    }
    let k = candidates.length - 2;
    while (k > 0 && candidates[k].start > ts) k--;
    const c = candidates[k];
    const start = c.start;
    const end = candidates[k + 1].start;
    if (!(start <= ts && ts < end) || end - start > 2 * DAY_MS) throw new Error(`shift calendar: no shift found for ${new Date(ts).toISOString()} in ${this.timeZone}`);
    const mid = start + (end - start) / 2;
    const halfBreak = Math.min(this.breakMs, end - start) / 2;
    const weekday = new Date(Date.UTC(c.y, c.m - 1, c.d)).getUTCDay();
    return {
      index: c.index,
      name: this.names[c.index],
      date: `${c.y}-${String(c.m).padStart(2, '0')}-${String(c.d).padStart(2, '0')}`,
      weekday,
      start,
      end,
      breakStart: mid - halfBreak,
      breakEnd: mid + halfBreak,
      planned: !this.offDays.has(weekday),
    };
  }
}
