// What the store holds for each kind of object, and the keys it is held under. One place, so
// every module (OCPI, OIOI, admin, dashboard) reads the same shapes.
import type { AllowedType, AuthorizationInfo, LocationReferences, Token } from './tokens/schema.js';
import type { CDR } from './cdrs/schema.js';
import type { Location } from './locations/schema.js';
import type { Tariff } from './tariffs/schema.js';

export const COLLECTIONS = {
  parties: 'parties',
  locations: 'locations',
  tariffs: 'tariffs',
  tokens: 'tokens',
  authorizations: 'authorizations',
  cdrs: 'cdrs',
  findings: 'findings',
  meta: 'meta',
} as const;

export type Protocol = 'ocpi' | 'oioi';

/** Key of a CPO-owned object: `CC*PID/<id>` (client owned object push, transport_and_format.md). */
export const ownedKey = (party: string, id: string) => `${party}/${id}`;

export interface StoredLocation {
  /** `CC*PID` of the CPO that pushed it. */
  party: string;
  protocol: Protocol;
  location: Location;
  /** When we first received it (pagination order, admin views). */
  created_at: string;
  /** OIOI stations only: what the CPO sent, which OCPI cannot hold (see src/oioi/station-location.ts). */
  oioi?: OioiStationRecord;
}

/** The OIOI side of a station stored as a Location. */
export interface OioiStationRecord {
  partner_identifier: string;
  /** The station-post `station` object as validated. */
  station: unknown;
  /** Last connector-post-status per EVSE ID (Available, Occupied, Offline, Reserved, Unknown). */
  statuses: Record<string, string>;
  /** Last station-post and status update we received. */
  updated_at: string;
}

export interface StoredTariff {
  party: string;
  tariff: Tariff;
  created_at: string;
  /** Plugsurfing policy warnings kept when TARIFF_POLICY=lenient stored a refused feature. */
  policy_warnings?: string[];
}

/** One of Plugsurfing's tokens (key: uid). `allowed` is what an authorization answers for it. */
export interface StoredToken {
  token: Token;
  allowed: Exclude<AllowedType, 'NOT_ALLOWED'>;
  created_at: string;
}

export interface AuthorizationRecord {
  id: string;
  time: string;
  party: string;
  protocol: Protocol;
  token_uid: string;
  token_type: string;
  location_references?: LocationReferences;
  /** The answer we gave. */
  allowed: AllowedType;
  /** Why, in words, and the rule that decided. */
  reason: string;
  rule: string;
  info?: AuthorizationInfo['info'];
}

export type CdrVerdict = 'ACCEPTED' | 'REJECTED';

export interface StoredCdr {
  party: string;
  protocol: Protocol;
  cdr: CDR;
  verdict: CdrVerdict;
  reasons: { rule: string; message: string }[];
  /** Ids of the findings (price check, totals) recorded for it. */
  findings: string[];
  received_at: string;
  /** OIOI session-posts only: the last post as sent and whether it was final (had session-interval.stop). */
  oioi?: { partner_identifier: string; session: unknown; final: boolean; posts: number };
}
