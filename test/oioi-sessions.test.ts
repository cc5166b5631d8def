// session-post (the OIOI CDR) through a real server: accepted and stored as a CDR with protocol
// 'oioi'; refused for the OCPI CDR rules that apply (after a refused rfid-verify, unknown UID,
// station outside the Territory, duplicate), with success:false + reason (v3) or a result code
// (v4); early posts updated until the final one; an unknown EVSE.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oioi, PARTNER, rfidVerify, sessionPost, station, stationPost } from './helpers/oioi-cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
const EVSE = 'DE*ABC*Est-0001*1';
const EVSE_US = 'DE*ABC*Est-us*1';
const UID = '04A2B3C4D5E6F7';
const BLOCKED = '0000A1B2';
// The simulator's clock starts at 2026-01-15T10:00:00Z: verifications happen before the sessions.
const START = '2026-01-15T12:00:00+01:00';
const STOP = '2026-01-15T13:30:00+01:00';

beforeEach(async () => {
  sim = await startSim();
  for (const [uid, extra] of [[UID, {}], [BLOCKED, { allowed: 'BLOCKED' }]] as const) {
    expect((await sim.call('POST', '/admin/tokens', { json: { uid, auth_id: `DE-8PS-C${uid.slice(0, 8)}-X`, ...extra } })).status).toBeLessThan(300);
  }
  expect((await oioi(sim, stationPost(station()))).body.result.code).toBe(0);
  const us = station('st-us', { address: { street: 'Main St', 'street-number': '1', city: 'Austin', zip: '78701', country: 'US' } });
  expect((await oioi(sim, stationPost(us))).body.result.code).toBe(0);
});
afterEach(() => sim.stop());

const cdr = async (id: string) => (await sim.call('GET', `/admin/cdrs/OIOI*${PARTNER}/${id}`)).body;
/** The stored record itself (the admin view does not show the raw OIOI post). */
const storedCdr = (id: string) => sim.deps.store.get<any>('cdrs', `OIOI*${PARTNER}/${id}`);
const final = (id: string, user = { id: UID }, evse = EVSE) =>
  sessionPost(id, evse, user, { start: START, stop: STOP }, {
    'charging-interval': { start: '2026-01-15T12:01:00+01:00', stop: '2026-01-15T13:10:00+01:00' },
    'energy-consumed': 18.4,
    'calculated-cost': { amount: 9.2, currency: 'EUR' },
  });

describe('accepted', () => {
  it('after a verified UID: v4 0, v3 {"session":{"success":true,"reason":null}}; stored as an OCPI CDR', async () => {
    await oioi(sim, rfidVerify(UID));
    expect((await oioi(sim, final('sess-1'))).body).toEqual({ result: { code: 0, message: 'Success.' } });
    expect((await oioi(sim, final('sess-2'), { version: 'v3' })).body).toEqual({ session: { success: true, reason: null } });
    const c = await cdr('sess-1');
    expect(c).toMatchObject({ protocol: 'oioi', party: `OIOI*${PARTNER}`, verdict: 'ACCEPTED', reasons: [] });
    expect(c.cdr).toMatchObject({
      id: 'sess-1',
      start_date_time: '2026-01-15T11:00:00Z',
      stop_date_time: '2026-01-15T12:30:00Z',
      auth_id: 'DE-8PS-C04A2B3C4-X',
      auth_method: 'AUTH_REQUEST',
      currency: 'EUR',
      total_cost: 9.2,
      total_energy: 18.4,
      total_time: 1.5,
      total_parking_time: 0.35,
      location: { id: 'st-0001', country: 'DEU' },
    });
    expect(c.cdr.location.evses.map((e: any) => e.uid)).toEqual([EVSE]);
    expect((await sim.call('GET', '/admin/cdrs?party=OIOI*SIM-CPO-1')).body.total).toBe(2);
  });

  it('an EVCO ID user (remote start) is found by auth_id', async () => {
    expect((await oioi(sim, final('sess-evco', { type: 'evco-id', id: 'DE-8PS-C04A2B3C4-X' } as any))).body.result.code).toBe(0);
  });

  it('early posts update the session until the final one', async () => {
    const early = sessionPost('sess-run', EVSE, { id: UID }, { start: START });
    expect((await oioi(sim, early)).body.result.code).toBe(0);
    expect(storedCdr('sess-run').oioi).toMatchObject({ final: false, posts: 1, session: { 'session-id': 'sess-run' } });
    expect((await cdr('sess-run')).cdr.remark).toContain('still running');
    expect((await oioi(sim, early)).body.result.code).toBe(0);
    expect((await oioi(sim, final('sess-run'))).body.result.code).toBe(0);
    expect(storedCdr('sess-run').oioi).toMatchObject({ final: true, posts: 3 });
    expect((await cdr('sess-run')).cdr.total_energy).toBe(18.4);
  });
});

describe('refused, and kept with the verdict', () => {
  it('a session started after a refused rfid-verify of that UID: v4 140, v3 success:false with the reason', async () => {
    expect((await oioi(sim, rfidVerify(BLOCKED))).body.result.code).toBe(192);
    const v4 = await oioi(sim, final('sess-after-refusal', { id: BLOCKED }));
    expect(v4.status).toBe(200);
    expect(v4.body.result.code).toBe(140);
    expect(v4.body.result.message).toContain('cdr.started-after-refusal');
    const v3 = await oioi(sim, final('sess-after-refusal-3', { id: BLOCKED }), { version: 'v3' });
    expect(v3.status).toBe(200);
    expect(v3.body.session.success).toBe(false);
    expect(v3.body.session.reason).toContain('refused token 0000A1B2');
    const c = await cdr('sess-after-refusal');
    expect(c).toMatchObject({ verdict: 'REJECTED', reasons: [{ rule: 'cdr.started-after-refusal' }] });
  });

  it('a later ALLOWED verification before the start clears an earlier refusal', async () => {
    await sim.call('PATCH', `/admin/tokens/${UID}`, { json: { allowed: 'BLOCKED' } });
    await oioi(sim, rfidVerify(UID));
    sim.clock.advance(60_000);
    await sim.call('PATCH', `/admin/tokens/${UID}`, { json: { allowed: 'ALLOWED' } });
    await oioi(sim, rfidVerify(UID));
    expect((await oioi(sim, final('sess-cleared'))).body.result.code).toBe(0);
  });

  it('an unknown UID: 191 / success:false', async () => {
    expect((await oioi(sim, final('sess-unknown', { id: 'FFFFFFFF' }))).body.result.code).toBe(191);
    expect((await oioi(sim, final('sess-unknown-3', { id: 'FFFFFFFF' }), { version: 'v3' })).body.session).toMatchObject({ success: false, reason: expect.stringContaining('cdr.unknown-token') });
    expect((await cdr('sess-unknown')).reasons[0].rule).toBe('cdr.unknown-token');
  });

  it('a station outside the Territory: 200 / success:false', async () => {
    const res = await oioi(sim, final('sess-us', { id: UID }, EVSE_US));
    expect(res.body.result.code).toBe(200);
    expect((await cdr('sess-us')).reasons.map((r: any) => r.rule)).toEqual(['cdr.outside-territory']);
  });

  it('a duplicate of a final session-id: refused, the first one kept', async () => {
    expect((await oioi(sim, final('sess-dup'))).body.result.code).toBe(0);
    sim.clock.advance(1000);
    const again = await oioi(sim, final('sess-dup'), { version: 'v3' });
    expect(again.body.session).toMatchObject({ success: false, reason: expect.stringContaining('already received') });
    expect((await oioi(sim, final('sess-dup'))).body.result.code).toBe(200);
    expect(storedCdr('sess-dup').oioi.posts).toBe(1);
    expect((await sim.call('GET', '/admin/findings?rule=cdr.duplicate')).body.total).toBe(2);
  });
});

describe('not stored', () => {
  it('an unknown EVSE: 181 (v4) / success:false (v3)', async () => {
    expect((await oioi(sim, final('sess-x', { id: UID }, 'DE*ABC*E404'))).body.result.code).toBe(181);
    const v3 = await oioi(sim, final('sess-x', { id: UID }, 'DE*ABC*E404'), { version: 'v3' });
    expect(v3.status).toBe(200);
    expect(v3.body.session.success).toBe(false);
    expect((await sim.call('GET', '/admin/cdrs?party=OIOI*SIM-CPO-1')).body.total).toBe(0);
  });

  it('a malformed post: 400 naming the field (RFC 3339 times, RFID UID of the user)', async () => {
    const bad = await oioi(sim, sessionPost('s', EVSE, { id: UID }, { start: '2026-01-15 11:00' }));
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('session-post.session-interval.start');
    const lower = await oioi(sim, sessionPost('s', EVSE, { id: UID.toLowerCase() }, { start: START }));
    expect(lower.body).toMatchObject({ field: 'session-post.user.identifier', result: { code: 230 } });
    const type = await oioi(sim, sessionPost('s', EVSE, { type: 'card', id: UID }, { start: START }));
    expect(type.body.field).toBe('session-post.user.identifier-type');
  });

  it('a partner that does not own the key: 211', async () => {
    const post = final('sess-p');
    (post['session-post'] as any)['partner-identifier'] = 'NOT-MINE';
    expect((await oioi(sim, post)).body.result.code).toBe(211);
  });
});
