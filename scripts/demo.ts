// `npm run demo`: a scripted CPO (not part of the simulator) that fills a simulator with
// realistic activity: registers through the credentials handshake, pushes ~50 locations inside
// and outside the Territory, tariffs (one refused), authorizations of every outcome and CDRs
// (one rejected). `--url http://host:port` (default http://localhost:4000) or `--start`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Faker, en } from '@faker-js/faker';

const TOKEN_A = process.env.REGISTRATION_TOKEN ?? 'plugsurfing-sim-registration-token-a';
const PLACES: [city: string, country: string, lat: number, lon: number][] = [
  ['Amsterdam', 'NLD', 52.37, 4.89], ['Berlin', 'DEU', 52.52, 13.4], ['Paris', 'FRA', 48.85, 2.35], ['Oslo', 'NOR', 59.91, 10.75],
  ['Madrid', 'ESP', 40.41, -3.7], ['Vienna', 'AUT', 48.2, 16.37], ['London', 'GBR', 51.5, -0.12], ['Stockholm', 'SWE', 59.33, 18.06],
  ['Istanbul', 'TUR', 41.0, 28.97], ['Boston', 'USA', 42.36, -71.05],
];

export interface DemoSummary {
  locations: number;
  outsideTerritory: number;
  tariffs: { accepted: number; refused: number };
  authorizations: Record<string, number>;
  cdrs: { accepted: number; rejected: number };
}

/** Run the demo CPO against a simulator at `url`; resolves with what it did. */
export async function runDemo(url: string, options: { seed?: number; log?: (line: string) => void } = {}): Promise<DemoSummary> {
  const log = options.log ?? (() => {});
  const faker = new Faker({ locale: [en] });
  faker.seed(options.seed ?? 42);
  const cpo = await startDemoCpo();
  try {
    // 1. Register with token A: the simulator fetches our versions and details, answers token C.
    const { party, token } = await register(url, cpo);
    log(`registered as NL*${party}`);
    const summary: DemoSummary = { locations: 0, outsideTerritory: 0, tariffs: { accepted: 0, refused: 0 }, authorizations: {}, cdrs: { accepted: 0, rejected: 0 } };

    // 2. Tariffs: one Plugsurfing accepts, one it refuses (PARKING_TIME).
    const now = new Date().toISOString().slice(0, 19) + 'Z';
    const tariff = (id: string, type: string) => ({
      id, currency: 'EUR', last_updated: now,
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.39, step_size: 1 }, { type, price: 2.0, step_size: 300 }] }],
    });
    for (const [id, type] of [['AC-STD', 'TIME'], ['PARKING', 'PARKING_TIME']] as const) {
      const r = await call(url, token, 'PUT', `/tariffs/NL/${party}/${id}`, tariff(id, type));
      if (r.status_code === 1000) summary.tariffs.accepted++;
      else summary.tariffs.refused++;
    }

    // 3. ~50 locations, two EVSEs each, some outside the Territory.
    for (let i = 0; i < 50; i++) {
      const [city, country, lat, lon] = PLACES[i % PLACES.length] as (typeof PLACES)[number];
      const id = `DEMO-${String(i).padStart(3, '0')}`;
      const evse = (n: number) => ({
        uid: `${id}-E${n}`, evse_id: `NL*${party}*E${i}${n}`, status: faker.helpers.arrayElement(['AVAILABLE', 'AVAILABLE', 'CHARGING', 'OUTOFORDER']),
        capabilities: ['RFID_READER'], last_updated: now,
        connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', voltage: 230, amperage: 32, tariff_id: 'AC-STD', last_updated: now }],
      });
      const r = await call(url, token, 'PUT', `/locations/NL/${party}/${id}`, {
        id, type: 'ON_STREET', name: `${faker.location.street()} ${city}`, address: faker.location.streetAddress(), city,
        postal_code: faker.location.zipCode('#####'), country,
        coordinates: { latitude: (lat + faker.number.float({ min: -0.05, max: 0.05 })).toFixed(6), longitude: (lon + faker.number.float({ min: -0.05, max: 0.05 })).toFixed(6) },
        evses: [evse(1), evse(2)], last_updated: now,
      });
      if (r.status_code === 1000) summary.locations++;
      if (country === 'TUR' || country === 'USA') summary.outsideTerritory++;
    }
    log(`pushed ${summary.locations} locations (${summary.outsideTerritory} outside the Territory)`);

    // 4. Real-time authorizations: every outcome.
    const authorize = async (uid: string, location_id: string) => {
      const r = await call(url, token, 'POST', `/tokens/${uid}/authorize?type=RFID`, { location_id });
      const allowed = (r.data?.allowed as string) ?? String(r.status_code);
      summary.authorizations[allowed] = (summary.authorizations[allowed] ?? 0) + 1;
      return allowed;
    };
    for (const uid of ['PS-RFID-ALLOWED-01', 'PS-RFID-BLOCKED-01', 'PS-RFID-EXPIRED-01', 'PS-RFID-NOCREDIT-01']) await authorize(uid, 'DEMO-000');
    await authorize('PS-RFID-ALLOWED-02', 'DEMO-008'); // Istanbul: outside the Territory -> NOT_ALLOWED

    // 5. CDRs: one after an ALLOWED (accepted), one for the session started after the refusal (rejected).
    // A CDR names its token by auth_id: read them as a CPO does, from our tokens module.
    const tokens = (await call(url, token, 'GET', '/tokens?limit=100')).data as { uid: string; auth_id: string }[];
    const authId = (uid: string) => tokens.find((t) => t.uid === uid)?.auth_id ?? uid;
    const cdr = (id: string, uid: string, locationId: string, minutesAgo: number) => {
      const start = new Date(Date.now() - minutesAgo * 60_000);
      const stop = new Date(start.getTime() + 3600_000);
      const iso = (d: Date) => d.toISOString().slice(0, 19) + 'Z';
      return {
        id, start_date_time: iso(start), stop_date_time: iso(stop), auth_id: authId(uid), auth_method: 'AUTH_REQUEST',
        location: {
          id: locationId, type: 'ON_STREET', address: 'Demo street 1', city: 'Amsterdam', postal_code: '1012AB', country: 'NLD',
          coordinates: { latitude: '52.370000', longitude: '4.890000' },
          evses: [{ uid: `${locationId}-E1`, status: 'AVAILABLE', last_updated: iso(start),
            connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', voltage: 230, amperage: 32, tariff_id: 'AC-STD', last_updated: iso(start) }] }],
          last_updated: iso(start),
        },
        currency: 'EUR', tariffs: [tariff('AC-STD', 'TIME')],
        charging_periods: [{ start_date_time: iso(start), dimensions: [{ type: 'ENERGY', volume: 10 }, { type: 'TIME', volume: 1 }] }],
        total_cost: 5.9, total_energy: 10, total_time: 1, last_updated: iso(stop),
      };
    };
    // Sessions start after the authorizations above (the CPO let the blocked card charge anyway).
    await new Promise((r) => setTimeout(r, 1100));
    for (const [id, uid] of [['CDR-OK-1', 'PS-RFID-ALLOWED-01'], ['CDR-REFUSED-1', 'PS-RFID-BLOCKED-01']] as const) {
      const r = await call(url, token, 'POST', '/cdrs', cdr(id, uid, 'DEMO-000', 0));
      if (r.status_code === 1000) summary.cdrs.accepted++;
      else summary.cdrs.rejected++;
    }
    log(`authorizations ${JSON.stringify(summary.authorizations)}; CDRs ${JSON.stringify(summary.cdrs)}; tariffs ${JSON.stringify(summary.tariffs)}`);
    return summary;
  } finally {
    await cpo.close();
  }
}

/** POST credentials as NL*DMO, or NL*DM1..DM9 when an earlier run (kept DB_FILE) holds the name. */
async function register(url: string, cpo: { url: string; token: string }): Promise<{ party: string; token: string }> {
  for (const party of ['DMO', 'DM1', 'DM2', 'DM3', 'DM4', 'DM5', 'DM6', 'DM7', 'DM8', 'DM9']) {
    const reg = await call(url, TOKEN_A, 'POST', '/credentials', {
      token: cpo.token, url: `${cpo.url}/ocpi/versions`, party_id: party, country_code: 'NL', business_details: { name: `Demo CPO ${party}` },
    });
    if (reg.status_code === 1000) return { party, token: reg.data.token as string };
    if (!/already registered/.test(String(reg.status_message))) throw new Error(`registration failed: ${reg.status_message ?? `HTTP ${reg.status_code}`}`);
  }
  throw new Error('NL*DMO and NL*DM1..DM9 are all registered already: reset the simulator (POST /admin/reset) first');
}

async function call(base: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}/ocpi/2.1.1${path}`, {
    method,
    headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return text ? JSON.parse(text) : { status_code: res.status };
}

/** The demo CPO's own OCPI side: versions, details, credentials, and a tokens receiver. */
async function startDemoCpo() {
  const token = 'demo-cpo-token-b';
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const send = (data: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ data, status_code: 1000, timestamp: new Date().toISOString() }));
    };
    req.resume();
    if (req.url === '/ocpi/versions') return send([{ version: '2.1.1', url: `${base}/ocpi/2.1.1` }]);
    if (req.url === '/ocpi/2.1.1') {
      return send({ version: '2.1.1', endpoints: ['credentials', 'locations', 'tokens', 'tariffs', 'cdrs'].map((m) => ({ identifier: m, url: `${base}/ocpi/2.1.1/${m}` })) });
    }
    return send(null); // token pushes and anything else: acknowledged
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, token, close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

async function main() {
  const { values } = parseArgs({ options: { url: { type: 'string' }, start: { type: 'boolean' }, exit: { type: 'boolean' } } });
  let url = values.url ?? 'http://localhost:4000';
  let stop: (() => Promise<void>) | undefined;
  if (values.start) {
    const { startServer } = await import('../src/server.js');
    const { loadConfig } = await import('../src/config.js');
    const sim = await startServer(loadConfig({ ...process.env, DB_FILE: process.env.DB_FILE ?? ':memory:', LOG_LEVEL: 'warn' }));
    url = sim.url;
    stop = sim.stop;
    console.log(`simulator started: ${url} (dashboard ${url}/)`);
  }
  const started = Date.now();
  await runDemo(url, { log: (l) => console.log(`demo: ${l}`) }).catch((err: Error & { cause?: { code?: string } }) => {
    if (err.cause?.code !== 'ECONNREFUSED') throw err;
    throw new Error(`no simulator answers at ${url}: start one (npm start) or run the demo with --start`);
  });
  console.log(`demo: done in ${((Date.now() - started) / 1000).toFixed(1)} s; open ${url}/ to see it`);
  if (stop && values.exit) await stop();
  else if (stop) console.log('Ctrl-C to stop the simulator');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
