// The credentials handshake in both directions against a real CPO server on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_REGISTRATION_TOKEN } from '../src/config.js';
import { type FakeCpo, startCpo } from './helpers/cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';

const TOKEN_A = DEFAULT_REGISTRATION_TOKEN;

function cpoCredentials(cpo: FakeCpo, overrides: Record<string, unknown> = {}) {
  return {
    token: cpo.behaviour.tokenForSim,
    url: cpo.versionsUrl,
    business_details: { name: 'Test CPO', website: 'https://cpo.example.com' },
    party_id: 'TNM',
    country_code: 'NL',
    ...overrides,
  };
}

let sim: TestSim;
let cpo: FakeCpo;
beforeEach(async () => {
  sim = await startSim();
  cpo = await startCpo();
});
afterEach(async () => {
  await sim.stop();
  await cpo.close();
});

describe('ToEMP: the CPO registers with Plugsurfing', () => {
  it('POST with token A fetches the CPO versions and details and answers token C', async () => {
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo) });
    expect(res.status).toBe(200);
    expect(res.body.status_code).toBe(1000);
    const creds = res.body.data;
    expect(creds).toMatchObject({ url: sim.deps.config.versionsUrl, party_id: '8PS', country_code: 'DE', business_details: { name: 'Plugsurfing' } });
    expect(creds.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // We used the CPO's token for both GETs, in order.
    expect(cpo.requests.map((r) => `${r.method} ${r.path} ${r.authorization}`)).toEqual([
      `GET /ocpi/versions Token ${cpo.behaviour.tokenForSim}`,
      `GET /ocpi/2.1.1 Token ${cpo.behaviour.tokenForSim}`,
    ]);
    // Token C works for GET credentials and returns our credentials with it.
    const get = await sim.call('GET', '/ocpi/2.1.1/credentials', { token: creds.token });
    expect(get.status).toBe(200);
    expect(get.body.data.token).toBe(creds.token);
    // The party is stored with its endpoints, without its token in clear.
    const parties = await sim.call('GET', '/admin/parties');
    expect(parties.body.items).toHaveLength(1);
    expect(parties.body.items[0]).toMatchObject({ key: 'NL*TNM', initiated_by: 'cpo', version: '2.1.1' });
    expect(parties.body.items[0].endpoints.map((e: { identifier: string }) => e.identifier)).toContain('tokens');
    expect(JSON.stringify(parties.body)).not.toContain(creds.token);
    expect(JSON.stringify(parties.body)).not.toContain(cpo.behaviour.tokenForSim);
  });

  it('token A is not accepted outside versions and credentials', async () => {
    const res = await sim.call('GET', '/ocpi/2.1.1/credentials', { token: TOKEN_A });
    expect(res.status).toBe(401);
    expect(res.body.status_code).toBe(2000);
  });

  it('POST by an already registered party is 405, and so is a second POST for the same party with token A', async () => {
    const first = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo) });
    const again = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: first.body.data.token, json: cpoCredentials(cpo) });
    expect(again.status).toBe(405);
    expect(again.body.status_message).toMatch(/already registered/);
    const withA = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo) });
    expect(withA.status).toBe(405);
  });

  it('PUT fetches the endpoints again and rotates token C: the old token stops working at once', async () => {
    const first = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo) });
    const oldToken = first.body.data.token;
    cpo.behaviour.modules = ['credentials', 'tokens'];
    cpo.requests.length = 0;
    const put = await sim.call('PUT', '/ocpi/2.1.1/credentials', { token: oldToken, json: cpoCredentials(cpo, { business_details: { name: 'Renamed CPO' } }) });
    expect(put.status).toBe(200);
    expect(put.body.status_code).toBe(1000);
    const newToken = put.body.data.token;
    expect(newToken).not.toBe(oldToken);
    expect(cpo.requests.map((r) => r.path)).toEqual(['/ocpi/versions', '/ocpi/2.1.1']);
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token: oldToken })).status).toBe(401);
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token: newToken })).status).toBe(200);
    const party = (await sim.call('GET', '/admin/parties/NL*TNM')).body;
    expect(party.business_details.name).toBe('Renamed CPO');
    expect(party.endpoints.map((e: { identifier: string }) => e.identifier)).toEqual(['credentials', 'tokens']);
  });

  it('DELETE unregisters: the token stops working; PUT and DELETE when not registered are 405', async () => {
    const first = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo) });
    const token = first.body.data.token;
    const del = await sim.call('DELETE', '/ocpi/2.1.1/credentials', { token });
    expect(del.status).toBe(200);
    expect(del.body.status_code).toBe(1000);
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token })).status).toBe(401);
    expect((await sim.call('GET', '/admin/parties')).body.items).toHaveLength(0);
    const put = await sim.call('PUT', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo) });
    expect(put.status).toBe(405);
    const del2 = await sim.call('DELETE', '/ocpi/2.1.1/credentials', { token: TOKEN_A });
    expect(del2.status).toBe(405);
    expect(del2.headers.get('allow')).toContain('POST');
  });

  it('several CPOs can be registered at once, each token identifying exactly one party', async () => {
    const a = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo) });
    const b = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo, { country_code: 'BE', party_id: 'ABC' }) });
    expect(a.body.data.token).not.toBe(b.body.data.token);
    const journal = await sim.call('GET', '/admin/journal?path=/ocpi/2.1.1/credentials&method=GET');
    expect(journal.body.total).toBe(0);
    await sim.call('GET', '/ocpi/2.1.1/credentials', { token: b.body.data.token });
    const entries = (await sim.call('GET', '/admin/journal?path=/ocpi/2.1.1/credentials&method=GET')).body.items;
    expect(entries[0].party).toBe('BE*ABC');
  });

  it('3001 when the CPO versions cannot be fetched, and nothing is stored', async () => {
    cpo.behaviour.failPaths = { '/ocpi/versions': 500 };
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo) });
    expect(res.body.status_code).toBe(3001);
    expect(res.body.status_message).toMatch(/versions endpoint/);
    expect((await sim.call('GET', '/admin/parties')).body.items).toHaveLength(0);
  });

  it('3001 when the CPO is not reachable at all', async () => {
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo, { url: 'http://127.0.0.1:9/ocpi/versions' }) });
    expect(res.body.status_code).toBe(3001);
  });

  it('3002 when there is no mutual version', async () => {
    cpo.behaviour.versions = ['2.0', '2.2'];
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo) });
    expect(res.body.status_code).toBe(3002);
    expect(res.body.status_message).toMatch(/2\.0, 2\.2/);
  });

  it('3003 when required endpoints are missing', async () => {
    cpo.behaviour.modules = ['credentials', 'locations'];
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo) });
    expect(res.body.status_code).toBe(3003);
    expect(res.body.status_message).toMatch(/tokens/);
  });

  it('2001 naming the JSON path of an invalid credentials object', async () => {
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: cpoCredentials(cpo, { party_id: 'TOOLONG', business_details: {} }) });
    expect(res.body.status_code).toBe(2001);
    const paths = res.body.data.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['party_id', 'business_details.name']));
    expect(cpo.requests).toHaveLength(0);
  });
});

describe('FromEMP: Plugsurfing registers with a CPO', () => {
  it('POST /admin/registrations runs the handshake and stores the token the CPO returns', async () => {
    // During our POST the CPO calls our versions with the token we sent it.
    let calledBack: number | undefined;
    cpo.behaviour.custom = async (req) => {
      if (req.method === 'POST' && req.path === '/ocpi/2.1.1/credentials') {
        const res = await fetch(req.body.url, { headers: { Authorization: `Token ${req.body.token}` } });
        calledBack = res.status;
      }
      return false;
    };
    const res = await sim.call('POST', '/admin/registrations', { json: { versions_url: cpo.versionsUrl, token: cpo.behaviour.tokenA } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ key: 'NL*TST', initiated_by: 'emsp' });
    expect(calledBack).toBe(200);
    const post = cpo.requests.find((r) => r.method === 'POST');
    expect(post?.authorization).toBe(`Token ${cpo.behaviour.tokenA}`);
    expect(post?.body).toMatchObject({ url: sim.deps.config.versionsUrl, party_id: '8PS', country_code: 'DE' });
    const tokenB = post?.body.token as string;
    // The token we gave the CPO now identifies it here.
    const creds = await sim.call('GET', '/ocpi/2.1.1/credentials', { token: tokenB });
    expect(creds.status).toBe(200);
    // And we call the CPO with the token it returned.
    cpo.requests.length = 0;
    const put = await sim.call('PUT', '/admin/registrations/NL*TST');
    expect(put.status).toBe(200);
    expect(cpo.requests.every((r) => r.authorization === `Token ${cpo.behaviour.tokenForSim}`)).toBe(true);
    const rotated = cpo.requests.find((r) => r.method === 'PUT')?.body.token;
    expect(rotated).not.toBe(tokenB);
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token: tokenB })).status).toBe(401);
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token: rotated })).status).toBe(200);
    // Unregister: DELETE at the CPO, the party is gone, its token stops working.
    const del = await sim.call('DELETE', '/admin/registrations/NL*TST');
    expect(del.status).toBe(200);
    expect(cpo.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/ocpi/2.1.1/credentials' });
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token: rotated })).status).toBe(401);
  });

  it('every outbound call is journaled with the Authorization redacted', async () => {
    await sim.call('POST', '/admin/registrations', { json: { versions_url: cpo.versionsUrl, token: cpo.behaviour.tokenA } });
    const out = (await sim.call('GET', '/admin/journal?direction=outbound')).body;
    expect(out.items.map((e: { method: string; path: string }) => `${e.method} ${e.path}`)).toEqual([
      'POST /ocpi/2.1.1/credentials',
      'GET /ocpi/2.1.1',
      'GET /ocpi/versions',
    ]);
    const text = JSON.stringify(out);
    expect(text).not.toContain(cpo.behaviour.tokenA);
    expect(text).toContain('Token [redacted]');
    expect(text).not.toContain(cpo.behaviour.tokenForSim); // the CPO's answer carried it in "token"
  });

  it('a CPO without a mutual version gives an admin error with the OCPI reason and stores nothing', async () => {
    cpo.behaviour.versions = ['2.2'];
    const res = await sim.call('POST', '/admin/registrations', { json: { versions_url: cpo.versionsUrl, token: cpo.behaviour.tokenA } });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ ocpi_status_code: 3002 });
    expect((await sim.call('GET', '/admin/parties')).body.items).toHaveLength(0);
  });

  it('outbound calls time out', async () => {
    await sim.stop();
    sim = await startSim({ outboundTimeoutMs: 200 });
    cpo.behaviour.custom = async () => {
      await new Promise((r) => setTimeout(r, 1000));
      return false;
    };
    const res = await sim.call('POST', '/admin/registrations', { json: { versions_url: cpo.versionsUrl, token: cpo.behaviour.tokenA } });
    expect(res.body.error.message).toMatch(/no answer within 200 ms/);
  });
});
