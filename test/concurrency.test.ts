// Issue 8, concurrency: many concurrent PUT and PATCH requests on the same Location, its EVSEs
// and connectors. The writes are observed as the store applies them; then:
// - no lost update: every acknowledged request is exactly one write, and the stored Location
//   (in memory, replayed from the log and reloaded from the snapshot) is the last write;
// - a serial order exists: replaying the requests one by one in the observed order, with the
//   same clock, on a fresh simulator gives the same Location after every step;
// - last_updated never goes backwards, except on an object a PUT replaced with an older
//   last_updated of its own (stored as sent: the CPO owns it), and each of those is a finding.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { ocpiTimestamp } from '../src/ocpi/transport/envelope.js';
import { FileStore } from '../src/store/file.js';
import type { Mutation } from '../src/store/store.js';
import { startSim, type TestSim } from './helpers/sim.js';
import { copyStoreFiles, logText } from './helpers/store-files.js';
import { Rng } from './hostile/rng.js';
import { connector, evse, location } from './locations-fixtures.js';

const SEED = 4242;
const REQUESTS = 240;
const KEY = 'NL*TNM/C1';
const PATH = '/ocpi/2.1.1/locations/NL/TNM/C1';

type Level = 'location' | 'evse' | 'connector';
interface Op {
  marker: string;
  method: 'PUT' | 'PATCH';
  level: Level;
  evse?: string;
  connector?: string;
  path: string;
  body: any;
}

const termsOf = (marker: string) => `https://t.example/${marker}`;

function makeOp(rng: Rng, i: number, now: number): Op {
  const marker = `m${i}`;
  const t = ocpiTimestamp(now);
  const e = rng.pick(['E1', 'E2']);
  const c = rng.pick(['1', '2']);
  const withTime = (x: any) => ({ ...x, last_updated: t, connectors: x.connectors.map((k: any) => ({ ...k, last_updated: t })) });
  switch (rng.int(0, 5)) {
    case 0:
      return {
        marker,
        method: 'PUT',
        level: 'location',
        path: PATH,
        body: location('C1', { name: marker, last_updated: t, evses: [withTime(evse('E1')), withTime(evse('E2'))] }),
      };
    case 1:
      return { marker, method: 'PATCH', level: 'location', path: PATH, body: { name: marker } };
    case 2:
      return {
        marker,
        method: 'PUT',
        level: 'evse',
        evse: e,
        path: `${PATH}/${e}`,
        body: withTime(evse(e, { physical_reference: marker })),
      };
    case 3:
      return { marker, method: 'PATCH', level: 'evse', evse: e, path: `${PATH}/${e}`, body: { physical_reference: marker } };
    case 4:
      return {
        marker,
        method: 'PUT',
        level: 'connector',
        evse: e,
        connector: c,
        path: `${PATH}/${e}/${c}`,
        body: connector(c, { terms_and_conditions: termsOf(marker), last_updated: t }),
      };
    default:
      return {
        marker,
        method: 'PATCH',
        level: 'connector',
        evse: e,
        connector: c,
        path: `${PATH}/${e}/${c}`,
        body: { terms_and_conditions: termsOf(marker) },
      };
  }
}

const evseOf = (loc: any, uid: string) => loc.evses.find((x: any) => x.uid === uid);
const connectorOf = (loc: any, e: string, c: string) => evseOf(loc, e)?.connectors.find((x: any) => x.id === c);

/** Does this Location carry the operation's marker where the operation puts it? */
function carries(loc: any, op: Op): boolean {
  if (!loc) return false;
  if (op.level === 'location') return loc.name === op.marker;
  if (op.level === 'evse') return evseOf(loc, op.evse as string)?.physical_reference === op.marker;
  return connectorOf(loc, op.evse as string, op.connector as string)?.terms_and_conditions === termsOf(op.marker);
}

interface Write {
  location: any;
  now: number;
}

/** Record every write of the Location, in the order the store applies them, with the clock. */
function observe(sim: TestSim, clock: ManualClock): Write[] {
  const writes: Write[] = [];
  const store = sim.deps.store;
  const write = store.write.bind(store);
  store.write = (mutations: Mutation[]) => {
    const m = mutations.find((x) => x.op === 'put' && x.collection === 'locations' && x.key === KEY);
    if (m && m.op === 'put') writes.push({ location: structuredClone((m.value as { location: unknown }).location), now: clock.now() });
    return write(mutations);
  };
  return writes;
}

let sim: TestSim;
let clock: ManualClock;
let token: string;
let dbFile: string;
beforeAll(async () => {
  dbFile = join(mkdtempSync(join(tmpdir(), 'emp-sim-concurrency-')), 'db.json');
  clock = new ManualClock();
  sim = await startSim({ dbFile }, { clock });
  token = (await sim.addParty('NL', 'TNM')).token;
});
afterAll(() => sim.stop());

it(`${REQUESTS} concurrent PUT/PATCH on one Location, its EVSEs and connectors: a serial order, no lost update, last_updated never backwards`, async () => {
  const first = makeOp(new Rng(SEED), 0, clock.now());
  const initial = {
    ...first,
    method: 'PUT' as const,
    level: 'location' as const,
    path: PATH,
    body: location('C1', { name: 'm0', evses: [evse('E1'), evse('E2')] }),
  };
  expect((await sim.call('PUT', PATH, { token, json: initial.body })).status).toBe(201);
  const writes = observe(sim, clock);

  // Fire everything at once; move the clock while the requests are in flight.
  const rng = new Rng(SEED);
  const ops: Op[] = [];
  const answers: Promise<{ status: number; body: any }>[] = [];
  for (let i = 1; i <= REQUESTS; i++) {
    const op = makeOp(rng, i, clock.now());
    ops.push(op);
    answers.push(sim.call(op.method, op.path, { token, json: op.body }));
    if (i % 20 === 0) {
      await new Promise((r) => setImmediate(r));
      clock.advance(rng.int(0, 3) * 1000);
    }
  }
  const results = await Promise.all(answers);
  expect(results.filter((r) => r.status >= 300).map((r) => r.body)).toEqual([]);

  // Each write is exactly one request's (its marker appears), each request exactly one write.
  const order: Op[] = [];
  let previous: any = initial.body;
  for (const w of writes) {
    const candidates = ops.filter((op) => !order.includes(op) && carries(w.location, op) && !carries(previous, op));
    expect(
      candidates.map((c) => c.marker),
      `write ${order.length + 1}`,
    ).toHaveLength(1);
    order.push(candidates[0] as Op);
    previous = w.location;
  }
  expect(order.length).toBe(REQUESTS);

  // No lost update: the last write is what is stored (on disk too: checked at the end).
  const last = writes.at(-1)?.location;
  expect((await sim.call('GET', '/admin/locations/NL/TNM/C1')).body.location).toEqual(last);

  // last_updated never goes backwards, except on what a PUT replaced (and then a finding says so).
  const ts = (s: string) => Date.parse(s.endsWith('Z') ? s : `${s}Z`);
  let backwardsOwn = 0;
  previous = initial.body;
  writes.forEach((w, i) => {
    const op = order[i] as Op;
    const put = op.method === 'PUT';
    const replaced = (level: Level, e?: string, c?: string) =>
      put &&
      (op.level === 'location' ||
        (op.level === 'evse' && level !== 'location' && op.evse === e) ||
        (op.level === 'connector' && level === 'connector' && op.evse === e && op.connector === c));
    const check = (what: string, before: string | undefined, after: string | undefined, level: Level, e?: string, c?: string) => {
      if (before === undefined || after === undefined || ts(after) >= ts(before)) return;
      if (replaced(level, e, c)) {
        if (op.level === level && (level === 'location' || op.evse === e) && (level !== 'connector' || op.connector === c)) backwardsOwn++;
        return;
      }
      throw new Error(`write ${i + 1} (${op.method} ${op.level} ${op.marker}): ${what} went back from ${before} to ${after}`);
    };
    check('location', previous.last_updated, w.location.last_updated, 'location');
    for (const e of ['E1', 'E2']) {
      check(`EVSE ${e}`, evseOf(previous, e)?.last_updated, evseOf(w.location, e)?.last_updated, 'evse', e);
      for (const c of ['1', '2'])
        check(
          `connector ${e}/${c}`,
          connectorOf(previous, e, c)?.last_updated,
          connectorOf(w.location, e, c)?.last_updated,
          'connector',
          e,
          c,
        );
    }
    previous = w.location;
  });
  const findings = (await sim.call('GET', '/admin/findings?rule=ocpi.last-updated-backwards&limit=1000')).body.total;
  expect(findings).toBe(backwardsOwn);

  // A serial order: the same requests one at a time, in the observed order, with the same clock.
  const replayClock = new ManualClock();
  const replay = await startSim({}, { clock: replayClock });
  try {
    const t = (await replay.addParty('NL', 'TNM')).token;
    expect((await replay.call('PUT', PATH, { token: t, json: initial.body })).status).toBe(201);
    const replayed = observe(replay, replayClock);
    for (const [i, op] of order.entries()) {
      replayClock.set((writes[i] as Write).now);
      const r = await replay.call(op.method, op.path, { token: t, json: op.body });
      expect(r.status, op.marker).toBeLessThan(300);
      expect(replayed[i]?.location, `step ${i + 1}: ${op.method} ${op.level} ${op.marker}`).toEqual((writes[i] as Write).location);
    }
  } finally {
    await replay.stop();
  }
  // Nothing was compacted yet: a copy of the files replays the log, where EVSE and connector
  // writes are only their changes (store.ts `update`), to exactly what memory holds.
  expect(logText(dbFile)).toContain('"op":"set"');
  const fromLog = await FileStore.open(copyStoreFiles(dbFile));
  try {
    expect(JSON.stringify(fromLog.snapshot())).toBe(JSON.stringify(sim.deps.store.snapshot()));
  } finally {
    await fromLog.close();
  }
  await sim.stop();
  const reloaded = await FileStore.open(dbFile);
  try {
    expect((reloaded.get('locations', KEY) as { location: unknown }).location).toEqual(last);
  } finally {
    await reloaded.close();
  }
  console.log(
    `concurrency: ${REQUESTS} concurrent requests, ${writes.length} writes, one serial order found; PUTs that moved their own last_updated back (stored as sent, with a finding): ${backwardsOwn}`,
  );
});
