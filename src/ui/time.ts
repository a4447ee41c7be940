// Times arrive as ms since the epoch (UTC); the dashboard shows them in the plant's local time.

let zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
let formatters = makeFormatters(zone);

function makeFormatters(timeZone: string) {
  return {
    time: new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
    day: new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' }),
    short: new Intl.DateTimeFormat('en-GB', { timeZone, day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    parts: new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
    }),
    // Abbreviations differ by locale (en-US knows CST, en-GB knows CET); the first that is not `GMT+n` wins.
    zoneNames: ['en-US', 'en-GB'].map((locale) => new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })),
  };
}

/** Sets the IANA zone times are shown in; ignores names the browser does not know. */
export function setPlantTimeZone(timeZone: string): void {
  try {
    formatters = makeFormatters(timeZone);
    zone = timeZone;
  } catch {
    console.warn(`Unknown time zone '${timeZone}', showing browser time`);
  }
}

export function plantTimeZone(): string {
  return zone;
}

/** Short zone label for the current moment, e.g. `CET`, `GMT+1`. */
export function zoneLabel(ms = Date.now()): string {
  const names = formatters.zoneNames.map((f) => f.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? zone);
  return names.find((n) => !/^(GMT|UTC)[+-]/.test(n)) ?? names[0];
}

/** `14:03:27` */
export function formatTime(ms: number): string {
  return formatters.time.format(ms);
}

/** `2025-11-26 14:03:27` in plant time; times of the current day drop the date. */
export function formatDateTime(ms: number, now = Date.now()): string {
  const [date, time] = isoParts(ms);
  return date === isoParts(now)[0] ? time : `${date} ${time}`;
}

function isoParts(ms: number): [string, string] {
  const p = Object.fromEntries(formatters.parts.formatToParts(ms).map((x) => [x.type, x.value]));
  const two = (v: string) => v.padStart(2, '0');
  return [`${p.year}-${two(p.month)}-${two(p.day)}`, `${two(String(+p.hour % 24))}:${two(p.minute)}:${two(p.second)}`];
}

/** `26 Nov` */
export function formatDay(ms: number): string {
  return formatters.day.format(ms);
}

/** `26 Nov, 14:03` */
export function formatShort(ms: number): string {
  return formatters.short.format(ms);
}

/** Compact duration: `42 s`, `7 min`, `3 h 12 min`, `2 d 4 h`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Age of a value for tables: `now`, `3 s`, `5 min` ... */
export function formatAge(ts: number, now = Date.now()): string {
  const age = now - ts;
  return age < 1000 ? 'now' : formatDuration(age);
}

/** The wall-clock fields of an instant in the plant zone. */
function wallClock(ms: number): number {
  const p = Object.fromEntries(formatters.parts.formatToParts(ms).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
}

/** `2025-11-26T14:03` (a datetime-local value, plant time) to ms UTC. */
export function parsePlantLocal(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // Guess with the offset at the wall time, then correct once for a DST change in between.
  let guess = wall - (wallClock(wall) - wall);
  guess = wall - (wallClock(guess) - guess);
  return guess;
}

/** ms UTC to a datetime-local value in plant time. */
export function toPlantLocal(ms: number): string {
  return new Date(wallClock(ms)).toISOString().slice(0, 16);
}

/** How far plant wall-clock time is ahead of UTC at an instant, in ms. */
export function zoneOffset(ms: number): number {
  return wallClock(ms) - (ms - (ms % 1000));
}
