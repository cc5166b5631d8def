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

const WEEKDAYS: readonly DayOfWeek[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

const MS_PER_DAY = 86_400_000;

// Formatters are costly to build; caching them keeps results identical, so purity holds.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall clock in numeric parts (24 h); one formatter per zone. */
export function formatter(timeZone: string): Intl.DateTimeFormat {
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
  if (timeZone === 'UTC') return utcFields(wholeSecondMs);
  const offset = quarterHourOffset(wholeSecondMs, timeZone);
  return offset === undefined ? zoneFields(wholeSecondMs, timeZone) : utcFields(wholeSecondMs + offset);
}

function utcFields(ms: number): WallFields {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** The zone's wall clock from Intl (several us per call: a CDR needs dozens). */
function zoneFields(wholeSecondMs: number, timeZone: string): WallFields {
  const out: WallFields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(wholeSecondMs)) {
    if (part.type in out) out[part.type as keyof WallFields] = Number(part.value);
  }
  return out;
}

const QUARTER_HOUR_MS = 900_000;
/** Per zone, per quarter hour (its start in epoch ms): the zone's offset then, or NaN when it changes inside. */
const quarterOffsets = new Map<string, Map<number, number>>();

/**
 * The zone's offset throughout the quarter hour of `ms`. Every offset change of today's zones
 * falls on a quarter hour, so one Intl call per quarter hour serves all instants in it; the
 * offset is checked at both ends, and a quarter hour with a change inside (old local mean time
 * offsets have seconds) is answered per instant (undefined here).
 */
function quarterHourOffset(ms: number, timeZone: string): number | undefined {
  let zone = quarterOffsets.get(timeZone);
  if (!zone) {
    zone = new Map();
    quarterOffsets.set(timeZone, zone);
  }
  const start = Math.floor(ms / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  let offset = zone.get(start);
  if (offset === undefined) {
    const atStart = exactOffset(start, timeZone);
    offset = atStart === exactOffset(start + QUARTER_HOUR_MS - 1000, timeZone) ? atStart : Number.NaN;
    if (zone.size >= 10_000) zone.clear(); // bounded: CDRs span days, not years
    zone.set(start, offset);
  }
  return Number.isNaN(offset) ? undefined : offset;
}

function exactOffset(wholeSecondMs: number, timeZone: string): number {
  const f = zoneFields(wholeSecondMs, timeZone);
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - wholeSecondMs;
}

/** Offset of the zone at an instant, in ms (local = utc + offset). */
function offsetAt(ms: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const whole = Math.floor(ms / 1000) * 1000;
  return quarterHourOffset(whole, timeZone) ?? exactOffset(whole, timeZone);
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
export function wallClockCrossings(fromMs: number, toMs: number, secondsOfDay: ReadonlySet<number>, timeZone: string): number[] {
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
