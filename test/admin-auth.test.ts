// Admin authentication: open without ADMIN_TOKEN (with a start-up warning when listening beyond
// loopback), `Authorization: Bearer <ADMIN_TOKEN>` on every admin route when it is set.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSim, type SimProcess } from './helpers/process.js';
import { startSim, type TestSim } from './helpers/sim.js';

const ADMIN_TOKEN = 'admin-secret-for-tests';
let sim: TestSim | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** Every admin route the server registers, with its params filled in. */
const adminRoutes = (s: TestSim) =>
  s.app.routes
    .filter((r) => r.method !== 'ALL' && r.path.startsWith('/admin/'))
    .map((r) => ({ method: r.method, path: r.path.replace(/:[A-Za-z_]+/g, 'x') }));

describe('without ADMIN_TOKEN', () => {
  it('the admin API needs no credentials', async () => {
    sim = await startSim();
    expect((await sim.call('GET', '/admin/config')).status).toBe(200);
    expect((await sim.call('GET', '/admin/faults')).status).toBe(200);
  });

  it('secrets=true in a state export is refused (nobody is authenticated)', async () => {
    sim = await startSim();
    const res = await sim.call('GET', '/admin/state?secrets=true');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('ADMIN_TOKEN');
  });
});

describe('with ADMIN_TOKEN', () => {
  it('every admin route answers 401 without the Bearer token, or with a wrong one', async () => {
    sim = await startSim({ adminToken: ADMIN_TOKEN });
    const routes = adminRoutes(sim);
    expect(routes.length).toBeGreaterThan(20);
    for (const { method, path } of routes) {
      for (const headers of [{}, { Authorization: 'Bearer wrong-token-here' }, { Authorization: `Token ${ADMIN_TOKEN}` }] as Record<
        string,
        string
      >[]) {
        const res = await sim.call(method, path, { headers, json: method === 'GET' || method === 'DELETE' ? undefined : {} });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    // Nothing was done by those calls.
    expect(sim.deps.faults.list()).toEqual([]);
  });

  it('the right Bearer token opens it; OCPI routes do not need it', async () => {
    sim = await startSim({ adminToken: ADMIN_TOKEN });
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    expect((await sim.call('GET', '/admin/config', { headers: auth })).body.adminToken).toBe('***');
    expect((await sim.call('POST', '/admin/faults', { headers: auth, json: { status: 500, path: '/nowhere' } })).status).toBe(201);
    const events = await sim.fetch('/admin/events', { headers: auth, signal: AbortSignal.timeout(2000) });
    expect(events.status).toBe(200);
    await events.body?.cancel();
    // EventSource cannot send headers: the event stream (only) takes ?access_token=.
    const byQuery = await sim.fetch(`/admin/events?access_token=${ADMIN_TOKEN}`, { signal: AbortSignal.timeout(2000) });
    expect(byQuery.status).toBe(200);
    await byQuery.body?.cancel();
    expect((await sim.fetch('/admin/events?access_token=wrong-token')).status).toBe(401);
    expect((await sim.call('GET', `/admin/config?access_token=${ADMIN_TOKEN}`)).status).toBe(401);
    expect((await sim.call('GET', '/ocpi/versions', { token: sim.deps.config.registrationToken })).status).toBe(200);
    // The docs stay public: they hold no secret.
    expect((await sim.fetch('/openapi.json')).status).toBe(200);
  });

  it('secrets=true exports the party tokens as stored', async () => {
    sim = await startSim({ adminToken: ADMIN_TOKEN });
    const { party } = await sim.addParty('NL', 'TNM');
    const res = await sim.call('GET', '/admin/state?secrets=true', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.body.secrets).toBe('included');
    expect(res.body.collections.parties['NL*TNM'].outgoing_token).toBe(party.outgoing_token);
  });
});

describe('the start-up warning (CLI)', () => {
  let proc: SimProcess | undefined;
  afterEach(async () => {
    await proc?.kill('SIGTERM');
    proc = undefined;
  });
  const warning = /not a loopback address and ADMIN_TOKEN is not set/;
  const waitFor = async (re: RegExp, ms = 5000) => {
    const end = Date.now() + ms;
    while (!re.test(proc?.output() ?? '')) {
      if (Date.now() > end) throw new Error(`no ${re} in:\n${proc?.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('HOST=0.0.0.0 without ADMIN_TOKEN warns', async () => {
    proc = await spawnSim({ HOST: '0.0.0.0', PORT: '0', DB_FILE: ':memory:', ADMIN_TOKEN: '' });
    await waitFor(warning);
  });

  it('HOST=0.0.0.0 with ADMIN_TOKEN, or a loopback HOST, does not', async () => {
    proc = await spawnSim({ HOST: '0.0.0.0', PORT: '0', DB_FILE: ':memory:', ADMIN_TOKEN });
    const other = await spawnSim({ HOST: '127.0.0.1', PORT: '0', DB_FILE: ':memory:', ADMIN_TOKEN: '' });
    try {
      // The warning comes right after the banner: a short wait is enough to see it would be there.
      await new Promise((r) => setTimeout(r, 500));
      expect(proc.output()).toMatch(/listening on/);
      expect(proc.output()).not.toMatch(warning);
      expect(other.output()).not.toMatch(warning);
    } finally {
      await other.kill('SIGTERM');
    }
  });
});
