// Consistency check of a CDR's totals against its charging periods (part of the CDR price check).
// Pure. Compares in integers (1e-4 kWh, ms) so tolerances are exact.
import type { ChargingPeriod } from './schema.js';
import { dateTimeToMillis } from '../types.js';
import { ENERGY_UNITS_PER_KWH, MS_PER_HOUR } from './pricing-quantities.js';

/** The part of a CDR checkTotals reads; a full CDR object fits. */
export interface TotalsInput {
  start_date_time?: string | null;
  stop_date_time?: string | null;
  charging_periods: readonly ChargingPeriod[];
  total_energy?: number | null;
  total_time?: number | null;
  total_parking_time?: number | null;
}

/** 0.001 kWh. */
const ENERGY_TOLERANCE = 10;
/** 1 second. */
const TIME_TOLERANCE_MS = 1000;

function sumOf(periods: readonly ChargingPeriod[], type: string, scale: number): number | undefined {
  let sum: number | undefined;
  for (const p of periods) {
    for (const d of p.dimensions) if (d.type === type) sum = (sum ?? 0) + Math.round(Number(d.volume) * scale);
  }
  return sum;
}

const kwh = (units: number) => `${units / ENERGY_UNITS_PER_KWH} kWh`;
const hours = (ms: number) => `${Math.round((ms / MS_PER_HOUR) * 10_000) / 10_000} h (${ms / 1000} s)`;

/**
 * Warnings for totals that disagree with the charging periods: total_energy vs the ENERGY
 * volumes (tolerance 0.001 kWh), total_time vs TIME + PARKING_TIME volumes and vs
 * stop_date_time - start_date_time, total_parking_time vs PARKING_TIME volumes (1 s each).
 * An absent total_parking_time counts as 0. Empty list = consistent.
 */
export function checkTotals(cdr: TotalsInput): string[] {
  const warnings: string[] = [];
  const periods = cdr.charging_periods;

  const energy = sumOf(periods, 'ENERGY', ENERGY_UNITS_PER_KWH) ?? 0;
  if (cdr.total_energy != null) {
    const total = Math.round(cdr.total_energy * ENERGY_UNITS_PER_KWH);
    if (Math.abs(total - energy) > ENERGY_TOLERANCE) {
      warnings.push(`total_energy is ${kwh(total)} but the charging periods' ENERGY adds up to ${kwh(energy)}`);
    }
  }

  const time = sumOf(periods, 'TIME', MS_PER_HOUR);
  const parking = sumOf(periods, 'PARKING_TIME', MS_PER_HOUR);
  if (cdr.total_time != null) {
    const total = Math.round(cdr.total_time * MS_PER_HOUR);
    if (time !== undefined || parking !== undefined) {
      const sum = (time ?? 0) + (parking ?? 0);
      if (Math.abs(total - sum) > TIME_TOLERANCE_MS) {
        warnings.push(
          `total_time is ${hours(total)} but the charging periods' TIME + PARKING_TIME add up to ${hours(sum)}`,
        );
      }
    }
    const start = cdr.start_date_time != null ? dateTimeToMillis(cdr.start_date_time) : Number.NaN;
    const stop = cdr.stop_date_time != null ? dateTimeToMillis(cdr.stop_date_time) : Number.NaN;
    if (!Number.isNaN(start) && !Number.isNaN(stop) && Math.abs(total - (stop - start)) > TIME_TOLERANCE_MS) {
      warnings.push(`total_time is ${hours(total)} but stop_date_time - start_date_time is ${hours(stop - start)}`);
    }
  }

  const totalParking = Math.round((cdr.total_parking_time ?? 0) * MS_PER_HOUR);
  if (Math.abs(totalParking - (parking ?? 0)) > TIME_TOLERANCE_MS) {
    const stated = cdr.total_parking_time == null ? 'absent (0)' : hours(totalParking);
    warnings.push(
      `total_parking_time is ${stated} but the charging periods' PARKING_TIME adds up to ${hours(parking ?? 0)}`,
    );
  }
  return warnings;
}
