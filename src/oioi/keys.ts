// OIOI API keys. OIOI has no credentials exchange (docs/oioi.md Q11): each direction uses one
// static key agreed out of band. We issue one key per CPO and bind it to the CPO's partner
// identifier; optionally the record also holds the CPO's own OIOI endpoint and the key we send
// there (for session-start/-stop and rfid-post). Our keys are kept as SHA-256 hashes, like OCPI
// tokens; the key for the CPO must be kept in clear because we send it.
import { createHash, randomUUID } from 'node:crypto';
import type { Deps } from '../deps.js';
import { put, del } from '../store/index.js';
import { badFormat, OioiError, type OioiVersion, RESULT } from './protocol.js';

export const OIOI_KEYS = 'oioi_keys';

/** The documented development key (fixtures/README.md) and the partner it is bound to. */
export const FIXTURE_OIOI_KEY = 'oioi-sim-key-cpo-1';
export const FIXTURE_OIOI_PARTNER = 'SIM-CPO-1';

/**
 * The party key of an OIOI partner: `OIOI*<partner-identifier>`. It takes the place of OCPI's
 * `CC*PID` in store keys, findings, the journal and the admin API (`/admin/locations/OIOI/<partner>/<station>`).
 */
export const partnerKey = (partnerIdentifier: string) => `OIOI*${partnerIdentifier}`;

/** Partner identifiers appear in store keys and admin URLs: URL-safe characters only. */
export const PARTNER_IDENTIFIER = /^[A-Za-z0-9._~-]{1,64}$/;

export interface CpoEndpoint {
  /** The CPO's OIOI endpoint, e.g. https://cpo.example/api/v4/request. */
  url: string;
  /** The key we send there (`Authorization: key=<key>`). */
  key: string;
  /** Which reply style the CPO speaks. */
  version: OioiVersion;
  /** Offline authorization: push our RFID whitelist (rfid-post) when tokens change. */
  rfid_sync: boolean;
  /** Whether its sessions can be stopped remotely (agreed out of band, session_stop.rst). */
  stoppable: boolean;
  /** The partner identifier we send in rfid-post, if the CPO agreed one with us (else a default). */
  partner_identifier?: string;
}

export interface OioiKeyRecord {
  /** Public id of the key (admin URLs): the start of its hash. */
  id: string;
  key_hash: string;
  key_hint: string;
  partner_identifier: string;
  party: string;
  cpo?: CpoEndpoint;
  created_at: string;
}

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

export function findKey(deps: Deps, key: string): OioiKeyRecord | undefined {
  return deps.store.get<OioiKeyRecord>(OIOI_KEYS, hash(key));
}

export function listKeys(deps: Deps): OioiKeyRecord[] {
  return [...deps.store.values<OioiKeyRecord>(OIOI_KEYS)];
}

/** The key record that carries the CPO endpoint of a partner (the first one, if several do). */
export function cpoOf(deps: Deps, partnerIdentifier: string): (OioiKeyRecord & { cpo: CpoEndpoint }) | undefined {
  return listKeys(deps).find((k): k is OioiKeyRecord & { cpo: CpoEndpoint } => k.partner_identifier === partnerIdentifier && k.cpo !== undefined);
}

export interface NewKey {
  partner_identifier: string;
  /** A chosen value (documented test keys); else a random UUID, as in the docs' example. */
  key?: string;
  cpo?: CpoEndpoint;
}

/** Store a key; returns the record and the key in clear (shown once). Refuses a key already issued. */
export async function issueKey(deps: Deps, input: NewKey): Promise<{ record: OioiKeyRecord; key: string } | { exists: OioiKeyRecord }> {
  const key = input.key ?? randomUUID();
  const existing = findKey(deps, key);
  if (existing) return { exists: existing };
  const key_hash = hash(key);
  const record: OioiKeyRecord = {
    id: key_hash.slice(0, 12),
    key_hash,
    key_hint: key.slice(-4),
    partner_identifier: input.partner_identifier,
    party: partnerKey(input.partner_identifier),
    ...(input.cpo ? { cpo: input.cpo } : {}),
    created_at: new Date(deps.clock.now()).toISOString(),
  };
  await deps.store.write([put(OIOI_KEYS, key_hash, record)]);
  return { record, key };
}

export async function revokeKey(deps: Deps, id: string): Promise<OioiKeyRecord | undefined> {
  const record = listKeys(deps).find((k) => k.id === id);
  if (record) await deps.store.write([del(OIOI_KEYS, record.key_hash)]);
  return record;
}

/** For the admin API: no hash, the CPO key as a hint only. */
export function publicKey(record: OioiKeyRecord) {
  const { key_hash: _hash, cpo, ...rest } = record;
  return { ...rest, ...(cpo ? { cpo: { ...cpo, key: undefined, key_hint: cpo.key.slice(-4) } } : {}) };
}

/** Seed the documented fixture key (idempotent). */
export async function seedOioiFixtureKey(deps: Deps): Promise<void> {
  if (!findKey(deps, FIXTURE_OIOI_KEY)) await issueKey(deps, { partner_identifier: FIXTURE_OIOI_PARTNER, key: FIXTURE_OIOI_KEY });
}

/**
 * The caller of an inbound request: `Authorization: key=<api-key>` (request.rst), compared
 * exactly; spaces after `key=` are tolerated. Missing, malformed or unknown: 401, result 210.
 */
export function authenticateKey(deps: Deps, header: string | undefined): OioiKeyRecord {
  const m = /^key=\s*(\S+)\s*$/.exec(header?.trim() ?? '');
  if (!m) {
    throw new OioiError(
      RESULT.invalidApiKey,
      header ? 'The Authorization header must be "key=<API key>" (OIOI request.rst)' : 'Missing Authorization header: send "Authorization: key=<API key>"',
      { v3Status: 401, v4Status: 401, field: 'Authorization' },
    );
  }
  const record = findKey(deps, m[1] as string);
  if (!record) throw new OioiError(RESULT.invalidApiKey, 'Unknown API key: ask the simulator operator for one (POST /admin/oioi/keys)', { v3Status: 401, v4Status: 401, field: 'Authorization' });
  return record;
}

/** The body's partner-identifier must be the one bound to the caller's key: else 211 (v4) / 403 (v3). */
export function checkPartner(caller: OioiKeyRecord, given: string, field: string): void {
  if (given === caller.partner_identifier) return;
  if (given === '') throw badFormat('partner-identifier must not be empty', field);
  throw new OioiError(
    RESULT.invalidPartner,
    `partner-identifier "${given}" is not the one bound to this API key (${caller.partner_identifier})`,
    { v3Status: 403, field },
  );
}
