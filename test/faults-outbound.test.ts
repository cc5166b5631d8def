// Outbound fault injection: our calls to a real CPO server (test/helpers/cpo.ts), triggered by
// POST /admin/registrations (GET versions, GET details, POST credentials). Body actions change
// what we send; status replaces the CPO's answer after it was sent; hang and reset send nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeCpo, startCpo } from './helpers/cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
let cpo: FakeCpo;
beforeEach(async () => {
  cpo = await startCpo();
  sim = await startSim({ outboundTimeoutMs: 400 });
});
afterEach(async () => {
  await sim.stop();
  await cpo.close();
});

const register = () => sim.call('POST', '/admin/registrations', { json: { versions_url: cpo.versionsUrl, token: cpo.behaviour.tokenA } });
const addFault = async (rule: Record<string, unknown>) => {
  const res = await sim.call('POST', '/admin/faults', { json: { direction: 'outbound', ...rule } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const credentialPosts = () => cpo.requests.filter((r) => r.method === 'POST' && r.path === '/ocpi/2.1.1/credentials');
const outbound = (path: string) => sim.deps.journal.query({ direction: 'outbound', path }).entries;

describe('outbound faults on the credentials handshake', () => {
  it('status: the CPO gets the POST, its answer is replaced by HTTP 500; registration fails', async () => {
    await addFault({ method: 'POST', module: 'credentials', status: 500 });
    const res = await register();
    expect(res.status).toBe(502);
    expect(res.body.error.message).toContain('HTTP 500');
    expect(credentialPosts()).toHaveLength(1);
    expect(sim.deps.parties.list()).toEqual([]);
    expect(outbound('/ocpi/2.1.1/credentials')[0]).toMatchObject({ method: 'POST', status: 200, fault: 'f1' });
  });

  it('ocpi_status: the answer becomes a 200 envelope with that status_code', async () => {
    await addFault({ method: 'POST', path: '*/credentials', ocpi_status: 3001 });
    const res = await register();
    expect(res.status).toBe(502);
    expect(res.body.error.message).toContain('status_code 3001');
  });

  it('hang: nothing is sent, the call fails after our outbound timeout', async () => {
    await addFault({ method: 'GET', module: 'versions', hang: true, times: 1 });
    const started = Date.now();
    const res = await register();
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(res.status).toBe(502);
    expect(res.body.error.message).toContain('no answer within 400 ms');
    expect(cpo.requests).toEqual([]);
    expect(outbound('/ocpi/versions')[0]).toMatchObject({ status: 0, fault: 'f1', error: expect.stringContaining('no answer') });
    // times: 1 — the next registration goes through.
    expect((await register()).status).toBe(201);
  });

  it('reset: nothing is sent, the call fails at once', async () => {
    await addFault({ path: '/ocpi/versions', reset: true });
    const res = await register();
    expect(res.status).toBe(502);
    expect(res.body.error.message).toContain('connection reset');
    expect(cpo.requests).toEqual([]);
  });

  it('malformed: we send truncated JSON', async () => {
    await addFault({ method: 'POST', module: 'credentials', malformed: true });
    await register();
    const [post] = credentialPosts();
    expect(typeof post?.body).toBe('string');
    expect(() => JSON.parse(post?.body)).toThrow();
  });

  it('merge: we send our credentials changed by a JSON merge patch (e.g. no token)', async () => {
    await addFault({ method: 'POST', module: 'credentials', merge: { token: null, business_details: { name: 'Merged' } } });
    await register();
    const [post] = credentialPosts();
    expect(post?.body).not.toHaveProperty('token');
    expect(post?.body.business_details.name).toBe('Merged');
    expect(post?.body.party_id).toBe('8PS');
  });

  it('empty: we send an empty body', async () => {
    await addFault({ method: 'POST', module: 'credentials', empty: true });
    await register();
    expect(credentialPosts()[0]?.body).toBeUndefined();
  });

  it('twice: the same POST goes out twice; the second answer counts', async () => {
    await addFault({ method: 'POST', module: 'credentials', twice: true });
    expect((await register()).status).toBe(201);
    expect(credentialPosts()).toHaveLength(2);
    expect(outbound('/ocpi/2.1.1/credentials').filter((e) => e.fault === 'f1')).toHaveLength(2);
  });

  it('delay: the call goes out late and succeeds', async () => {
    await addFault({ method: 'GET', path: '/ocpi/2.1.1', delay_ms: 200 });
    const started = Date.now();
    expect((await register()).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('inbound rules do not touch outbound calls, and the other way round', async () => {
    await addFault({ direction: 'inbound', status: 500 });
    expect((await register()).status).toBe(201);
  });
});

describe('outbound filters by party and module (from the party endpoints)', () => {
  it('a PUT token to one party fails (its endpoint URL names no module), to another goes through', async () => {
    const endpoints = [{ identifier: 'tokens', url: `${cpo.url}/cpo-a/t` }];
    const a = await sim.addParty('NL', 'AAA', endpoints);
    const b = await sim.addParty('NL', 'BBB', [{ identifier: 'tokens', url: `${cpo.url}/ocpi/2.1.1/tokens` }]);
    await addFault({ method: 'PUT', module: 'tokens', party: 'NL*AAA', status: 503 });
    const put = (party: string, url: string) =>
      sim.deps.client.request({ method: 'PUT', url: `${url}/DE/8PS/UID1`, token: cpo.behaviour.tokenForSim, body: { uid: 'UID1' }, party });
    const resA = await put(a.party.key, endpoints[0]!.url);
    expect(resA.status).toBe(503);
    expect((resA as { fault?: string }).fault).toBe('f1');
    const resB = await put(b.party.key, `${cpo.url}/ocpi/2.1.1/tokens`);
    expect(resB.status).toBe(200);
  });
});
