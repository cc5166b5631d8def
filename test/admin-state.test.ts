// GET/PUT /admin/state and POST /admin/reset: export (party tokens redacted unless secrets),
// import validated record by record (400 listing issues, nothing changes), reset to fixtures.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { location } from './locations-fixtures.js';
import { startSim, type TestSim } from './helpers/sim.js';

const ADMIN_TOKEN = 'admin-secret-for-tests';
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
let sim: TestSim;
let token: string;
beforeEach(async () => {
  sim = await startSim({ adminToken: ADMIN_TOKEN });
  ({ token } = await sim.addParty('NL', 'TNM'));
  const res = await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC1', { token, json: location('LOC1') });
  expect(res.body.status_code).toBe(1000);
});
afterEach(() => sim.stop());

const admin = (method: string, path: string, json?: unknown) => sim.call(method, path, { headers: auth, json });
const exportState = async (secrets = false) => (await admin('GET', `/admin/state${secrets ? '?secrets=true' : ''}`)).body;
const snapshot = () => JSON.stringify(sim.deps.store.snapshot());

describe('GET /admin/state', () => {
  it('is the whole store as one document, party tokens redacted', async () => {
    const doc = await exportState();
    expect(doc).toMatchObject({ format: 'plugsurfing-emp-sim/state', version: 1, secrets: 'redacted' });
    expect(Object.keys(doc.collections)).toEqual(expect.arrayContaining(['parties', 'locations', 'tokens']));
    expect(doc.collections.locations['NL*TNM/LOC1'].location.id).toBe('LOC1');
    const party = doc.collections.parties['NL*TNM'];
    expect(party).toMatchObject({ key: 'NL*TNM', incoming_token_hash: '<redacted>', outgoing_token: '<redacted>' });
    expect(JSON.stringify(doc)).not.toContain(sim.deps.parties.get('NL*TNM')?.outgoing_token);
  });
});

describe('PUT /admin/state', () => {
  it('an export with secrets round-trips exactly: the party keeps working', async () => {
    const doc = await exportState(true);
    const before = snapshot();
    await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC2', { token, json: location('LOC2') });
    const res = await admin('PUT', '/admin/state', doc);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ replaced: true, skipped_parties: [] });
    expect(res.body.counts.locations).toBe(1);
    expect(snapshot()).toBe(before);
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token })).status).toBe(200);
  });

  it('a redacted export imports everything but its parties, which must register again', async () => {
    const doc = await exportState();
    const res = await admin('PUT', '/admin/state', doc);
    expect(res.status).toBe(200);
    expect(res.body.skipped_parties).toEqual(['NL*TNM']);
    expect(res.body.note).toContain('register again');
    expect(sim.deps.parties.list()).toEqual([]);
    expect(sim.deps.store.get('locations', 'NL*TNM/LOC1')).toBeDefined();
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token })).status).toBe(401);
  });

  it('invalid records: 400 listing every issue by JSON path; nothing changes', async () => {
    const doc = await exportState(true);
    const loc = doc.collections.locations['NL*TNM/LOC1'];
    loc.location.coordinates.latitude = 'north';
    loc.location.type = 'SPACESHIP';
    doc.collections.locations['NL*TNM/WRONG'] = { ...loc, location: { ...location('LOC9') } };
    doc.collections.tokens['PS-RFID-ALLOWED-01'].allowed = 'MAYBE';
    doc.collections.parties['NL*TNM'].incoming_token_hash = 'not-a-hash';
    doc.collections.future = { anything: { goes: true } }; // unknown collections are kept as they are
    const before = snapshot();
    const res = await admin('PUT', '/admin/state', doc);
    expect(res.status).toBe(400);
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'collections.locations.NL*TNM/LOC1.location.coordinates.latitude',
        'collections.locations.NL*TNM/LOC1.location.type',
        'collections.locations.NL*TNM/WRONG',
        'collections.tokens.PS-RFID-ALLOWED-01.allowed',
        'collections.parties.NL*TNM.incoming_token_hash',
      ]),
    );
    expect(res.body.error.issues.find((i: { path: string }) => i.path.endsWith('WRONG')).message).toContain('wrong key');
    expect(res.body.error.message).toContain('Invalid state document');
    expect(snapshot()).toBe(before);
  });

  it('the document shape is checked first', async () => {
    for (const [body, path] of [
      [{ format: 'x', version: 1, collections: {} }, 'format'],
      [{ format: 'plugsurfing-emp-sim/state', version: 2, collections: {} }, 'version'],
      [{ format: 'plugsurfing-emp-sim/state', version: 1, collections: { locations: [] } }, 'collections.locations'],
      [[], ''],
    ] as const) {
      const res = await admin('PUT', '/admin/state', body);
      expect(res.status).toBe(400);
      expect(res.body.error.issues[0].path).toBe(path);
    }
    expect(
      (await admin('PUT', '/admin/state', { format: 'plugsurfing-emp-sim/state', version: 1, collections: { future: { a: 1 } } })).status,
    ).toBe(200);
    expect(sim.deps.store.get('future', 'a')).toBe(1);
  });
});

describe('POST /admin/reset', () => {
  const fixtureTokens = () => sim.deps.store.size('tokens');

  it('goes back to the fixtures of SEED: no party, no location, the fixture tokens', async () => {
    const tokens = fixtureTokens();
    await admin('POST', '/admin/tokens', { uid: 'EXTRA-1', auth_id: 'DE-8PS-C00000009-1' });
    await admin('POST', '/admin/faults', { path: '/nowhere', status: 500 });
    const res = await admin('POST', '/admin/reset');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reset: true, kept_parties: 0, faults_cleared: 0 });
    expect(sim.deps.store.size('locations')).toBe(0);
    expect(sim.deps.store.size('parties')).toBe(0);
    expect(fixtureTokens()).toBe(tokens);
    expect(sim.deps.store.get('tokens', 'EXTRA-1')).toBeUndefined();
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token })).status).toBe(401);
    // Fault rules are not state: they stay unless asked.
    expect(sim.deps.faults.list()).toHaveLength(1);
  });

  it('keep_registrations keeps the parties; clear_faults and clear_journal clear those too', async () => {
    await admin('POST', '/admin/faults', { path: '/nowhere', status: 500 });
    const res = await admin('POST', '/admin/reset', { keep_registrations: true, clear_faults: true, clear_journal: true });
    expect(res.body).toMatchObject({ kept_parties: 1, faults_cleared: 1 });
    expect(sim.deps.store.size('locations')).toBe(0);
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token })).status).toBe(200);
    expect(sim.deps.faults.list()).toEqual([]);
    expect(sim.deps.journal.query({ path: '/ocpi/2.1.1/locations' }).total).toBe(0);
  });

  it('an unknown option is refused', async () => {
    const res = await admin('POST', '/admin/reset', { keep: true });
    expect(res.status).toBe(400);
  });
});
