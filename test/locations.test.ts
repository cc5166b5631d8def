// The Locations receiver through a real server: PUT/PATCH at the three levels, 201 vs 200,
// last_updated propagation, unknown parents, ids, findings. Party rules and admin views are in
// locations-parties.test.ts, field validation in locations-validation.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type TestSim } from './helpers/sim.js';
import { connector, evse, LOC, location, storedState, T0, TAR, tariff } from './locations-fixtures.js';

let sim: TestSim;
let token: string;
beforeEach(async () => {
  sim = await startSim();
  ({ token } = await sim.addParty('NL', 'TNM'));
});
afterEach(() => sim.stop());

const stored = async (id = 'LOC1') => (await sim.call('GET', `/admin/locations/NL/TNM/${id}`)).body;
const findings = async (rule?: string) => (await sim.call('GET', `/admin/findings${rule ? `?rule=${rule}` : ''}`)).body.items;
const ok = (res: { status: number; body: any }, http = 200) => {
  expect(res.body.status_code, res.body.status_message).toBe(1000);
  expect(res.status).toBe(http);
};

describe('PUT', () => {
  it('a Location: 201 when new, 200 when replaced; stored as sent', async () => {
    ok(await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location() }), 201);
    ok(await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location('LOC1', { name: 'Renamed', evses: [evse('E9')] }) }), 200);
    const s = await stored();
    expect(s).toMatchObject({ party: 'NL*TNM', protocol: 'ocpi', in_territory: true, location: { name: 'Renamed' } });
    expect(s.location.evses.map((e: any) => e.uid)).toEqual(['E9']);
  });

  it('an EVSE: 201 new (appended), 200 replaced; the Location last_updated follows', async () => {
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location() });
    ok(await sim.call('PUT', `${LOC}/NL/TNM/LOC1/E3`, { token, json: evse('E3', { last_updated: '2026-01-02T00:00:00Z' }) }), 201);
    let s = await stored();
    expect(s.location.evses.map((e: any) => e.uid)).toEqual(['E1', 'E2', 'E3']);
    expect(s.location.last_updated).toBe('2026-01-02T00:00:00Z');
    ok(
      await sim.call('PUT', `${LOC}/NL/TNM/LOC1/E1`, {
        token,
        json: evse('E1', { status: 'BLOCKED', last_updated: '2026-01-03T00:00:00Z' }),
      }),
      200,
    );
    s = await stored();
    expect(s.location.evses[0]).toMatchObject({ uid: 'E1', status: 'BLOCKED' });
    expect(s.location.evses).toHaveLength(3);
    expect(s.location.last_updated).toBe('2026-01-03T00:00:00Z');
  });

  it('a Connector: 201 new, 200 replaced; the EVSE and Location last_updated follow', async () => {
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location() });
    ok(await sim.call('PUT', `${LOC}/NL/TNM/LOC1/E2/3`, { token, json: connector('3', { last_updated: '2026-01-04T00:00:00Z' }) }), 201);
    ok(
      await sim.call('PUT', `${LOC}/NL/TNM/LOC1/E2/1`, {
        token,
        json: connector('1', { amperage: 16, last_updated: '2026-01-05T00:00:00Z' }),
      }),
      200,
    );
    const s = await stored();
    const e2 = s.location.evses[1];
    expect(e2.connectors.map((c: any) => [c.id, c.amperage])).toEqual([
      ['1', 16],
      ['2', 125],
      ['3', 32],
    ]);
    expect(e2.last_updated).toBe('2026-01-05T00:00:00Z');
    expect(s.location.last_updated).toBe('2026-01-05T00:00:00Z');
    expect(s.location.evses[0].last_updated).toBe(T0); // the sibling EVSE is untouched
  });

  it('an EVSE or Connector under an unknown Location or EVSE: 404, nothing stored', async () => {
    const before = storedState(sim);
    let res = await sim.call('PUT', `${LOC}/NL/TNM/NOPE/E1`, { token, json: evse('E1') });
    expect(res.status).toBe(404);
    expect(res.body.status_code).toBe(2003);
    expect(res.body.status_message).toMatch(/Location NOPE .*unknown.*PUT the Location first/);
    res = await sim.call('PUT', `${LOC}/NL/TNM/NOPE/E1/1`, { token, json: connector('1') });
    expect(res.status).toBe(404);
    expect(storedState(sim)).toEqual(before);
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location() });
    const withLoc = storedState(sim);
    res = await sim.call('PUT', `${LOC}/NL/TNM/LOC1/E7/1`, { token, json: connector('1') });
    expect(res.status).toBe(404);
    expect(res.body.status_message).toMatch(/EVSE E7 .*unknown/);
    expect(storedState(sim)).toEqual(withLoc);
  });

  it('ids in the URL and the body must agree (2001), at every level, and nothing changes', async () => {
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location() });
    const before = storedState(sim);
    const cases: [string, string, unknown, RegExp][] = [
      ['PUT', `${LOC}/NL/TNM/LOC2`, location('LOC1'), /id in the body \("LOC1"\) differs from the one in the URL \("LOC2"\)/],
      ['PUT', `${LOC}/NL/TNM/LOC1/E1`, evse('E2'), /uid in the body \("E2"\)/],
      ['PUT', `${LOC}/NL/TNM/LOC1/E1/1`, connector('2'), /id in the body \("2"\)/],
      ['PATCH', `${LOC}/NL/TNM/LOC1`, { id: 'OTHER' }, /differs/],
      ['PATCH', `${LOC}/NL/TNM/LOC1/E1`, { uid: 'E2' }, /differs/],
      ['PATCH', `${LOC}/NL/TNM/LOC1/E1/1`, { id: '2' }, /differs/],
    ];
    for (const [method, path, json, message] of cases) {
      const res = await sim.call(method, path, { token, json });
      expect(res.status, path).toBe(200);
      expect(res.body.status_code, path).toBe(2001);
      expect(res.body.status_message).toMatch(message);
    }
    expect(storedState(sim)).toEqual(before);
  });

  it('an older last_updated than stored is accepted as sent, with an info finding', async () => {
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location('LOC1', { last_updated: '2026-02-01T00:00:00Z' }) });
    ok(await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location('LOC1', { last_updated: '2026-01-01T00:00:00Z' }) }));
    expect((await stored()).location.last_updated).toBe('2026-01-01T00:00:00Z');
    const [f] = await findings('ocpi.last-updated-backwards');
    expect(f).toMatchObject({
      severity: 'info',
      party: 'NL*TNM',
      path: 'last_updated',
      object: { module: 'locations', id: 'NL*TNM/LOC1' },
    });
  });
});

describe('PATCH', () => {
  beforeEach(async () => {
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location() });
  });

  it('a Location: merges the given fields, keeps the rest', async () => {
    ok(await sim.call('PATCH', `${LOC}/NL/TNM/LOC1`, { token, json: { name: 'Nieuw', last_updated: '2026-01-10T00:00:00Z' } }));
    const s = await stored();
    expect(s.location).toMatchObject({ name: 'Nieuw', city: 'Amsterdam', last_updated: '2026-01-10T00:00:00Z' });
    expect(s.location.evses).toHaveLength(2);
  });

  it('an EVSE status: the Location last_updated moves with the EVSE', async () => {
    ok(await sim.call('PATCH', `${LOC}/NL/TNM/LOC1/E2`, { token, json: { status: 'CHARGING', last_updated: '2026-01-11T00:00:00Z' } }));
    const s = await stored();
    expect(s.location.evses[1]).toMatchObject({ status: 'CHARGING', last_updated: '2026-01-11T00:00:00Z', evse_id: 'NL*TNM*EE2' });
    expect(s.location.last_updated).toBe('2026-01-11T00:00:00Z');
    expect(s.location.evses[0].last_updated).toBe(T0);
  });

  it('a Connector: the EVSE and Location last_updated move with it', async () => {
    ok(await sim.call('PATCH', `${LOC}/NL/TNM/LOC1/E1/2`, { token, json: { amperage: 63, last_updated: '2026-01-12T00:00:00Z' } }));
    const s = await stored();
    expect(s.location.evses[0].connectors[1]).toMatchObject({
      id: '2',
      amperage: 63,
      power_type: 'DC',
      last_updated: '2026-01-12T00:00:00Z',
    });
    expect(s.location.evses[0].last_updated).toBe('2026-01-12T00:00:00Z');
    expect(s.location.last_updated).toBe('2026-01-12T00:00:00Z');
  });

  it('an older child update never moves a parent back; the child keeps what was sent (+ finding)', async () => {
    await sim.call('PATCH', `${LOC}/NL/TNM/LOC1`, { token, json: { last_updated: '2026-03-01T00:00:00Z' } });
    ok(await sim.call('PATCH', `${LOC}/NL/TNM/LOC1/E1/1`, { token, json: { amperage: 16, last_updated: '2025-12-01T00:00:00Z' } }));
    const s = await stored();
    expect(s.location.evses[0].connectors[0].last_updated).toBe('2025-12-01T00:00:00Z');
    expect(s.location.evses[0].last_updated).toBe(T0);
    expect(s.location.last_updated).toBe('2026-03-01T00:00:00Z');
    expect(await findings('ocpi.last-updated-backwards')).toHaveLength(1);
  });

  it('without last_updated (2.1.1): the time of receipt is used, with an info finding', async () => {
    sim.clock.set('2026-01-15T12:34:56.789Z');
    ok(await sim.call('PATCH', `${LOC}/NL/TNM/LOC1/E1`, { token, json: { status: 'OUTOFORDER' } }));
    const s = await stored();
    expect(s.location.evses[0].last_updated).toBe('2026-01-15T12:34:56Z');
    expect(s.location.last_updated).toBe('2026-01-15T12:34:56Z');
    const [f] = await findings('ocpi.patch-without-last-updated');
    expect(f).toMatchObject({ severity: 'info', party: 'NL*TNM', object: { id: 'NL*TNM/LOC1/E1' } });
    expect(f.message).toMatch(/2\.1\.1/);
    // Noted once per party and module, so that 2.1.1 status updates do not flood the findings.
    ok(await sim.call('PATCH', `${LOC}/NL/TNM/LOC1/E2/1`, { token, json: { amperage: 10 } }));
    expect(await findings('ocpi.patch-without-last-updated')).toHaveLength(1);
    expect((await stored()).location.evses[1].connectors[0].last_updated).toBe('2026-01-15T12:34:56Z');
    await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: tariff() });
    await sim.call('PATCH', `${TAR}/NL/TNM/T1`, { token, json: { currency: 'SEK' } });
    expect(await findings('ocpi.patch-without-last-updated')).toHaveLength(2); // tariffs: another module
  });

  it('EVSE status REMOVED keeps the EVSE, with that status', async () => {
    ok(await sim.call('PATCH', `${LOC}/NL/TNM/LOC1/E1`, { token, json: { status: 'REMOVED' } }));
    const s = await stored();
    expect(s.location.evses.map((e: any) => [e.uid, e.status])).toEqual([
      ['E1', 'REMOVED'],
      ['E2', 'AVAILABLE'],
    ]);
  });

  it('an unknown Location, EVSE or Connector: 404 in the envelope, nothing changed', async () => {
    const before = storedState(sim);
    for (const path of ['NOPE', 'LOC1/E9', 'LOC1/E1/9']) {
      const res = await sim.call('PATCH', `${LOC}/NL/TNM/${path}`, { token, json: { status: 'AVAILABLE' } });
      expect(res.status, path).toBe(404);
      expect(res.body.status_code, path).toBeGreaterThanOrEqual(2000);
      expect(res.body.status_message, path).toMatch(/unknown here: PUT the (Location|EVSE|Connector) first/);
    }
    expect(storedState(sim)).toEqual(before);
  });

  it('an invalid field is refused with 2001 naming it, nothing changed', async () => {
    const before = storedState(sim);
    const res = await sim.call('PATCH', `${LOC}/NL/TNM/LOC1/E1`, { token, json: { status: 'BROKEN' } });
    expect(res.body.status_code).toBe(2001);
    expect(res.body.status_message).toMatch(/status: must be one of: AVAILABLE/);
    expect(res.body.data.issues[0].path).toBe('status');
    expect(storedState(sim)).toEqual(before);
  });
});

describe('findings about a pushed Location', () => {
  it('unknown fields are accepted, not stored, and reported once per request', async () => {
    const json = location('LOC1', { vendor_extra: 1 });
    json.evses[0].floor = -1;
    ok(await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json }), 201);
    const s = await stored();
    expect(s.location.vendor_extra).toBeUndefined();
    expect(s.location.evses[0].floor).toBeUndefined();
    const list = await findings('ocpi.unknown-field');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ severity: 'info', party: 'NL*TNM' });
    expect(list[0].message).toMatch(/accepted and not stored: .*evses\[0\]\.floor/);
    expect(list[0].message).toContain('vendor_extra');
    // The same fields again: not noted again; other fields: noted.
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json });
    expect(await findings('ocpi.unknown-field')).toHaveLength(1);
    await sim.call('PATCH', `${LOC}/NL/TNM/LOC1`, { token, json: { other_extra: true } });
    expect(await findings('ocpi.unknown-field')).toHaveLength(2);
  });

  it('a connector tariff_id the party never pushed is stored with a warning; a known one is not', async () => {
    ok(await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: tariff('T1') }), 201);
    const json = location();
    json.evses[0].connectors[0].tariff_id = 'T1';
    json.evses[0].connectors[1].tariff_id = 'T404';
    json.evses[1].connectors[0].tariff_id = 'T404';
    ok(await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json }), 201);
    expect((await stored()).location.evses[0].connectors[1].tariff_id).toBe('T404');
    const list = await findings('locations.unknown-tariff');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ severity: 'warning', path: 'evses[0].connectors[1].tariff_id' });
    expect(list[0].message).toContain('"T404"');
    expect(list[0].message).toContain('evses[1].connectors[0].tariff_id');
    ok(await sim.call('PATCH', `${LOC}/NL/TNM/LOC1/E1/1`, { token, json: { tariff_id: 'T2' } }));
    expect(await findings('locations.unknown-tariff')).toHaveLength(2);
  });

  it("another party's tariff does not count as known", async () => {
    const other = await sim.addParty('DE', 'ABC');
    await sim.call('PUT', `${TAR}/DE/ABC/T1`, { token: other.token, json: tariff('T1') });
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, {
      token,
      json: location('LOC1', { evses: [evse('E1', { connectors: [connector('1', { tariff_id: 'T1' })] })] }),
    });
    expect(await findings('locations.unknown-tariff')).toHaveLength(1);
  });
});

describe('transport', () => {
  it('GET is not supported by Plugsurfing: 405 with the envelope and a message, at every level', async () => {
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location() });
    for (const path of ['LOC1', 'LOC1/E1', 'LOC1/E1/1']) {
      const res = await sim.call('GET', `${LOC}/NL/TNM/${path}`, { token });
      expect(res.status).toBe(405);
      expect(res.body.status_code).toBe(2000);
      expect(res.body.status_message).toMatch(/Plugsurfing does not support GET/);
      expect(res.headers.get('allow')).toBe('PUT, PATCH');
    }
    const del = await sim.call('DELETE', `${LOC}/NL/TNM/LOC1/E1`, { token });
    expect(del.status).toBe(405);
    expect(del.body.status_message).toMatch(/REMOVED/);
  });

  it('bad JSON: 400 with 2001; empty body: 2001; no token: 401; nothing changed', async () => {
    await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location() });
    const before = storedState(sim);
    const bad = await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, {
      token,
      body: '{"id": "LOC1",',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.status_code).toBe(2001);
    expect(bad.body.status_message).toMatch(/not valid JSON/);
    const empty = await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token });
    expect(empty.body.status_code).toBe(2001);
    expect(empty.body.status_message).toMatch(/body is empty: a Location is required/);
    const array = await sim.call('PATCH', `${LOC}/NL/TNM/LOC1`, { token, json: [] });
    expect(array.body.status_code).toBe(2001);
    const anon = await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { json: location() });
    expect(anon.status).toBe(401);
    expect(storedState(sim)).toEqual(before);
  });

  it('an id in the URL that breaks its rules: 2001 naming the segment', async () => {
    const long = 'L'.repeat(40);
    const res = await sim.call('PUT', `${LOC}/NL/TNM/${long}`, { token, json: location(long) });
    expect(res.body.status_code).toBe(2001);
    expect(res.body.status_message).toMatch(/location_id in the URL: must be at most 39 characters/);
    const conn = await sim.call('PUT', `${LOC}/NL/TNM/LOC1/E1/${'C'.repeat(37)}`, { token, json: connector('C'.repeat(37)) });
    expect(conn.body.status_message).toMatch(/connector_id in the URL/);
  });

  it('with CLIENT_ERROR_HTTP_STATUS=400 an OCPI-layer error answers HTTP 400', async () => {
    const strict = await startSim({ clientErrorHttpStatus: 400 });
    try {
      const p = await strict.addParty();
      const res = await strict.call('PUT', `${LOC}/NL/TNM/LOC1`, { token: p.token, json: location('LOC1', { type: 'STREET' }) });
      expect(res.status).toBe(400);
      expect(res.body.status_code).toBe(2001);
    } finally {
      await strict.stop();
    }
  });
});
