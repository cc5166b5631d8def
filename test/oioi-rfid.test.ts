// rfid-verify through a real server: the UID rules, both reply styles, each refusal code, the
// record at /admin/authorizations, and one state with OCPI: a token blocked through the admin
// API fails both an OCPI real-time authorization and an OIOI rfid-verify.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oioi, PARTNER, rfidVerify } from './helpers/oioi-cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
const addToken = async (uid: string, extra: Record<string, unknown> = {}) => {
  const res = await sim.call('POST', '/admin/tokens', { json: { uid, auth_id: `DE-8PS-C${uid.slice(0, 8)}-X`, ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
};
beforeEach(async () => {
  sim = await startSim();
  await addToken('04A2B3C4D5E6F7');
  await addToken('0000A1B2', { allowed: 'BLOCKED' });
  await addToken('1111A1B2', { allowed: 'NO_CREDIT' });
  await addToken('2222A1B2', { allowed: 'EXPIRED' });
  await addToken('3333A1B2', { valid: false });
  await addToken('aabbccdd'); // stored lower case: OIOI asks upper case
  await addToken('4444A1B2', { type: 'OTHER' }); // an app token has no RFID UID
});
afterEach(() => sim.stop());

describe('UID format (rfid_verify.rst): 8, 14 or 20 upper-case hex characters', () => {
  it.each([
    ['10 characters', '04A2B3C4D5', '8, 14 or 20'],
    ['lower case', '04a2b3c4d5e6f7', 'upper case'],
    ['not hex', '04A2B3C4D5E6FZ', 'hexadecimal'],
    ['empty', '', '8, 14 or 20'],
  ])('%s: 400, result 230, naming rfid-verify.rfid', async (_, uid, says) => {
    for (const version of ['v3', 'v4'] as const) {
      const res = await oioi(sim, rfidVerify(uid), { version });
      expect(res.status).toBe(400);
      expect(res.body.field).toBe('rfid-verify.rfid');
      expect(res.body.error).toContain(says);
    }
  });

  it('a number instead of a string: 400 naming the field', async () => {
    const res = await oioi(sim, { 'rfid-verify': { rfid: 12345678 } });
    expect(res.body).toMatchObject({ field: 'rfid-verify.rfid', issues: [{ path: 'rfid-verify.rfid', message: 'must be a string' }] });
  });

  it.each(['0000000A', '04A2B3C4D5E6F7', '04A2B3C4D5E6F7A8B9C0'])('%s has a valid form (unknown ones answer 191, not 400)', async (uid) => {
    const res = await oioi(sim, rfidVerify(uid));
    expect(res.status).toBe(200);
    expect([0, 191]).toContain(res.body.result.code);
  });
});

describe('answers', () => {
  it('an active RFID: v4 evco-id + 0; v3 {"rfid-verify":{"verified":true}}', async () => {
    expect((await oioi(sim, rfidVerify('04A2B3C4D5E6F7'))).body).toEqual({ 'evco-id': 'DE-8PS-C04A2B3C4-X', result: { code: 0, message: 'Success.' } });
    const v3 = await oioi(sim, rfidVerify('04A2B3C4D5E6F7'), { version: 'v3' });
    expect(v3.status).toBe(200);
    expect(v3.body).toEqual({ 'rfid-verify': { verified: true } });
  });

  it.each([
    ['unknown', 'FFFFFFFF', 191],
    ['blocked', '0000A1B2', 192],
    ['valid=false', '3333A1B2', 192],
    ['no credit', '1111A1B2', 193],
    ['expired', '2222A1B2', 190],
    ['an app token (not RFID)', '4444A1B2', 191],
  ])('%s: v4 HTTP 200 with %s; v3 404 with verified false', async (_, uid, code) => {
    const v4 = await oioi(sim, rfidVerify(uid as string));
    expect(v4.status).toBe(200);
    expect(v4.body.result.code).toBe(code);
    expect(v4.body['evco-id']).toBeUndefined();
    const v3 = await oioi(sim, rfidVerify(uid as string), { version: 'v3' });
    expect(v3.status).toBe(404);
    expect(v3.body).toMatchObject({ 'rfid-verify': { verified: false }, error: expect.any(String) });
  });

  it('a token stored with a lower-case uid matches its upper-case UID', async () => {
    expect((await oioi(sim, rfidVerify('AABBCCDD'))).body.result.code).toBe(0);
  });

  it('each decision is recorded like an OCPI authorization (protocol oioi)', async () => {
    await oioi(sim, rfidVerify('04A2B3C4D5E6F7'));
    await oioi(sim, rfidVerify('0000A1B2'));
    await oioi(sim, rfidVerify('FFFFFFFF'));
    const items = (await sim.call('GET', `/admin/authorizations?party=OIOI*${PARTNER}`)).body.items;
    expect(items.map((a: any) => [a.token_uid, a.allowed, a.rule, a.protocol])).toEqual([
      ['FFFFFFFF', 'NOT_ALLOWED', 'oioi.rfid-unknown', 'oioi'],
      ['0000A1B2', 'BLOCKED', 'authorize.token-blocked', 'oioi'],
      ['04A2B3C4D5E6F7', 'ALLOWED', 'authorize.allowed', 'oioi'],
    ]);
    expect(items[2]).toMatchObject({ party: `OIOI*${PARTNER}`, token_type: 'RFID', reason: expect.stringContaining('verified') });
  });
});

describe('one state with OCPI', () => {
  it('a token blocked with PATCH /admin/tokens fails both an OCPI authorization and an OIOI rfid-verify', async () => {
    const { token } = await sim.addParty('NL', 'TNM');
    const location = {
      id: 'LOC1',
      type: 'ON_STREET',
      address: 'Stationsplein 1',
      city: 'Amsterdam',
      postal_code: '1012AB',
      country: 'NLD',
      coordinates: { latitude: '52.379189', longitude: '4.899431' },
      last_updated: '2026-01-01T00:00:00Z',
    };
    expect((await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC1', { token, json: location })).body.status_code).toBe(1000);
    const ocpiAuth = () => sim.call('POST', '/ocpi/2.1.1/tokens/04A2B3C4D5E6F7/authorize', { token, json: { location_id: 'LOC1' } });

    expect((await ocpiAuth()).body.data.allowed).toBe('ALLOWED');
    expect((await oioi(sim, rfidVerify('04A2B3C4D5E6F7'))).body.result.code).toBe(0);

    expect((await sim.call('PATCH', '/admin/tokens/04A2B3C4D5E6F7', { json: { allowed: 'BLOCKED' } })).status).toBe(200);

    expect((await ocpiAuth()).body.data.allowed).toBe('BLOCKED');
    expect((await oioi(sim, rfidVerify('04A2B3C4D5E6F7'))).body.result.code).toBe(192);
    expect((await oioi(sim, rfidVerify('04A2B3C4D5E6F7'), { version: 'v3' })).status).toBe(404);
    const protocols = (await sim.call('GET', '/admin/authorizations?token_uid=04A2B3C4D5E6F7')).body.items.map((a: any) => `${a.protocol}:${a.allowed}`);
    expect(protocols).toEqual(['oioi:BLOCKED', 'oioi:BLOCKED', 'ocpi:BLOCKED', 'oioi:ALLOWED', 'ocpi:ALLOWED']);
  });
});
