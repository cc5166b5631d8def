// Issue 8, party isolation, for every OCPI route the app serves (enumerated from the router:
// a route added later fails here until it has a case). A CPO's token writes only under its own
// country_code/party_id, reads only its own data; the admin API is the only cross-party view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type TestSim } from './helpers/sim.js';
import { connector, evse, cdr as fixtureCdr, LOC, location, storedState, TAR, tariff } from './locations-fixtures.js';

let sim: TestSim;
let tnm: string; // NL*TNM: the victim
let abc: string; // DE*ABC: the other CPO
let authIdAllowed: string;

beforeAll(async () => {
  sim = await startSim();
  tnm = (await sim.addParty('NL', 'TNM')).token;
  abc = (await sim.addParty('DE', 'ABC')).token;
  authIdAllowed = (await sim.call('GET', '/admin/tokens/PS-RFID-ALLOWED-01')).body.token.auth_id;
  const ok = (r: { body: any }) => expect(r.body.status_code, r.body.status_message).toBe(1000);
  ok(await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token: tnm, json: tariff('T1') }));
  ok(await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token: tnm, json: location('LOC1', { name: 'TNM secret name' }) }));
  ok(await sim.call('POST', '/ocpi/2.1.1/tokens/PS-RFID-ALLOWED-01/authorize', { token: tnm, json: { location_id: 'LOC1' } }));
  const cdr = await sim.call('POST', '/ocpi/2.1.1/cdrs', { token: tnm, json: fixtureCdr('C1', authIdAllowed) });
  expect(cdr.status).toBe(201);
});
afterAll(() => sim.stop());

/** What only NL*TNM's data contains: none of it may reach DE*ABC through OCPI. */
const VICTIM_MARKERS = () => ['TNM secret name', 'NL*TNM', tnm.slice(-12)];

/** DE*ABC's attempt on each route, and what must hold. Keyed `METHOD path` as declared on the router. */
type Case = (route: { method: string; path: string }) => Promise<void>;

const path = (p: string) => `/ocpi${p}`;
const A = { country_code: 'NL', party_id: 'TNM', location_id: 'LOC1', evse_uid: 'E1', connector_id: '1', tariff_id: 'T1' };

/** Fill a route's path with NL*TNM's ids: DE*ABC aims at NL*TNM's objects. */
const victimPath = (p: string) => path(p).replace(/:([a-z_]+)/g, (_m, name: string) => (A as Record<string, string>)[name] ?? 'X');

const BODIES: Record<string, unknown> = {
  'PUT /2.1.1/locations/:country_code/:party_id/:location_id': location('LOC1', { name: 'hijacked' }),
  'PATCH /2.1.1/locations/:country_code/:party_id/:location_id': { name: 'hijacked' },
  'PUT /2.1.1/locations/:country_code/:party_id/:location_id/:evse_uid': evse('E1', { status: 'REMOVED' }),
  'PATCH /2.1.1/locations/:country_code/:party_id/:location_id/:evse_uid': { status: 'REMOVED' },
  'PUT /2.1.1/locations/:country_code/:party_id/:location_id/:evse_uid/:connector_id': connector('1', { voltage: 1 }),
  'PATCH /2.1.1/locations/:country_code/:party_id/:location_id/:evse_uid/:connector_id': { voltage: 1 },
  'PUT /2.1.1/tariffs/:country_code/:party_id/:tariff_id': tariff('T1', { currency: 'USD' }),
  'PATCH /2.1.1/tariffs/:country_code/:party_id/:tariff_id': { currency: 'USD' },
};

/** Routes addressing a party's object by its country_code/party_id: another party's token gets 404 and changes nothing. */
const underParty: Case = async ({ method, path: p }) => {
  const before = storedState(sim);
  const res = await sim.call(method, victimPath(p), { token: abc, json: BODIES[`${method} ${p}`] });
  expect(res.status, `${method} ${p}`).toBe(404);
  expect(res.body.status_message).toMatch(/belongs to party DE\*ABC/);
  expect(JSON.stringify(res.body)).not.toContain('TNM secret name');
  expect(storedState(sim)).toEqual(before);
};

const CASES: Record<string, Case> = {
  // Public: the same for every caller, nothing about any party.
  'GET /versions': async () => expectNoVictimData(await sim.call('GET', '/ocpi/versions', { token: abc })),
  'GET /2.1.1': async () => expectNoVictimData(await sim.call('GET', '/ocpi/2.1.1', { token: abc })),
  // Our credentials as DE*ABC's: its own token, never NL*TNM's.
  'GET /2.1.1/credentials': async () => {
    const res = await sim.call('GET', '/ocpi/2.1.1/credentials', { token: abc });
    expect(res.body.data.token).toBe(abc);
    expectNoVictimData(res);
  },
  // Registering again with a party token: 405, NL*TNM's registration untouched.
  'POST /2.1.1/credentials': async () => {
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', {
      token: abc,
      json: { token: 'x', url: 'http://127.0.0.1:9/ocpi/versions', business_details: { name: 'x' }, party_id: 'TNM', country_code: 'NL' },
    });
    expect(res.status).toBe(405);
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token: tnm })).status).toBe(200);
  },
  // Taking over NL*TNM's country_code/party_id by updating DE*ABC's credentials: refused before any call out.
  'PUT /2.1.1/credentials': async () => {
    const before = storedState(sim);
    const res = await sim.call('PUT', '/ocpi/2.1.1/credentials', {
      token: abc,
      json: { token: 'x', url: 'http://127.0.0.1:9/ocpi/versions', business_details: { name: 'x' }, party_id: 'TNM', country_code: 'NL' },
    });
    expect(res.body.status_code).toBe(2001);
    expect(res.body.status_message).toMatch(/belongs to another registered party/);
    expect(storedState(sim)).toEqual(before);
  },
  // DELETE removes the caller only (checked last, see below).
  'DELETE /2.1.1/credentials': async () => {},
  // Plugsurfing's own tokens (eMSP-owned, the same list for every CPO by design): no CPO data in it.
  'GET /2.1.1/tokens': async () => {
    const res = await sim.call('GET', '/ocpi/2.1.1/tokens?limit=100', { token: abc });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThan(0);
    expectNoVictimData(res);
  },
  // Authorizing at NL*TNM's location id: DE*ABC learns nothing (same answer as a location that does not exist); recorded under DE*ABC.
  'POST /2.1.1/tokens/:token_uid/authorize': async () => {
    const at = (location_id: string) =>
      sim.call('POST', '/ocpi/2.1.1/tokens/PS-RFID-ALLOWED-01/authorize', { token: abc, json: { location_id, evse_uids: ['E1'] } });
    const victims = await at('LOC1');
    const nowhere = await at('NO-SUCH-LOCATION');
    expect(victims.body.data.allowed).toBe('NOT_ALLOWED');
    expect(victims.body.data.allowed).toBe(nowhere.body.data.allowed);
    expect(victims.body.data.info?.text?.replace('LOC1', 'X')).toBe(nowhere.body.data.info?.text?.replace('NO-SUCH-LOCATION', 'X'));
    expectNoVictimData(victims);
    const recorded = (await sim.call('GET', '/admin/authorizations?party=DE*ABC')).body.items;
    expect(recorded.map((a: any) => a.location_references?.location_id)).toContain('LOC1');
    expect(recorded.every((a: any) => a.party === 'DE*ABC')).toBe(true);
  },
  // A CDR with the id NL*TNM used: DE*ABC's own (not a duplicate of NL*TNM's), NL*TNM's untouched.
  'POST /2.1.1/cdrs': async () => {
    const before = (await sim.call('GET', '/admin/cdrs/NL*TNM/C1')).body;
    const res = await sim.call('POST', '/ocpi/2.1.1/cdrs', { token: abc, json: fixtureCdr('C1', authIdAllowed) });
    expect(res.body.status_message ?? '').not.toMatch(/duplicate/i);
    expectNoVictimData(res);
    expect((await sim.call('GET', '/admin/cdrs/NL*TNM/C1')).body).toEqual(before);
    expect((await sim.call('GET', '/admin/cdrs/DE*ABC/C1')).status).toBe(200);
  },
};

function expectNoVictimData(res: { body: unknown; headers: Headers }) {
  const text = JSON.stringify(res.body) + JSON.stringify([...res.headers]);
  for (const marker of VICTIM_MARKERS()) expect(text).not.toContain(marker);
}

describe('every OCPI route, called by another CPO', () => {
  it('the table covers every route of the router (a new route needs a case here)', () => {
    const missing = sim.ocpi.routes
      .filter((r) => !CASES[`${r.method} ${r.path}`] && !(r.path.includes(':country_code') && r.path.includes(':party_id')))
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('routes under /{country_code}/{party_id}/: 404 for another party, nothing changed, nothing learnt', async () => {
    const routes = sim.ocpi.routes.filter((r) => r.path.includes(':country_code') && r.path.includes(':party_id'));
    expect(routes.length).toBeGreaterThanOrEqual(8);
    for (const r of routes) {
      expect(r.auth).toBe('party');
      await underParty(r);
    }
  });

  it.each(Object.keys(CASES).filter((k) => k !== 'DELETE /2.1.1/credentials'))('%s', async (key) => {
    const [method, p] = key.split(' ') as [string, string];
    await (CASES[key] as Case)({ method, path: p });
  });

  it('refused methods (405) say nothing about the other party either', async () => {
    for (const u of sim.ocpi.unsupported) {
      const res = await sim.call(u.method, victimPath(u.path), { token: abc });
      expect(res.status, `${u.method} ${u.path}`).toBe(405);
      expectNoVictimData(res);
    }
  });
});

describe('the admin API is the cross-party view', () => {
  it('lists the objects of every party; OCPI has no route that lists another party', async () => {
    await sim.call('PUT', `${LOC}/DE/ABC/LOC9`, { token: abc, json: location('LOC9', { country: 'DEU' }) });
    const locations = (await sim.call('GET', '/admin/locations')).body;
    expect(new Set(locations.items.map((l: any) => l.party))).toEqual(new Set(['NL*TNM', 'DE*ABC']));
    const cdrParties = new Set((await sim.call('GET', '/admin/cdrs')).body.items.map((c: any) => c.party));
    expect(cdrParties).toEqual(new Set(['NL*TNM', 'DE*ABC']));
    // The only OCPI GETs: versions, details, own credentials, Plugsurfing's tokens.
    const gets = sim.ocpi.routes.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(gets.sort()).toEqual(['/2.1.1', '/2.1.1/credentials', '/2.1.1/tokens', '/versions']);
  });
});

describe('unregistering (last: DE*ABC is gone afterwards)', () => {
  it('DELETE credentials removes only the caller; its token reaches nothing any more', async () => {
    const res = await sim.call('DELETE', '/ocpi/2.1.1/credentials', { token: abc });
    expect(res.status).toBe(200);
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token: abc })).status).toBe(401);
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token: tnm })).status).toBe(200);
    expect((await sim.call('GET', '/admin/locations/NL/TNM/LOC1')).body.location.name).toBe('TNM secret name');
  });
});
