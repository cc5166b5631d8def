// Disk full, for real: DB_FILE lives on a 2 MiB tmpfs mounted for this test (needs root and
// CAP_SYS_ADMIN; skipped with a message otherwise). A filler file takes every free byte; then a
// write answers 503 with status_code 3000 and a clear message and changes nothing, reads keep
// working; once the filler is gone, writes succeed again and reach the disk.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, unlinkSync, writeSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileStore } from '../../src/store/file.js';
import { startSim, type TestSim } from '../helpers/sim.js';
import { evse, LOC, location } from '../locations-fixtures.js';

// ~50 kB: more than the zeros the store writes ahead of its log (16 KiB while the log is small,
// src/store/file.ts makeRoom), which a write may still fill on a full disk (that room is reserved).
const bigLocation = (id: string) => location(id, { evses: Array.from({ length: 64 }, (_, i) => evse(`E${i}`)) });

const dir = mkdtempSync(join(tmpdir(), 'emp-sim-diskfull-'));
let mounted = false;
let why = '';
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  why = String((err as { stderr?: Buffer }).stderr ?? err).trim();
  console.log(`disk-full test skipped: mounting a tmpfs is not permitted here (${why})`);
}

const dbFile = join(dir, 'db.json');
const filler = join(dir, 'filler');
let sim: TestSim | undefined;
beforeAll(async () => {
  if (mounted) sim = await startSim({ dbFile });
});
afterAll(async () => {
  await sim?.stop().catch(() => {});
  rmSync(filler, { force: true });
  if (mounted) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' }); // still busy: detach it anyway
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Take every free byte of the tmpfs. */
function fill(): void {
  const fd = openSync(filler, 'a');
  const chunk = Buffer.alloc(64 * 1024, 120);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  const small = Buffer.alloc(1, 120);
  try {
    for (;;) writeSync(fd, small);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

it.skipIf(!mounted)('disk full: writes answer 503/3000 and change nothing, reads work, writes succeed again once space is freed', async () => {
  const s = sim as TestSim;
  const { token } = await s.addParty('NL', 'TNM');
  expect((await s.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: location('LOC1') })).body.status_code).toBe(1000);

  fill();
  expect(statfsSync(dir).bavail).toBe(0);
  const before = JSON.stringify(s.deps.store.snapshot().collections.locations);
  // Writes of ~50 kB each: more than the room reserved ahead in the log file (a failed write's
  // bytes are cut from the log again, so refill before each).
  for (const [method, path, json] of [
    ['PUT', `${LOC}/NL/TNM/LOC2`, bigLocation('LOC2')],
    ['PATCH', `${LOC}/NL/TNM/LOC1`, { name: 'changed', evses: bigLocation('LOC1').evses }],
  ] as const) {
    fill();
    const res = await s.call(method, path, { token, json });
    expect(res.status, `${method} ${path}`).toBe(503);
    expect(res.body.status_code).toBe(3000);
    expect(res.body.status_message).toMatch(/could not write its store.*nothing was changed/);
  }
  expect(JSON.stringify(s.deps.store.snapshot().collections.locations)).toBe(before);
  // Reads still work.
  expect((await s.call('GET', '/health')).status).toBe(200);
  const loc = await s.call('GET', '/admin/locations/NL/TNM/LOC1');
  expect(loc.status).toBe(200);
  expect(loc.body.location.name).toBe('Stationsplein');
  expect((await s.call('GET', '/admin/locations/NL/TNM/LOC2')).status).toBe(404);
  expect((await s.call('GET', '/ocpi/2.1.1/tokens', { token })).body.status_code).toBe(1000);
  // The admin API: a small write may still fit in the log's last page (then it is durable);
  // otherwise 503 with its JSON error. Never a 500.
  fill();
  const adminWrite = await s.call('POST', '/admin/tokens', { json: { uid: 'DISKFULL1' } });
  expect([201, 503], JSON.stringify(adminWrite.body)).toContain(adminWrite.status);
  if (adminWrite.status === 503) expect(adminWrite.body.error).toMatch(/could not write its store/);

  // Space again: writes go through and reach the disk.
  unlinkSync(filler);
  const ok = await s.call('PATCH', `${LOC}/NL/TNM/LOC1`, { token, json: { name: 'after' } });
  expect(ok.body.status_code).toBe(1000);
  expect((await s.call('PUT', `${LOC}/NL/TNM/LOC2`, { token, json: bigLocation('LOC2') })).body.status_code).toBe(1000);
  await s.stop();
  sim = undefined;
  const reloaded = await FileStore.open(dbFile);
  try {
    const locs = reloaded.snapshot().collections.locations as Record<string, any>;
    const names = Object.values(locs)
      .map((l) => `${l.location.id}=${l.location.name}`)
      .sort();
    expect(names).toEqual(['LOC1=after', 'LOC2=Stationsplein']);
  } finally {
    await reloaded.close();
  }
});
