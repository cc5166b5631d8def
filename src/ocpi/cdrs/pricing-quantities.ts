// Integer quantities and exact money for the CDR pricing engine (pricing.ts).
// Quantities: energy in units of 1e-4 kWh, times in ms. Prices: units of 1e-4 per kWh / hour /
// session. Every cost is held as a BigInt number of 1/COST_DENOMINATOR currency units, so sums
// are exact and only results are rounded.
import type { TariffDimensionType } from '../tariffs/schema.js';
import { dateTimeToMillis } from '../types.js';
import type { ChargingPeriod } from './schema.js';

export const ENERGY_UNITS_PER_KWH = 10_000;
export const ENERGY_UNITS_PER_WH = 10;
export const MS_PER_HOUR = 3_600_000;
export const PRICE_UNITS = 10_000;
/** 1e-4 kWh * 1e-4 price = 1e-8; ms * 1e-4 price/h = 1/3.6e10; lcm = 3.6e10. */
export const COST_DENOMINATOR = 36_000_000_000n;

export function costOf(dimension: TariffDimensionType, billed: number, priceUnits: number): bigint {
  const p = BigInt(priceUnits);
  switch (dimension) {
    case 'ENERGY':
      return BigInt(billed) * p * 360n; // (1e-4 kWh)(1e-4/kWh) = 1e-8 = 360/3.6e10
    case 'TIME':
    case 'PARKING_TIME':
      return BigInt(billed) * p; // ms * (1e-4/h) = 1/3.6e10
    case 'FLAT':
      return p * 3_600_000n; // 1e-4 = 3.6e6/3.6e10
  }
}

export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** Exact cost to a number rounded to 4 decimals, half away from zero. */
export function roundCost(cost: bigint): number {
  const step = COST_DENOMINATOR / 10_000n;
  const negative = cost < 0n;
  const abs = negative ? -cost : cost;
  const units = (abs + step / 2n) / step;
  return Number(negative ? -units : units) / 10_000;
}

export interface Period {
  index: number;
  startMs: number;
  endMs: number;
  energy: number; // 1e-4 kWh
  time: number; // ms
  parking: number; // ms
  powerKw: number;
}

export interface Segment {
  periodIndex: number;
  fromMs: number;
  toMs: number;
  energyBefore: number; // session energy at fromMs, 1e-4 kWh
  energy: number;
  time: number;
  parking: number;
  powerKw: number;
}

export interface Cut {
  ms: number;
  /** Exact period-relative energy at this cut (energy thresholds), 1e-4 kWh. */
  energy?: number;
}

function volumeOf(period: ChargingPeriod, type: string): number | undefined {
  let sum: number | undefined;
  for (const d of period.dimensions) if (d.type === type) sum = (sum ?? 0) + Number(d.volume);
  return sum;
}

/** Reads the charging periods into integer quantities with start/end instants. */
export function readPeriods(
  input: { start_date_time: string; stop_date_time: string; charging_periods: readonly ChargingPeriod[] },
  pricesTime: boolean,
  warnings: string[],
): { periods: Period[]; startMs: number } {
  const raw: { index: number; startMs: number; p: ChargingPeriod }[] = [];
  input.charging_periods.forEach((p, index) => {
    const startMs = dateTimeToMillis(p.start_date_time);
    if (Number.isNaN(startMs)) warnings.push(`charging period ${index}: start_date_time is not a date; period ignored`);
    else raw.push({ index, startMs, p });
  });
  if (raw.some((r, i) => i > 0 && r.startMs < (raw[i - 1]?.startMs ?? r.startMs))) {
    warnings.push('charging periods are not in chronological order; they were sorted by start_date_time');
    raw.sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  }
  if (raw.length === 0) warnings.push('the CDR has no usable charging periods');

  let startMs = dateTimeToMillis(input.start_date_time);
  if (Number.isNaN(startMs)) {
    startMs = raw[0]?.startMs ?? 0;
    warnings.push('start_date_time is not a date; the first charging period start was used');
  }
  let stopMs = dateTimeToMillis(input.stop_date_time);
  if (Number.isNaN(stopMs)) {
    stopMs = raw[raw.length - 1]?.startMs ?? startMs;
    warnings.push('stop_date_time is not a date; the last charging period was taken as lasting 0 s');
  }
  const first = raw[0];
  if (first && first.startMs < startMs) warnings.push(`charging period ${first.index} starts before the session`);

  const noTime: number[] = [];
  const periods = raw.map((r, i): Period => {
    let endMs = raw[i + 1]?.startMs ?? stopMs;
    if (endMs < r.startMs) {
      warnings.push(`charging period ${r.index} starts after stop_date_time; taken as lasting 0 s`);
      endMs = r.startMs;
    }
    const read = (type: string, scale: number): number | undefined => {
      const v = volumeOf(r.p, type);
      if (v === undefined) return undefined;
      if (!Number.isFinite(v) || v < 0) {
        warnings.push(`charging period ${r.index}: ${type} volume ${v} is not a non-negative number; taken as 0`);
        return 0;
      }
      return Math.round(v * scale);
    };
    const energy = read('ENERGY', ENERGY_UNITS_PER_KWH) ?? 0;
    let time = read('TIME', MS_PER_HOUR);
    const parking = read('PARKING_TIME', MS_PER_HOUR);
    if (time === undefined && parking === undefined) {
      time = endMs - r.startMs;
      noTime.push(r.index);
    }
    time ??= 0;
    if (time + (parking ?? 0) > endMs - r.startMs + 1000) {
      warnings.push(
        `charging period ${r.index}: TIME + PARKING_TIME (${round((time + (parking ?? 0)) / 1000, 3)} s) exceed its duration (${(endMs - r.startMs) / 1000} s)`,
      );
    }
    const powerKw = time > 0 ? energy / ENERGY_UNITS_PER_KWH / (time / MS_PER_HOUR) : 0;
    return { index: r.index, startMs: r.startMs, endMs, energy, time, parking: parking ?? 0, powerKw };
  });
  if (noTime.length > 0 && pricesTime) {
    warnings.push(
      `charging period(s) ${noTime.join(', ')} have neither TIME nor PARKING_TIME; their whole duration was taken as charging TIME`,
    );
  }
  return { periods, startMs };
}

/** Splits a period at the cuts, sharing its volumes in proportion to time. */
export function splitPeriod(p: Period, cuts: Cut[], energyBefore: number): Segment[] {
  const duration = p.endMs - p.startMs;
  const sorted = cuts.filter((c) => c.ms > p.startMs && c.ms < p.endMs).sort((a, b) => a.ms - b.ms);
  const points: Cut[] = [];
  for (const c of sorted) {
    const last = points[points.length - 1];
    if (last && last.ms === c.ms) last.energy ??= c.energy;
    else points.push({ ...c });
  }
  points.push({ ms: p.endMs, energy: p.energy });

  const segments: Segment[] = [];
  let prev = { ms: p.startMs, energy: 0, time: 0, parking: 0 };
  for (const point of points) {
    const share = (total: number) => (duration > 0 ? Math.round((total * (point.ms - p.startMs)) / duration) : total);
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const next = {
      ms: point.ms,
      energy: clamp(point.energy ?? share(p.energy), prev.energy, p.energy),
      time: clamp(share(p.time), prev.time, p.time),
      parking: clamp(share(p.parking), prev.parking, p.parking),
    };
    segments.push({
      periodIndex: p.index,
      fromMs: prev.ms,
      toMs: next.ms,
      energyBefore: energyBefore + prev.energy,
      energy: next.energy - prev.energy,
      time: next.time - prev.time,
      parking: next.parking - prev.parking,
      powerKw: p.powerKw,
    });
    prev = next;
  }
  return segments;
}
