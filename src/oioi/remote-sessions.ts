// Remote start and stop (session-start / session-stop to the CPO), triggered from the admin API.
// Every attempt is kept in collection 'oioi_remote_sessions' with the CPO's answer (session-id,
// is-stoppable, result code or the reason it failed), so a test can see what the CPO said.
import type { Deps } from '../deps.js';
import { evictOldest, newRecordId } from '../rules/findings.js';
import { put } from '../store/index.js';
import { type CpoTarget, type OioiUserRef, type OutboundOutcome, sendSessionStart, sendSessionStop } from './outbound.js';

export const OIOI_REMOTE_SESSIONS = 'oioi_remote_sessions';

export interface RemoteSession {
  id: string;
  partner_identifier: string;
  party: string;
  connector_id: string;
  user: OioiUserRef;
  payment_reference?: string;
  requested_at: string;
  /** started: the CPO accepted the start; start_failed; stopped / stop_failed after a session-stop. */
  status: 'started' | 'start_failed' | 'stopped' | 'stop_failed';
  start: OutboundOutcome;
  /** From the CPO's session-start answer. */
  session_id?: string;
  is_stoppable?: boolean;
  stop?: OutboundOutcome & { requested_at: string; session_id?: string };
}

export function getRemoteSession(deps: Deps, id: string): RemoteSession | undefined {
  return deps.store.get<RemoteSession>(OIOI_REMOTE_SESSIONS, id);
}

/** Newest first. */
export function listRemoteSessions(deps: Deps, partner?: string): RemoteSession[] {
  const out: RemoteSession[] = [];
  for (const s of deps.store.values<RemoteSession>(OIOI_REMOTE_SESSIONS)) if (!partner || s.partner_identifier === partner) out.push(s);
  return out.reverse();
}

async function save(deps: Deps, session: RemoteSession): Promise<void> {
  const evictions = !deps.store.has(OIOI_REMOTE_SESSIONS, session.id) ? evictOldest(deps.store, OIOI_REMOTE_SESSIONS, deps.config.maxRecords, 1) : [];
  await deps.store.write([...evictions, put(OIOI_REMOTE_SESSIONS, session.id, session)]);
  deps.events.emit({ type: 'change', data: { collection: OIOI_REMOTE_SESSIONS, key: session.id, op: 'put' } });
}

export async function startRemoteSession(
  deps: Deps,
  target: CpoTarget,
  input: { user: OioiUserRef; connectorId: string; paymentReference?: string },
): Promise<RemoteSession> {
  const now = deps.clock.now();
  const result = await sendSessionStart(deps, target, input);
  const session: RemoteSession = {
    id: newRecordId('rs', now),
    partner_identifier: target.record.partner_identifier,
    party: target.record.party,
    connector_id: input.connectorId,
    user: input.user,
    ...(input.paymentReference ? { payment_reference: input.paymentReference } : {}),
    requested_at: new Date(now).toISOString(),
    status: result.outcome.ok ? 'started' : 'start_failed',
    start: result.outcome,
    ...(result.session_id !== undefined ? { session_id: result.session_id } : {}),
    ...(result.is_stoppable !== undefined ? { is_stoppable: result.is_stoppable } : {}),
  };
  await save(deps, session);
  return session;
}

/**
 * Whether we may send session-stop (session_stop.rst): the start answer's is-stoppable wins;
 * without one, what the CPO declared for its key (cpo.stoppable).
 */
export const mayStop = (session: RemoteSession, target: CpoTarget) => session.is_stoppable ?? target.cpo.stoppable;

export async function stopRemoteSession(deps: Deps, target: CpoTarget, session: RemoteSession): Promise<RemoteSession> {
  const now = deps.clock.now();
  const outcome = await sendSessionStop(deps, target, {
    user: session.user,
    connectorId: session.connector_id,
    ...(session.session_id ? { sessionId: session.session_id } : {}),
  });
  const updated: RemoteSession = {
    ...session,
    status: outcome.ok ? 'stopped' : 'stop_failed',
    stop: { ...outcome, requested_at: new Date(now).toISOString(), ...(session.session_id ? { session_id: session.session_id } : {}) },
  };
  await save(deps, updated);
  return updated;
}

/** A stop of a session not started through us (no record): recorded as its own entry. */
export async function stopUnknownSession(
  deps: Deps,
  target: CpoTarget,
  input: { user: OioiUserRef; connectorId: string; sessionId?: string },
): Promise<RemoteSession> {
  const now = deps.clock.now();
  const session: RemoteSession = {
    id: newRecordId('rs', now),
    partner_identifier: target.record.partner_identifier,
    party: target.record.party,
    connector_id: input.connectorId,
    user: input.user,
    requested_at: new Date(now).toISOString(),
    status: 'started',
    start: { ok: true, http_status: 0, reason: 'not started through the simulator' },
    ...(input.sessionId ? { session_id: input.sessionId } : {}),
  };
  return stopRemoteSession(deps, target, session);
}
