// A write load on Locations (PUT and PATCH of a Location, an EVSE, a Connector) for the crash,
// shutdown, disk-full and concurrency tests: seeded operations, each acknowledged or not, and a
// way to prepare a DB_FILE with registered parties before a simulator process starts on it.
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import type { SimProcess } from '../helpers/process.js';
import { startSim, type TestSim } from '../helpers/sim.js';
import { connector, evse, location } from '../locations-fixtures.js';
import { FileStore } from '../../src/store/file.js';
import { put } from '../../src/store/store.js';
import { newToken, partyKey, registeredParty } from '../../src/ocpi/parties.js';
import { Rng } from './rng.js';

export const LOC = '/ocpi/2.1.1/locations';

/**
 * For a test file that kills or stops a simulator process under a LocationLoad: the reference
 * simulator (in process, party NL*TNM) the load mirrors its acknowledged writes to, and `live`,
 * the process under test, SIGKILLed if the test ends early. Registers the file's hooks.
 */
export function loadHarness(): { reference: { url: string; token: string }; live: SimProcess | undefined } {
  const harness = { reference: { url: '', token: '' }, live: undefined as SimProcess | undefined };
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startSim();
    harness.reference.url = sim.url;
    harness.reference.token = (await sim.addParty('NL', 'TNM')).token;
  });
  afterAll(async () => {
    const live = harness.live;
    if (live && live.child.exitCode === null && live.child.signalCode === null) await live.kill('SIGKILL');
    await sim.stop();
  });
  return harness;
}

export interface LocationOp {
  method: 'PUT' | 'PATCH';
  /** Below the OCPI base, e.g. /ocpi/2.1.1/locations/NL/TNM/L1/E1 */
  path: string;
  body: unknown;
  /** e.g. "PATCH evse E2" */
  label: string;
  locationId: string;
}

/** An OCPI DateTime `seq` seconds after 2026-02-01, so every operation's time is distinct and ordered. */
export const at = (seq: number) => `${new Date(Date.parse('2026-02-01T00:00:00Z') + seq * 1000).toISOString().slice(0, 19)}Z`;

/** The Location every run starts from (also what a full PUT sends): EVSEs E1 and E2, connectors 1 and 2. */
export function baseLocation(id: string, seq: number) {
  const t = at(seq);
  const withTime = (e: any) => ({ ...e, last_updated: t, connectors: e.connectors.map((c: any) => ({ ...c, last_updated: t })) });
  return location(id, { name: `v${seq}`, last_updated: t, evses: [withTime(evse('E1')), withTime(evse('E2'))] });
}

/**
 * One write to a Location that exists (created by a full PUT first), always valid: the EVSEs E1
 * and E2 with connectors 1 and 2 always exist, so PATCHes never miss. Each carries `seq` as its
 * marker and last_updated.
 */
export function locationOp(rng: Rng, cc: string, pid: string, locationId: string, seq: number): LocationOp {
  const base = `${LOC}/${cc}/${pid}/${locationId}`;
  const t = at(seq);
  const e = rng.pick(['E1', 'E2']);
  const c = rng.pick(['1', '2']);
  switch (rng.int(0, 5)) {
    case 0:
      return { method: 'PUT', path: base, body: baseLocation(locationId, seq), label: 'PUT location', locationId };
    case 1:
      return { method: 'PATCH', path: base, body: { name: `v${seq}`, last_updated: t }, label: 'PATCH location', locationId };
    case 2: {
      const body = evse(e, { physical_reference: `v${seq}`, last_updated: t });
      body.connectors = body.connectors.map((x: any) => ({ ...x, last_updated: t }));
      return { method: 'PUT', path: `${base}/${e}`, body, label: `PUT evse ${e}`, locationId };
    }
    case 3:
      return {
        method: 'PATCH',
        path: `${base}/${e}`,
        body: { status: rng.pick(['AVAILABLE', 'CHARGING', 'BLOCKED', 'OUTOFORDER']), physical_reference: `v${seq}`, last_updated: t },
        label: `PATCH evse ${e}`,
        locationId,
      };
    case 4:
      return {
        method: 'PUT',
        path: `${base}/${e}/${c}`,
        body: connector(c, { voltage: rng.pick([230, 400]), amperage: (seq % 500) + 1, last_updated: t }),
        label: `PUT connector ${e}/${c}`,
        locationId,
      };
    default:
      return {
        method: 'PATCH',
        path: `${base}/${e}/${c}`,
        body: { amperage: (seq % 500) + 1, last_updated: t },
        label: `PATCH connector ${e}/${c}`,
        locationId,
      };
  }
}

export type Outcome =
  | { kind: 'ack'; status: number }
  | { kind: 'refused'; status: number; body: any }
  | { kind: 'no-answer'; error: string };

/** Send an operation; "ack" only for a 2xx with status_code 1000. */
export async function sendOp(url: string, token: string, op: { method: string; path: string; body: unknown }): Promise<Outcome> {
  try {
    const res = await fetch(url + op.path, {
      method: op.method,
      headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(op.body),
    });
    const body = (await res.json().catch(() => undefined)) as { status_code?: number } | undefined;
    if (res.status < 300 && body?.status_code === 1000) return { kind: 'ack', status: res.status };
    return { kind: 'refused', status: res.status, body };
  } catch (err) {
    return { kind: 'no-answer', error: (err as Error).message };
  }
}

/** The Location object as stored (GET /admin/locations/...), or undefined. */
export async function storedLocation(url: string, cc: string, pid: string, id: string, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(`${url}/admin/locations/${cc}/${pid}/${id}`, { headers });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET /admin/locations/${cc}/${pid}/${id}: HTTP ${res.status}`);
  return ((await res.json()) as { location: unknown }).location;
}

/** Register parties straight into a DB_FILE before a simulator process opens it; returns their tokens. */
export async function prepareDb(dbFile: string, parties: [string, string][]): Promise<Record<string, string>> {
  const store = await FileStore.open(dbFile);
  const tokens: Record<string, string> = {};
  const time = '2026-01-15T10:00:00.000Z';
  for (const [cc, pid] of parties) {
    const token = newToken();
    const key = partyKey(cc, pid);
    tokens[key] = token;
    const party = registeredParty({ country_code: cc, party_id: pid, token, time, business_details: { name: `CPO ${key}` } });
    await store.write([put('parties', key, party)]);
  }
  await store.close();
  return tokens;
}

interface Track {
  id: string;
  worker: number;
  exists: boolean;
  /** Sent, no answer yet (or never: the process died or closed the connection). */
  inFlight?: LocationOp;
}

/**
 * Workers writing to their own Locations (so the order per Location is known), each
 * acknowledged write mirrored to a reference simulator. After a crash or a stop, `verify`
 * checks every Location of the restarted process: it equals the reference (every acknowledged
 * write, nothing else), or the reference plus the one operation that was in flight.
 */
export class LocationLoad {
  readonly tracks: Track[] = [];
  acked = 0;
  inFlightDurable = 0;
  readonly lost: string[] = [];
  readonly refused: string[] = [];
  private seq = 0;
  private stopped = false;
  /** The process is being stopped or killed: no answer (or 503) from now on is expected. */
  private ending = false;

  constructor(
    private readonly seed: number,
    private readonly reference: { url: string; token: string },
    workers: number,
    locationsPerWorker: number,
    private readonly cc = 'NL',
    private readonly pid = 'TNM',
  ) {
    for (let w = 0; w < workers; w++)
      for (let k = 0; k < locationsPerWorker; k++) this.tracks.push({ id: `W${w}L${k}`, worker: w, exists: false });
  }

  /** Write until `stop()` or until the process stops answering. `onAck` gets the count of this run. */
  async run(url: string, token: string, round: number, onAck: (acks: number) => void = () => {}): Promise<void> {
    this.stopped = false;
    this.ending = false;
    let acks = 0;
    const workers = [...new Set(this.tracks.map((t) => t.worker))];
    await Promise.all(
      workers.map(async (w) => {
        const rng = new Rng(this.seed * 31 + round * 1009 + w);
        const mine = this.tracks.filter((t) => t.worker === w);
        while (!this.stopped) {
          const t = rng.pick(mine);
          const s = ++this.seq;
          const op: LocationOp = t.exists
            ? locationOp(rng, this.cc, this.pid, t.id, s)
            : {
                method: 'PUT',
                path: `${LOC}/${this.cc}/${this.pid}/${t.id}`,
                body: baseLocation(t.id, s),
                label: 'PUT location',
                locationId: t.id,
              };
          t.inFlight = op;
          const outcome = await sendOp(url, token, op);
          if (outcome.kind === 'no-answer') {
            if (!this.ending) this.refused.push(`${op.label} ${t.id}: no answer before the stop (${outcome.error})`);
            return; // the process is gone: this operation stays "in flight"
          }
          if (outcome.kind === 'refused') {
            // 503 while stopping: the store is closed and nothing was written.
            t.inFlight = undefined;
            if (this.ending && outcome.status === 503) return;
            this.refused.push(`${op.label} ${t.id}: HTTP ${outcome.status} ${JSON.stringify(outcome.body)}`);
            if (this.refused.length >= 10) this.stop();
            continue;
          }
          t.inFlight = undefined;
          const r = await sendOp(this.reference.url, this.reference.token, op);
          if (r.kind !== 'ack') throw new Error(`the reference refused ${op.label}: ${JSON.stringify(r)}`);
          t.exists = true;
          this.acked++;
          onAck(++acks);
        }
      }),
    );
  }

  /** No new operations; the process is about to go. */
  stop(): void {
    this.stopped = true;
    this.ending = true;
  }

  /** The process is about to go, but keep sending until it stops answering. */
  expectEnd(): void {
    this.ending = true;
  }

  async verify(url: string): Promise<void> {
    const { cc, pid } = this;
    for (const t of this.tracks) {
      const actual = await storedLocation(url, cc, pid, t.id);
      let expected = await storedLocation(this.reference.url, cc, pid, t.id);
      if (!isDeepStrictEqual(actual, expected) && t.inFlight) {
        const r = await sendOp(this.reference.url, this.reference.token, t.inFlight);
        if (r.kind !== 'ack') throw new Error(`the reference refused ${t.inFlight.label}: ${JSON.stringify(r)}`);
        expected = await storedLocation(this.reference.url, cc, pid, t.id);
        if (isDeepStrictEqual(actual, expected)) this.inFlightDurable++;
      }
      if (!isDeepStrictEqual(actual, expected)) {
        this.lost.push(`${t.id}: stored ${JSON.stringify(actual)?.slice(0, 200)}, expected ${JSON.stringify(expected)?.slice(0, 200)}`);
      }
      t.exists = actual !== undefined;
      t.inFlight = undefined;
    }
  }
}
