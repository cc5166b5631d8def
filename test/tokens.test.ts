// Our tokens: the seeded fixtures, the admin API (create/replace, list, change, delete) and how
// each change shows in the real-time authorization answer.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_TOKEN_SPECS, fixtureTokens } from '../src/fixtures/index.js';
import { Token } from '../src/ocpi/tokens/schema.js';
import { startSim, type TestSim } from './helpers/sim.js';

const NOW = Date.parse('2026-01-15T10:00:00Z');

describe('fixtureTokens', () => {
  it('is deterministic for a seed and a time, valid OCPI, and varies with the seed', () => {
    const a = fixtureTokens(1, NOW);
    expect(fixtureTokens(1, NOW)).toEqual(a);
    expect(fixtureTokens(2, NOW).map((t) => t.token.auth_id)).not.toEqual(a.map((t) => t.token.auth_id));
    for (const t of a) expect(Token.safeParse(t.token).success).toBe(true);
    expect(a.map((t) => t.token.uid)).toEqual(FIXTURE_TOKEN_SPECS.map((s) => s.uid));
    expect(new Set(a.map((t) => t.token.auth_id)).size).toBe(a.length);
  });

  it('covers ALLOWED, BLOCKED, EXPIRED and NO_CREDIT for RFID and app (OTHER) tokens', () => {
    const a = fixtureTokens(7, NOW);
    for (const type of ['RFID', 'OTHER']) {
      expect(new Set(a.filter((t) => t.token.type === type).map((t) => t.allowed))).toEqual(
        new Set(['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT']),
      );
    }
    expect(a.find((t) => t.token.uid === 'PS-RFID-ALLOWED-01')?.token).toMatchObject({
      valid: true,
      whitelist: 'ALLOWED',
      issuer: 'Plugsurfing',
    });
    expect(a.find((t) => t.token.uid === 'PS-RFID-EXPIRED-01')).toMatchObject({ token: { valid: false }, allowed: 'EXPIRED' });
    expect(a[0]?.token.auth_id).toMatch(/^DE-8PS-C[A-Z0-9]{8}-[A-Z0-9]$/);
  });

  it('matches the table in fixtures/README.md (SEED=1)', () => {
    const readme = readFileSync(new URL('../fixtures/README.md', import.meta.url), 'utf8');
    for (const t of fixtureTokens(1, NOW)) {
      const row = `| \`${t.token.uid}\` | ${t.token.type} | ${t.token.valid} | ${t.token.whitelist} | ${t.allowed} | \`${t.token.auth_id}\` |`;
      expect(readme).toContain(row);
    }
  });
});

let sim: TestSim;
let token: string;
beforeEach(async () => {
  sim = await startSim();
  ({ token } = await sim.addParty('NL', 'TNM'));
  const res = await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC1', {
    token,
    json: {
      id: 'LOC1',
      type: 'ON_STREET',
      address: 'Stationsplein 1',
      city: 'Amsterdam',
      postal_code: '1012AB',
      country: 'NLD',
      coordinates: { latitude: '52.379189', longitude: '4.899431' },
      last_updated: '2026-01-01T00:00:00Z',
    },
  });
  expect(res.body.status_code).toBe(1000);
});
afterEach(() => sim.stop());

const authorizeAt = async (uid: string, type = 'RFID') =>
  (await sim.call('POST', `/ocpi/2.1.1/tokens/${uid}/authorize?type=${type}`, { token, json: { location_id: 'LOC1' } })).body;

describe('seeding', () => {
  it('loads the fixtures for the configured seed into an empty store', async () => {
    const list = (await sim.call('GET', '/admin/tokens?limit=100')).body;
    expect(list.total).toBe(FIXTURE_TOKEN_SPECS.length);
    expect(list.items).toEqual(fixtureTokens(sim.deps.config.seed, NOW, { country_code: 'DE', party_id: '8PS' }));
  });
});

describe('admin', () => {
  it('POST creates (201) with defaults, and replaces (200) keeping created_at', async () => {
    const res = await sim.call('POST', '/admin/tokens', { json: { uid: 'NEW-1' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      token: {
        uid: 'NEW-1',
        type: 'RFID',
        auth_id: 'NEW-1',
        issuer: 'Plugsurfing',
        valid: true,
        whitelist: 'ALLOWED',
        last_updated: '2026-01-15T10:00:00Z',
      },
      allowed: 'ALLOWED',
      created_at: '2026-01-15T10:00:00.000Z',
      pushed_to: [],
    });
    sim.clock.advance(60_000);
    const again = await sim.call('POST', '/admin/tokens', { json: { uid: 'NEW-1', type: 'OTHER', valid: false, auth_id: 'DE-8PS-CX' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      token: { type: 'OTHER', valid: false, last_updated: '2026-01-15T10:01:00Z' },
      allowed: 'BLOCKED',
      created_at: '2026-01-15T10:00:00.000Z',
    });
    expect((await authorizeAt('NEW-1', 'OTHER')).data.allowed).toBe('BLOCKED');
  });

  it('POST with an explicit allowed; invalid bodies answer 400 with the path', async () => {
    await sim.call('POST', '/admin/tokens', { json: { uid: 'NC', allowed: 'NO_CREDIT' } });
    expect((await authorizeAt('NC')).data.allowed).toBe('NO_CREDIT');
    const bad = await sim.call('POST', '/admin/tokens', { json: { uid: 'a/b', whitelist: 'SOMETIMES' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: any) => i.path).sort()).toEqual(['uid', 'whitelist']);
    expect((await sim.call('POST', '/admin/tokens', { json: { uid: 'X', allowed: 'NOT_ALLOWED' } })).status).toBe(400);
  });

  it('GET lists with filters and paging; GET one; 404 for unknown', async () => {
    const rfid = (await sim.call('GET', '/admin/tokens?type=RFID&valid=true')).body;
    expect(rfid.items.map((t: any) => t.token.uid)).toEqual(['PS-RFID-ALLOWED-01', 'PS-RFID-ALLOWED-02', 'PS-RFID-NOCREDIT-01', '04A2B3C4D5E6F7']);
    expect((await sim.call('GET', '/admin/tokens?allowed=EXPIRED')).body.total).toBe(2);
    expect((await sim.call('GET', '/admin/tokens?uid=PS-APP&limit=2&offset=1')).body).toMatchObject({ total: 4, offset: 1, limit: 2 });
    expect((await sim.call('GET', '/admin/tokens/PS-APP-BLOCKED-01')).body.allowed).toBe('BLOCKED');
    expect((await sim.call('GET', '/admin/tokens/NOPE')).status).toBe(404);
    expect((await sim.call('GET', '/admin/tokens?valid=maybe')).status).toBe(400);
  });

  it('PATCH changes validity, whitelist and allowed; last_updated becomes now', async () => {
    sim.clock.advance(5_000);
    const blocked = await sim.call('PATCH', '/admin/tokens/PS-RFID-ALLOWED-01', { json: { valid: false } });
    expect(blocked.body).toMatchObject({ token: { valid: false, last_updated: '2026-01-15T10:00:05Z' }, allowed: 'BLOCKED' });
    expect((await authorizeAt('PS-RFID-ALLOWED-01')).data.allowed).toBe('BLOCKED');
    const back = await sim.call('PATCH', '/admin/tokens/PS-RFID-ALLOWED-01', { json: { valid: true, whitelist: 'NEVER' } });
    expect(back.body).toMatchObject({ token: { valid: true, whitelist: 'NEVER' }, allowed: 'ALLOWED' });
    expect((await authorizeAt('PS-RFID-ALLOWED-01')).data.allowed).toBe('ALLOWED');
    await sim.call('PATCH', '/admin/tokens/PS-RFID-ALLOWED-01', { json: { allowed: 'EXPIRED' } });
    expect((await authorizeAt('PS-RFID-ALLOWED-01')).data.allowed).toBe('EXPIRED');
    expect((await sim.call('PATCH', '/admin/tokens/NOPE', { json: { valid: true } })).status).toBe(404);
    expect((await sim.call('PATCH', '/admin/tokens/PS-RFID-ALLOWED-01', { json: { whitelist: 'x' } })).status).toBe(400);
  });

  it('DELETE forgets the token: authorization then answers 404', async () => {
    expect((await sim.call('DELETE', '/admin/tokens/PS-RFID-ALLOWED-02')).body).toEqual({ deleted: 'PS-RFID-ALLOWED-02' });
    const res = await sim.call('POST', '/ocpi/2.1.1/tokens/PS-RFID-ALLOWED-02/authorize', { token, json: { location_id: 'LOC1' } });
    expect(res.status).toBe(404);
    expect((await sim.call('DELETE', '/admin/tokens/PS-RFID-ALLOWED-02')).status).toBe(404);
  });
});

describe('OCPI GET /tokens', () => {
  it('lists our tokens as OCPI Token objects for a registered CPO only', async () => {
    const res = await sim.call('GET', '/ocpi/2.1.1/tokens', { token });
    expect(res.body.status_code).toBe(1000);
    expect(res.body.data).toEqual(fixtureTokens(1, NOW).map((t) => t.token));
    expect((await sim.call('GET', '/ocpi/2.1.1/tokens', { token: 'nope' })).status).toBe(401);
  });

  it('PUT, PATCH and DELETE on the tokens list are 405', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const res = await sim.call(method, '/ocpi/2.1.1/tokens', { token, json: method === 'DELETE' ? undefined : {} });
      expect(res.status, method).toBe(405);
    }
  });
});
