// The simulator the fuzzer attacks: a file store in a temp dir, two registered CPOs with a
// location, a tariff, a CDR and an authorization, ADMIN_TOKEN set (so the admin API can refuse),
// CLIENT_ERROR_HTTP_STATUS=400 (so every refusal is a 4xx), and a log that keeps warnings and
// errors. Also: a valid body and a valid value of every path parameter for each route, and the
// oracle that says whether a body might be accepted (the fuzzer only sends bodies it rejects).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAdminRouter } from '../../src/admin/index.js';
import { validateState } from '../../src/admin/state-schema.js';
import { ManualClock } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import { parseFaultRule } from '../../src/faults/schema.js';
import { SCENARIOS } from '../../src/faults/scenarios.js';
import { createLogger } from '../../src/log.js';
import { FIXTURE_OIOI_KEY, FIXTURE_OIOI_PARTNER, listKeys } from '../../src/oioi/keys.js';
import { newToken, registeredParty } from '../../src/ocpi/parties.js';
import { withoutNulls } from '../../src/ocpi/transport/validate.js';
import { type RunningSimulator, startServer } from '../../src/server.js';
import { connector, evse, cdr as fixtureCdr, location, tariff, T0 } from '../locations-fixtures.js';
import { enumerateTargets, type Target } from './targets.js';

export const ADMIN_TOKEN = 'hostile-admin-token-7f3a';
export const TOKEN_A = 'hostile-registration-token-a';
export const BODY_LIMIT = 64 * 1024;
export const DEPTH_LIMIT = 32;
/** Hard-coded in src/admin/http.ts. */
export const ADMIN_BODY_LIMIT = 16 << 20;
export const ADMIN_DEPTH_LIMIT = 64;
export const TOKEN_UID = 'PS-RFID-ALLOWED-01';

export interface World {
  sim: RunningSimulator;
  clock: ManualClock;
  dir: string;
  dbFile: string;
  targets: Target[];
  partyToken: string;
  otherToken: string;
  /** Lines the simulator logged at warn or error. */
  logged: string[];
  /** A body the route accepts (so only the fatal change makes it refused). */
  validBody(method: string, pattern: string): unknown;
  /** Valid, existing values of the path parameters of a route (not yet URL-encoded). */
  validParams(pattern: string): Record<string, string>;
  /** Could the route accept this body? The fuzzer only sends bodies for which this is false. */
  mightAccept(method: string, pattern: string, json: unknown): boolean;
}

const CDR_ID = 'CDR-FUZZ-1';

export async function startWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'emp-sim-hostile-'));
  const dbFile = join(dir, 'data', 'db.json');
  const logged: string[] = [];
  const clock = new ManualClock();
  const config = testConfig({
    host: '127.0.0.1',
    port: 0,
    dbFile,
    clientErrorHttpStatus: 400,
    adminToken: ADMIN_TOKEN,
    registrationToken: TOKEN_A,
    bodyLimit: BODY_LIMIT,
    jsonDepthLimit: DEPTH_LIMIT,
    journalSize: 2000,
  });
  const log = createLogger('warn', true, (line) => logged.push(line));
  const sim = await startServer(config, { clock, log });
  const targets = enumerateTargets(sim.app, sim.ocpi, buildAdminRouter());

  const addParty = async (countryCode: string, partyId: string): Promise<string> => {
    const token = newToken();
    const time = new Date(clock.now()).toISOString();
    const business_details = { name: `CPO ${countryCode}*${partyId}` };
    await sim.deps.parties.save(registeredParty({ country_code: countryCode, party_id: partyId, token, time, business_details }));
    return token;
  };
  const partyToken = await addParty('NL', 'TNM');
  const otherToken = await addParty('DE', 'ABC');

  // Objects for the PATCH routes and the admin views to find.
  const seed = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: { Authorization: `Token ${partyToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { status_code: number; status_message?: string };
    if (res.status >= 300 && !(path.endsWith('/cdrs') && json.status_code === 2000)) {
      throw new Error(`seeding ${method} ${path}: HTTP ${res.status} ${json.status_message}`);
    }
  };
  await seed('PUT', '/ocpi/2.1.1/tariffs/NL/TNM/T1', tariff('T1'));
  await seed('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC1', location('LOC1'));
  await seed('POST', `/ocpi/2.1.1/tokens/${TOKEN_UID}/authorize`, { location_id: 'LOC1', evse_uids: ['E1'] });
  await seed(
    'POST',
    '/ocpi/2.1.1/cdrs',
    cdr(sim.deps.store.get<{ token: { auth_id: string } }>('tokens', TOKEN_UID)?.token.auth_id ?? 'x'),
  );

  const infoOf = (method: string, pattern: string) => targets.find((t) => t.pattern === pattern)?.methods.get(method);

  const bodies: Record<string, unknown> = {
    'POST /ocpi/2.1.1/credentials': credentials(),
    'PUT /ocpi/2.1.1/credentials': credentials(),
    'PUT /ocpi/2.1.1/locations/:country_code/:party_id/:location_id': location('LOC1', { name: 'replaced' }),
    'PATCH /ocpi/2.1.1/locations/:country_code/:party_id/:location_id': { name: 'patched' },
    'PUT /ocpi/2.1.1/locations/:country_code/:party_id/:location_id/:evse_uid': evse('E1', { status: 'CHARGING' }),
    'PATCH /ocpi/2.1.1/locations/:country_code/:party_id/:location_id/:evse_uid': { status: 'CHARGING' },
    'PUT /ocpi/2.1.1/locations/:country_code/:party_id/:location_id/:evse_uid/:connector_id': connector('1', { voltage: 400 }),
    'PATCH /ocpi/2.1.1/locations/:country_code/:party_id/:location_id/:evse_uid/:connector_id': { voltage: 400 },
    'PUT /ocpi/2.1.1/tariffs/:country_code/:party_id/:tariff_id': tariff('T1', { currency: 'USD' }),
    'PATCH /ocpi/2.1.1/tariffs/:country_code/:party_id/:tariff_id': { currency: 'USD' },
    'POST /ocpi/2.1.1/tokens/:token_uid/authorize': { location_id: 'LOC1', evse_uids: ['E1'] },
    'POST /ocpi/2.1.1/cdrs': cdr('AUTH-X', 'CDR-FUZZ-NEW'),
    'POST /admin/registrations': { versions_url: 'http://127.0.0.1:9/ocpi/versions', token: 'cpo-token-a' },
    'POST /admin/tokens': { uid: 'FUZZ-NEW-TOKEN' },
    'PATCH /admin/tokens/:uid': { valid: false },
    'PUT /admin/state': sim.deps.store.snapshot(),
    'POST /admin/reset': { keep_registrations: true },
    'POST /admin/faults': { status: 503, path: '/ocpi/*' },
    'POST /admin/scenarios/:name': {},
    'POST /admin/oioi/keys': { partner_identifier: 'FUZZ-PARTNER' },
    'POST /admin/oioi/sessions/start': { partner: FIXTURE_OIOI_PARTNER, connector_id: 'DE*ABC*E1*1', evco_id: 'DE-8PS-C12345678-X' },
    'POST /admin/oioi/sessions/stop': { partner: FIXTURE_OIOI_PARTNER, connector_id: 'DE*ABC*E1*1', evco_id: 'DE-8PS-C12345678-X' },
    'POST /api/v3/request': { 'rfid-verify': { rfid: '04A2B3C4D5E6F7' } },
    'POST /api/v4/request': { 'rfid-verify': { rfid: '04A2B3C4D5E6F7' } },
  };

  const params: Record<string, string> = {
    country_code: 'NL',
    party_id: 'TNM',
    location_id: 'LOC1',
    evse_uid: 'E1',
    connector_id: '1',
    tariff_id: 'T1',
    token_uid: TOKEN_UID,
    cdr_id: CDR_ID,
    uid: TOKEN_UID,
    key: 'NL*TNM',
    party: 'NL*TNM',
    name: (SCENARIOS[0] as { name: string }).name,
    partner: FIXTURE_OIOI_PARTNER,
  };

  return {
    sim,
    clock,
    dir,
    dbFile,
    targets,
    partyToken,
    otherToken,
    logged,
    validBody: (method, pattern) => bodies[`${method} ${pattern}`],
    validParams(pattern) {
      const out: Record<string, string> = { ...params };
      if (pattern === '/admin/journal/:id') out.id = sim.deps.journal.query({ limit: 1 }).entries[0]?.id ?? 'j0';
      else if (pattern === '/admin/oioi/keys/:id') out.id = listKeys(sim.deps)[0]?.id ?? 'k0';
      else if (pattern === '/admin/cdrs/:party/:id') out.id = CDR_ID;
      else out.id = 'f1';
      return out;
    },
    mightAccept(method, pattern, json) {
      if (method === 'PUT' && pattern === '/admin/state') return validateState(json).ok;
      if (method === 'POST' && pattern === '/admin/faults') {
        const items = Array.isArray(json) ? json : [json];
        return items.length > 0 && items.every((i) => parseFaultRule(i).ok);
      }
      const schema = infoOf(method, pattern)?.body;
      if (!schema) return true; // unknown: never send it a "refused" body
      if (pattern.startsWith('/admin/')) return schema.safeParse(json ?? {}).success; // adminBody reads a blank body as {}
      // OCPI: null fields are read as absent; authorize takes an empty body.
      if (json === null || json === undefined) return pattern.endsWith('/authorize');
      return schema.safeParse(withoutNulls(json)).success;
    },
  };
}

function credentials() {
  return {
    token: 'cpo-token-for-sim',
    url: 'http://127.0.0.1:9/ocpi/versions',
    business_details: { name: 'Fuzz CPO' },
    party_id: 'FZZ',
    country_code: 'NL',
  };
}

export const cdr = (authId: string, id = CDR_ID) => fixtureCdr(id, authId, { last_updated: T0 });

/** The state a refused request must not change: every collection but findings, and the fault rules. */
export function stateOf(sim: RunningSimulator): string {
  const { findings: _findings, ...collections } = sim.deps.store.snapshot().collections;
  const nonEmpty = Object.entries(collections)
    .filter(([, v]) => Object.keys(v).length > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  const faults = sim.deps.faults.list().map(({ matched: _m, fired: _f, remaining: _r, ...rule }) => rule);
  return JSON.stringify({ collections: nonEmpty, faults });
}

export { FIXTURE_OIOI_KEY };
