// Base types of OCPI 2.1.1-d2 (types.md) and the classes shared by several modules.
// Every OCPI object schema is built from these so lengths and formats are stated once.
import { z } from 'zod';

/** Printable ASCII, as types.md requires for `string` and `CiString`. */
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

/** string(n): case-sensitive, printable ASCII, at most n characters. */
export const ocpiString = (max: number) =>
  z.string().max(max, { message: `must be at most ${max} characters` }).regex(PRINTABLE_ASCII, {
    message: 'must be printable ASCII',
  });

/** CiString(n): like string(n); compared case-insensitively where the spec says so. */
export const ciString = ocpiString;

/**
 * DateTime: ISO 8601, UTC, string(25). The spec allows the `Z` to be absent (implied UTC);
 * an explicit offset such as +00:00 is "not the same as UTC" and is refused.
 * Kept as a string so the CPO's form is stored as sent.
 */
export const DateTime = z
  .string()
  .max(25, { message: 'DateTime must be at most 25 characters' })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z?$/, {
    message: 'DateTime must be ISO 8601 in UTC, e.g. 2015-06-29T20:39:09Z (no offset)',
  })
  .refine((s) => !Number.isNaN(Date.parse(s.endsWith('Z') ? s : `${s}Z`)), {
    message: 'DateTime is not a real date/time',
  });
export type DateTime = z.infer<typeof DateTime>;

/** Parse an OCPI DateTime (with or without `Z`) to epoch milliseconds. */
export function dateTimeToMillis(value: string): number {
  return Date.parse(value.endsWith('Z') ? value : `${value}Z`);
}

/** URL: string(255) that parses as an absolute URL. */
export const Url = ocpiString(255).refine(
  (s) => {
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an absolute URL' },
);

/** number: JSON number with at most 4 decimals (types.md 1.4). */
export const decimal = z
  .number()
  .refine((n) => Number.isFinite(n), { message: 'must be a finite number' })
  .refine((n) => Math.abs(n * 10_000 - Math.round(n * 10_000)) < 1e-6, {
    message: 'must have at most 4 decimals',
  });

/** int(n): an integer of at most n digits. */
export const int = (digits: number) =>
  z
    .number()
    .int({ message: 'must be an integer' })
    .refine((n) => Math.abs(n) < 10 ** digits, { message: `must have at most ${digits} digits` });

/** types.md 1.3 DisplayText. */
export const DisplayText = z.object({
  language: ocpiString(2),
  text: ocpiString(512),
});
export type DisplayText = z.infer<typeof DisplayText>;

/** mod_locations.md 4.15 ImageCategory. */
export const ImageCategory = z.enum(['CHARGER', 'ENTRANCE', 'LOCATION', 'NETWORK', 'OPERATOR', 'OTHER', 'OWNER']);
export type ImageCategory = z.infer<typeof ImageCategory>;

/** mod_locations.md 4.14 Image. */
export const Image = z.object({
  url: Url,
  thumbnail: Url.optional(),
  category: ImageCategory,
  type: ocpiString(4),
  width: int(5).optional(),
  height: int(5).optional(),
});
export type Image = z.infer<typeof Image>;

/** mod_locations.md 4.1 BusinessDetails (also used by credentials). */
export const BusinessDetails = z.object({
  name: ocpiString(100),
  website: Url.optional(),
  logo: Image.optional(),
});
export type BusinessDetails = z.infer<typeof BusinessDetails>;

/** credentials.md: country_code string(2), party_id string(3). Used in URLs, so kept strict. */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, { message: 'country_code must be 2 upper-case letters' });
export const PartyId = z.string().regex(/^[A-Z0-9]{3}$/, { message: 'party_id must be 3 upper-case letters or digits' });

/**
 * An object id that appears in a URL (location_id, evse_uid, tariff_id, token uid, cdr id).
 * The spec types them string(n) of printable ASCII; we also refuse '/', '\\', '?', '#', '%'
 * and whitespace so that an id can never alter a path or a store key.
 */
export const urlId = (max: number) =>
  ocpiString(max).min(1, { message: 'must not be empty' }).regex(/^[^/\\?#%\s]+$/, {
    message: 'must not contain / \\ ? # % or whitespace',
  })
  .refine((s) => s !== '.' && s !== '..', { message: 'must not be . or ..' })
  // Ids are store keys and JSON keys of the state export: never a name JavaScript objects own.
  .refine((s) => s !== '__proto__' && s !== 'constructor' && s !== 'prototype', { message: 'must not be __proto__, constructor or prototype' });

/**
 * An OCPI enum. Messages list the allowed values, and say "is required" when the field is absent
 * (zod's default for a missing enum would list the values, which reads as if a value were wrong).
 */
export const ocpiEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (issue) => (issue.input === undefined ? 'is required' : `must be one of: ${values.join(', ')}`),
  });

/**
 * Time of day "HH:MM", 24h with leading zeros (mod_locations.md 4.19, mod_tariffs.md 4.5 give the
 * regex [0-2][0-9]:[0-5][0-9]); values past 24:00 are refused, 24:00 itself is kept as "end of day".
 */
export const TimeOfDay = ocpiString(5)
  .regex(/^[0-2][0-9]:[0-5][0-9]$/, { message: 'must be a time of day "HH:MM" (24h, leading zeros), e.g. 08:30' })
  .refine((s) => !/^\d\d:\d\d$/.test(s) || s <= '24:00', { message: 'must not be later than 24:00' });
