// Plant local time from UTC instants and back, with the runtime's IANA time zone data (Intl).
// Only shift boundaries are converted (a few per day), so Intl's cost does not matter here.

/** A wall-clock reading in some time zone. Month is 1-12, weekday 0 (Sunday) - 6. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a readable error when the runtime does not know `timeZone`. */
export function checkTimeZone(timeZone: string, where: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new Error(`${where}: unknown time zone '${timeZone}': use an IANA name such as Europe/Berlin, America/Chicago or UTC`);
  }
}

/** The wall clock in `timeZone` at instant `ts` (ms since the epoch, UTC). */
export function wallClock(ts: number, timeZone: string): WallClock {
  const parts = formatter(timeZone).formatToParts(new Date(ts));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const year = get('year');
  const month = get('month');
  const day = get('day');
  return { year, month, day, hour: get('hour'), minute: get('minute'), second: get('second'), weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** Offset of local time from UTC at instant `ts`, in ms (Europe/Berlin in summer: +7,200,000). */
export function offsetAt(ts: number, timeZone: string): number {
  const whole = Math.floor(ts / 1000) * 1000;
  const w = wallClock(whole, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - whole;
}

/**
 * The UTC instant of a local wall-clock time. `day` may overflow (32 = next month) like Date.UTC.
 * Where the wall time happens twice (clocks go back) the earlier instant is returned; where it does not
 * exist (clocks go forward) the time is moved forward by the gap, so 02:30 on a spring-forward night in
 * Europe/Berlin becomes 03:30 CEST (as Temporal's 'compatible' disambiguation does).
 */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Real zones change offset at most once within a day either side of any instant.
  const before = offsetAt(wall - 86_400_000, timeZone);
  const after = offsetAt(wall + 86_400_000, timeZone);
  const early = wall - before;
  const late = wall - after;
  const earlyValid = offsetAt(early, timeZone) === before;
  const lateValid = offsetAt(late, timeZone) === after;
  if (earlyValid && lateValid) return Math.min(early, late);
  if (lateValid) return late;
  return early; // valid, or in a gap: interpreted with the offset before the change, i.e. moved forward
}
