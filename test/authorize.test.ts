// Real-time authorization through a real server: the token outcomes, the location checks
// (unknown, outside the Territory, EVSE/connector reduction), 2002 without a location, 404 for
// unknown tokens, and the record of every decision at /admin/authorizations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorize } from '../src/ocpi/tokens/authorize.js';
import type { StoredToken } from '../src/ocpi/records.js';
import { startSim, type TestSim } from './helpers/sim.js';

const T0 = '2026-01-01T00:00:00Z';
const conn = (id: string) => ({
  id,
  standard: 'IEC_62196_T2',
  format: 'SOCKET',
  power_type: 'AC_3_PHASE',
  voltage: 230,
  amperage: 32,
  last_updated: T0,
});
const evse = (uid: string, extra: Record<string, unknown> = {}) => ({
  uid,
  status: 'AVAILABLE',
  connectors: [conn('1'), conn('2')],
  last_updated: T0,
  ...extra,
});
const location = (id: string, country = 'NLD', evses = [evse('E1'), evse('E2')]) => ({
  id,
  type: 'ON_STREET',
  address: 'Stationsplein 1',
  city: 'Amsterdam',
  postal_code: '1012AB',
  country,
  coordinates: { latitude: '52.379189', longitude: '4.899431' },
  evses,
  last_updated: T0,
});

let sim: TestSim;
let token: string;
beforeEach(async () => {
  sim = await startSim();
  ({ token } = await sim.addParty('NL', 'TNM'));
  for (const [id, country] of [
    ['LOC1', 'NLD'],
    ['LOC-US', 'USA'],
    ['LOC-GB', 'GBR'],
  ] as const) {
    const res = await sim.call('PUT', `/ocpi/2.1.1/locations/NL/TNM/${id}`, {
      token,
      json: location(id, country, [evse('E1'), evse('E2'), evse('E3', { status: 'REMOVED' })]),
    });
    expect(res.body.status_code, res.body.status_message).toBe(1000);
  }
});
afterEach(() => sim.stop());

const auth = (uid: string, body?: unknown, type?: string, as = token) =>
  sim.call('POST', `/ocpi/2.1.1/tokens/${uid}/authorize${type ? `?type=${type}` : ''}`, { token: as, json: body });
const at = (location_id: string, extra: Record<string, unknown> = {}) => ({ location_id, ...extra });

describe('the token decides first', () => {
  it.each([
    ['PS-RFID-ALLOWED-01', 'RFID', 'ALLOWED'],
    ['PS-RFID-BLOCKED-01', 'RFID', 'BLOCKED'],
    ['PS-RFID-EXPIRED-01', 'RFID', 'EXPIRED'],
    ['PS-RFID-NOCREDIT-01', 'RFID', 'NO_CREDIT'],
    ['PS-APP-ALLOWED-01', 'OTHER', 'ALLOWED'],
    ['PS-APP-BLOCKED-01', 'OTHER', 'BLOCKED'],
    ['PS-APP-EXPIRED-01', 'OTHER', 'EXPIRED'],
    ['PS-APP-NOCREDIT-01', 'OTHER', 'NO_CREDIT'],
  ])('%s (%s) answers %s at a known location in the Territory', async (uid, type, allowed) => {
    const res = await auth(uid, at('LOC1'), type);
    expect(res.status).toBe(200);
    expect(res.body.status_code).toBe(1000);
    expect(res.body.data.allowed).toBe(allowed);
    expect(res.body.data.info).toMatchObject({ language: 'en', text: expect.any(String) });
    if (allowed === 'ALLOWED') expect(res.body.data.location).toEqual({ location_id: 'LOC1' });
    else expect(res.body.data.location).toBeUndefined();
  });

  it('a refused token is refused even without LocationReferences (status 1000)', async () => {
    const res = await auth('PS-RFID-BLOCKED-01');
    expect(res.body).toMatchObject({ status_code: 1000, data: { allowed: 'BLOCKED' } });
  });

  it('type defaults to RFID: an app token (OTHER) is not found without ?type=OTHER', async () => {
    const res = await auth('PS-APP-ALLOWED-01', at('LOC1'));
    expect(res.status).toBe(404);
    expect(res.body.status_code).toBe(2000);
    expect(res.body.status_message).toContain('?type=OTHER');
  });
});

describe('the location', () => {
  it('outside the Territory: NOT_ALLOWED, saying why', async () => {
    const res = await auth('PS-RFID-ALLOWED-01', at('LOC-US'));
    expect(res.body).toMatchObject({ status_code: 1000, data: { allowed: 'NOT_ALLOWED' } });
    expect(res.body.data.info.text).toContain('USA');
    expect(res.body.data.location).toBeUndefined();
    expect((await auth('PS-RFID-ALLOWED-01', at('LOC-GB'))).body.data.allowed).toBe('ALLOWED');
  });

  it('unknown to us, or pushed by another CPO: NOT_ALLOWED', async () => {
    const res = await auth('PS-RFID-ALLOWED-01', at('NOPE'));
    expect(res.body).toMatchObject({ status_code: 1000, data: { allowed: 'NOT_ALLOWED' } });
    expect(res.body.data.info.text).toContain('not known');
    const other = await sim.addParty('DE', 'ABC');
    expect((await auth('PS-RFID-ALLOWED-01', at('LOC1'), undefined, other.token)).body.data.allowed).toBe('NOT_ALLOWED');
  });

  it('ALLOWED with the EVSEs and connectors reduced to those that exist (REMOVED EVSEs do not)', async () => {
    const res = await auth('PS-RFID-ALLOWED-01', at('LOC1', { evse_uids: ['E1', 'E9', 'E3'], connector_ids: ['1', '7'] }));
    expect(res.body.data).toMatchObject({ allowed: 'ALLOWED', location: { location_id: 'LOC1', evse_uids: ['E1'], connector_ids: ['1'] } });
    const none = await auth('PS-RFID-ALLOWED-01', at('LOC1', { evse_uids: ['E9'] }));
    expect(none.body.data.allowed).toBe('NOT_ALLOWED');
    const noConnector = await auth('PS-RFID-ALLOWED-01', at('LOC1', { evse_uids: ['E2'], connector_ids: ['9'] }));
    expect(noConnector.body.data.allowed).toBe('NOT_ALLOWED');
  });

  it('no LocationReferences: status 2002 with NOT_ALLOWED in data, and recorded', async () => {
    const res = await auth('PS-RFID-ALLOWED-01');
    expect(res.status).toBe(200);
    expect(res.body.status_code).toBe(2002);
    expect(res.body.data).toMatchObject({ allowed: 'NOT_ALLOWED' });
    const list = (await sim.call('GET', '/admin/authorizations?token_uid=PS-RFID-ALLOWED-01')).body;
    expect(list.items[0]).toMatchObject({ allowed: 'NOT_ALLOWED', rule: 'authorize.no-location-references' });
  });
});

describe('refusals of the request itself', () => {
  it('unknown token: HTTP 404 with an OCPI error, not recorded', async () => {
    const res = await auth('NOBODY', at('LOC1'));
    expect(res.status).toBe(404);
    expect(res.body.status_code).toBe(2000);
    expect((await sim.call('GET', '/admin/authorizations')).body.total).toBe(0);
  });

  it('bad type (APP_USER is 2.2) or bad LocationReferences: 2001', async () => {
    const t = await auth('PS-RFID-ALLOWED-01', at('LOC1'), 'APP_USER');
    expect(t.body.status_code).toBe(2001);
    expect(t.body.status_message).toContain('OTHER');
    const b = await auth('PS-RFID-ALLOWED-01', { evse_uids: ['E1'] });
    expect(b.body.status_code).toBe(2001);
    expect(b.body.status_message).toContain('location_id');
  });

  it('unknown fields in LocationReferences are accepted and reported as a finding', async () => {
    const res = await auth('PS-RFID-ALLOWED-01', at('LOC1', { evse_uid: 'E1' }));
    expect(res.body.data.allowed).toBe('ALLOWED');
    const findings = (await sim.call('GET', '/admin/findings?rule=ocpi.unknown-field')).body.items;
    expect(findings).toEqual([
      expect.objectContaining({ party: 'NL*TNM', path: 'evse_uid', object: { module: 'tokens', id: 'PS-RFID-ALLOWED-01/authorize' } }),
    ]);
  });

  it('needs a registered party token', async () => {
    expect((await auth('PS-RFID-ALLOWED-01', at('LOC1'), undefined, 'wrong')).status).toBe(401);
  });
});

describe('the record of decisions', () => {
  it('every decision is listed, newest first, with filters and paging', async () => {
    await auth('PS-RFID-ALLOWED-01', at('LOC1'));
    sim.clock.advance(1000);
    await auth('PS-RFID-BLOCKED-01', at('LOC1'));
    sim.clock.advance(1000);
    await auth('PS-RFID-ALLOWED-01', at('LOC-US'));
    const all = (await sim.call('GET', '/admin/authorizations')).body;
    expect(all.total).toBe(3);
    expect(all.items.map((r: any) => r.allowed)).toEqual(['NOT_ALLOWED', 'BLOCKED', 'ALLOWED']);
    expect(all.items[0]).toMatchObject({
      party: 'NL*TNM',
      protocol: 'ocpi',
      token_uid: 'PS-RFID-ALLOWED-01',
      token_type: 'RFID',
      location_references: { location_id: 'LOC-US' },
      rule: 'authorize.outside-territory',
      time: '2026-01-15T10:00:02.000Z',
    });
    expect((await sim.call('GET', '/admin/authorizations?allowed=ALLOWED')).body.total).toBe(1);
    expect((await sim.call('GET', '/admin/authorizations?token_uid=PS-RFID-ALLOWED-01')).body.total).toBe(2);
    expect((await sim.call('GET', '/admin/authorizations?party=DE*XYZ')).body.total).toBe(0);
    const paged = (await sim.call('GET', '/admin/authorizations?offset=1&limit=1')).body;
    expect(paged.items.map((r: any) => r.allowed)).toEqual(['BLOCKED']);
  });

  it('keeps at most MAX_RECORDS decisions, dropping the oldest', async () => {
    await sim.stop();
    sim = await startSim({ maxRecords: 3 });
    ({ token } = await sim.addParty('NL', 'TNM'));
    for (let i = 0; i < 5; i++) {
      await auth('PS-RFID-ALLOWED-01', at(`L${i}`));
    }
    const all = (await sim.call('GET', '/admin/authorizations')).body;
    expect(all.total).toBe(3);
    expect(all.items.map((r: any) => r.location_references.location_id)).toEqual(['L4', 'L3', 'L2']);
  });
});

describe('authorize() is pure', () => {
  const stored = (valid: boolean, allowed: StoredToken['allowed']): StoredToken => ({
    token: { uid: 'U', type: 'RFID', auth_id: 'A', issuer: 'I', valid, whitelist: 'ALLOWED', last_updated: T0 },
    allowed,
    created_at: T0,
  });
  const loc = location('L', 'NLD') as any;
  const inTerritory = (c: string) => c === 'NLD';
  it('valid=false with ALLOWED answers BLOCKED; the stored refusal otherwise', () => {
    expect(authorize({ token: stored(false, 'ALLOWED'), inTerritory }).allowed).toBe('BLOCKED');
    expect(authorize({ token: stored(false, 'EXPIRED'), inTerritory }).rule).toBe('authorize.token-expired');
    expect(authorize({ token: stored(true, 'NO_CREDIT'), references: { location_id: 'L' }, location: loc, inTerritory }).allowed).toBe(
      'NO_CREDIT',
    );
  });
  it('rules in order: token, location known, Territory, EVSEs', () => {
    expect(authorize({ token: stored(true, 'ALLOWED'), inTerritory }).statusCode).toBe(2002);
    expect(authorize({ token: stored(true, 'ALLOWED'), references: { location_id: 'L' }, inTerritory }).rule).toBe(
      'authorize.unknown-location',
    );
    expect(
      authorize({ token: stored(true, 'ALLOWED'), references: { location_id: 'L' }, location: loc, inTerritory: () => false }).rule,
    ).toBe('authorize.outside-territory');
    const ok = authorize({
      token: stored(true, 'ALLOWED'),
      references: { location_id: 'L', connector_ids: ['2'] },
      location: loc,
      inTerritory,
    });
    expect(ok.info).toMatchObject({ allowed: 'ALLOWED', location: { location_id: 'L', connector_ids: ['2'] } });
  });
});
