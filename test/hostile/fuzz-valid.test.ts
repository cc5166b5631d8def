// Issue 8, bad input the schemas let through: seeded edits of valid Locations, EVSEs,
// Connectors, Tariffs, LocationReferences, CDRs and OIOI calls that keep them valid (edge
// numbers, dates around midnight and DST, empty and doubled arrays, unknown fields) or break
// them. Whatever the verdict, the simulator must not answer 5xx or log an error, its admin views
// must still render everything it stored, and the file store must reload it exactly.
// FUZZ_SEED and FUZZ_VALID_REQUESTS override the defaults.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileStore } from '../../src/store/file.js';
import { rfidVerify, sessionPost, station, stationPost, statusPost } from '../helpers/oioi-cpo.js';
import { connector, evse, location, tariff } from '../locations-fixtures.js';
import { mutateJson, tweakJson } from './mutate.js';
import { Rng } from './rng.js';
import { Wire } from './wire.js';
import { cdr, startWorld, type World } from './world.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20260117);
const REQUESTS = Number(process.env.FUZZ_VALID_REQUESTS ?? 3000);
const OIOI_KEY = 'oioi-sim-key-cpo-1';

let world: World;
let wire: Wire;
beforeAll(async () => {
  world = await startWorld();
  wire = Wire.of(world.sim.url);
});
afterAll(async () => {
  wire.close();
  await world.sim.stop();
});

/** A tariff with every kind of price component and restriction Plugsurfing takes. */
const richTariff = (id: string) =>
  tariff(id, {
    elements: [
      { price_components: [{ type: 'FLAT', price: 0.5, step_size: 1 }] },
      {
        price_components: [
          { type: 'ENERGY', price: 0.25, step_size: 1000 },
          { type: 'TIME', price: 2, step_size: 60 },
        ],
        restrictions: { start_time: '20:00', end_time: '06:00', day_of_week: ['MONDAY', 'SATURDAY', 'SUNDAY'], min_kwh: 5, max_kwh: 50 },
      },
      { price_components: [{ type: 'TIME', price: 1.5, step_size: 300 }], restrictions: { min_duration: 1800, max_duration: 7200 } },
      { price_components: [{ type: 'ENERGY', price: 0.35, step_size: 1 }] },
    ],
  });

function richCdr(id: string, authId: string) {
  return {
    ...cdr(authId, id),
    tariffs: [richTariff('T-IN-CDR')],
    charging_periods: [
      {
        start_date_time: '2026-01-15T10:01:00Z',
        dimensions: [
          { type: 'ENERGY', volume: 4.5 },
          { type: 'TIME', volume: 0.5 },
          { type: 'MAX_CURRENT', volume: 32 },
        ],
      },
      {
        start_date_time: '2026-01-15T10:31:00Z',
        dimensions: [
          { type: 'ENERGY', volume: 5.5 },
          { type: 'TIME', volume: 0.5 },
          { type: 'FLAT', volume: 1 },
        ],
      },
      { start_date_time: '2026-01-15T11:01:00Z', dimensions: [{ type: 'PARKING_TIME', volume: 0.25 }] },
    ],
    total_cost: 6.42,
    total_energy: 10,
    total_time: 1,
    total_parking_time: 0.25,
  };
}

interface Aim {
  name: string;
  method: 'PUT' | 'PATCH' | 'POST';
  /** The route pattern (for the oracle), or undefined for OIOI (no oracle: anything but 5xx). */
  pattern?: string;
  path: (n: number) => string;
  body: (n: number) => unknown;
  /** Keep ids in the body equal to those in the path. */
  fix?: (body: any, n: number) => void;
}

const L = '/ocpi/2.1.1/locations/:country_code/:party_id/:location_id';
const setId = (field: string, value: (n: number) => string) => (b: any, n: number) => {
  if (b && typeof b === 'object' && !Array.isArray(b)) b[field] = value(n);
};

function aims(authIds: string[]): Aim[] {
  return [
    {
      name: 'PUT location',
      method: 'PUT',
      pattern: L,
      path: (n) => `/ocpi/2.1.1/locations/NL/TNM/V${n}`,
      body: (n) => location(`V${n}`),
      fix: setId('id', (n) => `V${n}`),
    },
    {
      name: 'PATCH location',
      method: 'PATCH',
      pattern: L,
      path: () => '/ocpi/2.1.1/locations/NL/TNM/LOC1',
      body: () => ({
        name: 'p',
        opening_times: { twentyfourseven: false, regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '20:00' }] },
      }),
    },
    {
      name: 'PUT evse',
      method: 'PUT',
      pattern: `${L}/:evse_uid`,
      path: (n) => `/ocpi/2.1.1/locations/NL/TNM/LOC1/X${n % 50}`,
      body: (n) => evse(`X${n % 50}`),
      fix: setId('uid', (n) => `X${n % 50}`),
    },
    {
      name: 'PATCH evse',
      method: 'PATCH',
      pattern: `${L}/:evse_uid`,
      path: () => '/ocpi/2.1.1/locations/NL/TNM/LOC1/E2',
      body: () => ({ status: 'CHARGING', capabilities: ['RFID_READER'] }),
    },
    {
      name: 'PUT connector',
      method: 'PUT',
      pattern: `${L}/:evse_uid/:connector_id`,
      path: (n) => `/ocpi/2.1.1/locations/NL/TNM/LOC1/E1/${n % 9}`,
      body: (n) => connector(String(n % 9), { tariff_id: 'T1' }),
      fix: setId('id', (n) => String(n % 9)),
    },
    {
      name: 'PATCH connector',
      method: 'PATCH',
      pattern: `${L}/:evse_uid/:connector_id`,
      path: () => '/ocpi/2.1.1/locations/NL/TNM/LOC1/E1/1',
      body: () => ({ voltage: 400, amperage: 16, tariff_id: 'T1' }),
    },
    {
      name: 'PUT tariff',
      method: 'PUT',
      pattern: '/ocpi/2.1.1/tariffs/:country_code/:party_id/:tariff_id',
      path: (n) => `/ocpi/2.1.1/tariffs/NL/TNM/VT${n % 100}`,
      body: (n) => richTariff(`VT${n % 100}`),
      fix: setId('id', (n) => `VT${n % 100}`),
    },
    {
      name: 'PATCH tariff',
      method: 'PATCH',
      pattern: '/ocpi/2.1.1/tariffs/:country_code/:party_id/:tariff_id',
      path: () => '/ocpi/2.1.1/tariffs/NL/TNM/T1',
      body: () => ({ elements: richTariff('T1').elements }),
    },
    {
      name: 'POST authorize',
      method: 'POST',
      pattern: '/ocpi/2.1.1/tokens/:token_uid/authorize',
      path: (n) =>
        `/ocpi/2.1.1/tokens/${['PS-RFID-ALLOWED-01', 'PS-RFID-BLOCKED-01', 'PS-RFID-EXPIRED-01', '04A2B3C4D5E6F7'][n % 4]}/authorize`,
      body: () => ({ location_id: 'LOC1', evse_uids: ['E1', 'E2', 'X1'], connector_ids: ['1', '2'] }),
    },
    {
      name: 'POST cdr',
      method: 'POST',
      pattern: '/ocpi/2.1.1/cdrs',
      path: () => '/ocpi/2.1.1/cdrs',
      body: (n) => richCdr(`VC${n}`, authIds[n % authIds.length] as string),
      fix: setId('id', (n) => `VC${n}`),
    },
    {
      name: 'OIOI station-post',
      method: 'POST',
      path: (n) => `/api/v${3 + (n % 2)}/request`,
      body: (n) => stationPost(station(`vs-${n % 40}`)),
    },
    {
      name: 'OIOI connector-post-status',
      method: 'POST',
      path: (n) => `/api/v${3 + (n % 2)}/request`,
      body: (n) => statusPost(`DE*ABC*Evs-${n % 40}*1`, ['Available', 'Occupied', 'Offline', 'Reserved', 'Unknown'][n % 5] as string),
    },
    {
      name: 'OIOI rfid-verify',
      method: 'POST',
      path: (n) => `/api/v${3 + (n % 2)}/request`,
      body: (n) => rfidVerify(['04A2B3C4D5E6F7', '04B2B3C4D5E6F7', 'DEADBEEF'][n % 3] as string),
    },
    {
      name: 'OIOI session-post',
      method: 'POST',
      path: (n) => `/api/v${3 + (n % 2)}/request`,
      body: (n) =>
        sessionPost(
          `vsess-${n % 30}`,
          `DE*ABC*Evs-${n % 40}*1`,
          { id: '04A2B3C4D5E6F7' },
          { start: '2026-01-15T10:00:00+01:00', ...(n % 3 ? { stop: '2026-01-15T11:00:00+01:00' } : {}) },
          {
            'charged-energy': 10.5,
            price: { 'total-net': 3.5, 'total-gross': 4.2, currency: 'EUR' },
          },
        ),
    },
  ];
}

it(`${REQUESTS} edited valid requests: never a 5xx or a logged error; admin views render all; the store reloads exactly (seed ${SEED})`, async () => {
  const authIds = ['PS-RFID-ALLOWED-01', 'PS-RFID-BLOCKED-01', 'PS-APP-ALLOWED-01'].map(
    (uid) => (world.sim.deps.store.get<{ token: { auth_id: string } }>('tokens', uid) as { token: { auth_id: string } }).token.auth_id,
  );
  const list = aims(authIds);
  const statuses = new Map<string, number>();
  const problems: string[] = [];
  let stillValid = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < REQUESTS; i = next++) {
      const rng = Rng.at(SEED, i);
      const aim = rng.pick(list);
      let body = aim.body(i) as unknown;
      const edits: string[] = [];
      // Mostly edits that keep the object valid (judged by the route's schema), some that do not.
      const keepValid = aim.pattern !== undefined && rng.chance(0.8);
      for (let k = rng.int(1, 4); k > 0; k--) {
        for (let tries = 0; tries < 10; tries++) {
          const e = rng.chance(0.7) ? tweakJson(rng, body) : mutateJson(rng, body);
          aim.fix?.(e.value, i);
          if (keepValid && !world.mightAccept(aim.method, aim.pattern as string, JSON.parse(JSON.stringify(e.value)))) continue;
          body = e.value;
          edits.push(e.what);
          break;
        }
      }
      if (keepValid) stillValid++;
      const headers: [string, string][] = [
        ['Authorization', aim.pattern ? `Token ${world.partyToken}` : `key=${OIOI_KEY}`],
        ['Content-Type', 'application/json'],
      ];
      let res: Awaited<ReturnType<Wire['send']>>;
      try {
        res = await wire.send({ method: aim.method, path: aim.path(i), headers, body: Buffer.from(JSON.stringify(body)) });
      } catch (err) {
        problems.push(`#${i} ${aim.name} [${edits.join(', ')}]: no answer (${(err as Error).message})`);
        continue;
      }
      const key = `${aim.name} ${res.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      let json: any;
      try {
        json = JSON.parse(res.body.toString('utf8'));
      } catch {
        json = undefined;
      }
      const bad =
        res.status >= 500
          ? `HTTP ${res.status}`
          : json === undefined
            ? 'not JSON'
            : aim.pattern && !(Number.isInteger(json.status_code) && res.status >= 300 === (json.status_code !== 1000))
              ? `HTTP ${res.status} with status_code ${json.status_code}`
              : undefined;
      if (bad && problems.length < 40)
        problems.push(`#${i} ${aim.name} [${edits.join(', ')}] -> ${bad}: ${res.body.toString('utf8').slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: 12 }, worker));

  // Every admin view renders whatever was stored.
  const admin: [string, string][] = [['Authorization', `Bearer ${'hostile-admin-token-7f3a'}`]];
  for (const path of [
    '/admin/locations?limit=1000',
    '/admin/tariffs?limit=1000',
    '/admin/cdrs?limit=1000',
    '/admin/findings?limit=1000',
    '/admin/authorizations?limit=1000',
    '/admin/state',
    '/admin/journal?limit=1000',
    '/admin/oioi/sessions',
  ]) {
    const res = await wire.send({ method: 'GET', path, headers: admin });
    if (res.status !== 200) problems.push(`GET ${path}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
  }
  for (let offset = 0; offset < 20; offset += 5) {
    const res = await wire.send({
      method: 'GET',
      path: `/ocpi/2.1.1/tokens?offset=${offset}&limit=5`,
      headers: [['Authorization', `Token ${world.partyToken}`]],
    });
    if (res.status !== 200) problems.push(`GET tokens page ${offset}: HTTP ${res.status}`);
  }
  const byAim = [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${v}`);
  console.log(
    `fuzz of valid input (seed ${SEED}): requests tried: ${REQUESTS} (${stillValid} kept valid by their schema), 5xx seen: ${byAim.filter((s) => / 5\d\d:/.test(s)).length}\n  ${byAim.join(', ')}`,
  );
  expect(problems).toEqual([]);
  expect(world.logged.filter((l) => l.includes('"level":"error"'))).toEqual([]);

  const inMemory = JSON.stringify(world.sim.deps.store.snapshot());
  await world.sim.stop();
  const reloaded = await FileStore.open(world.dbFile);
  try {
    expect(JSON.stringify(reloaded.snapshot())).toBe(inMemory);
  } finally {
    await reloaded.close();
  }
}, 120_000);
