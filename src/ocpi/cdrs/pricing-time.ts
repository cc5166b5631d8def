// Local wall-clock helpers for the CDR pricing engine (pricing.ts).
//
// OCPI 2.1.1 tariff restrictions (start_time/end_time, start_date/end_date, day_of_week) are
// wall-clock values without a zone, while every DateTime in a CDR is UTC. The spec does not say
// which zone the restrictions are in; the engine reads them in one IANA zone (by default the
// CDR location's `time_zone`, else UTC). Everything here is pure: Intl only, no clock reads.
import type { DayOfWeek } from '../tariffs/schema.js';

/** A point in time as seen on the wall clock of the tariff's zone. */
export interface LocalInstant {
  /** Local calendar date, YYYY-MM-DD (comparable as a string). */
  date: string;
  /** Seconds since local midnight, fractional (0 <= s < 86400, longer/shorter on DST days). */
  secondOfDay: number;
  weekday: DayOfWeek;
}

const WEEKDAYS: readonly DayOfWeek[] = [
  'SUNDAY',
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
];

const MS_PER_DAY = 86_400_000;

// Formatters are costly to build; caching them keeps results identical, so purity holds.
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

/** True when `timeZone` is an IANA name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Wall-clock fields of a whole-second instant. */
function wallFields(wholeSecondMs: number, timeZone: string): WallFields {
  if (timeZone === 'UTC') {
    const d = new Date(wholeSecondMs);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  const out: WallFields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(wholeSecondMs)) {
    if (part.type in out) out[part.type as keyof WallFields] = Number(part.value);
  }
  return out;
}

/** Offset of the zone at an instant, in ms (local = utc + offset). */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const f = wallFields(whole, timeZone);
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - whole;
}

/** The wall clock of `ms` (epoch ms, may be fractional) in `timeZone`. */
export function toLocal(ms: number, timeZone: string): LocalInstant {
  const whole = Math.floor(ms / 1000) * 1000;
  const f = wallFields(whole, timeZone);
  const date = `${String(f.year).padStart(4, '0')}-${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}`;
  const weekday = WEEKDAYS[new Date(Date.UTC(f.year, f.month - 1, f.day)).getUTCDay()] ?? 'MONDAY';
  return { date, secondOfDay: f.hour * 3600 + f.minute * 60 + f.second + (ms - whole) / 1000, weekday };
}

/**
 * The UTC instant at which the wall clock of `timeZone` shows `secondOfDay` on the local day
 * `dayUtcMs` (midnight UTC of that calendar date). In a DST gap the result lands just after it.
 */
function fromLocal(dayUtcMs: number, secondOfDay: number, timeZone: string): number {
  const naive = dayUtcMs + secondOfDay * 1000;
  const first = naive - offsetAt(naive, timeZone);
  return naive - offsetAt(first, timeZone);
}

/**
 * All instants strictly inside (fromMs, toMs) at which the wall clock of `timeZone` shows one of
 * `secondsOfDay` (e.g. 0 for midnight, 28800 for 08:00).
 */
export function wallClockCrossings(
  fromMs: number,
  toMs: number,
  secondsOfDay: ReadonlySet<number>,
  timeZone: string,
): number[] {
  if (!(toMs > fromMs) || secondsOfDay.size === 0) return [];
  const first = toLocal(fromMs, timeZone).date;
  const last = toLocal(toMs, timeZone).date;
  const firstDay = Date.parse(`${first}T00:00:00Z`) - MS_PER_DAY;
  const lastDay = Date.parse(`${last}T00:00:00Z`) + MS_PER_DAY;
  const out: number[] = [];
  for (let day = firstDay; day <= lastDay; day += MS_PER_DAY) {
    for (const s of secondsOfDay) {
      const t = fromLocal(day, s, timeZone);
      if (t > fromMs && t < toMs) out.push(t);
    }
  }
  return out;
}

/** "HH:MM" to seconds since midnight; 24:00 is accepted as the end of the day. */
export function parseTimeOfDay(value: string): number | undefined {
  const m = /^([0-2][0-9]):([0-5][0-9])$/.exec(value);
  if (!m) return undefined;
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60;
  return seconds <= 86_400 ? seconds : undefined;
}
