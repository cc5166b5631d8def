// Issue 7 and 8: a compaction writes the snapshot in chunks while requests and writes go on
// (src/store/snapshot-file.ts). A simulator process holding ~8,000 Locations (a ~17 MB log, so the
// idle compaction takes a while) is killed with SIGKILL in the middle of that compaction, with a
// Location PUT/PATCH load running, at seeded moments, in several rounds. After each restart every
// acknowledged write is there (the load's Locations equal a reference simulator's, as in
// crash-load.test.ts) and so is every filler Location; the temporary snapshot file left behind by
// the kill does not stop the next start. CRASH_SEED overrides the seed.
// (The kill comes after 1-10 acknowledged writes, well inside a compaction that takes hundreds of
// ms here; whether it came before the rename is read from the snapshot left on disk.)
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseSnapshot } from '../../src/store/snapshot.js';
import { spawnSim } from '../helpers/process.js';
import { baseLocation, LOC, LocationLoad, loadHarness, prepareDb, sendOp } from './load.js';
import { Rng } from './rng.js';

const SEED = Number(process.env.CRASH_SEED ?? 20261206);
const ROUNDS = 3;
const FILLER = 8000;

const harness = loadHarness();

const health = async (url: string) => (await (await fetch(`${url}/health`)).json()) as { compacting: boolean };

/** PUT `count` new Locations of party NL*FIL, 16 at a time (ids from `from`): the log grows ~2 KB each. */
async function fill(url: string, token: string, from: number, count: number): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < from + count) {
        const id = `F${next++}`;
        const r = await sendOp(url, token, { method: 'PUT', path: `${LOC}/NL/FIL/${id}`, body: baseLocation(id, 1) });
        if (r.kind !== 'ack') throw new Error(`filler PUT ${id}: ${JSON.stringify(r)}`);
      }
    }),
  );
}

/** The log generation the snapshot on disk starts from (read by the store's own parser). */
const snapshotGeneration = (db: string) => parseSnapshot(readFileSync(db)).header.log_generation;

async function fillerCount(url: string): Promise<number> {
  return ((await (await fetch(`${url}/admin/locations?party=NL*FIL&limit=1`)).json()) as { total: number }).total;
}

it(`SIGKILL during a compaction, writes going on, at ${ROUNDS} seeded moments loses no acknowledged write (seed ${SEED})`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emp-sim-crash-compaction-'));
  const db = join(dir, 'db.json');
  const tokens = await prepareDb(db, [
    ['NL', 'TNM'],
    ['NL', 'FIL'],
  ]);
  const rng = new Rng(SEED);
  const load = new LocationLoad(SEED, harness.reference, 6, 2);
  let filled = 0;
  /** Kills that came before the compaction renamed its snapshot into place (its header still names the old log). */
  let beforeRename = 0;
  let tempLeft = 0;

  for (let round = 0; round <= ROUNDS; round++) {
    const sim = await spawnSim({ DB_FILE: db });
    harness.live = sim;
    await load.verify(sim.url);
    expect(await fillerCount(sim.url)).toBe(filled);
    if (round === ROUNDS) {
      expect(await sim.kill('SIGTERM')).toBe(0);
      break;
    }
    // Enough writes for a compaction once idle (the first round writes the filler, later rounds
    // a little more: the log of the round before is replayed, not yet compacted).
    const adding = round === 0 ? FILLER : 4000;
    await fill(sim.url, tokens['NL*FIL'] as string, filled, adding);
    filled += adding;
    // The idle compaction begins 1 s after the last write.
    const waitStart = performance.now();
    while (!(await health(sim.url)).compacting) {
      if (performance.now() - waitStart > 10_000) throw new Error('no compaction began within 10 s of the last write');
      await new Promise((r) => setTimeout(r, 2));
    }
    const generation = snapshotGeneration(db);
    // Writes while it runs, and the kill after a seeded number of them.
    const killAfterAcks = rng.int(1, 10);
    let killed: Promise<unknown> | undefined;
    await load.run(sim.url, tokens['NL*TNM'] as string, round, (acks) => {
      if (acks !== killAfterAcks) return;
      load.stop();
      killed = sim.kill('SIGKILL');
    });
    if (!killed) killed = sim.kill('SIGKILL');
    await killed;
    if (snapshotGeneration(db) === generation) beforeRename++;
    if (existsSync(join(dir, '.db.json.tmp'))) tempLeft++; // half written: the next start ignores it
  }

  console.log(
    `crash during compaction (seed ${SEED}): ${ROUNDS} SIGKILLs, ${beforeRename} before the new snapshot was renamed into place ` +
      `(${tempLeft} leaving it half written), ${load.acked} acknowledged writes during compactions, lost: ${load.lost.length}, filler Locations: ${filled}`,
  );
  expect(load.refused).toEqual([]);
  expect(load.lost).toEqual([]);
  // Writes went on during the compactions, and kills came inside them (a kill can also come
  // just after the rename, while old logs are removed: then the new snapshot holds everything).
  expect(load.acked).toBeGreaterThanOrEqual(ROUNDS);
  expect(beforeRename).toBeGreaterThanOrEqual(1);
}, 150_000);
