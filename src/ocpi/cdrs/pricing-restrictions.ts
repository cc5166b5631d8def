// TariffRestrictions evaluation for the CDR pricing engine (pricing.ts).
//
// Conventions (the 2.1.1 text says "valid from" / "valid until" without saying whether the
// bounds are inclusive; these are the choices made, applied the same way to every pair):
// - every min_* / start_* bound is inclusive, every max_* / end_* bound is exclusive, so two
//   elements split at the same value (max_power 32 / min_power 32) never both apply;
// - end_date is exclusive, as the spec states;
// - start_time > end_time wraps over midnight (22:00-06:00 = night); start_time == end_time
//   is read as "the whole day" (no time-of-day limit);
// - day_of_week is the local weekday of the instant itself, also inside a wrapping time range
//   (Saturday 02:00 matches SATURDAY, not the FRIDAY whose evening range it continues);
// - an empty day_of_week list is no restriction.
import type { TariffElement, TariffRestrictions } from '../tariffs/schema.js';
import { type Cut, ENERGY_UNITS_PER_KWH, type Period } from './pricing-quantities.js';
import { type LocalInstant, parseTimeOfDay, wallClockCrossings } from './pricing-time.js';

/** What a restriction is tested against: the state of the session at one instant. */
export interface RestrictionContext {
  /** Wall clock of the instant in the tariff's zone. */
  local: LocalInstant;
  /** Seconds since the session started. */
  elapsedSeconds: number;
  /** Energy charged in the session up to this instant, kWh. */
  energyKwh: number;
  /** Charging power in kW (energy / charging time of the charging period); 0 when not charging. */
  powerKw: number;
}

function timeOfDayHolds(r: TariffRestrictions, secondOfDay: number): boolean {
  const start = r.start_time != null ? parseTimeOfDay(r.start_time) : undefined;
  const end = r.end_time != null ? parseTimeOfDay(r.end_time) : undefined;
  if (start !== undefined && end !== undefined) {
    if (start === end) return true;
    return start < end ? secondOfDay >= start && secondOfDay < end : secondOfDay >= start || secondOfDay < end;
  }
  if (start !== undefined) return secondOfDay >= start;
  if (end !== undefined) return secondOfDay < end;
  return true;
}

/** True when every restriction present holds in `ctx` (absent restrictions always hold). */
export function matchesRestrictions(r: TariffRestrictions | null | undefined, ctx: RestrictionContext): boolean {
  if (!r) return true;
  if (!timeOfDayHolds(r, ctx.local.secondOfDay)) return false;
  if (r.start_date != null && ctx.local.date < r.start_date) return false;
  if (r.end_date != null && ctx.local.date >= r.end_date) return false;
  if (r.min_kwh != null && ctx.energyKwh < r.min_kwh) return false;
  if (r.max_kwh != null && ctx.energyKwh >= r.max_kwh) return false;
  if (r.min_power != null && ctx.powerKw < r.min_power) return false;
  if (r.max_power != null && ctx.powerKw >= r.max_power) return false;
  if (r.min_duration != null && ctx.elapsedSeconds < r.min_duration) return false;
  if (r.max_duration != null && ctx.elapsedSeconds >= r.max_duration) return false;
  if (r.day_of_week != null && r.day_of_week.length > 0 && !r.day_of_week.includes(ctx.local.weekday)) return false;
  return true;
}

/** Where, inside a session, the outcome of some restriction of `elements` can change. */
export interface RestrictionBoundaries {
  /** Wall-clock seconds of day (start_time/end_time, and 0 = midnight for dates and weekdays). */
  wallClockSeconds: Set<number>;
  /** Seconds since session start (min_duration/max_duration). */
  durationSeconds: Set<number>;
  /** Session energy in kWh (min_kwh/max_kwh). */
  energyKwh: Set<number>;
  /** Restrictions that could not be read and were therefore ignored. */
  problems: string[];
}

export function restrictionBoundaries(
  elements: readonly { label: string; element: TariffElement }[],
): RestrictionBoundaries {
  const out: RestrictionBoundaries = {
    wallClockSeconds: new Set(),
    durationSeconds: new Set(),
    energyKwh: new Set(),
    problems: [],
  };
  for (const { label, element } of elements) {
    const r = element.restrictions;
    if (!r) continue;
    for (const key of ['start_time', 'end_time'] as const) {
      const value = r[key];
      if (value == null) continue;
      const s = parseTimeOfDay(value);
      if (s === undefined) out.problems.push(`${label}: ${key} "${value}" is not HH:MM; ignored`);
      else out.wallClockSeconds.add(s % 86_400);
    }
    if (r.start_date != null || r.end_date != null || (r.day_of_week != null && r.day_of_week.length > 0)) {
      out.wallClockSeconds.add(0);
    }
    for (const d of [r.min_duration, r.max_duration]) if (d != null && d > 0) out.durationSeconds.add(d);
    for (const e of [r.min_kwh, r.max_kwh]) if (e != null && e > 0) out.energyKwh.add(e);
  }
  return out;
}

/**
 * Where `p` must be cut so that no restriction changes its outcome inside a piece: wall-clock
 * crossings, session durations, and session energy thresholds (placed in time assuming constant
 * power within the period, with the exact period energy at the cut).
 */
export function restrictionCuts(
  p: Period,
  bounds: RestrictionBoundaries,
  sessionStartMs: number,
  energyBefore: number,
  timeZone: string,
): Cut[] {
  const cuts: Cut[] = wallClockCrossings(p.startMs, p.endMs, bounds.wallClockSeconds, timeZone).map((ms) => ({ ms }));
  for (const s of bounds.durationSeconds) cuts.push({ ms: sessionStartMs + s * 1000 });
  for (const kwh of bounds.energyKwh) {
    const threshold = Math.round(kwh * ENERGY_UNITS_PER_KWH) - energyBefore;
    if (threshold > 0 && threshold < p.energy) {
      cuts.push({ ms: p.startMs + ((p.endMs - p.startMs) * threshold) / p.energy, energy: threshold });
    }
  }
  return cuts;
}
