// What the bench sends and stores: a ~2 KB Location with two EVSEs, status PATCHes, authorization
// references, CDRs, Plugsurfing tokens, and a DB_FILE snapshot holding N locations (written in the
// FileStore's own format, so a large network is there at start without pushing it first).
import { writeFileSync } from 'node:fs';
import { snapshotText } from '../src/store/snapshot.js';
import type { LoggedMutation } from '../src/store/store.js';

export const CPO = { country_code: 'NL', party_id: 'TST' } as const;
export const PARTY = `${CPO.country_code}*${CPO.party_id}`;
export const LOCATIONS_PATH = `/ocpi/2.1.1/locations/${CPO.country_code}/${CPO.party_id}`;

const STAMP = '2024-05-01T10:00:00Z';
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Location id `<prefix>-<n>`: EVSE uids `<id>-1`, `<id>-2`; connector ids `1` on each. */
export const locationId = (prefix: string, n: number) => `${prefix}-${pad(n, 6)}`;

function connector(id: string, standard: string, power: string, voltage: number, amperage: number) {
  return { id, standard, format: 'CABLE', power_type: power, voltage, amperage, tariff_id: TARIFF_ID, last_updated: STAMP };
}

function evse(locId: string, k: number, n: number) {
  const ac = k === 1;
  return {
    uid: `${locId}-${k}`,
    evse_id: `NL*TST*E${pad(n, 7)}*${k}`,
    status: 'AVAILABLE',
    capabilities: ['RFID_READER', 'REMOTE_START_STOP_CAPABLE'],
    connectors: [ac ? connector('1', 'IEC_62196_T2', 'AC_3_PHASE', 400, 32) : connector('1', 'IEC_62196_T2_COMBO', 'DC', 920, 200)],
    floor_level: '-1',
    coordinates: { latitude: '52.372310', longitude: '4.893250' },
    physical_reference: `P${k}`,
    directions: [{ language: 'en', text: `Bay ${k}, next to the pay station` }],
    parking_restrictions: ['EV_ONLY'],
    last_updated: STAMP,
  };
}

/** A valid OCPI 2.1.1 Location of about 2 KB (see `locationBytes`), inside the Territory. */
export function location(id: string, n = 0) {
  return {
    id,
    type: 'PARKING_GARAGE',
    name: `Benchmark garage ${n}`,
    address: `Keizersgracht ${(n % 900) + 1}`,
    city: 'Amsterdam',
    postal_code: '1015 CJ',
    country: 'NLD',
    coordinates: { latitude: '52.372310', longitude: '4.893250' },
    evses: [evse(id, 1, n), evse(id, 2, n)],
    directions: [{ language: 'en', text: 'Enter from the canal side, level -1, follow the EV signs.' }],
    operator: { name: 'Test CPO B.V.', website: 'https://cpo.example.com' },
    facilities: ['CAFE', 'WIFI'],
    time_zone: 'Europe/Amsterdam',
    opening_times: { twentyfourseven: true },
    charging_when_closed: true,
    images: [{ url: 'https://cpo.example.com/img/garage.jpg', category: 'LOCATION', type: 'jpeg', width: 800, height: 600 }],
    energy_mix: {
      is_green_energy: true,
      energy_sources: [
        { source: 'SOLAR', percentage: 40 },
        { source: 'WIND', percentage: 60 },
      ],
      supplier_name: 'Green Power B.V.',
      energy_product_name: 'Groene stroom',
    },
    last_updated: STAMP,
  };
}

export const locationBytes = () => Buffer.byteLength(JSON.stringify(location(locationId('L', 0), 0)));

/** When this bench run started: the last_updated of every status PATCH it sends. */
const PATCH_STAMP = new Date().toISOString();
const STATUSES = ['CHARGING', 'AVAILABLE', 'BLOCKED', 'AVAILABLE'] as const;

/**
 * The i-th EVSE status PATCH over `stored` locations: path and body. last_updated is one instant
 * for the whole run (newer than the stored objects): autocannon builds a connection's next
 * request before the previous answer arrives, so a clock read there, or a counter, would reach
 * the simulator out of order now and then, and be reported (rightly) as going backwards.
 */
export function statusPatch(i: number, stored: number, prefix: string): { path: string; body: string } {
  const loc = locationId(prefix, i % stored);
  const uid = `${loc}-${1 + ((i >> 1) % 2)}`;
  const body = JSON.stringify({ status: STATUSES[i % STATUSES.length], last_updated: PATCH_STAMP });
  return { path: `${LOCATIONS_PATH}/${loc}/${uid}`, body };
}

export const tokenUid = (n: number) => `BENCH${pad(n, 6)}`;

export const TARIFF_ID = 'TARIFF-AC-1';

/** The tariff every bench connector names (pushed before the locations, as a CPO's sync does). */
export function tariff() {
  return {
    id: TARIFF_ID,
    currency: 'EUR',
    elements: [{ price_components: [{ type: 'ENERGY', price: 0.42, step_size: 1 }] }],
    last_updated: STAMP,
  };
}

/** A Plugsurfing token as the admin API and the store take it. */
export function token(n: number) {
  return {
    uid: tokenUid(n),
    type: 'RFID',
    auth_id: `DE-8PS-C${pad(n, 8)}-X`,
    visual_number: `DE-8PS-${pad(n, 8)}`,
    issuer: 'Plugsurfing',
    valid: true,
    whitelist: 'ALLOWED',
    language: 'en',
    last_updated: STAMP,
  };
}

/** The i-th authorization: a token at a stored location, naming one EVSE. */
export function authorizeRequest(i: number, stored: number, tokens: number, prefix: string): { path: string; body: string } {
  const loc = locationId(prefix, i % stored);
  const body = JSON.stringify({ location_id: loc, evse_uids: [`${loc}-${1 + (i % 2)}`], connector_ids: ['1'] });
  return { path: `/ocpi/2.1.1/tokens/${tokenUid(i % tokens)}/authorize`, body };
}

/** A CDR with a unique id, at a stored location, for a known token; its cost is the tariff's (12.5 kWh at 0.42). */
export function cdr(id: string, n: number, stored: number, prefix: string) {
  const full = location(locationId(prefix, n % stored), n);
  const used = full.evses[0] as ReturnType<typeof evse>;
  return {
    id,
    start_date_time: '2024-05-01T10:00:00Z',
    stop_date_time: '2024-05-01T11:00:00Z',
    auth_id: token(n % 100).auth_id,
    auth_method: 'AUTH_REQUEST',
    location: { ...full, evses: [used] },
    meter_id: 'M-1',
    currency: 'EUR',
    charging_periods: [
      {
        start_date_time: '2024-05-01T10:00:00Z',
        dimensions: [
          { type: 'ENERGY', volume: 12.5 },
          { type: 'TIME', volume: 1 },
        ],
      },
    ],
    total_cost: 5.25,
    total_energy: 12.5,
    total_time: 1,
    last_updated: '2024-05-01T11:00:05Z',
  };
}

/** The token the bench CPO calls us with (pre-registered through the FIXTURES file). */
export const CPO_TOKEN = 'bench-cpo-token-c';

/** How a request reaches the simulator: `fetch` against its URL, or its app's `request()` in process. */
export type Send = (path: string, init: RequestInit) => Response | Promise<Response>;

/** PUT `body` as the bench CPO; throws unless the answer is OCPI status 1000. */
export async function putAsCpo(send: Send, path: string, body: unknown): Promise<void> {
  const res = await send(path, {
    method: 'PUT',
    headers: { authorization: `Token ${CPO_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { status_code?: number };
  if (answer.status_code !== 1000) throw new Error(`PUT ${path}: HTTP ${res.status} ${JSON.stringify(answer)}`);
}

/** The tariff the bench's connectors name, pushed first as a CPO's sync would. */
export const pushTariff = (send: Send) => putAsCpo(send, `/ocpi/2.1.1/tariffs/${CPO.country_code}/${CPO.party_id}/${TARIFF_ID}`, tariff());

/**
 * A FIXTURES file (src/fixtures/file.ts): the bench CPO registered without a handshake (no
 * endpoints, so nothing is pushed to it) and `tokens` Plugsurfing tokens that answer ALLOWED.
 */
export function writeFixtures(file: string, tokens: number): void {
  const party = { ...CPO, token: CPO_TOKEN, business_details: { name: 'Bench CPO' } };
  const list = Array.from({ length: tokens }, (_, n) => ({ ...token(n), allowed: 'ALLOWED' }));
  writeFileSync(file, JSON.stringify({ parties: [party], tokens: list }));
}

/**
 * A DB_FILE snapshot (src/store/snapshot.ts) holding `count` locations of the bench CPO
 * (src/ocpi/records.ts StoredLocation, keyed `CC*PID/<id>`). The party itself comes from the
 * FIXTURES file, and owns them because its key matches.
 */
export function writeSnapshot(file: string, count: number, prefix: string): number {
  const locations = new Map<string, unknown>();
  for (let n = 0; n < count; n++) {
    const id = locationId(prefix, n);
    locations.set(`${PARTY}/${id}`, { party: PARTY, protocol: 'ocpi', location: location(id, n), created_at: STAMP });
  }
  // The text the store itself writes at compaction (one value per line, src/store/snapshot.ts).
  const text = snapshotText([['locations', locations]], 0);
  writeFileSync(file, text);
  return Buffer.byteLength(text);
}

/**
 * The log a SIGKILL leaves under a sustained status PATCH stream (src/store/file.ts): `lines`
 * status changes over the `stored` locations of writeSnapshot, one per line as the store logs a
 * PATCH (a `set` of the EVSE's status and last_updated, and the Location's last_updated). Bytes.
 */
export function writeStatusLog(file: string, stored: number, lines: number, prefix: string): number {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const evse = i % 2;
    const at = `2024-05-01T11:00:${String(i % 60).padStart(2, '0')}Z`; // after the snapshot's STAMP
    const line: LoggedMutation[] = [
      {
        op: 'set',
        collection: 'locations',
        key: `${PARTY}/${locationId(prefix, i % stored)}`,
        changes: [
          { path: ['location', 'evses', evse, 'status'], value: i % 3 ? 'CHARGING' : 'AVAILABLE' },
          { path: ['location', 'evses', evse, 'last_updated'], value: at },
          { path: ['location', 'last_updated'], value: at },
        ],
      },
    ];
    out.push(JSON.stringify(line));
  }
  const text = `${out.join('\n')}\n`;
  writeFileSync(file, text);
  return Buffer.byteLength(text);
}
