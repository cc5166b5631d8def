// The request bodies of the calls a CPO sends us (docs/calls/*.rst, docs/oioi.md 3.1-3.4), as zod
// schemas. Unknown fields are ignored (the docs only ever add optional fields); a null stands
// for an absent optional field, as in the OCPI receivers. Every issue names its field from the
// call key down, e.g. `station-post.station.address.country`.
import { z } from 'zod';
import { describeIssues } from '../ocpi/transport/errors.js';
import { compiled, jsonPath, withoutNulls } from '../ocpi/transport/validate.js';
import { badFormat } from './protocol.js';

const typed = (what: string) => ({ error: (i: { input: unknown }) => (i.input === undefined ? 'is required' : `must be ${what}`) });
const str = () => z.string(typed('a string'));
const text = () => str().min(1, { message: 'must not be empty' });
const num = () => z.number(typed('a number'));
const int = () => z.number(typed('an integer')).int({ message: 'must be an integer' });
const bool = () => z.boolean(typed('a boolean (true or false)'));
const obj = <S extends z.core.$ZodLooseShape>(shape: S) => z.object(shape, typed('an object'));
const list = <T extends z.ZodType>(item: T) => z.array(item, typed('an array'));

/** RFC 3339 with an offset or Z, e.g. 2010-01-01T11:00:00+00:00 (glossary, session-post). */
export const Rfc3339 = str()
  .regex(/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/, {
    message: 'must be an RFC 3339 date-time with offset, e.g. 2010-01-01T11:00:00+00:00',
  })
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'is not a real date/time' });

export const DAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'] as const;
const Day = z.enum(DAYS, { error: () => `must be one of: ${DAYS.join(', ')}` });
const Time = str().regex(/^([01]\d|2[0-4]):[0-5]\d$/, { message: 'must be a time "HH:MM"' });

/** Connector types listed in station_post.rst; others are accepted with a finding (the docs invite new ones). */
export const CONNECTOR_NAMES = [
  'Type2',
  'Combo',
  'Chademo',
  'Schuko',
  'Type3',
  'CeeBlue',
  '3PinSquare',
  'Type1',
  'CeeRed',
  'Cee2Poles',
  'Tesla',
  'Scame',
  'Nema5',
  'CeePlus',
  'T13',
  'T15',
  'T23',
  'Marechal',
  'TypeE',
] as const;

export const OioiConnector = obj({
  id: text(),
  name: text(),
  speed: num().min(0, { message: 'must not be negative (kW)' }),
});
export type OioiConnector = z.infer<typeof OioiConnector>;

export const OioiStation = obj({
  // Station ids become store keys and admin URL segments: no '/'.
  id: text()
    .max(255, { message: 'must be at most 255 characters' })
    .regex(/^[^/]+$/, { message: 'must not contain "/"' }),
  name: text(),
  description: str().optional(),
  latitude: num().min(-90, { message: 'must be between -90 and 90' }).max(90, { message: 'must be between -90 and 90' }),
  longitude: num().min(-180, { message: 'must be between -180 and 180' }).max(180, { message: 'must be between -180 and 180' }),
  address: obj({
    street: str(),
    'street-number': str(),
    city: str(),
    zip: str(),
    country: str().regex(/^[A-Za-z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 country code, e.g. DE' }),
  }),
  contact: obj({
    phone: str(),
    fax: str().optional(),
    website: str().optional(),
    // The docs' example sends `web` where the field list says `website` (docs/oioi.md Q6).
    web: str().optional(),
    email: str().optional(),
  }),
  'cpo-id': text(),
  'is-open-24': bool(),
  connectors: list(OioiConnector).min(1, { message: 'must contain at least one connector' }),
  'open-hour-notes': list(
    obj({
      times: list(Time).length(2, { message: 'must be [open, close]' }),
      days: list(Day).length(2, { message: 'must be [first day, last day]' }),
    }),
  ).optional(),
  notes: str().optional(),
  'is-reservable': bool().optional(),
  'floor-level': int().optional(),
  'is-free-charge': bool().optional(),
  'total-parking': int().optional(),
  'is-green-power-available': bool().optional(),
  'is-plugin-charge': bool().optional(),
  'is-roofed': bool().optional(),
  'is-private': bool().optional(),
  // Listed without "(optional)", but a missing flag can only mean "not deleted".
  deleted: bool().optional(),
});
export type OioiStation = z.infer<typeof OioiStation>;

export const StationPost = obj({ station: OioiStation, 'partner-identifier': str() });

export const OIOI_STATUSES = ['Available', 'Occupied', 'Offline', 'Reserved', 'Unknown'] as const;
export type OioiStatus = (typeof OIOI_STATUSES)[number];

// `status` is checked by the handler: v3 answers an unknown status with 404 (connector_post_status.rst).
export const ConnectorPostStatus = obj({ 'connector-id': text(), status: str(), 'partner-identifier': str() });

export const RfidVerify = obj({ rfid: str() });

export const IDENTIFIER_TYPES = ['evco-id', 'rfid', 'username', 'token'] as const;
export const OioiUser = obj({
  'identifier-type': z.enum(IDENTIFIER_TYPES, { error: () => `must be one of: ${IDENTIFIER_TYPES.join(', ')}` }),
  identifier: text(),
  token: str().optional(),
});
export type OioiUser = z.infer<typeof OioiUser>;

export const SessionPost = obj({
  user: OioiUser,
  'session-id': text().max(255, { message: 'must be at most 255 characters' }),
  'connector-id': text(),
  'session-interval': obj({ start: Rfc3339, stop: Rfc3339.optional() }),
  'charging-interval': obj({ start: Rfc3339.optional(), stop: Rfc3339.optional() }).optional(),
  'energy-consumed': num().min(0, { message: 'must not be negative (kWh)' }).optional(),
  'calculated-cost': obj({
    amount: num(),
    currency: str().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 currency code, e.g. EUR' }),
  }).optional(),
  'partner-identifier': str(),
});
export type SessionPost = z.infer<typeof SessionPost>;

/** Parse a call's object or throw 400 naming every broken field (the first in `field`). */
export function parseCall<S extends z.ZodType>(schema: S, call: string, raw: unknown): z.output<S> {
  const result = compiled(schema).safeParse(withoutNulls(raw));
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: [call, jsonPath(i.path)].filter(Boolean).join('.'), message: i.message }));
  throw badFormat(`Invalid ${call}: ${describeIssues(issues)}`, issues[0]?.path, issues);
}

/** UID rules (rfid_verify.rst, user_add_rfid.rst): 8, 14 or 20 characters, upper-case hexadecimal. */
export const UID = /^[0-9A-F]{8}(?:[0-9A-F]{6}){0,2}$/;

/** Why a UID breaks the rules, or null when it is fine. */
export function uidProblem(uid: string): string | null {
  if (UID.test(uid)) return null;
  if (![8, 14, 20].includes(uid.length)) {
    return `must be 8, 14 or 20 characters long (got ${uid.length}); zero-pad shorter UIDs on the left`;
  }
  if (/^[0-9A-Fa-f]+$/.test(uid)) return 'must be all upper case (e.g. 04A2B3C4, not 04a2b3c4)';
  return 'must be hexadecimal (0-9, A-F)';
}
