// credentials.md, Plugsurfing as client (FromEMP): we register with a CPO, update our
// credentials there (rotating the token it uses to call us), and unregister.
import type { Deps } from '../../deps.js';
import { envelopeData, OutboundError, type OutboundResponse } from '../client.js';
import { type Party, hashToken, newToken, partyKey } from '../parties.js';
import { clientError, describeIssues, OcpiError, serverError } from '../transport/errors.js';
import { OcpiStatus } from '../transport/status.js';
import { zodIssues } from '../transport/validate.js';
import { ourCredentials } from './ours.js';
import { fetchPeer, type PeerInfo } from './peer.js';
import { Credentials } from './schema.js';

function credentialsUrl(peer: PeerInfo): string {
  const endpoint = peer.endpoints.find((e) => e.identifier === 'credentials');
  if (!endpoint) throw serverError(OcpiStatus.NO_MATCHING_ENDPOINTS, 'The CPO has no credentials endpoint');
  return endpoint.url;
}

/** POST/PUT our credentials (carrying `ourToken`) and parse the CPO's answer. */
async function sendCredentials(deps: Deps, method: 'POST' | 'PUT', url: string, theirToken: string, ourToken: string, party?: string) {
  let res: OutboundResponse;
  try {
    res = await deps.client.request({ method, url, token: theirToken, body: ourCredentials(deps.config, ourToken), party });
  } catch (err) {
    throw serverError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, `${method} ${url} failed: ${err instanceof OutboundError ? err.message : String(err)}`);
  }
  const data = envelopeData(res);
  if (!data.ok) throw serverError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, `${method} ${url} answered ${data.reason}`);
  const creds = Credentials.safeParse(data.data);
  if (!creds.success) {
    throw serverError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, `${method} ${url} answered invalid credentials: ${describeIssues(zodIssues(creds.error))}`);
  }
  return creds.data;
}

/** Register with a CPO given its versions URL and its token A. Returns the stored party. */
export async function registerWithCpo(deps: Deps, input: { versions_url: string; token: string }): Promise<Party> {
  const peer = await fetchPeer(deps, input.versions_url, input.token);
  // The CPO calls our versions with this token while it handles our POST: valid from now on.
  const tokenB = newToken();
  const registrationId = `reg-${Date.now()}`;
  deps.parties.addPending(tokenB, registrationId);
  try {
    const creds = await sendCredentials(deps, 'POST', credentialsUrl(peer), input.token, tokenB);
    const key = partyKey(creds.country_code, creds.party_id);
    if (deps.parties.get(key)) throw clientError(`The CPO answered as ${key}, which is already registered`);
    const time = new Date(deps.clock.now()).toISOString();
    const party: Party = {
      key,
      country_code: creds.country_code,
      party_id: creds.party_id,
      business_details: creds.business_details,
      ...peer,
      versions_url: creds.url,
      incoming_token_hash: hashToken(tokenB),
      incoming_token_hint: tokenB.slice(-4),
      outgoing_token: creds.token,
      initiated_by: 'emsp',
      registered_at: time,
      updated_at: time,
    };
    await deps.parties.save(party);
    deps.log.info('registered with CPO', { party: key });
    return party;
  } finally {
    deps.parties.removePending(tokenB);
  }
}

/** PUT fresh credentials to a registered CPO: new token for it, its new token for us, endpoints again. */
export async function updateAtCpo(deps: Deps, key: string): Promise<Party> {
  const current = requireParty(deps, key);
  const peer = await fetchPeer(deps, current.versions_url, current.outgoing_token, key);
  const tokenB = newToken();
  deps.parties.addPending(tokenB, `update-${key}`);
  try {
    const creds = await sendCredentials(deps, 'PUT', credentialsUrl(peer), current.outgoing_token, tokenB, key);
    const party: Party = {
      ...current,
      ...peer,
      versions_url: creds.url,
      business_details: creds.business_details,
      incoming_token_hash: hashToken(tokenB),
      incoming_token_hint: tokenB.slice(-4),
      outgoing_token: creds.token,
      updated_at: new Date(deps.clock.now()).toISOString(),
    };
    await deps.parties.save(party);
    return party;
  } finally {
    deps.parties.removePending(tokenB);
  }
}

/** DELETE our credentials at the CPO, then forget it (its token stops working here too). */
export async function unregisterAtCpo(deps: Deps, key: string): Promise<void> {
  const party = requireParty(deps, key);
  const url = credentialsUrl(party);
  let res: OutboundResponse;
  try {
    res = await deps.client.request({ method: 'DELETE', url, token: party.outgoing_token, party: key });
  } catch (err) {
    throw serverError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, `DELETE ${url} failed: ${err instanceof OutboundError ? err.message : String(err)}`);
  }
  const data = envelopeData(res);
  if (!data.ok) throw serverError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, `DELETE ${url} answered ${data.reason}`);
  await deps.parties.remove(key);
}

function requireParty(deps: Deps, key: string): Party {
  const party = deps.parties.get(key);
  if (!party) throw new OcpiError(OcpiStatus.CLIENT_ERROR, `No registered party ${key}`, { http: 404 });
  return party;
}
