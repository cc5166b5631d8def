// Writes to a stored Location on the file store: the log records only the paths that changed
// (store/changes.ts, store.ts `update`), and a restart that replays the log rebuilds exactly the
// Location memory held, key order included.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FileStore } from '../src/store/file.js';
import { startSim, type TestSim } from './helpers/sim.js';
import { copyStoreFiles, logText } from './helpers/store-files.js';
import { connector, evse, LOC, location } from './locations-fixtures.js';

let sim: TestSim;
let token: string;
let dbFile: string;
beforeEach(async () => {
  dbFile = join(mkdtempSync(join(tmpdir(), 'emp-sim-log-')), 'db.json');
  sim = await startSim({ dbFile });
  ({ token } = await sim.addParty('NL', 'TNM'));
});
afterEach(() => sim.stop());

const at = (minute: number) => `2026-01-15T10:${String(minute).padStart(2, '0')}:00Z`;

/** The store as a restart would rebuild it from these files now (copied: the simulator keeps running). */
const replayed = (): Promise<FileStore> => FileStore.open(copyStoreFiles(dbFile));

it('writes to a stored Location log only what changed, and the log replays to the same Locations', async () => {
  const two = location('LOC1', { last_updated: at(0), evses: [evse('E1', { last_updated: at(0) }), evse('E2', { last_updated: at(0) })] });
  const steps: [string, string, unknown][] = [
    ['PUT', '', two],
    ['PATCH', '/E2', { status: 'CHARGING', last_updated: at(1) }],
    ['PATCH', '/E2/1', { amperage: 16, last_updated: at(2) }],
    ['PUT', '/E2/3', connector('3', { last_updated: at(3) })], // a new connector of a known EVSE: still that EVSE
    ['PUT', '/E1', evse('E1', { status: 'BLOCKED', last_updated: at(4) })],
    ['PUT', '/E3', evse('E3', { last_updated: at(5) })], // a new EVSE: the whole Location
    ['PATCH', '/E3', { status: 'OUTOFORDER', last_updated: at(6) }],
    ['PATCH', '', { name: 'renamed', last_updated: at(7) }],
    ['PATCH', '/E2', { status: 'AVAILABLE', last_updated: at(8) }],
  ];
  for (const [method, sub, json] of steps) {
    const res = await sim.call(method, `${LOC}/NL/TNM/LOC1${sub}`, { token, json });
    expect(res.body.status_code, `${method} ${sub}: ${res.body.status_message}`).toBe(1000);
  }
  const held = sim.deps.store.get<{ location: any }>('locations', 'NL*TNM/LOC1');
  expect(held?.location.evses.map((e: any) => [e.uid, e.status, e.connectors.length])).toEqual([
    ['E1', 'BLOCKED', 2],
    ['E2', 'AVAILABLE', 3],
    ['E3', 'OUTOFORDER', 2],
  ]);
  expect(held?.location.last_updated).toBe(at(8));

  const lines = logText(dbFile)
    .replace(/\0+$/, '')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { op: string; collection: string; changes?: { path: unknown[] }[] }[]);
  const locationWrites = lines.flatMap((batch) => batch.filter((m) => m.collection === 'locations'));
  const L = '"location"';
  const E = (i: number) => `${L},"evses",${i}`;
  expect(locationWrites.map((m) => (m.op === 'set' ? m.changes?.map((c) => JSON.stringify(c.path).slice(1, -1)) : m.op))).toEqual([
    'put',
    [`${E(1)},"status"`, `${E(1)},"last_updated"`, `${L},"last_updated"`],
    [`${E(1)},"connectors",0,"amperage"`, `${E(1)},"connectors",0,"last_updated"`, `${E(1)},"last_updated"`, `${L},"last_updated"`],
    [`${E(1)},"connectors"`, `${E(1)},"last_updated"`, `${L},"last_updated"`], // a connector added: the list
    [`${E(0)},"status"`, `${E(0)},"last_updated"`, `${L},"last_updated"`], // a PUT of the same EVSE: what differs
    [`${L},"evses"`, `${L},"last_updated"`], // an EVSE added: the list
    [`${E(2)},"status"`, `${E(2)},"last_updated"`, `${L},"last_updated"`],
    [`${L},"name"`, `${L},"last_updated"`],
    [`${E(1)},"status"`, `${E(1)},"last_updated"`, `${L},"last_updated"`],
  ]);
  // A status PATCH logs ~200 bytes, not the Location.
  expect(JSON.stringify(lines.at(-1)).length).toBeLessThan(300);

  const restarted = await replayed();
  try {
    expect(JSON.stringify(restarted.get('locations', 'NL*TNM/LOC1'))).toBe(JSON.stringify(held));
    expect(JSON.stringify(restarted.snapshot())).toBe(JSON.stringify(sim.deps.store.snapshot()));
  } finally {
    await restarted.close();
  }
});
