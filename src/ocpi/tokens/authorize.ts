// The real-time authorization decision (mod_tokens.md 2.2.2), pure: token state, then the
// location (known to us for the calling CPO, inside Plugsurfing's Territory), then the EVSEs and
// connectors asked for, reduced to those that exist there.
//
// Order and readings:
// 1. The token's own state. valid=false answers its stored refusal (BLOCKED, EXPIRED,
//    NO_CREDIT) or BLOCKED when the stored answer is ALLOWED; a valid token whose stored answer
//    is a refusal answers that refusal. A refused token is refused with or without a location:
//    no LocationReferences are needed to know that.
// 2. No LocationReferences: status 2002 (the spec's SHOULD) with data AuthorizationInfo
//    NOT_ALLOWED, so a CPO that reads `data` anyway does not start a session Plugsurfing could
//    not check against its Territory.
// 3. Location unknown to us for this CPO, or outside the Territory: NOT_ALLOWED.
// 4. EVSEs asked for that do not exist there (or are REMOVED) are dropped; if some were asked
//    and none remains: NOT_ALLOWED. Connectors likewise, looked up in the EVSEs kept (or in all
//    EVSEs of the location when no EVSE was named).
// 5. ALLOWED, with the LocationReferences reduced to what exists.
import type { Location } from '../locations/schema.js';
import type { StoredToken } from '../records.js';
import { OcpiStatus } from '../transport/status.js';
import type { AllowedType, AuthorizationInfo, LocationReferences } from './schema.js';

export const AUTHORIZE_RULES = {
  tokenInvalid: 'authorize.token-invalid',
  tokenBlocked: 'authorize.token-blocked',
  tokenExpired: 'authorize.token-expired',
  tokenNoCredit: 'authorize.token-no-credit',
  noLocation: 'authorize.no-location-references',
  unknownLocation: 'authorize.unknown-location',
  outsideTerritory: 'authorize.outside-territory',
  unknownEvse: 'authorize.unknown-evse',
  unknownConnector: 'authorize.unknown-connector',
  allowed: 'authorize.allowed',
} as const;

export interface AuthorizeInput {
  token: StoredToken;
  references?: LocationReferences;
  /** The stored location of the calling CPO with references.location_id, if any. */
  location?: Location;
  inTerritory: (alpha3: string) => boolean;
}

export interface AuthorizeDecision {
  allowed: AllowedType;
  rule: string;
  /** Why, for the record (more detail than the driver's text). */
  reason: string;
  /** OCPI status of the answer: 1000, or 2002 without LocationReferences. */
  statusCode: typeof OcpiStatus.SUCCESS | typeof OcpiStatus.NOT_ENOUGH_INFORMATION;
  /** The AuthorizationInfo to answer. */
  info: AuthorizationInfo;
}

const text = (t: string) => ({ language: 'en', text: t.slice(0, 512) });

function decide(
  allowed: AllowedType,
  rule: string,
  reason: string,
  driverText: string,
  extra: Partial<AuthorizeDecision> = {},
): AuthorizeDecision {
  return {
    allowed,
    rule,
    reason,
    statusCode: OcpiStatus.SUCCESS,
    info: { allowed, info: text(driverText) },
    ...extra,
  };
}

const REFUSALS: Record<Exclude<StoredToken['allowed'], 'ALLOWED'>, [string, string]> = {
  BLOCKED: [AUTHORIZE_RULES.tokenBlocked, 'This card or app is blocked. Please contact Plugsurfing support.'],
  EXPIRED: [AUTHORIZE_RULES.tokenExpired, 'This card or app has expired. Please contact Plugsurfing support.'],
  NO_CREDIT: [AUTHORIZE_RULES.tokenNoCredit, 'Not enough credit on this Plugsurfing account to charge. Please update your payment method.'],
};

export function authorize(input: AuthorizeInput): AuthorizeDecision {
  const { token: stored, references, location } = input;
  const uid = stored.token.uid;

  // 1. The token itself.
  if (!stored.token.valid) {
    const allowed = stored.allowed === 'ALLOWED' ? 'BLOCKED' : stored.allowed;
    const [rule, driver] = stored.allowed === 'ALLOWED' ? [AUTHORIZE_RULES.tokenInvalid, REFUSALS.BLOCKED[1]] : REFUSALS[stored.allowed];
    return decide(allowed, rule, `Token ${uid} is not valid (valid=false); answered ${allowed}`, driver);
  }
  if (stored.allowed !== 'ALLOWED') {
    const [rule, driver] = REFUSALS[stored.allowed];
    return decide(stored.allowed, rule, `Token ${uid} is set to answer ${stored.allowed}`, driver);
  }

  // 2. Plugsurfing enforces its Territory through the location: without one it cannot decide.
  if (!references) {
    return decide(
      'NOT_ALLOWED',
      AUTHORIZE_RULES.noLocation,
      'No LocationReferences in the request body: Plugsurfing needs the location to check its Territory (mod_tokens.md 2.2.2: status 2002)',
      'Plugsurfing could not check where you are charging. Please try again at the charger.',
      { statusCode: OcpiStatus.NOT_ENOUGH_INFORMATION },
    );
  }

  // 3. The location.
  const locationId = references.location_id;
  if (!location) {
    return decide(
      'NOT_ALLOWED',
      AUTHORIZE_RULES.unknownLocation,
      `Location ${locationId} is unknown to Plugsurfing for this CPO: push it (PUT locations) before authorizing there`,
      'This charging location is not known to Plugsurfing.',
    );
  }
  if (!input.inTerritory(location.country)) {
    return decide(
      'NOT_ALLOWED',
      AUTHORIZE_RULES.outsideTerritory,
      `Location ${locationId} is in ${location.country}, outside Plugsurfing's Territory`,
      `Plugsurfing cannot be used to charge in this country (${location.country}).`,
    );
  }

  // 4. EVSEs and connectors: only those that exist there.
  const evses = (location.evses ?? []).filter((e) => e.status !== 'REMOVED');
  const askedEvses = references.evse_uids ?? [];
  const keptEvses = askedEvses.length > 0 ? evses.filter((e) => askedEvses.includes(e.uid)) : evses;
  if (askedEvses.length > 0 && keptEvses.length === 0) {
    return decide(
      'NOT_ALLOWED',
      AUTHORIZE_RULES.unknownEvse,
      `None of the EVSEs ${askedEvses.join(', ')} exists at location ${locationId}`,
      'This charge point is not known to Plugsurfing.',
    );
  }
  const askedConnectors = references.connector_ids ?? [];
  let keptConnectors: string[] = [];
  if (askedConnectors.length > 0) {
    const existing = new Set(keptEvses.flatMap((e) => e.connectors.map((c) => c.id)));
    keptConnectors = askedConnectors.filter((id) => existing.has(id));
    if (keptConnectors.length === 0) {
      return decide(
        'NOT_ALLOWED',
        AUTHORIZE_RULES.unknownConnector,
        `None of the connectors ${askedConnectors.join(', ')} exists at ${askedEvses.length > 0 ? `EVSEs ${keptEvses.map((e) => e.uid).join(', ')} of ` : ''}location ${locationId}`,
        'This connector is not known to Plugsurfing.',
      );
    }
  }

  // 5. Allowed.
  const reduced: LocationReferences = {
    location_id: locationId,
    ...(askedEvses.length > 0 ? { evse_uids: keptEvses.map((e) => e.uid) } : {}),
    ...(askedConnectors.length > 0 ? { connector_ids: keptConnectors } : {}),
  };
  const dropped = [
    ...askedEvses.filter((u) => !keptEvses.some((e) => e.uid === u)).map((u) => `EVSE ${u}`),
    ...askedConnectors.filter((c) => !keptConnectors.includes(c)).map((c) => `connector ${c}`),
  ];
  return {
    allowed: 'ALLOWED',
    rule: AUTHORIZE_RULES.allowed,
    reason: `Token ${uid} allowed at location ${locationId} (${location.country})${dropped.length > 0 ? `; unknown and left out: ${dropped.join(', ')}` : ''}`,
    statusCode: OcpiStatus.SUCCESS,
    info: { allowed: 'ALLOWED', location: reduced, info: text('Charging allowed. Enjoy your charge with Plugsurfing!') },
  };
}
