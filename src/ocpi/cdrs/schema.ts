// OCPI 2.1.1-d2 CDRs module (mod_cdrs.md): CDR, ChargingPeriod, CdrDimension and enums.
// Unknown fields are stripped, not refused: see the note at the top of ../locations/schema.ts.
import { z } from 'zod';
import { Location } from '../locations/schema.js';
import { Currency, Tariff } from '../tariffs/schema.js';
import { DateTime, decimal, ocpiEnum, ocpiString, urlId } from '../types.js';

/** 4.1 AuthMethod */
export const AuthMethod = ocpiEnum(['AUTH_REQUEST', 'WHITELIST']);
export type AuthMethod = z.infer<typeof AuthMethod>;

/** 4.3 CdrDimensionType */
export const CdrDimensionType = ocpiEnum(['ENERGY', 'FLAT', 'MAX_CURRENT', 'MIN_CURRENT', 'PARKING_TIME', 'TIME']);
export type CdrDimensionType = z.infer<typeof CdrDimensionType>;

/** 4.2 CdrDimension (volume in the unit of its type: kWh, A or hours). */
export const CdrDimension = z.object({
  type: CdrDimensionType,
  volume: decimal,
});
export type CdrDimension = z.infer<typeof CdrDimension>;

/** 4.4 ChargingPeriod */
export const ChargingPeriod = z.object({
  start_date_time: DateTime,
  dimensions: z.array(CdrDimension).min(1, { message: 'must contain at least one dimension' }),
});
export type ChargingPeriod = z.infer<typeof ChargingPeriod>;

/** 3.1 CDR. `location` carries only the EVSE and connector used. Totals exclude VAT. */
export const CDR = z.object({
  id: urlId(36),
  start_date_time: DateTime,
  stop_date_time: DateTime,
  auth_id: ocpiString(36),
  auth_method: AuthMethod,
  location: Location,
  meter_id: ocpiString(255).optional(),
  currency: Currency,
  tariffs: z.array(Tariff).optional(),
  charging_periods: z.array(ChargingPeriod).min(1, { message: 'must contain at least one charging period' }),
  total_cost: decimal,
  total_energy: decimal,
  total_time: decimal,
  total_parking_time: decimal.optional(),
  remark: ocpiString(255).optional(),
  last_updated: DateTime,
});
export type CDR = z.infer<typeof CDR>;
