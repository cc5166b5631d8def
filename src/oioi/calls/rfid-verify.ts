// rfid-verify (docs/calls/rfid_verify.rst): online authorization of an RFID UID against the same
// tokens as OCPI real-time authorization, decided by the same rules (ocpi/tokens/authorize.ts,
// step 1: the token's own state) and recorded the same way (collection 'authorizations',
// protocol 'oioi'), so GET /admin/authorizations shows both and session-post can judge a
// session against it. OIOI sends no location here, so there is no Territory check at this
// point: the Territory is applied to the station of the session-post.
//
// Answers: v3 200 {"rfid-verify":{"verified":true}}, else 404 (no *active* RFID: unknown, or known
// but blocked, expired or without credit). v4 evco-id + 0, or 191 not found, 192 locked
// (BLOCKED, valid=false), 193 no valid payment method (NO_CREDIT), 190 EVCO ID error (EXPIRED).
import { AUTHORIZE_RULES, authorize } from '../../ocpi/tokens/authorize.js';
import { recordAuthorization } from '../../ocpi/tokens/service.js';
import type { AllowedType } from '../../ocpi/tokens/schema.js';
import { badFormat, OioiError, RESULT } from '../protocol.js';
import { parseCall, RfidVerify, uidProblem } from '../schema.js';
import { findRfidToken } from '../tokens.js';
import type { CallHandler } from './call.js';

export const OIOI_AUTH_RULES = {
  unknownRfid: 'oioi.rfid-unknown',
} as const;

const REFUSAL_CODES: Record<Exclude<AllowedType, 'ALLOWED'>, number> = {
  BLOCKED: RESULT.evcoIdLocked,
  NO_CREDIT: RESULT.evcoIdNoPayment,
  EXPIRED: RESULT.evcoIdError,
  NOT_ALLOWED: RESULT.evcoIdNotFound,
};

const notVerified = (code: number, message: string) =>
  new OioiError(code, message, { v3Status: 404, v3Body: { 'rfid-verify': { verified: false } }, field: 'rfid-verify.rfid' });

export const rfidVerify: CallHandler = async (ctx, raw) => {
  const { rfid } = parseCall(RfidVerify, 'rfid-verify', raw);
  const problem = uidProblem(rfid);
  if (problem) throw badFormat(`rfid "${rfid}" is not a valid UID: it ${problem}`, 'rfid-verify.rfid');
  const { deps, caller } = ctx;
  const now = deps.clock.now();
  const stored = findRfidToken(deps, rfid);
  if (!stored) {
    const reason = `No Plugsurfing RFID token has UID ${rfid}`;
    await recordAuthorization(
      deps,
      { party: caller.party, protocol: 'oioi', token_uid: rfid, token_type: 'RFID', allowed: 'NOT_ALLOWED', reason, rule: OIOI_AUTH_RULES.unknownRfid },
      now,
    );
    throw notVerified(RESULT.evcoIdNotFound, reason);
  }
  const decision = authorize({ token: stored, inTerritory: (c) => deps.territory.contains(c) });
  // Without LocationReferences authorize() stops at "no location" once the token itself is fine:
  // for rfid-verify, which never carries a location, that means the token is allowed.
  const allowed = decision.rule === AUTHORIZE_RULES.noLocation;
  const answer: AllowedType = allowed ? 'ALLOWED' : decision.allowed;
  const reason = allowed ? `Token ${stored.token.uid} (UID ${rfid}) is active: verified` : decision.reason;
  await recordAuthorization(
    deps,
    {
      party: caller.party,
      protocol: 'oioi',
      token_uid: stored.token.uid,
      token_type: 'RFID',
      allowed: answer,
      reason,
      rule: allowed ? AUTHORIZE_RULES.allowed : decision.rule,
      ...(!allowed && decision.info.info ? { info: decision.info.info } : {}),
    },
    now,
  );
  if (answer !== 'ALLOWED') throw notVerified(REFUSAL_CODES[answer], reason);
  return { v3: { 'rfid-verify': { verified: true } }, v4: { extra: { 'evco-id': stored.token.auth_id } } };
};
