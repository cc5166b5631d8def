// FromEMP PUT tokens to a real CPO HTTP server: each change is PUT (never PATCH) to
// {tokens url}/{our cc}/{our pid}/{uid} with the party's token; a failure is retried with backoff
// and shown in /admin/token-pushes; retries are bounded; token-sync pushes everything again.
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { FIXTURE_TOKEN_SPECS } from '../src/fixtures/index.js';
import { pushSettings } from '../src/ocpi/tokens/push.js';
import { loadConfig } from '../src/config.js';
import { type FakeCpo, type RecordedRequest, startCpo } from './helpers/cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
let cpo: FakeCpo;
const PUSH = { pushRetryBaseMs: 40, pushRetryMaxAttempts: 3 } as Partial<Config>;
const PREFIX = '/ocpi/2.1.1/tokens/DE/8PS/';

async function register(key: [string, string] = ['NL', 'TNM'], modules = ['credentials', 'tokens']) {
  const endpoints = modules.map((m) => ({ identifier: m, url: `${cpo.url}/ocpi/2.1.1/${m}` }));
  const { party } = await sim.addParty(key[0], key[1], endpoints);
  // The token the fake CPO accepts from us (what its credentials would have given).
  await sim.deps.parties.save({ ...party, outgoing_token: cpo.behaviour.tokenForSim });
  return party;
}

async function until<T>(what: string, f: () => T | Promise<T>, ms = 5000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const pushesTo = (uid: string) => cpo.requests.filter((r) => r.path === PREFIX + uid);
const status = async (party = 'NL*TNM') => (await sim.call('GET', '/admin/token-pushes')).body.items.find((s: any) => s.party === party);

beforeEach(async () => {
  cpo = await startCpo();
  sim = await startSim(PUSH);
});
afterEach(async () => {
  await sim.stop();
  await cpo.close();
});

describe('push', () => {
  it('the push status is at /admin/token-pushes: /admin/tokens/pushes is the token with the uid "pushes"', async () => {
    await sim.call('POST', '/admin/tokens', { json: { uid: 'pushes', auth_id: 'DE-8PS-C00000001-9' } });
    expect((await sim.call('GET', '/admin/tokens/pushes')).body).toMatchObject({ token: { uid: 'pushes' } });
    expect((await sim.call('GET', '/admin/token-pushes')).body).toMatchObject({ idle: expect.any(Boolean), items: [] });
  });

  it('a created and a changed token are PUT to the CPO, with its token, never PATCH', async () => {
    await register();
    await sim.call('POST', '/admin/tokens', { json: { uid: 'PUSH-1', auth_id: 'DE-8PS-C00000001-1' } });
    const [first] = await until('the first PUT', () => (pushesTo('PUSH-1').length === 1 ? pushesTo('PUSH-1') : null));
    expect(first).toMatchObject({
      method: 'PUT',
      authorization: `Token ${cpo.behaviour.tokenForSim}`,
      body: {
        uid: 'PUSH-1',
        type: 'RFID',
        auth_id: 'DE-8PS-C00000001-1',
        issuer: 'Plugsurfing',
        valid: true,
        whitelist: 'ALLOWED',
        last_updated: '2026-01-15T10:00:00Z',
      },
    });
    sim.clock.advance(1000);
    await sim.call('PATCH', '/admin/tokens/PUSH-1', { json: { valid: false } });
    const both = await until('the second PUT', () => (pushesTo('PUSH-1').length === 2 ? pushesTo('PUSH-1') : null));
    expect(both[1]).toMatchObject({ method: 'PUT', body: { uid: 'PUSH-1', valid: false, last_updated: '2026-01-15T10:00:01Z' } });
    await until('idle', async () => (await sim.call('GET', '/admin/token-pushes')).body.idle);
    expect(await status()).toMatchObject({
      succeeded: 2,
      failed_attempts: 0,
      given_up: 0,
      pending: [],
      tokens_url: `${cpo.url}/ocpi/2.1.1/tokens`,
    });
    expect(cpo.requests.every((r) => r.method === 'PUT')).toBe(true);
  });

  it('a failed PUT is recorded and retried after the backoff; then it succeeds', async () => {
    await register();
    let calls = 0;
    cpo.behaviour.custom = (req: RecordedRequest, res: ServerResponse) => {
      if (req.path !== `${PREFIX}RETRY-1` || ++calls > 1) return false;
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status_code: 3000, status_message: 'down for maintenance', timestamp: '2026-01-15T10:00:00Z' }));
      return true;
    };
    const started = Date.now();
    await sim.call('POST', '/admin/tokens', { json: { uid: 'RETRY-1' } });
    await until('the failure', async () => (await status())?.failed_attempts === 1);
    const failing = await status();
    expect(failing.last_failure).toMatchObject({
      uid: 'RETRY-1',
      attempt: 1,
      ok: false,
      reason: 'HTTP 503',
      journal_id: expect.any(String),
    });
    expect(failing.pending).toEqual([
      expect.objectContaining({ uid: 'RETRY-1', attempt: 1, state: expect.stringMatching(/retry_scheduled|queued|in_flight/) }),
    ]);
    await until('the retry', () => pushesTo('RETRY-1').length === 2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35); // the base delay
    await until('success', async () => (await status())?.succeeded === 1);
    expect(await status()).toMatchObject({ succeeded: 1, failed_attempts: 1, given_up: 0, pending: [] });
    expect((await status()).recent.map((r: any) => [r.attempt, r.ok])).toEqual([
      [2, true],
      [1, false],
    ]);
    // The journal has the failed exchange.
    const journal = (await sim.call('GET', `/admin/journal?direction=outbound&path=${PREFIX}RETRY-1`)).body;
    expect(journal.items.map((e: any) => e.status).sort()).toEqual([200, 503]);
  });

  it('retries are bounded: after maxAttempts the push is given up and shown', async () => {
    await register();
    cpo.behaviour.failPaths[`${PREFIX}DOOMED`] = 500;
    await sim.call('POST', '/admin/tokens', { json: { uid: 'DOOMED' } });
    await until('giving up', async () => (await status())?.given_up === 1);
    expect(pushesTo('DOOMED')).toHaveLength(3);
    const s = await status();
    expect(s).toMatchObject({
      failed_attempts: 3,
      pending: [],
      gave_up: [{ uid: 'DOOMED', reason: expect.stringContaining('gave up after 3 attempts') }],
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(pushesTo('DOOMED')).toHaveLength(3);
    // A token-sync tries again; success clears the given-up entry.
    delete cpo.behaviour.failPaths[`${PREFIX}DOOMED`];
    await sim.call('POST', '/admin/parties/NL*TNM/token-sync');
    await until('the sync', async () => (await status())?.gave_up.length === 0);
  });

  it('token-sync PUTs every token to that CPO only; a CPO without tokens endpoint gets none', async () => {
    await register();
    await register(['BE', 'NOT'], ['credentials', 'locations']);
    const res = await sim.call('POST', '/admin/parties/NL*TNM/token-sync');
    expect(res.body).toEqual({ party: 'NL*TNM', tokens_url: `${cpo.url}/ocpi/2.1.1/tokens`, queued: FIXTURE_TOKEN_SPECS.length });
    await until('all pushed', () => cpo.requests.length === FIXTURE_TOKEN_SPECS.length);
    expect(cpo.requests.map((r) => r.path).sort()).toEqual(FIXTURE_TOKEN_SPECS.map((s) => PREFIX + s.uid).sort());
    expect((await sim.call('POST', '/admin/parties/BE*NOT/token-sync')).status).toBe(409);
    expect((await sim.call('POST', '/admin/parties/XX*XXX/token-sync')).status).toBe(404);
    await sim.call('POST', '/admin/tokens', { json: { uid: 'ONLY-NL' } });
    await until('pushed', () => pushesTo('ONLY-NL').length === 1);
    expect(cpo.requests).toHaveLength(FIXTURE_TOKEN_SPECS.length + 1);
  });

  it('deleting a token PUTs it with valid=false first', async () => {
    await register();
    await sim.call('DELETE', '/admin/tokens/PS-RFID-ALLOWED-01');
    const [put] = await until('the PUT', () => (pushesTo('PS-RFID-ALLOWED-01').length === 1 ? pushesTo('PS-RFID-ALLOWED-01') : null));
    expect(put?.body).toMatchObject({ uid: 'PS-RFID-ALLOWED-01', valid: false });
  });

  it('close cancels scheduled retries', async () => {
    await register();
    cpo.behaviour.failPaths[`${PREFIX}LATE`] = 502;
    await sim.call('POST', '/admin/tokens', { json: { uid: 'LATE' } });
    await until('first failure', async () => (await status())?.failed_attempts === 1);
    await sim.stop();
    const n = pushesTo('LATE').length;
    await new Promise((r) => setTimeout(r, 200));
    expect(pushesTo('LATE')).toHaveLength(n);
  });
});

describe('pushSettings', () => {
  it('comes from PUSH_RETRY_BASE_MS / PUSH_RETRY_MAX_ATTEMPTS', () => {
    expect(pushSettings(loadConfig({}))).toMatchObject({ baseMs: 1000, maxAttempts: 6 });
    expect(pushSettings(loadConfig({ PUSH_RETRY_BASE_MS: '5', PUSH_RETRY_MAX_ATTEMPTS: '2' }))).toMatchObject({ baseMs: 5, maxAttempts: 2 });
  });
});
