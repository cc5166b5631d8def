// Issue 8, graceful shutdown: SIGTERM while a concurrent Location PUT/PATCH load is running.
// The process stops accepting, lets the requests in flight finish, flushes the store and exits
// 0; after a restart on the same DB_FILE every acknowledged write is there (and an operation
// whose answer never came is either fully there or not at all).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { spawnSim } from './helpers/process.js';
import { LocationLoad, loadHarness, prepareDb } from './hostile/load.js';

const harness = loadHarness();

it('SIGTERM under a write load: exit code 0, every acknowledged write present after the restart', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'emp-sim-shutdown-')), 'db.json');
  const token = (await prepareDb(db, [['NL', 'TNM']]))['NL*TNM'] as string;
  const load = new LocationLoad(7, harness.reference, 8, 2);

  const sim = await spawnSim({ DB_FILE: db });
  harness.live = sim;
  let exited: Promise<number | null> | undefined;
  const started = performance.now();
  await load.run(sim.url, token, 0, (acks) => {
    if (acks !== 60) return;
    load.expectEnd(); // the workers keep sending while it stops, until it stops answering
    exited = sim.kill('SIGTERM');
  });
  const code = await exited;
  const stopMs = performance.now() - started;
  expect(code).toBe(0);
  expect(sim.output()).not.toMatch(/shutdown failed|unhandled/i);

  const again = await spawnSim({ DB_FILE: db });
  harness.live = again;
  await load.verify(again.url);
  expect(await again.kill('SIGTERM')).toBe(0);
  console.log(
    `shutdown under load: ${load.acked} acknowledged writes, acknowledged writes lost: ${load.lost.length}, ` +
      `in-flight found durable: ${load.inFlightDurable}, load ran ${Math.round(stopMs)} ms`,
  );
  expect(load.refused).toEqual([]);
  expect(load.lost).toEqual([]);
  expect(load.acked).toBeGreaterThanOrEqual(60);
}, 60_000);
