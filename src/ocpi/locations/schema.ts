// OCPI 2.1.1-d2 Locations module (mod_locations.md): Location, EVSE, Connector and their classes and enums.
//
// Unknown fields: OCPI 2.1.1 does not forbid fields beyond those in the tables, and CPOs often send
// vendor extensions or fields of later OCPI versions. So every schema here is a plain `z.object`
// (zod's default strips unknown keys): unknown fields are accepted and not stored. The transport
// layer diffs input and parsed output and reports them to the CPO as advisory findings.
// Do not use .strict() or .passthrough() in the OCPI object schemas.
import { z } from 'zod';
import { BusinessDetails, DateTime, DisplayText, decimal, Image, int, ocpiEnum, ocpiString, TimeOfDay, Url, urlId } from '../types.js';

// ---- enums -------------------------------------------------------------------------------------

/** 4.2 Capability */
export const Capability = ocpiEnum([
  'CHARGING_PROFILE_CAPABLE',
  'CREDIT_CARD_PAYABLE',
  'REMOTE_START_STOP_CAPABLE',
  'RESERVABLE',
  'RFID_READER',
  'UNLOCK_CAPABLE',
]);
export type Capability = z.infer<typeof Capability>;

/** 4.3 ConnectorFormat */
export const ConnectorFormat = ocpiEnum(['SOCKET', 'CABLE']);
export type ConnectorFormat = z.infer<typeof ConnectorFormat>;

/** 4.4 ConnectorType (the IEC_60309 values are mixed case in the spec, and enums are case sensitive). */
export const ConnectorType = ocpiEnum([
  'CHADEMO',
  'DOMESTIC_A',
  'DOMESTIC_B',
  'DOMESTIC_C',
  'DOMESTIC_D',
  'DOMESTIC_E',
  'DOMESTIC_F',
  'DOMESTIC_G',
  'DOMESTIC_H',
  'DOMESTIC_I',
  'DOMESTIC_J',
  'DOMESTIC_K',
  'DOMESTIC_L',
  'IEC_60309_2_single_16',
  'IEC_60309_2_three_16',
  'IEC_60309_2_three_32',
  'IEC_60309_2_three_64',
  'IEC_62196_T1',
  'IEC_62196_T1_COMBO',
  'IEC_62196_T2',
  'IEC_62196_T2_COMBO',
  'IEC_62196_T3A',
  'IEC_62196_T3C',
  'TESLA_R',
  'TESLA_S',
]);
export type ConnectorType = z.infer<typeof ConnectorType>;

/** 4.7 EnergySourceCategory */
export const EnergySourceCategory = ocpiEnum(['NUCLEAR', 'GENERAL_FOSSIL', 'COAL', 'GAS', 'GENERAL_GREEN', 'SOLAR', 'WIND', 'WATER']);
export type EnergySourceCategory = z.infer<typeof EnergySourceCategory>;

/** 4.9 EnvironmentalImpactCategory */
export const EnvironmentalImpactCategory = ocpiEnum(['NUCLEAR_WASTE', 'CARBON_DIOXIDE']);
export type EnvironmentalImpactCategory = z.infer<typeof EnvironmentalImpactCategory>;

/** 4.11 Facility */
export const Facility = ocpiEnum([
  'HOTEL',
  'RESTAURANT',
  'CAFE',
  'MALL',
  'SUPERMARKET',
  'SPORT',
  'RECREATION_AREA',
  'NATURE',
  'MUSEUM',
  'BUS_STOP',
  'TAXI_STAND',
  'TRAIN_STATION',
  'AIRPORT',
  'CARPOOL_PARKING',
  'FUEL_STATION',
  'WIFI',
]);
export type Facility = z.infer<typeof Facility>;

/** 4.16 LocationType */
export const LocationType = ocpiEnum(['ON_STREET', 'PARKING_GARAGE', 'UNDERGROUND_GARAGE', 'PARKING_LOT', 'OTHER', 'UNKNOWN']);
export type LocationType = z.infer<typeof LocationType>;

/** 4.17 ParkingRestriction */
export const ParkingRestriction = ocpiEnum(['EV_ONLY', 'PLUGGED', 'DISABLED', 'CUSTOMERS', 'MOTORCYCLES']);
export type ParkingRestriction = z.infer<typeof ParkingRestriction>;

/** 4.18 PowerType */
export const PowerType = ocpiEnum(['AC_1_PHASE', 'AC_3_PHASE', 'DC']);
export type PowerType = z.infer<typeof PowerType>;

/** 4.20 Status (of an EVSE) */
export const Status = ocpiEnum([
  'AVAILABLE',
  'BLOCKED',
  'CHARGING',
  'INOPERATIVE',
  'OUTOFORDER',
  'PLANNED',
  'REMOVED',
  'RESERVED',
  'UNKNOWN',
]);
export type Status = z.infer<typeof Status>;

// ---- classes -----------------------------------------------------------------------------------

/** A non-negative integer (the spec's plain `int`, for physical quantities). */
const count = z.number().int({ message: 'must be an integer' }).min(0, { message: 'must not be negative' });

const inRange = (s: string, limit: number) => Math.abs(Number(s)) <= limit;

/** 4.12 latitude: string(10), regex -?[0-9]{1,2}\.[0-9]{6} (exactly 6 decimals, "." separator). */
const Latitude = ocpiString(10)
  .regex(/^-?[0-9]{1,2}\.[0-9]{6}$/, { message: 'must be decimal degrees with 6 decimals, e.g. 50.770774' })
  .refine((s) => inRange(s, 90), { message: 'must be between -90 and 90' });

/** 4.12 longitude: string(11), regex -?[0-9]{1,3}\.[0-9]{6}. */
const Longitude = ocpiString(11)
  .regex(/^-?[0-9]{1,3}\.[0-9]{6}$/, { message: 'must be decimal degrees with 6 decimals, e.g. -126.104965' })
  .refine((s) => inRange(s, 180), { message: 'must be between -180 and 180' });

/** 4.12 GeoLocation */
export const GeoLocation = z.object({
  latitude: Latitude,
  longitude: Longitude,
});
export type GeoLocation = z.infer<typeof GeoLocation>;

/** 4.1 AdditionalGeoLocation */
export const AdditionalGeoLocation = z.object({
  latitude: Latitude,
  longitude: Longitude,
  name: DisplayText.optional(),
});
export type AdditionalGeoLocation = z.infer<typeof AdditionalGeoLocation>;

/** 4.6 EnergySource */
export const EnergySource = z.object({
  source: EnergySourceCategory,
  percentage: decimal
    .min(0, { message: 'must be a percentage between 0 and 100' })
    .max(100, { message: 'must be a percentage between 0 and 100' }),
});
export type EnergySource = z.infer<typeof EnergySource>;

/** 4.8 EnvironmentalImpact (amount in g/kWh) */
export const EnvironmentalImpact = z.object({
  source: EnvironmentalImpactCategory,
  amount: decimal.min(0, { message: 'must not be negative' }),
});
export type EnvironmentalImpact = z.infer<typeof EnvironmentalImpact>;

/** 4.5 EnergyMix (also used by Tariff) */
export const EnergyMix = z.object({
  is_green_energy: z.boolean(),
  energy_sources: z.array(EnergySource).optional(),
  environ_impact: z.array(EnvironmentalImpact).optional(),
  supplier_name: ocpiString(64).optional(),
  energy_product_name: ocpiString(64).optional(),
});
export type EnergyMix = z.infer<typeof EnergyMix>;

/** 4.10 ExceptionalPeriod */
export const ExceptionalPeriod = z.object({
  period_begin: DateTime,
  period_end: DateTime,
});
export type ExceptionalPeriod = z.infer<typeof ExceptionalPeriod>;

const HH_MM = /^\d\d:\d\d$/;

/** 4.19 RegularHours: period_end must be later than period_begin (both "HH:MM", so text order is time order). */
export const RegularHours = z
  .object({
    weekday: int(1).min(1, { message: 'must be 1 (Monday) to 7 (Sunday)' }).max(7, {
      message: 'must be 1 (Monday) to 7 (Sunday)',
    }),
    period_begin: TimeOfDay,
    period_end: TimeOfDay,
  })
  // Only compared once both are well-formed (a malformed one already has its own issue).
  .refine((h) => !(HH_MM.test(h.period_begin) && HH_MM.test(h.period_end)) || h.period_end > h.period_begin, {
    path: ['period_end'],
    message: 'must be later than period_begin',
  });
export type RegularHours = z.infer<typeof RegularHours>;

/**
 * 4.13 Hours: a choice between regular_hours and twentyfourseven. The spec's own example (4.19.1)
 * sends `twentyfourseven: false` next to regular_hours; that is redundant, not contradictory, so it
 * is accepted. Refused: neither given, or twentyfourseven true together with regular hours.
 */
export const Hours = z
  .object({
    regular_hours: z.array(RegularHours).optional(),
    twentyfourseven: z.boolean().optional(),
    exceptional_openings: z.array(ExceptionalPeriod).optional(),
    exceptional_closings: z.array(ExceptionalPeriod).optional(),
  })
  .superRefine((h, ctx) => {
    if (h.regular_hours === undefined && h.twentyfourseven === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'must contain either regular_hours or twentyfourseven (Hours is a choice of one of the two)',
      });
    } else if (h.twentyfourseven === true && h.regular_hours !== undefined && h.regular_hours.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['regular_hours'],
        message: 'must not be given when twentyfourseven is true (Hours is a choice of one of the two)',
      });
    }
  });
export type Hours = z.infer<typeof Hours>;

/** 4.21 StatusSchedule */
export const StatusSchedule = z.object({
  period_begin: DateTime,
  period_end: DateTime.optional(),
  status: Status,
});
export type StatusSchedule = z.infer<typeof StatusSchedule>;

/** Issues for items of a list that repeat the `key` of an earlier item (ids must be unique in their parent). */
function uniqueBy<T extends Record<K, string>, K extends string>(key: K, what: string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const first = seen.get(item[key]);
      if (first === undefined) seen.set(item[key], i);
      else ctx.addIssue({ code: 'custom', path: [i, key], message: `duplicate ${what} "${item[key]}" (also at [${first}])` });
    });
  };
}

// ---- objects -----------------------------------------------------------------------------------

/** 3.3 Connector */
export const Connector = z.object({
  id: urlId(36),
  standard: ConnectorType,
  format: ConnectorFormat,
  power_type: PowerType,
  voltage: count,
  amperage: count,
  tariff_id: ocpiString(36).optional(),
  terms_and_conditions: Url.optional(),
  last_updated: DateTime,
});
export type Connector = z.infer<typeof Connector>;

/** 3.2 EVSE: connector ids are unique within the EVSE (3.3). */
export const EVSE = z.object({
  uid: urlId(39),
  evse_id: ocpiString(48).optional(),
  status: Status,
  status_schedule: z.array(StatusSchedule).optional(),
  capabilities: z.array(Capability).optional(),
  connectors: z.array(Connector).min(1, { message: 'must contain at least one connector' }).superRefine(uniqueBy('id', 'connector id')),
  floor_level: ocpiString(4).optional(),
  coordinates: GeoLocation.optional(),
  physical_reference: ocpiString(16).optional(),
  directions: z.array(DisplayText).optional(),
  parking_restrictions: z.array(ParkingRestriction).optional(),
  images: z.array(Image).optional(),
  last_updated: DateTime,
});
export type EVSE = z.infer<typeof EVSE>;

/** IANA tz database name, checked against the runtime's time zone data (offsets such as +01:00 are not names). */
/** Zones already checked: building an Intl.DateTimeFormat costs more than the rest of a Location's validation. */
const timeZoneChecked = new Map<string, boolean>();

function isIanaTimeZone(zone: string): boolean {
  const known = timeZoneChecked.get(zone);
  if (known !== undefined) return known;
  let valid = /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone);
  if (valid) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      valid = false;
    }
  }
  if (timeZoneChecked.size < 1000) timeZoneChecked.set(zone, valid); // bounded: names come from callers
  return valid;
}

/** 3.1 Location: EVSE uids are unique within the Location. */
export const Location = z.object({
  id: urlId(39),
  type: LocationType,
  name: ocpiString(255).optional(),
  address: ocpiString(45),
  city: ocpiString(45),
  postal_code: ocpiString(10),
  country: ocpiString(3).regex(/^[A-Z]{3}$/, {
    message: 'must be an ISO 3166-1 alpha-3 country code (3 upper-case letters, e.g. NLD)',
  }),
  coordinates: GeoLocation,
  related_locations: z.array(AdditionalGeoLocation).optional(),
  evses: z.array(EVSE).superRefine(uniqueBy('uid', 'EVSE uid')).optional(),
  directions: z.array(DisplayText).optional(),
  operator: BusinessDetails.optional(),
  suboperator: BusinessDetails.optional(),
  owner: BusinessDetails.optional(),
  facilities: z.array(Facility).optional(),
  time_zone: ocpiString(255).refine(isIanaTimeZone, { message: 'must be an IANA time zone name, e.g. Europe/Oslo' }).optional(),
  opening_times: Hours.optional(),
  charging_when_closed: z.boolean().optional(),
  images: z.array(Image).optional(),
  energy_mix: EnergyMix.optional(),
  last_updated: DateTime,
});
export type Location = z.infer<typeof Location>;

// ---- PATCH bodies (2.2.3): any subset of the fields; the fields given must be valid -----------

export const LocationPatch = Location.partial();
export type LocationPatch = z.infer<typeof LocationPatch>;

export const EvsePatch = EVSE.partial();
export type EvsePatch = z.infer<typeof EvsePatch>;

export const ConnectorPatch = Connector.partial();
export type ConnectorPatch = z.infer<typeof ConnectorPatch>;
