// credentials.md, Plugsurfing as server (ToEMP): GET, POST (register), PUT (update, rotate
// token C), DELETE (unregister). POST by a registered party and PUT/DELETE by an unregistered
// one answer 405, as section 1 says.
import { type Party, partyKey, hashToken, newToken } from '../parties.js';
import { methodNotAllowed, invalidParameters } from '../transport/errors.js';
import type { OcpiRequest, OcpiRouter } from '../transport/router.js';
import { validate } from '../transport/validate.js';
import { ourCredentials } from './ours.js';
import { fetchPeer, type PeerInfo } from './peer.js';
import { Credentials } from './schema.js';

const ALLOW = ['GET', 'POST', 'PUT', 'DELETE'];

export function registerCredentialsRoutes(router: OcpiRouter): void {
  const path = '/2.1.1/credentials';
  router.add({
    method: 'GET',
    path,
    module: 'credentials',
    auth: 'party',
    summary: "Plugsurfing's credentials for the calling party",
    response: Credentials,
    handler: ({ c, deps }) => ({ data: ourCredentials(deps.config, presentedToken(c.req.header('authorization'))) }),
  });
  router.add({
    method: 'POST',
    path,
    module: 'credentials',
    auth: 'any',
    summary: 'Register: the CPO sends its credentials with token A and receives token C',
    requestBody: Credentials,
    response: Credentials,
    handler: (req) => register(req),
  });
  router.add({
    method: 'PUT',
    path,
    module: 'credentials',
    auth: 'any',
    summary: "Update a registration: fetch the CPO's endpoints again and rotate token C",
    requestBody: Credentials,
    response: Credentials,
    handler: (req) => update(req),
  });
  router.add({
    method: 'DELETE',
    path,
    module: 'credentials',
    auth: 'any',
    summary: 'Unregister: token C stops working at once',
    handler: (req) => unregister(req),
  });
}

function presentedToken(header: string | undefined): string {
  return (header ?? '').trim().slice('Token '.length);
}

async function register({ deps, principal, body, now }: OcpiRequest) {
  if (principal.kind === 'party') {
    throw methodNotAllowed(`Party ${principal.party.key} is already registered; use PUT to update or DELETE to unregister`, ALLOW);
  }
  if (principal.kind !== 'registration') throw methodNotAllowed('Register with the registration token (token A)', ALLOW);
  const creds = validate(Credentials, body, 'credentials').value;
  const key = partyKey(creds.country_code, creds.party_id);
  if (deps.parties.get(key)) {
    throw methodNotAllowed(
      `Party ${key} is already registered; use PUT with its current token to update, DELETE to unregister, or reset the simulator`,
      ALLOW,
    );
  }
  const peer = await fetchPeer(deps, creds.url, creds.token, key);
  const tokenC = newToken();
  const time = new Date(now).toISOString();
  const party: Party = { ...fromCredentials(creds, peer, tokenC, time), initiated_by: 'cpo', registered_at: time };
  if (deps.parties.get(key)) throw methodNotAllowed(`Party ${key} registered meanwhile`, ALLOW);
  await deps.parties.save(party, { consumeRegistrationToken: true });
  deps.log.info('party registered', { party: key, initiated_by: 'cpo' });
  return { data: ourCredentials(deps.config, tokenC) };
}

async function update({ deps, principal, body, now }: OcpiRequest) {
  if (principal.kind !== 'party') throw methodNotAllowed('Not registered: POST your credentials first (PUT updates a registration)', ALLOW);
  const current = principal.party;
  const creds = validate(Credentials, body, 'credentials').value;
  const key = partyKey(creds.country_code, creds.party_id);
  if (key !== current.key && deps.parties.get(key)) {
    throw invalidParameters(`country_code/party_id ${key} belongs to another registered party`);
  }
  const peer = await fetchPeer(deps, creds.url, creds.token, key);
  const tokenC = newToken();
  const party: Party = { ...current, ...fromCredentials(creds, peer, tokenC, new Date(now).toISOString()) };
  await deps.parties.save(party, { replacesKey: current.key });
  deps.log.info('party updated its credentials', { party: key });
  return { data: ourCredentials(deps.config, tokenC) };
}

async function unregister({ deps, principal }: OcpiRequest) {
  if (principal.kind !== 'party') throw methodNotAllowed('Not registered: nothing to delete', ALLOW);
  await deps.parties.remove(principal.party.key);
  deps.log.info('party unregistered', { party: principal.party.key });
  return { data: null };
}

/** The party fields a credentials object, the peer's endpoints and the token we issue determine. */
function fromCredentials(creds: Credentials, peer: PeerInfo, tokenC: string, time: string) {
  return {
    key: partyKey(creds.country_code, creds.party_id),
    country_code: creds.country_code,
    party_id: creds.party_id,
    business_details: creds.business_details,
    ...peer,
    incoming_token_hash: hashToken(tokenC),
    incoming_token_hint: tokenC.slice(-4),
    outgoing_token: creds.token,
    updated_at: time,
  };
}
