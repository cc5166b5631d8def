import { afterAll, beforeAll, expect, it } from 'vitest';
import { Simulator } from 'plugsurfing-emp-sim/testkit';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await Simulator.start(); // or Simulator.connect('http://localhost:4000')
  ({ token } = await sim.registerParty({ country_code: 'NL', party_id: 'TNM' }));
});
afterAll(() => sim.stop());

// Stands in for your CPO backend's OCPI client.
const ocpi = (method: string, path: string, body?: unknown) =>
  fetch(`${sim.url}/ocpi/2.1.1${path}`, {
    method,
    headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((res) => res.json() as Promise<any>);

const location = {
  id: 'LOC1', type: 'ON_STREET', address: 'Stationsplein 1', city: 'Amsterdam', postal_code: '1012AB',
  country: 'NLD', coordinates: { latitude: '52.379189', longitude: '4.899431' },
  evses: [{ uid: 'E1', status: 'AVAILABLE', last_updated: '2026-01-01T00:00:00Z',
    connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE',
      voltage: 230, amperage: 32, last_updated: '2026-01-01T00:00:00Z' }] }],
  last_updated: '2026-01-01T00:00:00Z',
};

it('our location push arrives and a blocked card is refused', async () => {
  await ocpi('PUT', '/locations/NL/TNM/LOC1', location);
  const stored = await sim.waitFor.location({ id: 'LOC1' });
  expect(stored.in_territory).toBe(true);

  await sim.tokens.block('PS-RFID-ALLOWED-01');
  const answer = await ocpi('POST', '/tokens/PS-RFID-ALLOWED-01/authorize', { location_id: 'LOC1' });
  expect(answer.data.allowed).toBe('BLOCKED');
});

it('our client retries when Plugsurfing answers 503 once', async () => {
  await sim.faults.add({ method: 'PATCH', path: '/ocpi/2.1.1/locations/*', status: 503, times: 1 });
  const first = await ocpi('PATCH', '/locations/NL/TNM/LOC1/E1', { status: 'CHARGING' });
  expect(first.status_code).toBe(3000);
  const retry = await ocpi('PATCH', '/locations/NL/TNM/LOC1/E1', { status: 'CHARGING' });
  expect(retry.status_code).toBe(1000);
});
