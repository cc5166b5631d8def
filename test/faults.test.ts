// Inbound fault injection through a real listening server: every action kind, `times`,
// seeded `probability`, the filters, the journal naming the rule, and that a faulted write
// stored nothing (except for a pure delay and a merge, which let the handler run).
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { globToRegExp } from '../src/faults/engine.js';
import type { JournalEntry } from '../src/journal/journal.js';
import { location } from './locations-fixtures.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
let token: string;
beforeEach(async () => {
  sim = await startSim({ seed: 7 });
  ({ token } = await sim.addParty('NL', 'TNM'));
});
afterEach(() => sim.stop());

const LOC = '/ocpi/2.1.1/locations/NL/TNM';
const putLocation = (id: string) => sim.call('PUT', `${LOC}/${id}`, { token, json: location(id) });
const stored = (id: string) => sim.deps.store.get('locations', `NL*TNM/${id}`);
const addFault = async (rule: unknown) => {
  const res = await sim.call('POST', '/admin/faults', { json: rule });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const lastJournal = (path: string) => sim.deps.journal.query({ path, direction: 'inbound' }).entries[0] as JournalEntry;

describe('the minimal form', () => {
  it('PUT locations/* 503 once: 201 with an id, the next PUT fails and stores nothing, the one after works', async () => {
    const rule = await addFault({ method: 'PUT', path: '/ocpi/2.1.1/locations/*', status: 503, times: 1 });
    expect(rule).toMatchObject({
      id: 'f1',
      kind: 'http',
      direction: 'inbound',
      method: 'PUT',
      status: 503,
      times: 1,
      fired: 0,
      remaining: 1,
      active: true,
    });

    const faulted = await putLocation('LOC1');
    expect(faulted.status).toBe(503);
    expect(faulted.body).toMatchObject({ status_code: 3000, status_message: expect.stringContaining('f1') });
    expect(stored('LOC1')).toBeUndefined();
    expect(lastJournal(`${LOC}/LOC1`)).toMatchObject({ status: 503, fault: 'f1', party: 'NL*TNM' });

    const ok = await putLocation('LOC1');
    expect(ok.body.status_code).toBe(1000);
    expect(stored('LOC1')).toBeDefined();
    expect(lastJournal(`${LOC}/LOC1`).fault).toBeUndefined();
    expect((await sim.call('GET', '/admin/faults/f1')).body).toMatchObject({ fired: 1, matched: 1, remaining: 0, active: false });
  });
});

describe('actions', () => {
  it('status without the envelope answers plain text', async () => {
    await addFault({ path: '/ocpi/2.1.1/locations/*', status: 502, envelope: false, message: 'Bad gateway' });
    const res = await sim.fetch(`${LOC}/LOC1`, { method: 'PUT', token, json: location('LOC1') });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toBe('Bad gateway');
    expect(stored('LOC1')).toBeUndefined();
  });

  it('status with a chosen status_code', async () => {
    await addFault({ path: '/ocpi/2.1.1/locations/*', status: 400, status_code: 2001, message: 'nope' });
    const res = await putLocation('LOC1');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status_code: 2001, status_message: 'nope' });
  });

  it('ocpi_status answers HTTP 200 with that status_code, storing nothing', async () => {
    await addFault({ method: 'PUT', module: 'locations', ocpi_status: 3001 });
    const res = await putLocation('LOC1');
    expect(res.status).toBe(200);
    expect(res.body.status_code).toBe(3001);
    expect(stored('LOC1')).toBeUndefined();
  });

  it('a pure delay answers normally, later, and stores', async () => {
    await addFault({ method: 'PUT', path: `${LOC}/*`, delay_ms: 250 });
    const started = Date.now();
    const res = await putLocation('LOC1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(res.body.status_code).toBe(1000);
    expect(stored('LOC1')).toBeDefined();
    expect(lastJournal(`${LOC}/LOC1`).fault).toBe('f1');
  });

  it('a delay range draws within [min, max] then performs the action', async () => {
    await addFault({ path: '/ocpi/versions', delay_ms: [100, 200], status: 500 });
    const started = Date.now();
    const res = await sim.call('GET', '/ocpi/versions', { token });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(95);
    expect(took).toBeLessThan(1000);
    expect(res.status).toBe(500);
  });

  it('hang: no answer until the client gives up; nothing stored; journaled 499 with the rule', async () => {
    await addFault({ method: 'PUT', path: `${LOC}/*`, hang: true });
    // node:http, so that giving up closes the socket (undici keeps a spare connection around for
    // seconds, which would only slow down the server's stop).
    const started = Date.now();
    const outcome = await new Promise<string>((resolve) => {
      const req = request(`${sim.url}${LOC}/LOC1`, {
        method: 'PUT',
        timeout: 300,
        headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' },
      });
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
      req.on('timeout', () => {
        req.destroy();
        resolve('gave up');
      });
      req.on('error', () => undefined);
      req.end(JSON.stringify(location('LOC1')));
    });
    expect(outcome).toBe('gave up');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await until(() => lastJournal(`${LOC}/LOC1`));
    expect(lastJournal(`${LOC}/LOC1`)).toMatchObject({ status: 499, fault: 'f1' });
    expect(stored('LOC1')).toBeUndefined();
  });

  it('hang_ms: the server closes the connection without an answer', async () => {
    await addFault({ path: '/ocpi/versions', hang: true, hang_ms: 150 });
    const err = await sim.fetch('/ocpi/versions', { token }).catch((e) => e);
    expect(err).toBeInstanceOf(TypeError); // fetch failed: the socket closed
  });

  it('reset: the connection is destroyed, nothing stored, journaled 444', async () => {
    await addFault({ method: 'PUT', path: `${LOC}/*`, reset: true });
    const err = await sim.fetch(`${LOC}/LOC1`, { method: 'PUT', token, json: location('LOC1') }).catch((e) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(String((err as Error & { cause?: unknown }).cause)).toMatch(/socket|closed|reset/i);
    expect(stored('LOC1')).toBeUndefined();
    await until(() => lastJournal(`${LOC}/LOC1`));
    expect(lastJournal(`${LOC}/LOC1`)).toMatchObject({ status: 444, fault: 'f1' });
    // The server still serves other connections.
    expect((await sim.call('GET', '/ocpi/versions', { token })).status).toBe(200);
  });

  it('empty: HTTP 200 with no body, nothing stored', async () => {
    await addFault({ method: 'PUT', path: `${LOC}/*`, empty: true });
    const res = await sim.fetch(`${LOC}/LOC1`, { method: 'PUT', token, json: location('LOC1') });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(stored('LOC1')).toBeUndefined();
  });

  it('malformed: truncated JSON, nothing stored', async () => {
    await addFault({ method: 'PUT', path: `${LOC}/*`, malformed: true });
    const res = await sim.fetch(`${LOC}/LOC1`, { method: 'PUT', token, json: location('LOC1') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const text = await res.text();
    expect(text.startsWith('{')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    expect(stored('LOC1')).toBeUndefined();
  });

  it('merge: the handler runs (and stores), the answer is changed by a JSON merge patch', async () => {
    await addFault({ path: '/ocpi/2.1.1/locations/*', merge: { status_code: 2000, status_message: null, extra: { x: 1 } } });
    const res = await putLocation('LOC1');
    expect(res.status).toBe(201); // the handler's status (created), kept
    expect(res.body.status_code).toBe(2000);
    expect(res.body).not.toHaveProperty('status_message');
    expect(res.body.extra).toEqual({ x: 1 });
    expect(stored('LOC1')).toBeDefined();
    const entry = lastJournal(`${LOC}/LOC1`);
    expect(entry.fault).toBe('f1');
    expect(JSON.parse(entry.response?.body as string).status_code).toBe(2000);
  });
});

describe('firing: times and probability', () => {
  it('times: 2 fires for exactly the next two matching requests', async () => {
    await addFault({ path: '/ocpi/versions', status: 500, times: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await sim.call('GET', '/ocpi/versions', { token })).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
  });

  it('probability is drawn from a PRNG seeded by SEED: the same sequence on every run', async () => {
    const run = async (s: TestSim) => {
      const t = s === sim ? token : (await s.addParty('NL', 'TNM')).token;
      await s.call('POST', '/admin/faults', { json: { path: '/ocpi/versions', status: 500, probability: 0.5 } });
      const out: number[] = [];
      for (let i = 0; i < 24; i++) out.push((await s.call('GET', '/ocpi/versions', { token: t })).status);
      return out;
    };
    const first = await run(sim);
    const second = await startSim({ seed: 7 });
    const other = await startSim({ seed: 8 });
    try {
      const again = await run(second);
      expect(again).toEqual(first);
      const faulted = first.filter((s) => s === 500).length;
      expect(faulted).toBeGreaterThan(3);
      expect(faulted).toBeLessThan(21);
      expect(await run(other)).not.toEqual(first);
    } finally {
      await second.stop();
      await other.stop();
    }
    const rule = (await sim.call('GET', '/admin/faults')).body.items[0];
    expect(rule.matched).toBe(24);
    expect(rule.fired).toBe(first.filter((s) => s === 500).length);
  });

  it('probability with times stops after `times` firings', async () => {
    await addFault({ path: '/ocpi/versions', status: 500, probability: 1, times: 1 });
    expect((await sim.call('GET', '/ocpi/versions', { token })).status).toBe(500);
    expect((await sim.call('GET', '/ocpi/versions', { token })).status).toBe(200);
  });
});

describe('filters', () => {
  it('party: only the named CPO is faulted', async () => {
    const other = await sim.addParty('DE', 'ABC');
    await addFault({ party: 'DE*ABC', status: 503 });
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token })).status).toBe(200);
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token: other.token })).status).toBe(503);
  });

  it('method (list), module and direction', async () => {
    await addFault({ method: ['post', 'PATCH'], module: 'locations', status: 500 });
    await addFault({ direction: 'outbound', status: 500 });
    expect((await putLocation('LOC1')).status).toBe(201);
    const patch = await sim.call('PATCH', `${LOC}/LOC1`, { token, json: { name: 'x', last_updated: '2026-01-02T00:00:00Z' } });
    expect(patch.status).toBe(500);
    expect((await sim.call('GET', '/ocpi/versions', { token })).status).toBe(200);
  });

  it('the first matching rule wins, in the order they were added', async () => {
    await addFault({ path: '/ocpi/*', status: 502 });
    await addFault({ path: '/ocpi/versions', status: 503 });
    expect((await sim.call('GET', '/ocpi/versions', { token })).status).toBe(502);
  });

  it('glob: * crosses segments, ? is one character, {a,b} alternatives, the rest literal', () => {
    const g = globToRegExp('/ocpi/2.1.1/locations/*');
    expect(g.test('/ocpi/2.1.1/locations/NL/TNM/LOC1/E1/1')).toBe(true);
    expect(g.test('/ocpi/2.1.1/locations')).toBe(false);
    expect(g.test('/ocpi/2.1.1/tariffs/NL/TNM/T1')).toBe(false);
    expect(globToRegExp('/ocpi/2.1.1/{locations,tariffs}/NL/TNM/*').test('/ocpi/2.1.1/tariffs/NL/TNM/T1')).toBe(true);
    expect(globToRegExp('/ocpi/2.1.?').test('/ocpi/2.1.1')).toBe(true);
    expect(globToRegExp('/ocpi/2.1.?').test('/ocpi/2x1.1')).toBe(false);
    expect(globToRegExp('*/tokens/*').test('/cpo/ocpi/2.1.1/tokens/DE/8PS/X')).toBe(true);
  });
});

describe('admin /faults', () => {
  it('lists, removes one, clears all', async () => {
    await addFault({ path: '/ocpi/versions', status: 500 });
    await addFault({ id: 'mine', kind: 'authorization', allowed: 'BLOCKED' });
    expect((await sim.call('GET', '/admin/faults')).body.items.map((r: { id: string }) => r.id)).toEqual(['f1', 'mine']);
    expect((await sim.call('DELETE', '/admin/faults/f1')).body).toEqual({ deleted: 'f1' });
    expect((await sim.call('DELETE', '/admin/faults/f1')).status).toBe(404);
    expect((await sim.call('GET', '/ocpi/versions', { token })).status).toBe(200);
    expect((await sim.call('DELETE', '/admin/faults')).body).toEqual({ cleared: 1 });
    expect((await sim.call('GET', '/admin/faults')).body.items).toEqual([]);
  });

  it('an array adds all or nothing; a used id is 409', async () => {
    const res = await sim.call('POST', '/admin/faults', {
      json: [
        { id: 'a', status: 500 },
        { id: 'b', reset: true },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.items.map((r: { id: string }) => r.id)).toEqual(['a', 'b']);
    const conflict = await sim.call('POST', '/admin/faults', {
      json: [
        { id: 'c', status: 500 },
        { id: 'a', status: 500 },
      ],
    });
    expect(conflict.status).toBe(409);
    expect((await sim.call('GET', '/admin/faults')).body.items).toHaveLength(2);
  });

  it('invalid rules: 400 naming each path', async () => {
    const res = await sim.call('POST', '/admin/faults', { json: { status: 99, probability: 2, hang: true, colour: 'red' } });
    expect(res.status).toBe(400);
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['status', 'probability']));
    expect(res.body.error.message).toContain('colour');
    const twoActions = await sim.call('POST', '/admin/faults', { json: [{ status: 500 }, { status: 500, reset: true }] });
    expect(twoActions.body.error.issues).toEqual([{ path: '[1].reset', message: 'only one action per rule (also has status)' }]);
    const noAction = await sim.call('POST', '/admin/faults', { json: { path: '/ocpi/*' } });
    expect(noAction.body.error.message).toContain('needs an action');
    const twiceInbound = await sim.call('POST', '/admin/faults', { json: { twice: true } });
    expect(twiceInbound.body.error.issues[0]).toMatchObject({ path: 'twice', message: 'only for direction outbound' });
    expect((await sim.call('GET', '/admin/faults')).body.items).toEqual([]);
  });
});

async function until<T>(f: () => T, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
