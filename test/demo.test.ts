// `npm run demo` fills a simulator with every kind of activity, through the real protocol.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDemo } from '../scripts/demo.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.stop());

it('registers, pushes locations and tariffs, authorizes every outcome, posts CDRs', async () => {
  // The demo reads the real time for its CDRs; the simulator's clock must agree.
  sim.clock.set(Date.now());
  const summary = await runDemo(sim.url);
  expect(summary.locations).toBe(50);
  expect(summary.tariffs).toEqual({ accepted: 1, refused: 1 });
  expect(summary.authorizations).toEqual({ ALLOWED: 1, BLOCKED: 1, EXPIRED: 1, NO_CREDIT: 1, NOT_ALLOWED: 1 });
  expect(summary.cdrs).toEqual({ accepted: 1, rejected: 1 });
  const outside = (await sim.call('GET', '/admin/locations?in_territory=false&limit=100')).body;
  expect(outside.total).toBe(summary.outsideTerritory);
  const rejected = (await sim.call('GET', '/admin/cdrs?verdict=REJECTED')).body.items;
  expect(rejected[0].reasons.map((r: { rule: string }) => r.rule)).toContain('cdr.started-after-refusal');
}, 60_000);
