// OCPI 2.1.1-d2 Tariffs module (mod_tariffs.md): Tariff and its classes and enums.
// Unknown fields are stripped, not refused: see the note at the top of ../locations/schema.ts.
import { z } from 'zod';
import { EnergyMix } from '../locations/schema.js';
import { DateTime, DisplayText, decimal, ocpiEnum, ocpiString, TimeOfDay, Url, urlId } from '../types.js';

/** 4.1 DayOfWeek */
export const DayOfWeek = ocpiEnum(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY']);
export type DayOfWeek = z.infer<typeof DayOfWeek>;

/** 4.4 TariffDimensionType */
export const TariffDimensionType = ocpiEnum(['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME']);
export type TariffDimensionType = z.infer<typeof TariffDimensionType>;

/** A non-negative integer (step sizes, durations in seconds). */
const count = z.number().int({ message: 'must be an integer' }).min(0, { message: 'must not be negative' });

/** A non-negative number with at most 4 decimals (kWh, kW). */
const amount = decimal.min(0, { message: 'must not be negative' });

/** ISO 4217 currency code. The spec types it string(3); the code itself is 3 upper-case letters. */
export const Currency = ocpiString(3).regex(/^[A-Z]{3}$/, {
  message: 'must be an ISO 4217 currency code (3 upper-case letters, e.g. EUR)',
});

/** A calendar date "YYYY-MM-DD", string(10) (4.5 start_date / end_date). */
export const DateOnly = ocpiString(10)
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date "YYYY-MM-DD", e.g. 2015-12-24' })
  .refine(
    (s) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return true; // already reported by the regex
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
    },
    { message: 'is not a real calendar date' },
  );

/** 4.2 PriceComponent (price excluding VAT; step_size in Wh or seconds, ignored for FLAT). */
export const PriceComponent = z.object({
  type: TariffDimensionType,
  price: decimal,
  step_size: count,
});
export type PriceComponent = z.infer<typeof PriceComponent>;

/**
 * 4.5 TariffRestrictions. start_time may be later than end_time (a range over midnight), so their
 * order is not checked here; the pricing engine interprets them.
 */
export const TariffRestrictions = z.object({
  start_time: TimeOfDay.optional(),
  end_time: TimeOfDay.optional(),
  start_date: DateOnly.optional(),
  end_date: DateOnly.optional(),
  min_kwh: amount.optional(),
  max_kwh: amount.optional(),
  min_power: amount.optional(),
  max_power: amount.optional(),
  min_duration: count.optional(),
  max_duration: count.optional(),
  day_of_week: z.array(DayOfWeek).optional(),
});
export type TariffRestrictions = z.infer<typeof TariffRestrictions>;

/** 4.3 TariffElement */
export const TariffElement = z.object({
  price_components: z.array(PriceComponent).min(1, { message: 'must contain at least one price component' }),
  restrictions: TariffRestrictions.optional(),
});
export type TariffElement = z.infer<typeof TariffElement>;

/** 3.1 Tariff */
export const Tariff = z.object({
  id: urlId(36),
  currency: Currency,
  tariff_alt_text: z.array(DisplayText).optional(),
  tariff_alt_url: Url.optional(),
  elements: z.array(TariffElement).min(1, { message: 'must contain at least one tariff element' }),
  energy_mix: EnergyMix.optional(),
  last_updated: DateTime,
});
export type Tariff = z.infer<typeof Tariff>;

/** PATCH body (2.2.3): any subset of the fields; a given `elements` replaces the whole list. */
export const TariffPatch = Tariff.partial();
export type TariffPatch = z.infer<typeof TariffPatch>;
