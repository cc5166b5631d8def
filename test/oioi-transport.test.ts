// The OIOI front door through a real server: keys (401), the one-key body (400 naming the field),
// the two reply styles, other methods and paths, the journal, the fault middleware, and the admin
// API that issues and lists keys.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY, oioi, PARTNER, station, stationPost } from './helpers/oioi-cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
beforeEach(async () => {
  sim = await startSim();
});
afterEach(() => sim.stop());

describe('API keys', () => {
  it('the fixture key oioi-sim-key-cpo-1 is bound to SIM-CPO-1 and works on v3 and v4', async () => {
    expect((await oioi(sim, stationPost(station()))).body).toEqual({ result: { code: 0, message: 'Success.' } });
    expect((await oioi(sim, stationPost(station()), { version: 'v3' })).body).toEqual({ 'station-post': { success: true } });
  });

  it.each([
    ['missing', null],
    ['unknown', 'no-such-key'],
  ])('a %s key answers 401 with result 210 (v4) and an error (v3)', async (_, key) => {
    const v4 = await oioi(sim, stationPost(station()), { key });
    expect(v4.status).toBe(401);
    expect(v4.body).toMatchObject({ error: expect.any(String), field: 'Authorization', result: { code: 210 } });
    const v3 = await oioi(sim, stationPost(station()), { key, version: 'v3' });
    expect(v3.status).toBe(401);
    expect(v3.body.error).toEqual(expect.any(String));
    expect(v3.body.result).toBeUndefined();
  });

  it('a header without the key= form answers 401 saying the form', async () => {
    const res = await sim.call('POST', '/api/v4/request', { json: stationPost(station()), headers: { Authorization: `Token ${KEY}` } });
    expect(res.status).toBe(401);
    expect(res.body.error).toContain('key=<API key>');
  });

  it('POST /admin/oioi/keys issues a key once in clear; GET lists it redacted; it authenticates; DELETE revokes it', async () => {
    const made = await sim.call('POST', '/admin/oioi/keys', {
      json: { partner_identifier: 'CPO-TWO-0123456789', cpo: { url: 'http://127.0.0.1:9/api/v4/request', key: 'their-key-1234' } },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ partner_identifier: 'CPO-TWO-0123456789', party: 'OIOI*CPO-TWO-0123456789', key: expect.any(String) });
    const key = made.body.key as string;
    const list = await sim.call('GET', '/admin/oioi/keys');
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(key);
    expect(text).not.toContain('their-key-1234');
    expect(text).not.toContain(KEY);
    const shown = list.body.items.find((k: any) => k.partner_identifier === 'CPO-TWO-0123456789');
    expect(shown).toMatchObject({ key_hint: key.slice(-4), cpo: { url: 'http://127.0.0.1:9/api/v4/request', key_hint: '1234', version: 'v4' } });
    expect(list.body.items.find((k: any) => k.partner_identifier === PARTNER)).toMatchObject({ key_hint: KEY.slice(-4) });

    expect((await oioi(sim, stationPost(station(), 'CPO-TWO-0123456789'), { key })).body.result.code).toBe(0);
    expect((await sim.call('DELETE', `/admin/oioi/keys/${shown.id}`)).status).toBe(200);
    expect((await oioi(sim, stationPost(station(), 'CPO-TWO-0123456789'), { key })).status).toBe(401);
  });

  it('a chosen key value that exists already is refused (409); a bad partner identifier is 400', async () => {
    expect((await sim.call('POST', '/admin/oioi/keys', { json: { partner_identifier: 'X', key: KEY } })).status).toBe(409);
    const bad = await sim.call('POST', '/admin/oioi/keys', { json: { partner_identifier: 'has/slash' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('partner_identifier');
  });
});

describe('the body: exactly one top-level key naming a call', () => {
  it.each([
    ['no key', {}, '(body)'],
    ['two keys', { 'station-post': {}, 'rfid-verify': {} }, '(body)'],
    ['an array', [1], '(body)'],
    ['an unknown call', { 'station-delete': {} }, 'station-delete'],
    ['a call we send, not receive', { 'session-start': {} }, 'session-start'],
    ['an app call', { 'user-register': {} }, 'user-register'],
  ])('%s: 400 with result 230 naming the field', async (_, body, field) => {
    for (const version of ['v3', 'v4'] as const) {
      const res = await oioi(sim, body, { version });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: expect.any(String), field });
      if (version === 'v4') expect(res.body.result.code).toBe(230);
    }
  });

  it('the unknown-call error lists the calls served; a call we send says so', async () => {
    expect((await oioi(sim, { 'station-delete': {} })).body.error).toContain('station-post, connector-post-status, rfid-verify, session-post');
    expect((await oioi(sim, { 'rfid-post': {} })).body.error).toContain('Plugsurfing sends to the CPO');
  });

  it('invalid JSON and an empty body are 400', async () => {
    const bad = await sim.call('POST', '/api/v4/request', { body: '{"station-post":', headers: { Authorization: `key=${KEY}`, 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.result.code).toBe(230);
    const empty = await sim.call('POST', '/api/v4/request', { body: '', headers: { Authorization: `key=${KEY}`, 'Content-Type': 'application/json' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toContain('Empty body');
  });

  it('a field of the wrong type: 400 naming it from the call key down, every broken field in issues', async () => {
    const res = await oioi(sim, stationPost(station('st-1', { latitude: '52.52', 'is-open-24': 'yes', connectors: [{ id: 'X', speed: 22 }] })));
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('station-post.station.latitude');
    expect(res.body.issues).toEqual(
      expect.arrayContaining([
        { path: 'station-post.station.latitude', message: 'must be a number' },
        { path: 'station-post.station.is-open-24', message: 'must be a boolean (true or false)' },
        { path: 'station-post.station.connectors[0].name', message: 'is required' },
      ]),
    );
    const notObject = await oioi(sim, { 'rfid-verify': 'ABCD1234' });
    expect(notObject.body).toMatchObject({ field: 'rfid-verify', result: { code: 230 } });
  });
});

describe('other methods and paths', () => {
  it('GET on the request path is 405 (POST only); another path under /api is 404', async () => {
    const get = await sim.call('GET', '/api/v4/request');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const other = await sim.call('POST', '/api/v5/request', { json: {} });
    expect(other.status).toBe(404);
    expect(other.body.error).toContain('/api/v4/request');
  });
});

describe('journal and faults', () => {
  it('each exchange is journaled with protocol oioi, the partner, both bodies and the key redacted', async () => {
    await oioi(sim, stationPost(station()));
    const res = await sim.call('GET', '/admin/journal?protocol=oioi');
    const entry = res.body.items?.[0] ?? res.body.entries?.[0];
    expect(entry).toMatchObject({ direction: 'inbound', protocol: 'oioi', party: `OIOI*${PARTNER}`, method: 'POST', path: '/api/v4/request', status: 200 });
    expect(entry.request.body).toContain('station-post');
    expect(entry.response.body).toContain('"code":0');
    expect(JSON.stringify(entry)).not.toContain(KEY);
  });

  it('an inbound fault rule on /api/* answers instead of the handler, and nothing is stored', async () => {
    const rule = await sim.call('POST', '/admin/faults', { json: { direction: 'inbound', path: '/api/*', status: 503 } });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const res = await oioi(sim, stationPost(station()));
    expect(res.status).toBe(503);
    expect((await sim.call('GET', '/admin/locations?protocol=oioi')).body.total).toBe(0);
  });
});
