// Authorization overrides (kind "authorization"): force the next N real-time authorizations,
// optionally of one token or at one location, to a chosen Allowed value, or make them slow.
// The AuthorizationRecord's reason names the rule.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorizationOverride } from '../src/faults/authorization.js';
import { location } from './locations-fixtures.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
let token: string;
beforeEach(async () => {
  sim = await startSim();
  ({ token } = await sim.addParty('NL', 'TNM'));
  for (const id of ['LOC1', 'LOC2']) {
    const res = await sim.call('PUT', `/ocpi/2.1.1/locations/NL/TNM/${id}`, { token, json: location(id) });
    expect(res.body.status_code, res.body.status_message).toBe(1000);
  }
});
afterEach(() => sim.stop());

const authorize = (uid: string, body: unknown = { location_id: 'LOC1' }) =>
  sim.call('POST', `/ocpi/2.1.1/tokens/${uid}/authorize`, { token, json: body });
const override = async (rule: Record<string, unknown>) => {
  const res = await sim.call('POST', '/admin/faults', { json: { kind: 'authorization', ...rule } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const records = async () => (await sim.call('GET', '/admin/authorizations')).body.items;

describe('authorization overrides', () => {
  it('forces the next N answers, then the real decision comes back', async () => {
    const rule = await override({ allowed: 'BLOCKED', times: 2 });
    expect(rule).toMatchObject({ id: 'f1', kind: 'authorization', allowed: 'BLOCKED', times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await authorize('PS-RFID-ALLOWED-01');
      expect(res.body).toMatchObject({ status_code: 1000, data: { allowed: 'BLOCKED' } });
    }
    expect((await authorize('PS-RFID-ALLOWED-01')).body.data.allowed).toBe('ALLOWED');
    const [latest, forced] = await records();
    expect(latest.allowed).toBe('ALLOWED');
    expect(forced).toMatchObject({ allowed: 'BLOCKED', reason: expect.stringContaining('fault rule f1') });
  });

  it('only for one token uid', async () => {
    await override({ allowed: 'NO_CREDIT', token_uid: 'PS-APP-ALLOWED-01' });
    expect((await authorize('PS-RFID-ALLOWED-01')).body.data.allowed).toBe('ALLOWED');
    expect(
      (await sim.call('POST', '/ocpi/2.1.1/tokens/PS-APP-ALLOWED-01/authorize?type=OTHER', { token, json: { location_id: 'LOC1' } })).body
        .data.allowed,
    ).toBe('NO_CREDIT');
  });

  it('only at one location', async () => {
    await override({ allowed: 'EXPIRED', location_id: 'LOC2' });
    expect((await authorize('PS-RFID-ALLOWED-01', { location_id: 'LOC1' })).body.data.allowed).toBe('ALLOWED');
    expect((await authorize('PS-RFID-ALLOWED-01', { location_id: 'LOC2' })).body.data.allowed).toBe('EXPIRED');
  });

  it('can force ALLOWED for a blocked token, as a success', async () => {
    await override({ allowed: 'ALLOWED', times: 1 });
    expect((await authorize('PS-RFID-BLOCKED-01')).body).toMatchObject({ status_code: 1000, data: { allowed: 'ALLOWED' } });
    expect((await authorize('PS-RFID-BLOCKED-01')).body.data.allowed).toBe('BLOCKED');
  });

  it('slow by X ms: the real answer, late, with the rule in the record', async () => {
    await override({ delay_ms: 300, times: 1 });
    const started = Date.now();
    const res = await authorize('PS-RFID-ALLOWED-01');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.body.data.allowed).toBe('ALLOWED');
    expect((await records())[0].reason).toContain('delayed 300 ms by fault rule f1');
  });

  it('authorizationOverride(deps, query) consumes one use and reports the rule', async () => {
    await override({ id: 'slow', allowed: 'BLOCKED', delay_ms: [10, 20], token_uid: 'U1', times: 1 });
    expect(authorizationOverride(sim.deps, { token_uid: 'U2' })).toBeNull();
    const o = authorizationOverride(sim.deps, { token_uid: 'U1', location_id: 'X' });
    expect(o).toMatchObject({ ruleId: 'slow', allowed: 'BLOCKED' });
    expect(o?.delayMs).toBeGreaterThanOrEqual(10);
    expect(o?.delayMs).toBeLessThanOrEqual(20);
    expect(authorizationOverride(sim.deps, { token_uid: 'U1' })).toBeNull();
  });

  it('an override needs allowed or delay_ms', async () => {
    const res = await sim.call('POST', '/admin/faults', { json: { kind: 'authorization', token_uid: 'X' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('needs allowed or delay_ms');
    const bad = await sim.call('POST', '/admin/faults', { json: { kind: 'authorization', allowed: 'MAYBE' } });
    expect(bad.body.error.issues[0].path).toBe('allowed');
  });
});
