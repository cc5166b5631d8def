// Whose objects a token may write (client owned objects), the Territory, the per-party limit,
// and what the admin API shows of locations and findings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type TestSim } from './helpers/sim.js';
import { LOC, location, storedState, TAR, tariff } from './locations-fixtures.js';

let sim: TestSim;
let tnm: string;
let abc: string;
beforeEach(async () => {
  sim = await startSim();
  tnm = (await sim.addParty('NL', 'TNM')).token;
  abc = (await sim.addParty('DE', 'ABC')).token;
});
afterEach(() => sim.stop());

describe('party isolation', () => {
  it("another party's token cannot write under the first's path: 404, nothing changed", async () => {
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token: tnm, json: location() });
    await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token: tnm, json: tariff() });
    const before = storedState(sim);
    const attempts: [string, string, unknown][] = [
      ['PUT', `${LOC}/NL/TNM/LOC1`, location('LOC1', { name: 'hijacked' })],
      ['PUT', `${LOC}/NL/TNM/LOC9`, location('LOC9')],
      ['PATCH', `${LOC}/NL/TNM/LOC1`, { name: 'hijacked' }],
      ['PATCH', `${LOC}/NL/TNM/LOC1/E1`, { status: 'REMOVED' }],
      ['PUT', `${LOC}/NL/TNM/LOC1/E1/1`, { id: '1' }],
      ['PUT', `${TAR}/NL/TNM/T1`, tariff('T1', { currency: 'USD' })],
      ['PATCH', `${TAR}/NL/TNM/T1`, { currency: 'USD' }],
    ];
    for (const [method, path, json] of attempts) {
      const res = await sim.call(method, path, { token: abc, json });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.status_code).toBe(2000);
      expect(res.body.status_message).toMatch(/belongs to party DE\*ABC.*\/DE\/ABC\//);
    }
    expect(storedState(sim)).toEqual(before);
  });

  it('a path of a party that is not registered at all: 404, nothing stored', async () => {
    const before = storedState(sim);
    const res = await sim.call('PUT', `${LOC}/XX/YYY/LOC1`, { token: tnm, json: location() });
    expect(res.status).toBe(404);
    expect(res.body.status_message).toMatch(/No locations of XX\*YYY here for this token/);
    const tar = await sim.call('PUT', `${TAR}/XX/YYY/T1`, { token: tnm, json: tariff() });
    expect(tar.status).toBe(404);
    expect(storedState(sim)).toEqual(before);
  });

  it('two parties may use the same location id without touching each other', async () => {
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token: tnm, json: location('LOC1', { name: 'TNM' }) });
    const res = await sim.call('PUT', `${LOC}/DE/ABC/LOC1`, { token: abc, json: location('LOC1', { name: 'ABC', country: 'DEU' }) });
    expect(res.status).toBe(201);
    expect((await sim.call('GET', '/admin/locations/NL/TNM/LOC1')).body.location.name).toBe('TNM');
    expect((await sim.call('GET', '/admin/locations/DE/ABC/LOC1')).body.location.name).toBe('ABC');
  });
});

describe('Territory', () => {
  it('a Location outside is stored, marked in_territory:false, with a warning finding (once)', async () => {
    const res = await sim.call('PUT', `${LOC}/NL/TNM/US1`, { token: tnm, json: location('US1', { country: 'USA' }) });
    expect(res.status).toBe(201);
    expect(res.body.status_code).toBe(1000);
    const s = (await sim.call('GET', '/admin/locations/NL/TNM/US1')).body;
    expect(s).toMatchObject({ in_territory: false, party: 'NL*TNM', protocol: 'ocpi', location: { id: 'US1', country: 'USA' } });
    const f = (await sim.call('GET', '/admin/findings?rule=territory.outside')).body.items;
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      severity: 'warning',
      party: 'NL*TNM',
      path: 'country',
      object: { module: 'locations', id: 'NL*TNM/US1' },
    });
    expect(f[0].message).toMatch(/USA is outside Plugsurfing's Territory/);
    // A re-push of the same Location is not noted again; moving it inside is fine.
    await sim.call('PUT', `${LOC}/NL/TNM/US1`, { token: tnm, json: location('US1', { country: 'USA', name: 'again' }) });
    expect((await sim.call('GET', '/admin/findings?rule=territory.outside')).body.total).toBe(1);
    await sim.call('PATCH', `${LOC}/NL/TNM/US1`, { token: tnm, json: { country: 'NLD' } });
    expect((await sim.call('GET', '/admin/locations/NL/TNM/US1')).body.in_territory).toBe(true);
    await sim.call('PATCH', `${LOC}/NL/TNM/US1`, { token: tnm, json: { country: 'CAN' } });
    expect((await sim.call('GET', '/admin/findings?rule=territory.outside')).body.total).toBe(2);
  });

  it('a Location inside gives no territory finding', async () => {
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token: tnm, json: location('LOC1', { country: 'GBR' }) });
    expect((await sim.call('GET', '/admin/locations/NL/TNM/LOC1')).body.in_territory).toBe(true);
    expect((await sim.call('GET', '/admin/findings?rule=territory.outside')).body.total).toBe(0);
  });
});

describe('admin views', () => {
  beforeEach(async () => {
    for (const [id, country] of [
      ['A', 'NLD'],
      ['B', 'USA'],
      ['C', 'BEL'],
      ['D', 'NLD'],
    ] as const) {
      await sim.call('PUT', `${LOC}/NL/TNM/${id}`, { token: tnm, json: location(id, { country }) });
    }
    await sim.call('PUT', `${LOC}/DE/ABC/X`, { token: abc, json: location('X', { country: 'DEU' }) });
  });

  it('GET /admin/locations: filters party, country, in_territory, protocol; paging', async () => {
    const all = (await sim.call('GET', '/admin/locations')).body;
    expect(all).toMatchObject({ total: 5, offset: 0, limit: 50 });
    expect(all.items.map((i: any) => i.location.id)).toEqual(['A', 'B', 'C', 'D', 'X']);
    const q = async (query: string) => (await sim.call('GET', `/admin/locations?${query}`)).body;
    expect((await q('party=NL*TNM')).total).toBe(4);
    expect((await q(`party=${encodeURIComponent('DE*ABC')}`)).items[0].location.id).toBe('X');
    expect((await q('country=nld')).items.map((i: any) => i.location.id)).toEqual(['A', 'D']);
    expect((await q('in_territory=false')).items.map((i: any) => i.location.id)).toEqual(['B']);
    expect((await q('in_territory=true')).total).toBe(4);
    expect((await q('protocol=oioi')).total).toBe(0);
    const page = await q('offset=1&limit=2');
    expect(page).toMatchObject({ total: 5, offset: 1, limit: 2 });
    expect(page.items.map((i: any) => i.location.id)).toEqual(['B', 'C']);
    const bad = await sim.call('GET', '/admin/locations?in_territory=maybe');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/in_territory/);
  });

  it('GET /admin/locations/{cc}/{pid}/{id}: 404 when unknown', async () => {
    const res = await sim.call('GET', '/admin/locations/NL/TNM/NOPE');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/No Location NOPE of NL\*TNM/);
  });

  it('GET /admin/findings: filters party, rule, severity, module; paging', async () => {
    await sim.call('PATCH', `${LOC}/DE/ABC/X`, { token: abc, json: { name: 'no last_updated' } });
    const q = async (query = '') => (await sim.call('GET', `/admin/findings${query}`)).body;
    const all = await q();
    expect(all.total).toBe(2);
    expect(all.items[0].rule).toBe('ocpi.patch-without-last-updated'); // newest first
    expect((await q('?party=NL*TNM')).items.map((f: any) => f.rule)).toEqual(['territory.outside']);
    expect((await q('?severity=info')).total).toBe(1);
    expect((await q('?severity=warning&rule=territory.outside')).total).toBe(1);
    expect((await q('?module=locations')).total).toBe(2);
    expect((await q('?module=tariffs')).total).toBe(0);
    expect(await q('?offset=1&limit=1')).toMatchObject({ total: 2, offset: 1, limit: 1 });
    expect((await sim.call('GET', '/admin/findings?severity=fatal')).status).toBe(400);
  });
});

describe('MAX_OBJECTS_PER_PARTY', () => {
  it('refuses a new Location beyond the limit (2000, clear message); replacing and other parties still work', async () => {
    const small = await startSim({ maxObjectsPerParty: 2 });
    // One EVSE per Location: EVSEs count toward the same limit (test/limits.test.ts).
    const oneEvse = (id: string, overrides: Record<string, unknown> = {}) => location(id, { evses: location(id).evses.slice(0, 1), ...overrides });
    try {
      const a = (await small.addParty('NL', 'TNM')).token;
      const b = (await small.addParty('DE', 'ABC')).token;
      expect((await small.call('PUT', `${LOC}/NL/TNM/L1`, { token: a, json: oneEvse('L1') })).status).toBe(201);
      expect((await small.call('PUT', `${LOC}/NL/TNM/L2`, { token: a, json: oneEvse('L2') })).status).toBe(201);
      const before = storedState(small);
      const third = await small.call('PUT', `${LOC}/NL/TNM/L3`, { token: a, json: oneEvse('L3') });
      expect(third.body.status_code).toBe(2000);
      expect(third.body.status_message).toMatch(/NL\*TNM already has 2 locations.*MAX_OBJECTS_PER_PARTY/);
      expect(storedState(small)).toEqual(before);
      expect((await small.call('PUT', `${LOC}/NL/TNM/L2`, { token: a, json: oneEvse('L2', { name: 'x' }) })).status).toBe(200);
      expect((await small.call('PUT', `${LOC}/DE/ABC/L1`, { token: b, json: oneEvse('L1') })).status).toBe(201);
      // After a reset of the state the count starts again.
      await small.deps.store.replace({ format: 'plugsurfing-emp-sim/state', version: 1, collections: { parties: before.parties as any } });
      expect((await small.call('PUT', `${LOC}/NL/TNM/L3`, { token: a, json: oneEvse('L3') })).status).toBe(201);
      // Tariffs have their own count under the same limit.
      await small.call('PUT', `${TAR}/NL/TNM/T1`, { token: a, json: tariff('T1') });
      await small.call('PUT', `${TAR}/NL/TNM/T2`, { token: a, json: tariff('T2') });
      expect((await small.call('PUT', `${TAR}/NL/TNM/T3`, { token: a, json: tariff('T3') })).body.status_code).toBe(2000);
    } finally {
      await small.stop();
    }
  });
});
