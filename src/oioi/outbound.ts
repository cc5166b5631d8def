// Calls we send to a CPO's OIOI endpoint (docs/oioi.md 3.5-3.7): session-start, session-stop
// and rfid-post. They go through deps.client like OCPI calls, so they share its timeout, size
// limit, journal (protocol 'oioi') and the fault engine's outbound interceptor. Replies are read
// in either style (v4 result.code, v3 `success` + HTTP status) whatever version the CPO declared,
// since the docs require accepting a general code for a specific one.
import type { Deps } from '../deps.js';
import { OutboundError } from '../ocpi/client.js';
import type { CpoEndpoint, OioiKeyRecord } from './keys.js';
import { readResult } from './protocol.js';

export interface CpoTarget {
  record: OioiKeyRecord;
  cpo: CpoEndpoint;
}

export interface OutboundOutcome {
  ok: boolean;
  /** HTTP status; 0 when no answer came. */
  http_status: number;
  /** v4 result code, when the answer had one. */
  code?: number;
  message?: string;
  /** Why it failed, in words ('' on success). */
  reason: string;
  journal_id?: string;
}

/** The partner identifier we send as Plugsurfing (the CPO may have agreed another one: cpo.partner_identifier). */
export const ourPartnerIdentifier = (deps: Deps, cpo: CpoEndpoint) =>
  cpo.partner_identifier ?? `plugsurfing-sim-emp-${deps.config.countryCode}-${deps.config.partyId}`;

/** POST `{ [call]: payload }` to the CPO; the reply's own key is `replyKey` (irregular: rfid-post answers "rfid"). */
export async function callCpo(
  deps: Deps,
  target: CpoTarget,
  call: string,
  payload: Record<string, unknown>,
  replyKey: string,
): Promise<{ outcome: OutboundOutcome; reply?: Record<string, unknown> }> {
  try {
    const res = await deps.client.request({
      method: 'POST',
      url: target.cpo.url,
      authorization: `key=${target.cpo.key}`,
      body: { [call]: payload },
      party: target.record.party,
      protocol: 'oioi',
    });
    const result = readResult(res.status, res.json, replyKey);
    const body = res.json && typeof res.json === 'object' ? (res.json as Record<string, unknown>) : undefined;
    const reply = body?.[replyKey];
    return {
      outcome: {
        ok: result.ok,
        http_status: res.status,
        ...(result.code !== undefined ? { code: result.code } : {}),
        ...(result.message ? { message: result.message } : {}),
        reason: result.reason,
        journal_id: res.journalId,
      },
      ...(reply && typeof reply === 'object' ? { reply: reply as Record<string, unknown> } : {}),
    };
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
    return { outcome: { ok: false, http_status: 0, reason: err.message, journal_id: err.journalId } };
  }
}

export interface OioiUserRef {
  'identifier-type': 'evco-id' | 'rfid' | 'username' | 'token';
  identifier: string;
}

export interface StartResult {
  outcome: OutboundOutcome;
  session_id?: string;
  is_stoppable?: boolean;
}

/** session-start: the CPO may answer a session-id and whether the session can be stopped. */
export async function sendSessionStart(
  deps: Deps,
  target: CpoTarget,
  input: { user: OioiUserRef; connectorId: string; paymentReference?: string },
): Promise<StartResult> {
  const payload = {
    user: input.user,
    'connector-id': input.connectorId,
    ...(input.paymentReference ? { 'payment-reference': input.paymentReference } : {}),
  };
  const { outcome, reply } = await callCpo(deps, target, 'session-start', payload, 'session-start');
  const sessionId = reply?.['session-id'];
  const stoppable = reply?.['is-stoppable'];
  return {
    outcome,
    ...(outcome.ok && typeof sessionId === 'string' ? { session_id: sessionId } : {}),
    ...(outcome.ok && typeof stoppable === 'boolean' ? { is_stoppable: stoppable } : {}),
  };
}

export async function sendSessionStop(
  deps: Deps,
  target: CpoTarget,
  input: { user: OioiUserRef; connectorId: string; sessionId?: string },
): Promise<OutboundOutcome> {
  const payload = { user: input.user, 'connector-id': input.connectorId, ...(input.sessionId ? { 'session-id': input.sessionId } : {}) };
  return (await callCpo(deps, target, 'session-stop', payload, 'session-stop')).outcome;
}

/** rfid-post: the complete whitelist (rfid_post.rst); `processed` = UIDs new to the CPO. */
export async function sendRfidPost(deps: Deps, target: CpoTarget, rfids: string[]): Promise<{ outcome: OutboundOutcome; processed?: number }> {
  const payload = { rfids, 'partner-identifier': ourPartnerIdentifier(deps, target.cpo) };
  const { outcome, reply } = await callCpo(deps, target, 'rfid-post', payload, 'rfid');
  const processed = reply?.processed;
  return { outcome, ...(typeof processed === 'number' ? { processed } : {}) };
}
