// The state document of GET/PUT /admin/state: its shape, the shape of every record in each known
// collection (built from the OCPI zod schemas the modules validate with), the key each record
// must be stored under, and the redaction of party secrets.
import { z } from 'zod';
import { cdrKey } from '../ocpi/cdrs/service.js';
import { CDR } from '../ocpi/cdrs/schema.js';
import { Endpoint } from '../ocpi/credentials/schema.js';
import { Location, Status } from '../ocpi/locations/schema.js';
import { COLLECTIONS, ownedKey } from '../ocpi/records.js';
import { Tariff } from '../ocpi/tariffs/schema.js';
import { AllowedType, AuthorizationInfo, LocationReferences, Token } from '../ocpi/tokens/schema.js';
import { BusinessDetails, DateTime } from '../ocpi/types.js';
import type { Issue } from '../ocpi/transport/errors.js';
import { jsonPath } from '../ocpi/transport/validate.js';

/** Replaces a secret in an export without `secrets`. A party carrying it is not imported. */
export const REDACTED = '<redacted>';

// OCPI parties are CC*PID; OIOI partners are OIOI*<partner identifier> (src/oioi/keys.ts).
const PartyKey = z.string().regex(/^(?:[A-Z]{2}\*[A-Z0-9]{3}|OIOI\*[\x21-\x7E]{1,60})$/, 'must be CC*PID or OIOI*<partner>');
const Time = z.string().min(1);
const Protocol = z.enum(['ocpi', 'oioi']);

// Records are loose objects: fields a module adds later are kept; the OCPI objects inside are
// checked by their own schemas.
export const StoredParty = z.looseObject({
  key: PartyKey,
  country_code: z.string().regex(/^[A-Z]{2}$/),
  party_id: z.string().regex(/^[A-Z0-9]{3}$/),
  business_details: BusinessDetails,
  version: z.string(),
  versions_url: z.string(),
  endpoints: z.array(Endpoint),
  incoming_token_hash: z.union([z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'), z.literal(REDACTED)]),
  incoming_token_hint: z.string(),
  outgoing_token: z.string().min(1),
  initiated_by: z.enum(['cpo', 'emsp']),
  registered_at: Time,
  updated_at: Time,
});

/**
 * An OIOI station's OCPI view (src/oioi/station-location.ts) carries the station's own strings,
 * which follow OIOI's rules, not OCPI's: any characters ("Hauptstraße"), ids up to 255. It is
 * checked for what the simulator reads from it (ids, country, EVSEs and connectors, times), so an
 * export holding such a station imports back.
 */
const OioiLocationView = z.looseObject({
  id: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^/]+$/, { message: 'must not contain "/"' }),
  country: z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 3166-1 alpha-3 code' }),
  evses: z.array(
    z.looseObject({
      uid: z.string().min(1),
      status: Status,
      connectors: z.array(z.looseObject({ id: z.string().min(1), last_updated: DateTime })),
      last_updated: DateTime,
    }),
  ),
  last_updated: DateTime,
});

export const StoredLocation = z.discriminatedUnion('protocol', [
  z.looseObject({ party: PartyKey, protocol: z.literal('ocpi'), location: Location, created_at: Time }),
  z.looseObject({ party: PartyKey, protocol: z.literal('oioi'), location: OioiLocationView, created_at: Time }),
]);
export const StoredTariff = z.looseObject({
  party: PartyKey,
  tariff: Tariff,
  created_at: Time,
  policy_warnings: z.array(z.string()).optional(),
});
export const StoredToken = z.looseObject({
  token: Token,
  allowed: z.enum(['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT']),
  created_at: Time,
});
export const AuthorizationRecord = z.looseObject({
  id: z.string().min(1),
  time: Time,
  party: PartyKey,
  protocol: Protocol,
  token_uid: z.string(),
  token_type: z.string(),
  location_references: LocationReferences.optional(),
  allowed: AllowedType,
  reason: z.string(),
  rule: z.string(),
  info: AuthorizationInfo.shape.info,
});
export const StoredCdr = z.looseObject({
  party: PartyKey,
  protocol: Protocol,
  cdr: CDR,
  verdict: z.enum(['ACCEPTED', 'REJECTED']),
  reasons: z.array(z.object({ rule: z.string(), message: z.string() })),
  findings: z.array(z.string()),
  received_at: Time,
});
export const FindingRecord = z.looseObject({
  id: z.string().min(1),
  time: Time,
  party: z.string().optional(),
  rule: z.string(),
  severity: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  path: z.string().optional(),
  object: z.object({ module: z.string(), id: z.string() }).optional(),
  request_id: z.string().optional(),
});

type AnyRecord = Record<string, any>;

/** Each known collection: its record schema and the key a record must be stored under. */
const KNOWN: Record<string, { schema: z.ZodType; key: (r: AnyRecord) => string }> = {
  [COLLECTIONS.parties]: { schema: StoredParty, key: (r) => r.key },
  [COLLECTIONS.locations]: { schema: StoredLocation, key: (r) => ownedKey(r.party, r.location.id) },
  [COLLECTIONS.tariffs]: { schema: StoredTariff, key: (r) => ownedKey(r.party, r.tariff.id) },
  [COLLECTIONS.tokens]: { schema: StoredToken, key: (r) => r.token.uid },
  [COLLECTIONS.authorizations]: { schema: AuthorizationRecord, key: (r) => r.id },
  [COLLECTIONS.cdrs]: { schema: StoredCdr, key: (r) => cdrKey(r.party, r.cdr.id) },
  [COLLECTIONS.findings]: { schema: FindingRecord, key: (r) => r.id },
};

const records = <S extends z.ZodType>(s: S) => z.record(z.string(), s).optional();

/** The document as OpenAPI shows it (validation per record is done by `validateState`). */
export const StateDocumentSchema = z.object({
  format: z.literal('plugsurfing-emp-sim/state'),
  version: z.literal(1),
  secrets: z.enum(['included', 'redacted']).optional().describe('How GET /admin/state wrote party secrets (ignored on PUT)'),
  collections: z
    .object({
      parties: records(StoredParty),
      locations: records(StoredLocation),
      tariffs: records(StoredTariff),
      tokens: records(StoredToken),
      authorizations: records(AuthorizationRecord),
      cdrs: records(StoredCdr),
      findings: records(FindingRecord),
      meta: records(z.unknown()),
    })
    .catchall(z.record(z.string(), z.unknown()))
    .describe('collection name -> key -> record'),
});

const Shape = z.object({
  format: z.literal('plugsurfing-emp-sim/state', { message: 'must be "plugsurfing-emp-sim/state"' }),
  version: z.literal(1, { message: 'must be 1' }),
  secrets: z.unknown().optional(),
  collections: z.record(z.string(), z.record(z.string(), z.unknown(), { message: 'must be an object key -> record' })),
});

export const MAX_ISSUES = 100;

/** Check the shape, each known collection's records and their keys; return the issues (at most MAX_ISSUES). */
export function validateState(
  input: unknown,
): { ok: true; collections: Record<string, Record<string, unknown>> } | { ok: false; issues: Issue[] } {
  const shape = Shape.safeParse(input);
  if (!shape.success)
    return { ok: false, issues: shape.error.issues.slice(0, MAX_ISSUES).map((i) => ({ path: jsonPath(i.path), message: i.message })) };
  const issues: Issue[] = [];
  const collections: Record<string, Record<string, unknown>> = {};
  for (const [name, entries] of Object.entries(shape.data.collections)) {
    const known = KNOWN[name];
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, value] of Object.entries(entries)) {
      if (issues.length >= MAX_ISSUES) return { ok: false, issues };
      const at: PropertyKey[] = ['collections', name, key];
      if (!known) {
        out[key] = value;
        continue;
      }
      const result = known.schema.safeParse(value);
      if (!result.success) {
        for (const i of result.error.issues) issues.push({ path: jsonPath([...at, ...i.path]), message: i.message });
        continue;
      }
      const expected = known.key(result.data as AnyRecord);
      if (expected !== key)
        issues.push({ path: jsonPath(at), message: `is stored under the wrong key: its record says ${JSON.stringify(expected)}` });
      out[key] = result.data;
    }
    collections[name] = out;
  }
  return issues.length > 0 ? { ok: false, issues: issues.slice(0, MAX_ISSUES) } : { ok: true, collections };
}

/** A copy of the parties collection with the tokens replaced by REDACTED. */
export function redactParties(parties: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!parties) return parties;
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, p] of Object.entries(parties)) out[key] = { ...(p as object), incoming_token_hash: REDACTED, outgoing_token: REDACTED };
  return out;
}

export const isRedactedParty = (p: unknown) =>
  (p as { incoming_token_hash?: unknown }).incoming_token_hash === REDACTED ||
  (p as { outgoing_token?: unknown }).outgoing_token === REDACTED;
