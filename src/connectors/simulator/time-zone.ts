// Plant local time from UTC instants and back, with the runtime's IANA time zone data (Intl).
// Intl costs microseconds per call and OEE over a month asks for the wall clock of every state change
// and unit, so the offset is cached per zone and hour: an hour whose start and end have the same
// offset has it throughout (no zone changes its offset twice within an hour).

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
  const local = new Date(ts + offsetAt(ts, timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: local.getUTCDay(),
  };
}

/** Offset of local time from UTC at instant `ts`, in ms (Europe/Berlin in summer: +7,200,000). */
export function offsetAt(ts: number, timeZone: string): number {
  const hour = Math.floor(ts / HOUR_MS) * HOUR_MS;
  let byHour = hourOffsets.get(timeZone);
  if (!byHour) hourOffsets.set(timeZone, (byHour = new Map()));
  let offset = byHour.get(hour);
  if (offset === undefined) {
    if (byHour.size >= MAX_CACHED_HOURS) byHour.clear();
    const atStart = intlOffset(hour, timeZone);
    offset = atStart === intlOffset(hour + HOUR_MS, timeZone) ? atStart : Number.NaN; // NaN: the offset changes in this hour
    byHour.set(hour, offset);
  }
  return Number.isNaN(offset) ? intlOffset(ts, timeZone) : offset;
}

const HOUR_MS = 3_600_000;
/** About eleven years of hours per zone before the cache starts over. */
const MAX_CACHED_HOURS = 100_000;
const hourOffsets = new Map<string, Map<number, number>>();

/** The offset at `ts` as Intl reads it (to the second: historical offsets have seconds). */
function intlOffset(ts: number, timeZone: string): number {
  const whole = Math.floor(ts / 1000) * 1000;
  const parts = formatter(timeZone).formatToParts(new Date(whole));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - whole;
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
