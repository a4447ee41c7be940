// Timestamps as backfill files write them: ISO 8601 with a zone, epoch seconds or milliseconds, or
// naive local wall time read in a named time zone. Parsed by hand: this runs for every row, and
// Date.parse is both slower and too lenient (it takes a bare date as UTC midnight).

/** How numeric timestamps are read: by magnitude (`auto`), or as seconds or milliseconds. */
export type EpochUnit = 'auto' | 's' | 'ms';

export interface TimestampOptions {
  epoch?: EpochUnit;
  /** IANA zone for timestamps without an offset (`2026-11-26 08:00:00`); without it they are refused. */
  timezone?: string;
}

/** A parsed time in ms UTC, or why the text is not one. */
export type ParsedTime = { ok: true; ms: number } | { ok: false; detail: string };

// Epoch seconds for 1990..2200 lie between 6.3e8 and 7.3e9, milliseconds between 6.3e11 and 7.3e12:
// a value below 1e11 cannot be milliseconds of a plausible date, one above cannot be seconds.
const SECONDS_BELOW = 1e11;
const NUMERIC = /^-?\d+(?:\.\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Builds the parser once per import: the time zone's offsets are cached per quarter hour. */
export function timestampParser(options: TimestampOptions = {}): (value: unknown) => ParsedTime {
  const epoch = options.epoch ?? 'auto';
  const zoneOffset = options.timezone ? offsetFinder(options.timezone) : undefined;
  const fromNumber = (n: number): ParsedTime => {
    if (!Number.isFinite(n)) return { ok: false, detail: `timestamp ${n} is not a number` };
    const seconds = epoch === 's' || (epoch === 'auto' && Math.abs(n) < SECONDS_BELOW);
    return { ok: true, ms: Math.round(seconds ? n * 1000 : n) };
  };
  return (value) => {
    if (typeof value === 'number') return fromNumber(value);
    if (typeof value === 'bigint') return fromNumber(Number(value));
    if (value instanceof Date) return { ok: true, ms: value.getTime() };
    if (typeof value !== 'string') return { ok: false, detail: `timestamp is ${value === null || value === undefined ? 'missing' : typeof value}` };
    const text = value.trim();
    if (text === '') return { ok: false, detail: 'timestamp is empty' };
    if (NUMERIC.test(text)) return fromNumber(Number(text));
    const m = ISO.exec(text);
    if (!m) return { ok: false, detail: `timestamp '${clip(text)}' is not ISO 8601 (2026-11-26T08:00:00Z) nor epoch seconds or ms` };
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
    const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3)));
    const check = new Date(wall);
    if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
      return { ok: false, detail: `timestamp '${clip(text)}' is not a valid date and time` };
    }
    if (zone) return { ok: true, ms: wall - offsetMs(zone) };
    if (!zoneOffset) return { ok: false, detail: `timestamp '${clip(text)}' has no time zone: add Z or an offset (+01:00), or pass --timezone Europe/Berlin` };
    return { ok: true, ms: zoneOffset(wall) };
  };
}

function offsetMs(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
}

/** Returns (wall time read as UTC) → real UTC for a zone. In a DST overlap the earlier instant wins. */
function offsetFinder(timezone: string): (wall: number) => number {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new Error(`--timezone '${timezone}' is not an IANA time zone (e.g. Europe/Berlin, UTC)`);
  }
  const cache = new Map<number, number>();
  const QUARTER = 15 * 60_000;
  // Offsets change only on quarter-hour boundaries, so one Intl call per quarter hour is enough.
  const offsetAt = (utc: number): number => {
    const key = Math.floor(utc / QUARTER);
    let offset = cache.get(key);
    if (offset === undefined) {
      const parts = Object.fromEntries(format.formatToParts(new Date(key * QUARTER)).map((p) => [p.type, p.value]));
      offset = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - key * QUARTER;
      if (cache.size > 100_000) cache.clear();
      cache.set(key, offset);
    }
    return offset;
  };
  // Transitions are at least days apart, so the offsets half a day either side are the only candidates.
  // In an overlap (autumn) both fit and the earlier instant wins; in a gap (spring) neither does and the
  // wall time is read with the offset from before the change, which moves it forward as clocks do.
  return (wall) => {
    const before = wall - offsetAt(wall - 43_200_000);
    const after = wall - offsetAt(wall + 43_200_000);
    const beforeFits = before + offsetAt(before) === wall;
    const afterFits = after + offsetAt(after) === wall;
    if (beforeFits && afterFits) return Math.min(before, after);
    if (afterFits) return after;
    return before;
  };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
