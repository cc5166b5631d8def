// Issue 8, disk full or unwritable DB_FILE, for real: DB_FILE on a small tmpfs mounted for the
// test (needs root; skipped with a message otherwise), filled up with a file. Checked here (the
// basic in-process case is test/hostile/disk-full.test.ts):
// - a real simulator process under concurrent writes on a filling disk: every write answers
//   2xx (then it is on disk after a restart) or 503 / 3000 naming the cause (then it is not);
//   the process stays up and serves reads; with space again, writes go through; SIGTERM exits 0;
// - an unwritable log file (immutable, chattr +i) after a failure: 503 "operation not
//   permitted" until it is writable again;
// - PUT /admin/state and POST /admin/reset on a full disk: 503, nothing changed in memory or on disk;
// - a compaction that fails on a full disk does not take the process down.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore } from '../src/store/file.js';
import { MemoryState } from '../src/store/memory.js';
import { put } from '../src/store/store.js';
import { spawnSim } from './helpers/process.js';
import { startSim } from './helpers/sim.js';
import { prepareDb } from './hostile/load.js';
import { location } from './locations-fixtures.js';

const mounts: string[] = [];

/** A fresh tmpfs of `size`, or undefined when mounting is not permitted here. */
function tmpfs(size: string): string | undefined {
  const dir = join(tmpdir(), `emp-sim-diskfull-${process.pid}-${mounts.length}`);
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    console.log(`disk-full tests skipped: cannot mount a tmpfs here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`);
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of mounts) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    } catch {}
  }
});

const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = tmpfs('64k');
  return probe !== undefined;
})();

/** Take every free byte of the file system of `dir` but `leave`. */
function fill(dir: string, leave = 0): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  try {
    for (const size of [64 * 1024, 1024, 1]) {
      const chunk = Buffer.alloc(size, 120);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (leave > 0) truncateSync(filler, Math.max(0, statSync(filler).size - leave));
  return filler;
}

/** The state a restart would load: the snapshot, then every log generation it does not cover. */
function readDisk(file: string) {
  const snapshot = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { collections: {}, log_generation: 0 };
  const state = new MemoryState();
  state.load(snapshot);
  const prefix = `${basename(file)}.log.`;
  const generations = readdirSync(dirname(file))
    .filter((n) => n.startsWith(prefix))
    .map((n) => Number(n.slice(prefix.length)))
    .filter((g) => g >= (snapshot.log_generation ?? 0))
    .sort((a, b) => a - b);
  for (const g of generations) {
    // The log ends in the zeros the store writes ahead (src/store/file.ts makeRoom).
    for (const line of readFileSync(`${file}.log.${g}`, 'utf8').split('\n'))
      if (line && !line.startsWith('\0')) state.replay(JSON.parse(line));
  }
  return state.toDocument();
}

describe.skipIf(!canMount)('disk full (tmpfs) and unwritable DB_FILE', () => {
  it('a simulator process on a filling disk: each write is 2xx and durable, or 503/3000 and absent; reads go on; it recovers; SIGTERM exits 0', async () => {
    const dir = tmpfs('1m') as string;
    const db = join(dir, 'db.json');
    const token = (await prepareDb(db, [['NL', 'TNM']]))['NL*TNM'] as string;
    const sim = await spawnSim({ DB_FILE: db });
    const acked: string[] = [];
    const refused: string[] = [];
    try {
      const put = async (id: string) => {
        const res = await fetch(`${sim.url}/ocpi/2.1.1/locations/NL/TNM/${id}`, {
          method: 'PUT',
          headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(location(id, { directions: [{ language: 'en', text: 'x'.repeat(400) }] })),
        });
        return { status: res.status, body: (await res.json()) as { status_code: number; status_message: string } };
      };
      const wrong: string[] = [];
      const burst = async (prefix: string, n: number) => {
        await Promise.all(
          Array.from({ length: n }, async (_, i) => {
            const id = `${prefix}${i}`;
            const r = await put(id);
            if (r.status === 201 && r.body.status_code === 1000) acked.push(id);
            else if (
              r.status === 503 &&
              r.body.status_code === 3000 &&
              /could not write its store \(ENOSPC: no space left on device.*nothing was changed/.test(r.body.status_message)
            )
              refused.push(id);
            else wrong.push(`${id}: ${r.status} ${JSON.stringify(r.body)}`);
          }),
        );
      };
      await burst('A', 10);
      const filler = fill(dir, 8 * 1024); // room for a few writes only
      for (let k = 1; k <= 6; k++) await burst(`F${k}-`, 16);
      expect(wrong).toEqual([]);
      expect(refused.length).toBeGreaterThan(0);
      // Still up, still reading.
      expect((await fetch(`${sim.url}/health`)).status).toBe(200);
      expect((await fetch(`${sim.url}/ocpi/2.1.1/tokens`, { headers: { Authorization: `Token ${token}` } })).status).toBe(200);
      const listed = (await (await fetch(`${sim.url}/admin/locations?limit=1000`)).json()) as { items: { location: { id: string } }[] };
      expect(listed.items.map((l) => l.location.id).sort()).toEqual([...acked].sort());

      // Unwritable: the log file immutable (a write that fails makes the store reopen it).
      rmSync(filler);
      const logs = execFileSync('sh', ['-c', `ls ${dir} | grep 'db.json.log'`])
        .toString()
        .trim()
        .split('\n');
      const immutable = (() => {
        try {
          for (const l of logs) execFileSync('chattr', ['+i', join(dir, l)], { stdio: 'pipe' });
          return true;
        } catch {
          return false;
        }
      })();
      if (immutable) {
        // The handle opened before still writes: only the reopen after a failure meets the flag,
        // so first make one write fail (disk full again), then free the space.
        const again = fill(dir);
        const failing = await put('IMM0');
        expect(failing.status).toBe(503);
        rmSync(again);
        const denied = await put('IMM1');
        expect(denied.status).toBe(503);
        expect(denied.body.status_message).toMatch(/could not write its store \(EPERM: operation not permitted/);
        for (const l of logs) execFileSync('chattr', ['-i', join(dir, l)]);
      }

      // Space and permission again: writes go through.
      await burst('R', 10);
      expect(acked.filter((id) => id.startsWith('R')).length).toBe(10);
      expect(await sim.kill('SIGTERM')).toBe(0);
    } finally {
      if (sim.child.exitCode === null && sim.child.signalCode === null) await sim.kill('SIGKILL');
    }
    // Restart: every acknowledged write, and none of the refused ones.
    const again = await spawnSim({ DB_FILE: db });
    try {
      const listed = (await (await fetch(`${again.url}/admin/locations?limit=1000`)).json()) as { items: { location: { id: string } }[] };
      const stored = new Set(listed.items.map((l) => l.location.id));
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
      expect(refused.filter((id) => stored.has(id))).toEqual([]);
      console.log(
        `disk full: ${acked.length} writes acknowledged (all present after restart), ${refused.length} refused with 503 (none present)`,
      );
    } finally {
      await again.kill('SIGTERM');
    }
  }, 60_000);

  it('PUT /admin/state and POST /admin/reset on a full disk: 503 naming the cause, nothing changed in memory or on disk', async () => {
    const dir = tmpfs('512k') as string;
    const dbFile = join(dir, 'db.json');
    const sim = await startSim({ dbFile });
    const { token } = await sim.addParty('NL', 'TNM');
    for (const id of ['A', 'B', 'C'])
      expect((await sim.call('PUT', `/ocpi/2.1.1/locations/NL/TNM/${id}`, { token, json: location(id) })).status).toBe(201);
    const before = JSON.stringify(sim.deps.store.snapshot());
    const filler = fill(dir);
    const reset = await sim.call('POST', '/admin/reset', { json: {} });
    expect(reset.status).toBe(503);
    expect(reset.body.error.message).toMatch(/could not write its store \(ENOSPC.*nothing was changed/);
    const state = await sim.call('PUT', '/admin/state', { json: { format: 'plugsurfing-emp-sim/state', version: 1, collections: {} } });
    expect(state.status).toBe(503);
    expect(JSON.stringify(sim.deps.store.snapshot())).toBe(before);
    expect((await sim.call('PATCH', '/ocpi/2.1.1/locations/NL/TNM/A', { token, json: { name: 'x' } })).status).toBe(503);
    // Still the same party and token: the registry was not reset either.
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token })).status).toBe(200);
    // What the disk holds is what memory holds (read as after a crash, before any stop).
    expect(JSON.stringify(readDisk(dbFile))).toBe(before);
    rmSync(filler);
    expect((await sim.call('POST', '/admin/reset', { json: { keep_registrations: true } })).status).toBe(200);
    expect(sim.deps.store.size('locations')).toBe(0);
    await sim.stop();
  });

  it('a compaction that fails on a full disk does not take the process down; acknowledged writes stay', async () => {
    const dir = tmpfs('256k') as string;
    const file = join(dir, 'db.json');
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => rejections.push(e);
    process.on('unhandledRejection', onRejection);
    try {
      // Compact (under load) as soon as the log exceeds 4 KiB: the snapshot is larger than what is left.
      const store = await FileStore.open(file, { compactHardBytes: 4096 });
      for (let i = 0; i < 40; i++) await store.write([put('c', `base${i}`, { pad: 'x'.repeat(300) })]);
      const filler = fill(dir, 8 * 1024);
      const acked: string[] = [];
      for (let i = 0; i < 60; i++) {
        try {
          await store.write([put('c', `n${i}`, { pad: 'y'.repeat(100) })]);
          acked.push(`n${i}`);
        } catch (err) {
          expect((err as Error).name).toBe('StoreWriteError');
        }
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(rejections).toEqual([]);
      expect(acked.length).toBeGreaterThan(0);
      rmSync(filler);
      await store.write([put('c', 'after', 1)]);
      await store.close();
      const reopened = await FileStore.open(file);
      for (const k of [...acked, 'after', 'base0', 'base39']) expect(reopened.has('c', k), k).toBe(true);
      await reopened.close();
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
