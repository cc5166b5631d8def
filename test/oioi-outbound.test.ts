// Calls we send to a CPO's OIOI endpoint, against a real fake CPO server: remote start and stop
// (v4 and v3 answers, refusals, no answer), rfid-post on demand and after token changes, and
// the journal and outbound faults they share with OCPI.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOioiCpo, startOioiCpo } from './helpers/oioi-cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
let cpo: FakeOioiCpo;
const PARTNER = 'REMOTE-CPO-000001';

async function connect(version: 'v3' | 'v4', extra: Record<string, unknown> = {}) {
  cpo = await startOioiCpo({ version });
  const res = await sim.call('POST', '/admin/oioi/keys', {
    json: { partner_identifier: PARTNER, cpo: { url: cpo.url, key: cpo.behaviour.key, version, ...extra } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

beforeEach(async () => {
  sim = await startSim();
  expect((await sim.call('POST', '/admin/tokens', { json: { uid: '04A2B3C4D5E6F7', auth_id: 'DE-8PS-C04A2B3C4-X' } })).status).toBeLessThan(300);
});
afterEach(async () => {
  await sim.stop();
  await cpo?.close();
});

const start = (body: Record<string, unknown> = {}) =>
  sim.call('POST', '/admin/oioi/sessions/start', { json: { partner: PARTNER, connector_id: 'DE*ABC*E1*1', uid: '04A2B3C4D5E6F7', ...body } });

describe('remote start and stop (session-start / session-stop)', () => {
  it('v4: the CPO gets session-start with our key and the EVCO ID; its session-id is recorded; stop sends it back', async () => {
    await connect('v4');
    const res = await start({ payment_reference: 'pay-1' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'started', session_id: 'cpo-sess-1', is_stoppable: true, start: { ok: true, http_status: 200, code: 11 } });
    expect(cpo.requests[0]).toMatchObject({
      path: '/api/v4/request',
      authorization: 'key=cpo-key-for-sim',
      call: 'session-start',
      payload: { user: { 'identifier-type': 'evco-id', identifier: 'DE-8PS-C04A2B3C4-X' }, 'connector-id': 'DE*ABC*E1*1', 'payment-reference': 'pay-1' },
    });

    const stop = await sim.call('POST', '/admin/oioi/sessions/stop', { json: { id: res.body.id } });
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({ status: 'stopped', stop: { ok: true, code: 0, session_id: 'cpo-sess-1' } });
    expect(cpo.requests[1]).toMatchObject({ call: 'session-stop', payload: { 'connector-id': 'DE*ABC*E1*1', 'session-id': 'cpo-sess-1' } });

    const list = await sim.call('GET', `/admin/oioi/sessions?partner=${PARTNER}`);
    expect(list.body.items.map((s: any) => s.status)).toEqual(['stopped']);
  });

  it('v3: success flags and HTTP statuses are read', async () => {
    await connect('v3');
    const ok = await start();
    expect(ok.body).toMatchObject({ status: 'started', session_id: 'cpo-sess-1', start: { ok: true, http_status: 200 } });
    expect(cpo.requests[0]?.path).toBe('/api/v3/request');
    cpo.behaviour.startCode = 181;
    const refused = await start();
    expect(refused.body).toMatchObject({ status: 'start_failed', start: { ok: false, http_status: 404 } });
  });

  it('a refusal (320 EVSE in use) is recorded with its code; stopping it is refused unless forced', async () => {
    await connect('v4');
    cpo.behaviour.startCode = 320;
    const res = await start();
    expect(res.body).toMatchObject({ status: 'start_failed', start: { ok: false, code: 320, reason: expect.stringContaining('320') } });
    expect((await sim.call('POST', '/admin/oioi/sessions/stop', { json: { id: res.body.id } })).status).toBe(409);
  });

  it('a session the CPO declared not stoppable is not stopped unless forced', async () => {
    await connect('v4');
    cpo.behaviour.stoppable = false;
    const res = await start();
    const refused = await sim.call('POST', '/admin/oioi/sessions/stop', { json: { id: res.body.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('not stoppable');
    expect(cpo.requests.filter((r) => r.call === 'session-stop')).toHaveLength(0);
    expect((await sim.call('POST', '/admin/oioi/sessions/stop', { json: { id: res.body.id, force: true } })).body.status).toBe('stopped');
  });

  it('a stop for a session not started here, by partner + connector + evco_id', async () => {
    await connect('v4');
    const res = await sim.call('POST', '/admin/oioi/sessions/stop', { json: { partner: PARTNER, connector_id: 'DE*ABC*E1*1', evco_id: 'DE-8PS-CX-1', session_id: 's-9' } });
    expect(res.body).toMatchObject({ status: 'stopped', stop: { ok: true } });
    expect(cpo.requests[0]?.payload).toEqual({ user: { 'identifier-type': 'evco-id', identifier: 'DE-8PS-CX-1' }, 'connector-id': 'DE*ABC*E1*1', 'session-id': 's-9' });
  });

  it('a CPO that does not answer: start_failed with the reason, journaled as an outbound OIOI exchange', async () => {
    await connect('v4');
    await cpo.close();
    const res = await start();
    expect(res.body).toMatchObject({ status: 'start_failed', start: { ok: false, http_status: 0, reason: expect.any(String), journal_id: expect.any(String) } });
    const entry = (await sim.call('GET', `/admin/journal/${res.body.start.journal_id}`)).body;
    expect(entry).toMatchObject({ direction: 'outbound', protocol: 'oioi', party: `OIOI*${PARTNER}`, method: 'POST', status: 0 });
    expect(JSON.stringify(entry)).not.toContain('cpo-key-for-sim');
  });

  it('outbound fault rules apply to OIOI calls too (status: sent, answer replaced; reset: not sent)', async () => {
    await connect('v4');
    expect((await sim.call('POST', '/admin/faults', { json: { direction: 'outbound', path: '/api/*', status: 502, times: 1 } })).status).toBe(201);
    const replaced = await start();
    expect(replaced.body).toMatchObject({ status: 'start_failed', start: { ok: false, http_status: 502 } });
    expect(cpo.requests).toHaveLength(1);
    expect((await sim.call('POST', '/admin/faults', { json: { direction: 'outbound', path: '/api/*', reset: true } })).status).toBe(201);
    const reset = await start();
    expect(reset.body).toMatchObject({ status: 'start_failed', start: { ok: false, http_status: 0, reason: expect.stringContaining('reset') } });
    expect(cpo.requests).toHaveLength(1);
  });

  it('admin errors: unknown partner 404, partner without endpoint 404, no user 400, unknown uid 404', async () => {
    expect((await start({ partner: 'NOBODY' })).status).toBe(404);
    const noEndpoint = await start({ partner: 'SIM-CPO-1' });
    expect(noEndpoint.status).toBe(404);
    expect(noEndpoint.body.error.message).toContain('no CPO endpoint');
    await connect('v4');
    expect((await start({ uid: undefined })).status).toBe(400);
    expect((await start({ uid: 'NOPE' })).status).toBe(404);
  });
});

describe('rfid-post (offline whitelist)', () => {
  beforeEach(async () => {
    for (const [uid, extra] of [['0000A1B2', { allowed: 'BLOCKED' }], ['aabbccdd', {}], ['1111A1B2', { whitelist: 'NEVER' }]] as const) {
      expect((await sim.call('POST', '/admin/tokens', { json: { uid, ...extra } })).status).toBeLessThan(300);
    }
  });

  it('on demand: the complete list of active RFID UIDs, upper case; fixture uids that are no UIDs are reported', async () => {
    await connect('v4', { partner_identifier: 'PS-EMP-SIM-000001' });
    const res = await sim.call('POST', `/admin/oioi/rfid-sync/${PARTNER}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, code: 0, sent: 2, processed: 2, trigger: 'admin' });
    expect(res.body.skipped.map((s: any) => s.uid)).toContain('PS-RFID-ALLOWED-01');
    expect(cpo.requests[0]).toMatchObject({ call: 'rfid-post', payload: { rfids: ['04A2B3C4D5E6F7', 'AABBCCDD'], 'partner-identifier': 'PS-EMP-SIM-000001' } });
    expect((await sim.call('POST', `/admin/oioi/rfid-sync/${PARTNER}`)).body.processed).toBe(0);
    const status = await sim.call('GET', '/admin/oioi/rfid-sync');
    expect(status.body.whitelist.rfids).toEqual(['04A2B3C4D5E6F7', 'AABBCCDD']);
    expect(status.body.items[0]).toMatchObject({ partner_identifier: PARTNER, ok: true });
  });

  it('v3 answer {"rfid":{"success":true,"processed":n}} is read', async () => {
    await connect('v3');
    expect((await sim.call('POST', `/admin/oioi/rfid-sync/${PARTNER}`)).body).toMatchObject({ ok: true, processed: 2 });
  });

  it('with rfid_sync: a token change pushes the new list (a burst gives one push)', async () => {
    await connect('v4', { rfid_sync: true });
    await sim.call('PATCH', '/admin/tokens/04A2B3C4D5E6F7', { json: { allowed: 'BLOCKED' } });
    await sim.call('PATCH', '/admin/tokens/0000A1B2', { json: { allowed: 'ALLOWED' } });
    await expect.poll(() => cpo.requests.length, { timeout: 3000 }).toBe(1);
    expect(cpo.requests[0]?.payload.rfids).toEqual(['0000A1B2', 'AABBCCDD']);
    // A change that leaves the list as accepted sends nothing.
    await sim.call('PATCH', '/admin/tokens/1111A1B2', { json: { language: 'de' } });
    await new Promise((r) => setTimeout(r, 600));
    expect(cpo.requests).toHaveLength(1);
  });

  it('without rfid_sync nothing is pushed on token changes', async () => {
    await connect('v4');
    await sim.call('PATCH', '/admin/tokens/04A2B3C4D5E6F7', { json: { allowed: 'BLOCKED' } });
    await new Promise((r) => setTimeout(r, 600));
    expect(cpo.requests).toHaveLength(0);
  });
});
