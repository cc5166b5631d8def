// kill -9 right after acknowledged writes: a restart on the same DB_FILE finds every one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_REGISTRATION_TOKEN } from '../src/config.js';
import { type FakeCpo, startCpo } from './helpers/cpo.js';
import { spawnSim } from './helpers/process.js';

let cpo: FakeCpo;
beforeAll(async () => {
  cpo = await startCpo();
});
afterAll(() => cpo.close());

function register(url: string, partyId: string) {
  return fetch(`${url}/ocpi/2.1.1/credentials`, {
    method: 'POST',
    headers: { Authorization: `Token ${DEFAULT_REGISTRATION_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: cpo.behaviour.tokenForSim, url: cpo.versionsUrl, business_details: { name: partyId }, party_id: partyId, country_code: 'NL' }),
  }).then(async (r) => ((await r.json()) as { status_code: number }).status_code === 1000);
}

it('SIGKILL after acknowledged writes loses none of them (3 rounds, writes in flight at the kill)', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'emp-sim-crash-')), 'db.json');
  const acknowledged: string[] = [];
  let n = 0;
  for (let round = 0; round < 3; round++) {
    const sim = await spawnSim({ DB_FILE: db });
    // Everything acknowledged in earlier rounds is there after the restart.
    const before = (await (await fetch(`${sim.url}/admin/parties`)).json()) as { items: { key: string }[] };
    // (Writes in flight at the kill may be there too: durable, but the answer never arrived.)
    const present = new Set(before.items.map((p) => p.key));
    expect(acknowledged.filter((k) => !present.has(k))).toEqual([]);
    const inFlight: Promise<void>[] = [];
    let acksThisRound = 0;
    await new Promise<void>((resolve) => {
      for (let worker = 0; worker < 6; worker++) {
        inFlight.push(
          (async () => {
            for (;;) {
              const id = `P${(n++).toString(36).toUpperCase().padStart(2, '0')}`.slice(-3);
              let ok = false;
              try {
                ok = await register(sim.url, id);
              } catch {
                return; // the process is gone
              }
              if (ok) {
                acknowledged.push(`NL*${id}`);
                if (++acksThisRound === 15) resolve();
              }
            }
          })(),
        );
      }
    });
    // Kill while the workers keep writing.
    await sim.kill('SIGKILL');
    await Promise.all(inFlight);
  }
  const sim = await spawnSim({ DB_FILE: db });
  const after = (await (await fetch(`${sim.url}/admin/parties`)).json()) as { items: { key: string }[] };
  const stored = new Set(after.items.map((p) => p.key));
  const lost = acknowledged.filter((k) => !stored.has(k));
  console.log(`crash test: ${acknowledged.length} acknowledged writes over 3 SIGKILLs, lost: ${lost.length}`);
  expect(lost).toEqual([]);
  // A clean stop (SIGTERM) exits 0 after flushing.
  expect(await sim.kill('SIGTERM')).toBe(0);
}, 60_000);
