// The testkit against a simulator it did not start (Simulator.connect, with ADMIN_TOKEN), as a
// CPO team's CI job uses it: the real credentials handshake, waitFor, tokens pushed to the CPO,
// scenarios, reset; and the in-process start with its direct party registration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../src/config.js';
import { type RunningSimulator, startServer } from '../src/server.js';
import { Simulator, SimulatorError } from '../src/testkit/index.js';

const T0 = '2026-01-01T00:00:00Z';
const connector = { id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', voltage: 230, amperage: 32, last_updated: T0 };
const location = (id: string, country = 'NLD') => ({
  id, type: 'ON_STREET', address: 'Stationsplein 1', city: 'Amsterdam', postal_code: '1012AB', country,
  coordinates: { latitude: '52.379189', longitude: '4.899431' },
  evses: [{ uid: 'E1', status: 'AVAILABLE', connectors: [connector], last_updated: T0 }], last_updated: T0,
});

describe('Simulator.connect (a simulator running elsewhere)', () => {
  let server: RunningSimulator;
  let sim: Simulator;
  let token: string;
  let cpo: Awaited<ReturnType<Simulator['registerParty']>>['cpo'];
  const ocpi = (method: string, path: string, body?: unknown) =>
    fetch(`${sim.url}/ocpi/2.1.1${path}`, {
      method,
      headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((r) => r.json() as Promise<any>);

  beforeAll(async () => {
    server = await startServer(testConfig({ host: '127.0.0.1', port: 0, adminToken: 'testkit-admin-token' }));
    sim = Simulator.connect(server.url, { adminToken: 'testkit-admin-token' });
    ({ token, cpo } = await sim.registerParty({ country_code: 'NL', party_id: 'TKT', name: 'Testkit CPO' }));
  });
  afterAll(async () => {
    await sim.stop();
    await server.stop();
  });

  it('registers through the credentials handshake and the party can push at once', async () => {
    expect(cpo?.versionsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ocpi\/versions$/);
    expect((await sim.admin<any>('GET', '/parties/NL*TKT')).business_details.name).toBe('Testkit CPO');
    expect((await ocpi('PUT', '/locations/NL/TKT/L1', location('L1'))).status_code).toBe(1000);
    expect((await sim.waitFor.location({ id: 'L1', party: 'NL*TKT' })).in_territory).toBe(true);
  });

  it('waitFor an authorization and a CDR; a timeout names what it waited for', async () => {
    await ocpi('POST', '/tokens/PS-RFID-NOCREDIT-01/authorize', { location_id: 'L1' });
    expect((await sim.waitFor.authorization({ token_uid: 'PS-RFID-NOCREDIT-01' })).allowed).toBe('NO_CREDIT');
    const authId = (await sim.tokens.list({ uid: 'PS-RFID-ALLOWED-01' })).items[0]?.token.auth_id;
    const cdr = {
      id: 'TK-CDR-1', start_date_time: '2026-01-15T10:00:00Z', stop_date_time: '2026-01-15T11:00:00Z', auth_id: authId,
      auth_method: 'AUTH_REQUEST', location: location('L1'), currency: 'EUR',
      charging_periods: [{ start_date_time: '2026-01-15T10:00:00Z', dimensions: [{ type: 'ENERGY', volume: 10 }] }],
      total_cost: 3, total_energy: 10, total_time: 1, last_updated: '2026-01-15T11:01:00Z',
    };
    expect((await ocpi('POST', '/cdrs', cdr)).status_code).toBe(1000);
    expect((await sim.waitFor.cdr({ id: 'TK-CDR-1' })).verdict).toBe('ACCEPTED');
    await expect(sim.waitFor.cdr({ id: 'NEVER' }, { timeoutMs: 150 })).rejects.toThrow(/Timed out after 150 ms waiting for CDR NEVER/);
  });

  it('a token created through the testkit is pushed to the CPO it registered', async () => {
    await sim.tokens.create({ uid: 'TK-NEW-01', allowed: 'ALLOWED' });
    await expect.poll(() => cpo?.pushedTokens.map((t) => t.uid), { timeout: 5000 }).toContain('TK-NEW-01');
  });

  it('scenarios on and off, faults, state, reset; admin errors are SimulatorErrors', async () => {
    await sim.scenarios.apply('plugsurfing-down');
    expect((await sim.scenarios.list()).items.find((s) => s.name === 'plugsurfing-down')?.active).toBe(true);
    expect((await ocpi('PUT', '/locations/NL/TKT/L2', location('L2'))).status_code).toBe(3000);
    await sim.scenarios.clear('plugsurfing-down');
    await sim.faults.add({ method: 'PUT', path: '/ocpi/2.1.1/locations/*', status: 503, times: 1 });
    expect((await sim.faults.list()).items).toHaveLength(1);
    await sim.faults.clear();
    expect(Object.keys(((await sim.state()) as any).collections)).toContain('tokens');
    await sim.reset({ keep_registrations: true });
    expect((await sim.locations()).total).toBe(0);
    expect((await sim.tokens.list()).items.map((t) => t.token.uid)).not.toContain('TK-NEW-01');
    const err = await sim.admin('GET', '/tokens/NOPE').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimulatorError);
    expect((err as SimulatorError).status).toBe(404);
    await expect(Simulator.connect(server.url).tokens.list()).rejects.toThrow(/401|ADMIN_TOKEN/);
  });
});

describe('Simulator.start (in-process)', () => {
  it('registers a party directly or, when asked, through the handshake', async () => {
    const sim = await Simulator.start();
    try {
      const direct = await sim.registerParty({ country_code: 'DE', party_id: 'ABC' });
      expect(direct.cpo).toBeUndefined();
      const viaHandshake = await sim.registerParty({ country_code: 'DE', party_id: 'HSK', handshake: true });
      for (const { token } of [direct, viaHandshake]) {
        const res = await fetch(`${sim.url}/ocpi/2.1.1/credentials`, { headers: { Authorization: `Token ${token}` } });
        expect(((await res.json()) as any).status_code).toBe(1000);
      }
      expect(sim.tokenA).toBe('plugsurfing-sim-registration-token-a');
      expect(sim.versionsUrl).toBe(`${sim.url.replace('127.0.0.1', 'localhost')}/ocpi/versions`);
    } finally {
      await sim.stop();
    }
  });
});
