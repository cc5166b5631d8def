// Start a real simulator on 127.0.0.1:<free port> for a test, with in-memory (or file) state.
import { ManualClock } from '../../src/clock.js';
import { type Config, testConfig } from '../../src/config.js';
import { newToken, type Party, registeredParty } from '../../src/ocpi/parties.js';
import { type RunningSimulator, startServer } from '../../src/server.js';

export interface TestSim extends RunningSimulator {
  clock: ManualClock;
  /** fetch against the simulator: `sim.fetch('/ocpi/versions', { token })`. */
  fetch(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  /** Shortcut: JSON body of the answer plus status. */
  call<T = any>(method: string, path: string, opts?: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> }): Promise<{ status: number; body: T; headers: Headers }>;
  /** Register a CPO party directly in the store (no handshake); returns its token C. */
  addParty(countryCode?: string, partyId?: string, endpoints?: Party['endpoints']): Promise<{ token: string; party: Party }>;
}

export async function startSim(overrides: Partial<Config> = {}, options: { clock?: ManualClock } = {}): Promise<TestSim> {
  const clock = options.clock ?? new ManualClock();
  const config = testConfig({ host: '127.0.0.1', port: 0, ...overrides });
  const running = await startServer(config, { clock });
  const fetchSim: TestSim['fetch'] = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set('Authorization', `Token ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers.set('Content-Type', 'application/json');
    }
    return fetch(running.url + path, { ...init, headers, body });
  };
  const call: TestSim['call'] = async (method, path, opts = {}) => {
    const res = await fetchSim(path, { method, token: opts.token, json: opts.json, body: opts.body, headers: opts.headers });
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, body, headers: res.headers };
  };
  const addParty: TestSim['addParty'] = async (countryCode = 'NL', partyId = 'TNM', endpoints = []) => {
    const token = newToken();
    const party = registeredParty({
      country_code: countryCode,
      party_id: partyId,
      token,
      time: new Date(clock.now()).toISOString(),
      business_details: { name: `CPO ${countryCode}*${partyId}` },
      endpoints,
    });
    await running.deps.parties.save(party);
    return { token, party };
  };
  return Object.assign(running, { clock, fetch: fetchSim, call, addParty });
}
