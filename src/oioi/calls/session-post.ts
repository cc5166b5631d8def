// session-post (docs/calls/session_post.rst): the CDR. Judged by the OCPI CDR rules
// (ocpi/cdrs/verdict.ts) where they apply: unknown token, station outside the Territory, session
// started after we refused that token (OIOI: an rfid-verify of this partner), duplicate id.
// The docs allow a session to be posted more than once (an early post at start, then the final
// one), so a repeated session-id updates the stored CDR while it is not final; once a post
// with session-interval.stop was taken, another post of that id is a duplicate and refused.
// Kept with its verdict as a StoredCdr (protocol 'oioi') converted to an OCPI CDR; the post as
// sent is kept beside it. An unknown EVSE is refused and not stored (no Location to attach).
//
// Answers: v3 HTTP 200 {"session":{"success":bool,"reason":string|null}}; v4 result 0, or the
// code of the first reason: 191 unknown token, 140 after a refusal, 200 outside the Territory or
// duplicate, 181 unknown EVSE.
import { CDRS, cdrKey } from '../../ocpi/cdrs/service.js';
import { CDR_RULES, cdrVerdict, type Decision } from '../../ocpi/cdrs/verdict.js';
import type { CDR } from '../../ocpi/cdrs/schema.js';
import type { Location } from '../../ocpi/locations/schema.js';
import { ownedKey, type StoredCdr } from '../../ocpi/records.js';
import { authorizationsWithoutLocation, tokenUidsByAuthId } from '../../ocpi/tokens/service.js';
import { evictOldest, type NewFinding } from '../../rules/findings.js';
import { putSeldomRead } from '../../store/index.js';
import { checkPartner } from '../keys.js';
import { badFormat, OioiError, RESULT, type CallAnswer } from '../protocol.js';
import { parseCall, SessionPost, uidProblem } from '../schema.js';
import { ocpiTime } from '../station-location.js';
import { findRfidToken } from '../tokens.js';
import { callerStationsWith, type CallContext, type CallHandler, type StationHit } from './call.js';

const RULE_CODES: Record<string, number> = {
  [CDR_RULES.unknownToken]: RESULT.evcoIdNotFound,
  [CDR_RULES.startedAfterRefusal]: RESULT.authFailed,
  [CDR_RULES.outsideTerritory]: RESULT.clientError,
  [CDR_RULES.duplicate]: RESULT.clientError,
};

const HOUR_MS = 3_600_000;
const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** Our token uids for the session's user: an RFID UID or an EVCO ID (= OCPI auth_id). We keep no usernames. */
function tokenUidsOf(ctx: CallContext, user: SessionPost['user']): { uids: string[]; authId: string } {
  if (user['identifier-type'] === 'rfid') {
    const problem = uidProblem(user.identifier);
    if (problem)
      throw badFormat(`user.identifier "${user.identifier}" is not a valid RFID UID: it ${problem}`, 'session-post.user.identifier');
    const token = findRfidToken(ctx.deps, user.identifier);
    return { uids: token ? [token.token.uid] : [], authId: token?.token.auth_id ?? user.identifier };
  }
  if (user['identifier-type'] === 'evco-id') return { uids: tokenUidsByAuthId(ctx.deps, user.identifier), authId: user.identifier };
  return { uids: [], authId: user.identifier };
}

/** The post as an OCPI CDR: the Location cut to the EVSE used, one charging period with the energy. */
function toCdr(post: SessionPost, location: Location, evseId: string, authId: string, verified: boolean, nowMs: number): CDR {
  const start = Date.parse(post['session-interval'].start);
  const stopGiven = post['session-interval'].stop;
  const stop = stopGiven ? Date.parse(stopGiven) : start;
  const charging = post['charging-interval'];
  const chargeStart = charging?.start ? Date.parse(charging.start) : start;
  const chargeStop = charging?.stop ? Date.parse(charging.stop) : stop;
  const totalTime = Math.max(0, stop - start) / HOUR_MS;
  const chargingTime = Math.max(0, chargeStop - chargeStart) / HOUR_MS;
  const energy = post['energy-consumed'] ?? 0;
  return {
    id: post['session-id'],
    start_date_time: ocpiTime(start),
    stop_date_time: ocpiTime(stop),
    auth_id: authId,
    auth_method: verified ? 'AUTH_REQUEST' : 'WHITELIST',
    location: { ...location, evses: (location.evses ?? []).filter((e) => e.uid === evseId) },
    currency: post['calculated-cost']?.currency ?? 'EUR',
    charging_periods: [{ start_date_time: ocpiTime(chargeStart), dimensions: [{ type: 'ENERGY', volume: round4(energy) }] }],
    total_cost: round4(post['calculated-cost']?.amount ?? 0),
    total_energy: round4(energy),
    total_time: round4(totalTime),
    ...(charging?.start || charging?.stop ? { total_parking_time: round4(Math.max(0, totalTime - chargingTime)) } : {}),
    ...(stopGiven ? {} : { remark: 'OIOI session-post without session-interval.stop: the session was still running' }),
    last_updated: ocpiTime(nowMs),
  };
}

function answer(success: boolean, reason: string | null, code: number): CallAnswer {
  return { v3: { session: { success, reason } }, v4: { code, ...(reason ? { message: reason } : {}) } };
}

export const sessionPost: CallHandler = async (ctx, raw) => {
  const post = parseCall(SessionPost, 'session-post', raw);
  checkPartner(ctx.caller, post['partner-identifier'], 'session-post.partner-identifier');
  const { deps, caller } = ctx;
  const party = caller.party;
  const evseId = post['connector-id'];
  let hit: StationHit | undefined;
  try {
    hit = callerStationsWith(ctx, evseId, 'session-post.connector-id')[0];
  } catch (err) {
    // v3 reports a refused CDR in the body, never by HTTP status.
    if (err instanceof OioiError && ctx.version === 'v3') return answer(false, err.message, err.code);
    throw err;
  }
  const location = hit?.stored.location as Location;
  const { uids, authId } = tokenUidsOf(ctx, post.user);
  // rfid-verify decisions carry no location: the party's for these tokens, from the index.
  const decisions: Decision[] = uids.flatMap((uid) => authorizationsWithoutLocation(deps, party, uid).filter((r) => r.protocol === 'oioi'));
  const key = cdrKey(party, post['session-id']);
  const previous = deps.store.get<StoredCdr>(CDRS, key);
  const final = post['session-interval'].stop !== undefined;
  const now = deps.clock.now();
  const cdr = toCdr(post, location, evseId, authId, decisions.length > 0, now);
  const verdict = cdrVerdict({
    cdr: { id: cdr.id, start_date_time: cdr.start_date_time, auth_id: authId, location: { id: location.id, country: location.country } },
    // An early post may be followed by others until the final one.
    ...(previous && (previous.oioi?.final ?? true) ? { previous: { verdict: previous.verdict, received_at: previous.received_at } } : {}),
    tokenUids: uids,
    inTerritory: deps.territory.contains(location.country),
    decisions,
  });
  const object = { module: 'cdrs', id: ownedKey(party, post['session-id']) };
  const first = verdict.reasons[0];
  if (verdict.verdict === 'DUPLICATE') {
    await deps.findings.record([
      { party, rule: first?.rule as string, severity: 'warning', message: first?.message as string, object, request_id: ctx.requestId },
    ]);
    return answer(false, first?.message ?? 'duplicate', RESULT.clientError);
  }
  const findings: NewFinding[] = verdict.reasons.map((r) => ({
    party,
    rule: r.rule,
    severity: 'warning',
    message: r.message,
    object,
    request_id: ctx.requestId,
  }));
  const recorded = deps.findings.mutations(findings);
  const stored: StoredCdr = {
    party,
    protocol: 'oioi',
    cdr,
    verdict: verdict.verdict,
    reasons: verdict.reasons,
    findings: recorded.recorded.map((f) => f.id),
    received_at: new Date(now).toISOString(),
    oioi: { partner_identifier: caller.partner_identifier, session: post, final, posts: (previous?.oioi?.posts ?? 0) + 1 },
  };
  const evictions = previous ? [] : evictOldest(deps.store, CDRS, deps.config.maxRecords, 1);
  await deps.store.write([...evictions, putSeldomRead(CDRS, key, stored), ...recorded.mutations]);
  deps.findings.announce(recorded.recorded);
  deps.events.emit({ type: 'change', data: { collection: CDRS, key, op: 'put' } });
  if (verdict.verdict === 'ACCEPTED') return answer(true, null, RESULT.success);
  const reason = verdict.reasons.map((r) => `${r.message} (${r.rule})`).join('; ');
  return answer(false, reason, RULE_CODES[first?.rule ?? ''] ?? RESULT.clientError);
};
