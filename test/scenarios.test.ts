// Named scenarios through a real server: each one on, its effect, and off again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { DEFAULT_REGISTRATION_TOKEN } from '../src/config.js';
import { type FakeCpo, startCpo } from './helpers/cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';
import { cdr as fixtureCdr, location, tariff } from './locations-fixtures.js';

let sim: TestSim;
let token: string;
beforeEach(async () => {
  sim = await startSim({ seed: 3 });
  ({ token } = await sim.addParty('NL', 'TNM'));
});
afterEach(() => sim.stop());

const on = async (name: string, options?: unknown) => {
  const res = await sim.call('POST', `/admin/scenarios/${name}`, { json: options });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const off = (name: string) => sim.call('DELETE', `/admin/scenarios/${name}`);
const versions = () => sim.call('GET', '/ocpi/versions', { token });

describe('admin /scenarios', () => {
  it('lists every scenario with its state; on and off', async () => {
    const names = (await sim.call('GET', '/admin/scenarios')).body.items.map((s: { name: string }) => s.name);
    expect(names).toEqual(['plugsurfing-down', 'slow-authorization', 'flaky-network', 'reject-all-cdrs', 'token-push-fails']);
    const applied = await on('plugsurfing-down');
    expect(applied).toMatchObject({
      name: 'plugsurfing-down',
      active: true,
      rules: [{ id: 'plugsurfing-down.1', scenario: 'plugsurfing-down' }],
    });
    const listed = (await sim.call('GET', '/admin/scenarios')).body.items[0];
    expect(listed).toMatchObject({ active: true, rules: ['plugsurfing-down.1'] });
    expect((await off('plugsurfing-down')).body).toEqual({ name: 'plugsurfing-down', active: false, removed: 1 });
    expect((await sim.call('GET', '/admin/scenarios')).body.items[0].active).toBe(false);
  });

  it('applying again replaces its rules; DELETE /admin/faults switches everything off', async () => {
    await on('slow-authorization', { delay_ms: 100 });
    await on('slow-authorization', { delay_ms: 200 });
    const rules = (await sim.call('GET', '/admin/faults')).body.items;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ id: 'slow-authorization.1', delay_ms: 200 });
    await sim.call('DELETE', '/admin/faults');
    expect((await sim.call('GET', '/admin/scenarios')).body.items.every((s: { active: boolean }) => !s.active)).toBe(true);
  });

  it('unknown scenario 404, bad options 400', async () => {
    expect((await sim.call('POST', '/admin/scenarios/nope')).status).toBe(404);
    const bad = await sim.call('POST', '/admin/scenarios/flaky-network', { json: { probability: 5, colour: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toContain('probability');
    expect((await sim.call('DELETE', '/admin/scenarios/nope')).status).toBe(404);
  });
});

describe('plugsurfing-down', () => {
  it('every inbound OCPI request answers 503 / 3000 and stores nothing; the admin API still works', async () => {
    await on('plugsurfing-down');
    const v = await versions();
    expect(v.status).toBe(503);
    expect(v.body.status_code).toBe(3000);
    expect((await sim.call('POST', '/ocpi/2.1.1/credentials', { token: DEFAULT_REGISTRATION_TOKEN, json: {} })).status).toBe(503);
    const put = await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC1', { token, json: location('LOC1') });
    expect(put.status).toBe(503);
    expect(sim.deps.store.size('locations')).toBe(0);
    expect((await sim.call('GET', '/admin/config')).status).toBe(200);
    await off('plugsurfing-down');
    expect((await versions()).status).toBe(200);
  });
});

describe('slow-authorization', () => {
  it('defaults to 35 s; the delay is configurable by body', async () => {
    expect((await on('slow-authorization')).rules[0]).toMatchObject({ kind: 'authorization', delay_ms: 35_000 });
    await on('slow-authorization', { delay_ms: 300 });
    await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC1', { token, json: location('LOC1') });
    const started = Date.now();
    const res = await sim.call('POST', '/ocpi/2.1.1/tokens/PS-RFID-ALLOWED-01/authorize', { token, json: { location_id: 'LOC1' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.body.data.allowed).toBe('ALLOWED');
  });
});

describe('flaky-network', () => {
  it('resets a seeded share of inbound requests, the same ones on every run', async () => {
    const run = async (s: TestSim, t: string) => {
      await s.call('POST', '/admin/scenarios/flaky-network', { json: { probability: 0.5 } });
      const out: string[] = [];
      for (let i = 0; i < 16; i++)
        out.push(
          await s.fetch('/ocpi/versions', { token: t }).then(
            (r) => String(r.status),
            () => 'reset',
          ),
        );
      return out;
    };
    const first = await run(sim, token);
    expect(first).toContain('reset');
    expect(first).toContain('200');
    const again = await startSim({ seed: 3 });
    try {
      expect(await run(again, (await again.addParty('NL', 'TNM')).token)).toEqual(first);
    } finally {
      await again.stop();
    }
  });
});

describe('reject-all-cdrs', () => {
  it('a valid CDR is answered 2000 and not stored; switched off, it is stored', async () => {
    await sim.call('PUT', '/ocpi/2.1.1/tariffs/NL/TNM/T1', { token, json: tariff('T1') });
    await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC1', { token, json: location('LOC1') });
    const authId = (await sim.call('GET', '/admin/tokens/PS-RFID-ALLOWED-01')).body.token.auth_id;
    const cdr = fixtureCdr('CDR1', authId, { auth_method: 'WHITELIST' });
    await on('reject-all-cdrs');
    const rejected = await sim.call('POST', '/ocpi/2.1.1/cdrs', { token, json: cdr });
    expect(rejected.body).toMatchObject({ status_code: 2000, status_message: expect.stringContaining('reject-all-cdrs') });
    expect(sim.deps.store.size('cdrs')).toBe(0);
    // Only POST cdrs: other modules are untouched.
    expect((await versions()).status).toBe(200);
    await off('reject-all-cdrs');
    const accepted = await sim.call('POST', '/ocpi/2.1.1/cdrs', { token, json: cdr });
    expect(accepted.status).toBe(201);
    expect(sim.deps.store.size('cdrs')).toBe(1);
  });
});

describe('token-push-fails', () => {
  let cpo: FakeCpo;
  let pushSim: TestSim;
  beforeEach(async () => {
    cpo = await startCpo();
    pushSim = await startSim({ outboundTimeoutMs: 200, pushRetryBaseMs: 20, pushRetryMaxAttempts: 2 } as Partial<Config>);
    const { party } = await pushSim.addParty('NL', 'TNM', [{ identifier: 'tokens', url: `${cpo.url}/ocpi/2.1.1/tokens` }]);
    await pushSim.deps.parties.save({ ...party, outgoing_token: cpo.behaviour.tokenForSim });
  });
  afterEach(async () => {
    await pushSim.stop();
    await cpo.close();
  });

  const pushOf = (uid: string) => pushSim.deps.journal.query({ direction: 'outbound', path: `/ocpi/2.1.1/tokens/DE/8PS/${uid}` }).entries;
  const waitFor = async (f: () => boolean) => {
    const end = Date.now() + 5000;
    while (!f()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('mode error: the CPO gets the PUT, we see HTTP 500 (and retry)', async () => {
    await pushSim.call('POST', '/admin/scenarios/token-push-fails');
    await pushSim.call('POST', '/admin/tokens', { json: { uid: 'PUSH-1', auth_id: 'DE-8PS-C00000001-1' } });
    await waitFor(() => pushOf('PUSH-1').length >= 2);
    expect(pushOf('PUSH-1').every((e) => e.fault === 'token-push-fails.1')).toBe(true);
    expect(cpo.requests.filter((r) => r.method === 'PUT').length).toBeGreaterThanOrEqual(1);
    const status = (await pushSim.call('GET', '/admin/token-pushes')).body.items[0];
    expect(status.failed_attempts).toBeGreaterThanOrEqual(1);
    expect(status.succeeded).toBe(0);
  });

  it('mode timeout: nothing reaches the CPO, the push times out', async () => {
    await pushSim.call('POST', '/admin/scenarios/token-push-fails', { json: { mode: 'timeout' } });
    await pushSim.call('POST', '/admin/tokens', { json: { uid: 'PUSH-2', auth_id: 'DE-8PS-C00000001-2' } });
    await waitFor(() => pushOf('PUSH-2').length >= 1);
    expect(pushOf('PUSH-2')[0]).toMatchObject({
      status: 0,
      fault: 'token-push-fails.1',
      error: expect.stringContaining('no answer within 200 ms'),
    });
    expect(cpo.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });
});
