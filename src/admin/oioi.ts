// OIOI by hand: API keys (issue, list, revoke), remote start/stop sent to a CPO's OIOI endpoint,
// and the rfid-post whitelist sync. Stations, verifications and CDRs that came in over OIOI show
// in /admin/locations, /admin/authorizations and /admin/cdrs (protocol "oioi").
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { getToken } from '../ocpi/tokens/service.js';
import { cpoOf, issueKey, listKeys, PARTNER_IDENTIFIER, publicKey, revokeKey } from '../oioi/keys.js';
import type { CpoTarget, OioiUserRef } from '../oioi/outbound.js';
import { getRemoteSession, listRemoteSessions, mayStop, startRemoteSession, stopRemoteSession, stopUnknownSession } from '../oioi/remote-sessions.js';
import { rfidSyncOf } from '../oioi/rfid-sync.js';
import { IDENTIFIER_TYPES } from '../oioi/schema.js';
import { rfidWhitelist } from '../oioi/tokens.js';
import { AdminError, adminBody, adminQuery, PageQuery, page } from './http.js';
import { type AdminRouter, created } from './router.js';

const partnerId = z.string().regex(PARTNER_IDENTIFIER, 'must be 1-64 characters: letters, digits, . _ ~ -');
const printable = (min: number) => z.string().regex(new RegExp(`^[\\x21-\\x7E]{${min},255}$`), `must be ${min}-255 printable ASCII characters without spaces`);

const CpoInput = z.object({
  url: z.string().refine((s) => /^https?:\/\/\S+$/.test(s) && URL.canParse(s), 'must be an http(s) URL, e.g. https://cpo.example/api/v4/request'),
  key: printable(1).describe('the API key the CPO gave us (sent as Authorization: key=...)'),
  version: z.enum(['v3', 'v4']).default('v4'),
  rfid_sync: z.boolean().default(false).describe('push our RFID whitelist (rfid-post) whenever tokens change'),
  stoppable: z.boolean().default(true).describe('whether its sessions can be stopped remotely'),
  partner_identifier: partnerId.optional().describe('the partner identifier we send in rfid-post'),
});

const KeyInput = z.object({
  partner_identifier: partnerId.describe('the CPO partner identifier this key is bound to'),
  key: printable(8).optional().describe('a chosen key value (default: a random UUID)'),
  cpo: CpoInput.optional().describe("the CPO's own OIOI endpoint, for session-start/-stop and rfid-post"),
});

const UserInput = {
  uid: z.string().min(1).optional().describe('one of our token uids: sent as its EVCO ID (auth_id)'),
  evco_id: z.string().min(1).optional(),
  user: z.object({ identifier_type: z.enum(IDENTIFIER_TYPES), identifier: z.string().min(1) }).optional(),
};

const StartInput = z.object({
  partner: partnerId,
  connector_id: z.string().min(1).optional().describe('EVSE ID (alias: evse_id)'),
  evse_id: z.string().min(1).optional(),
  ...UserInput,
  payment_reference: z.string().min(1).optional(),
});

const StopInput = z.object({
  id: z.string().min(1).optional().describe('a remote session started here (GET /admin/oioi/sessions)'),
  partner: partnerId.optional(),
  connector_id: z.string().min(1).optional(),
  evse_id: z.string().min(1).optional(),
  session_id: z.string().min(1).optional(),
  ...UserInput,
  force: z.boolean().default(false).describe('send even when the session is not stoppable or not started'),
});

const SessionQuery = PageQuery.extend({ partner: z.string().max(64).optional() });

function target(deps: Deps, partner: string): CpoTarget {
  const record = cpoOf(deps, partner);
  if (record) return { record, cpo: record.cpo };
  const known = listKeys(deps).some((k) => k.partner_identifier === partner);
  throw new AdminError(
    404,
    known
      ? `Partner ${partner} has no CPO endpoint: issue a key with "cpo": {"url", "key"} (POST /admin/oioi/keys)`
      : `No OIOI partner ${partner} (POST /admin/oioi/keys)`,
  );
}

function userOf(deps: Deps, input: { uid?: string | undefined; evco_id?: string | undefined; user?: { identifier_type: OioiUserRef['identifier-type']; identifier: string } | undefined }): OioiUserRef {
  const given = [input.uid, input.evco_id, input.user].filter((x) => x !== undefined).length;
  if (given !== 1) throw new AdminError(400, 'Give exactly one of uid (our token), evco_id, or user {identifier_type, identifier}');
  if (input.uid !== undefined) {
    const token = getToken(deps, input.uid);
    if (!token) throw new AdminError(404, `No token ${input.uid}`);
    return { 'identifier-type': 'evco-id', identifier: token.token.auth_id };
  }
  if (input.evco_id !== undefined) return { 'identifier-type': 'evco-id', identifier: input.evco_id };
  const user = input.user as { identifier_type: OioiUserRef['identifier-type']; identifier: string };
  return { 'identifier-type': user.identifier_type, identifier: user.identifier };
}

function connectorOf(input: { connector_id?: string | undefined; evse_id?: string | undefined }): string {
  const id = input.connector_id ?? input.evse_id;
  if (!id) throw new AdminError(400, 'connector_id (or evse_id) is required: the EVSE ID to start on');
  return id;
}

export function registerOioiAdmin(admin: AdminRouter): void {
  admin.get('/oioi/keys', 'OIOI API keys with their partner identifier and CPO endpoint (keys shown as a hint only)', ({ deps }) => ({
    items: listKeys(deps).map(publicKey),
  }));
  admin.post(
    '/oioi/keys',
    'Issue an OIOI API key bound to a CPO partner identifier, optionally with the CPO endpoint we call; the key is shown once',
    async ({ c, deps }) => {
      const input = await adminBody(c, KeyInput);
      const result = await issueKey(deps, input);
      if ('exists' in result) throw new AdminError(409, `This key is already issued (id ${result.exists.id}, partner ${result.exists.partner_identifier})`);
      return created({ ...publicKey(result.record), key: result.key });
    },
    KeyInput,
  );
  admin.delete('/oioi/keys/:id', 'Revoke an OIOI API key (id from GET /admin/oioi/keys)', async ({ deps, params }) => {
    const gone = await revokeKey(deps, params.id as string);
    if (!gone) throw new AdminError(404, `No OIOI key ${params.id}`);
    return { deleted: params.id };
  });

  admin.get(
    '/oioi/sessions',
    'Remote sessions started or stopped over OIOI (session-start/-stop), newest first, with the CPO answers; filter: partner',
    ({ c, deps }) => {
      const q = adminQuery(c, SessionQuery);
      return page(listRemoteSessions(deps, q.partner), q.offset, q.limit);
    },
    SessionQuery,
  );
  admin.post(
    '/oioi/sessions/start',
    "Remote start: send session-start to the partner's CPO endpoint (connector_id = EVSE ID; the driver as uid, evco_id or user); the answer is recorded",
    async ({ c, deps }) => {
      const input = await adminBody(c, StartInput);
      const to = target(deps, input.partner);
      const session = await startRemoteSession(deps, to, {
        user: userOf(deps, input),
        connectorId: connectorOf(input),
        ...(input.payment_reference ? { paymentReference: input.payment_reference } : {}),
      });
      return created(session);
    },
    StartInput,
  );
  admin.post(
    '/oioi/sessions/stop',
    'Remote stop: send session-stop for a session started here ({id}) or any other ({partner, connector_id, session_id?, uid|evco_id|user}); the answer is recorded',
    async ({ c, deps }) => {
      const input = await adminBody(c, StopInput);
      if (input.id !== undefined) {
        const session = getRemoteSession(deps, input.id);
        if (!session) throw new AdminError(404, `No remote session ${input.id}`);
        const to = target(deps, session.partner_identifier);
        if (!input.force && session.status !== 'started') throw new AdminError(409, `Remote session ${input.id} is ${session.status}; send force: true to stop anyway`);
        if (!input.force && !mayStop(session, to)) {
          throw new AdminError(409, `The CPO declared session ${input.id} not stoppable (is-stoppable false, or stoppable false on its key); send force: true to try anyway`);
        }
        return stopRemoteSession(deps, to, session);
      }
      if (!input.partner) throw new AdminError(400, 'Give id (a remote session started here) or partner with connector_id');
      const to = target(deps, input.partner);
      return stopUnknownSession(deps, to, {
        user: userOf(deps, input),
        connectorId: connectorOf(input),
        ...(input.session_id ? { sessionId: input.session_id } : {}),
      });
    },
    StopInput,
  );

  admin.get('/oioi/rfid-sync', 'The RFID whitelist rfid-post sends (active RFID tokens, UIDs upper-cased) and the last push per partner', ({ deps }) => ({
    whitelist: rfidWhitelist(deps),
    items: rfidSyncOf(deps).statuses(),
  }));
  admin.post('/oioi/rfid-sync/:partner', "Send rfid-post (our complete RFID whitelist) to the partner's CPO endpoint now", ({ deps, params }) =>
    rfidSyncOf(deps).push(target(deps, params.partner as string), 'admin'),
  );
}
