// The copies a status PATCH makes of what it replaces (the EVSE merged with the patch, the
// Location, the record around it), by spread as before and by store/copy.ts, over a Map of N
// zod-parsed bench Locations, each PATCHed in turn: a version lives until that Location's next
// PATCH, as in the simulator. Process CPU per PATCH, GC included; the two ways interleaved.
//
//   npx tsx bench/copies.ts [--stored 100,30000] [--patches 2000000] [--rounds 5]
//
// Not part of `npm test`. bench/README.md, "Compact copies" (December, seventh session).
import { parseArgs } from 'node:util';
import { later } from '../src/ocpi/locations/owned.js';
import { type EVSE, Location } from '../src/ocpi/locations/schema.js';
import { evsesOf, withEvse } from '../src/ocpi/locations/tree.js';
import type { StoredLocation } from '../src/ocpi/records.js';
import { withFields } from '../src/store/copy.js';
import { location } from './data.js';
import { medianOf } from './report.js';

const { values } = parseArgs({
  options: {
    stored: { type: 'string', default: '100,30000' },
    patches: { type: 'string', default: '2000000' },
    rounds: { type: 'string', default: '5' },
  },
});
const PATCHES = Number(values.patches);
const ROUNDS = Number(values.rounds);

type Way = 'spread' | 'compact';

/** What the PATCH paths did before store/copy.ts (service.ts, tree.ts `withEvse`). */
function spreadEdit(stored: StoredLocation, at: number, patch: object, last_updated: string): StoredLocation {
  const l = stored.location;
  const evse: EVSE = { ...(evsesOf(l)[at] as EVSE), ...patch, last_updated };
  const evses = evsesOf(l).slice();
  evses[at] = evse;
  return { ...stored, location: { ...l, evses, last_updated: later(l.last_updated, evse.last_updated) } };
}

function compactEdit(stored: StoredLocation, at: number, patch: object, last_updated: string): StoredLocation {
  const evse = withFields(evsesOf(stored.location)[at] as EVSE, patch, { last_updated });
  return withFields(stored, { location: withEvse(stored.location, at, evse) });
}

function run(way: Way, stored: number): number {
  const store = new Map<number, StoredLocation>();
  for (let i = 0; i < stored; i++) {
    const parsed = Location.parse(location(`LOC${i}`, i));
    store.set(i, { party: 'NL*TST', protocol: 'ocpi', location: parsed, created_at: '2024-05-01T10:00:00.000Z' });
  }
  const edit = way === 'spread' ? spreadEdit : compactEdit;
  const before = process.cpuUsage();
  for (let n = 0; n < PATCHES; n++) {
    const key = n % stored;
    const patch = { status: n & 2 ? 'CHARGING' : 'AVAILABLE' };
    store.set(key, edit(store.get(key) as StoredLocation, n & 1, patch, `2024-05-02T10:00:${String(n % 60).padStart(2, '0')}Z`));
  }
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / PATCHES) * 1000;
}

const results = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const stored of (values.stored as string).split(',').map(Number)) {
    for (const way of ['spread', 'compact'] as const) {
      const key = `${way} ${stored}`;
      results.set(key, [...(results.get(key) ?? []), run(way, stored)]);
    }
  }
}
console.log(`the copies of one status PATCH, ${PATCHES} PATCHes, ${ROUNDS} rounds: ns of process CPU per PATCH, median (each round)`);
for (const [key, ns] of results)
  console.log(`  ${key.padEnd(14)} ${medianOf(ns).toFixed(0).padStart(6)} (${ns.map((x) => x.toFixed(0)).join(' ')})`);
