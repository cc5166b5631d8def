// Issue 8, crashes: a simulator process on a DB_FILE takes a concurrent load of Location,
// EVSE and Connector PUT/PATCH and is killed with SIGKILL at seeded moments, several rounds.
// After each restart the file store loads and every acknowledged write is there: each Location
// equals a reference simulator that received exactly the acknowledged operations (in the same
// order per Location), or that plus the one operation in flight at the kill (durable, but its
// answer never arrived). CRASH_SEED overrides the seed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { spawnSim } from '../helpers/process.js';
import { LocationLoad, loadHarness, prepareDb } from './load.js';
import { Rng } from './rng.js';

const SEED = Number(process.env.CRASH_SEED ?? 20260116);
const ROUNDS = 4;

const harness = loadHarness();

it(`SIGKILL at ${ROUNDS} seeded moments under a concurrent Location PUT/PATCH load loses no acknowledged write (seed ${SEED})`, async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'emp-sim-crash-load-')), 'db.json');
  const token = (await prepareDb(db, [['NL', 'TNM']]))['NL*TNM'] as string;
  const rng = new Rng(SEED);
  const load = new LocationLoad(SEED, harness.reference, 8, 2);

  for (let round = 0; round <= ROUNDS; round++) {
    const sim = await spawnSim({ DB_FILE: db });
    harness.live = sim;
    await load.verify(sim.url); // the file store loaded: every acknowledged write of the rounds before is there
    if (round === ROUNDS) {
      expect(await sim.kill('SIGTERM')).toBe(0); // the last start only checks, then stops cleanly
      break;
    }
    // Kill after a seeded number of acknowledged writes plus a seeded delay, while writes are in flight.
    const killAfterAcks = rng.int(10, 150);
    const killDelayMs = rng.int(0, 30);
    let killed: Promise<unknown> | undefined;
    await load.run(sim.url, token, round, (acks) => {
      if (acks !== killAfterAcks) return;
      killed = new Promise((resolve) =>
        setTimeout(() => {
          load.stop();
          resolve(sim.kill('SIGKILL'));
        }, killDelayMs),
      );
    });
    if (!killed) killed = sim.kill('SIGKILL'); // the load stopped early (refusals): fail below
    await killed;
  }

  console.log(
    `crash under load (seed ${SEED}): ${ROUNDS} SIGKILLs, ${load.acked} acknowledged writes to ${load.tracks.length} Locations, ` +
      `acknowledged writes lost: ${load.lost.length}, in-flight writes found durable: ${load.inFlightDurable}`,
  );
  expect(load.refused).toEqual([]);
  expect(load.lost).toEqual([]);
  expect(load.acked).toBeGreaterThan(ROUNDS * 10);
}, 120_000);
