// mod_tokens.md 2.2, Plugsurfing as eMSP (ToEMP): GET the paginated list of our tokens, and
// POST real-time authorization. The push side (FromEMP PUT) is in push.ts.
import { z } from 'zod';
import { unknownFieldFinding } from '../locations/owned.js';
import { findLocation } from '../locations/service.js';
import type { StoredToken } from '../records.js';
import { invalidParameters, notFound, OcpiError } from '../transport/errors.js';
import { paginatedResult } from '../transport/pagination.js';
import type { OcpiResult, OcpiRouter, PartyRequest } from '../transport/router.js';
import { OcpiStatus } from '../transport/status.js';
import { validate } from '../transport/validate.js';
import { type AuthorizationOverride, authorizationOverride, overrideDelay, withOverride } from '../../faults/authorization.js';
import { authorize } from './authorize.js';
import { AuthorizationInfo, LocationReferences, Token, TokenType } from './schema.js';
import { allTokens, getToken, recordAuthorization } from './service.js';

const MODULE = 'tokens';

export function registerTokenRoutes(router: OcpiRouter): void {
  router.add({
    method: 'GET',
    path: '/2.1.1/tokens',
    module: MODULE,
    auth: 'party',
    summary: "Plugsurfing's tokens, oldest first (paginated: offset, limit, date_from, date_to on last_updated)",
    description:
      'Headers: X-Total-Count, X-Limit and Link rel="next" (absent on the last page). date_from is inclusive, date_to exclusive; ' +
      'limit is capped at MAX_PAGE_LIMIT; invalid parameters answer 2001.',
    query: z.object({
      offset: z.string().optional(),
      limit: z.string().optional(),
      date_from: z.string().optional(),
      date_to: z.string().optional(),
    }),
    response: z.array(Token),
    handler: (req) =>
      paginatedResult(
        req,
        allTokens(req.deps),
        (t: StoredToken) => t.token.last_updated,
        (t: StoredToken) => t.token,
      ),
  });
  router.add({
    method: 'POST',
    path: '/2.1.1/tokens/:token_uid/authorize',
    module: MODULE,
    auth: 'party',
    summary: 'Real-time authorization of one of our tokens, optionally at a location (LocationReferences body)',
    description:
      'Unknown token (uid + type) answers 404. Without LocationReferences the answer is status 2002 with NOT_ALLOWED: ' +
      'Plugsurfing enforces its Territory through the location. Every decision is recorded (GET /admin/authorizations).',
    query: z.object({ type: TokenType.optional() }),
    requestBody: LocationReferences,
    response: AuthorizationInfo,
    handler: (req) => authorizeRequest(req),
  });
}

/** `?type=`: RFID when absent (mod_tokens.md 2.2.2). */
function tokenType(query: URLSearchParams): string {
  const all = query.getAll('type');
  if (all.length === 0) return 'RFID';
  const parsed = TokenType.safeParse(all[0]);
  if (all.length > 1 || !parsed.success) {
    const hint =
      all[0] === 'APP_USER' || all[0] === 'AD_HOC_USER' ? ` (${all[0]} is an OCPI 2.2 TokenType; in 2.1.1 app tokens are OTHER)` : '';
    throw invalidParameters(`Invalid type parameter: must be one of RFID, OTHER (given once)${hint}`, [
      { path: 'type', message: `must be one of: ${TokenType.options.join(', ')}${hint}` },
    ]);
  }
  return parsed.data;
}

function authorizeRequest(req: PartyRequest): Promise<OcpiResult> {
  const { deps, party, params } = req;
  const uid = params.token_uid as string;
  const type = tokenType(req.query);
  const stored = getToken(deps, uid);
  if (!stored || stored.token.type !== type) {
    throw notFound(
      stored
        ? `Token ${uid} of type ${type} is unknown to Plugsurfing (a token ${uid} exists with type ${stored.token.type}; pass ?type=${stored.token.type})`
        : `Token ${uid} (type ${type}) is unknown to Plugsurfing`,
    );
  }
  const parsed = req.body === undefined || req.body === null ? undefined : validate(LocationReferences, req.body, 'LocationReferences');
  const references = parsed?.value;
  const unknownFields =
    parsed && parsed.unknownFields.length > 0
      ? deps.findings.record(
          unknownFieldFinding(party.key, parsed.unknownFields, { module: 'tokens', id: `${uid}/authorize` }, req.requestId),
        )
      : undefined;
  // Fault injection (admin: POST /admin/faults kind=authorization): a delay, then a forced answer.
  const override = authorizationOverride(deps, { token_uid: uid, location_id: references?.location_id, party: party.key });
  const delay = overrideDelay(override, () => req.c.req.raw.signal);
  const decideNow = () => decideAndRecord(req, stored, type, references, override);
  // Most requests wait for nothing but the decision's group commit.
  if (!unknownFields && !delay) return decideNow();
  // The decision is made with the state as it is after the waits.
  return Promise.all([unknownFields, delay]).then(decideNow);
}

function decideAndRecord(
  req: PartyRequest,
  stored: StoredToken,
  type: string,
  references: LocationReferences | undefined,
  override: AuthorizationOverride | null,
): Promise<OcpiResult> {
  const { deps, party } = req;
  const location = references ? findLocation(deps, party.key, references.location_id)?.location : undefined;
  const decision = withOverride(
    authorize({ token: stored, references, location, inTerritory: (c) => deps.territory.contains(c) }),
    override,
  );
  const recorded = recordAuthorization(
    deps,
    {
      party: party.key,
      protocol: 'ocpi',
      token_uid: stored.token.uid,
      token_type: type,
      ...(references ? { location_references: references } : {}),
      allowed: decision.allowed,
      reason: decision.reason,
      rule: decision.rule,
      ...(decision.info.info ? { info: decision.info.info } : {}),
    },
    req.now,
  );
  return recorded.then(() => {
    if (decision.statusCode === OcpiStatus.NOT_ENOUGH_INFORMATION) {
      // An OCPI client error: HTTP 200 (or CLIENT_ERROR_HTTP_STATUS), data kept for the CPO's programmer.
      throw new OcpiError(OcpiStatus.NOT_ENOUGH_INFORMATION, decision.reason, { data: decision.info });
    }
    return { data: decision.info };
  });
}
