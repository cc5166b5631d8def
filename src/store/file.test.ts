// The durable store: replay, compaction, torn tails, group commit, disk failures.
import { appendFileSync, cpSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore, PARSE_SLICE } from './file.js';
import type { MemoryState } from './memory.js';
import { RawJson, snapshotText } from './snapshot.js';
import { put, del, putSeldomRead, StoreWriteError, update } from './store.js';

const dir = () => mkdtempSync(join(tmpdir(), 'emp-sim-store-'));

/** The files of a store directory as a crash would leave them, copied elsewhere: the DB_FILE of the copy. */
function copyOf(d: string): string {
  const copy = dir();
  for (const name of readdirSync(d)) if (!name.endsWith('.lock')) cpSync(join(d, name), join(copy, name));
  return join(copy, 'db.json');
}

/** Hold the store's snapshot writes until released, as a slow disk would. */
function holdSnapshotWrites(s: FileStore): () => void {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const adapter = (s as unknown as { db: { adapter: { write(data: unknown): Promise<void> } } }).db.adapter;
  const write = adapter.write.bind(adapter);
  adapter.write = async (data) => {
    await gate;
    return write(data);
  };
  return release;
}

/** Start a compaction now (the store starts them when idle, under load, and at close). */
const compactNow = (s: FileStore) => (s as unknown as { compact(): Promise<void> }).compact();

describe('FileStore', () => {
  it('replays acknowledged writes from the log without a clean close', async () => {
    const file = join(dir(), 'db.json');
    const a = await FileStore.open(file);
    await a.write([put('locations', 'NL*TNM/1', { id: '1' }), put('locations', 'NL*TNM/2', { id: '2' })]);
    await a.write([del('locations', 'NL*TNM/1'), put('tokens', 'u1', { uid: 'u1' })]);
    // No close(): as after kill -9. A second instance sees the log.
    const b = await FileStore.open(file);
    expect([...b.entries('locations')]).toEqual([['NL*TNM/2', { id: '2' }]]);
    expect(b.get('tokens', 'u1')).toEqual({ uid: 'u1' });
  });

  it('values kept as text, written one at a time, hold about their own bytes (not the pool slabs they shared with the log)', async () => {
    // Before: each ~1.9 KB text shared an 8 KB pool slab with its log batch, and kept it alive:
    // ~4 KB of ArrayBuffers per value, against ~2 KB written in batches. Counted as the
    // ArrayBuffers the values themselves hold, not the process's total: this worker runs other
    // test files before this one (isolate: false), and once in CI that total grew by ~1.8 MB
    // more than the values hold (2,834 bytes per value).
    const a = await FileStore.open(join(dir(), 'db.json'));
    const value = (i: number) => ({ id: `C${i}`, note: 'x'.repeat(1850) });
    const textBytes = JSON.stringify(value(0)).length;
    const N = 2000;
    for (let i = 0; i < N; i++) await a.write([putSeldomRead('cdrs', `K${i}`, value(i))]);
    expect(a.unparsedValues).toBe(N);
    const held = new Set<ArrayBufferLike>();
    for (const v of (a as unknown as { state: MemoryState }).state.map('cdrs').values()) {
      if (v instanceof RawJson) held.add((v as unknown as { bytes: Buffer }).bytes.buffer);
    }
    const perValue = [...held].reduce((sum, b) => sum + b.byteLength, 0) / N;
    expect(perValue, `${perValue.toFixed(0)} bytes of ArrayBuffers per ${textBytes}-byte text`).toBeLessThan(textBytes * 1.3);
    // Texts across slab boundaries, a multi-byte one, and one larger than a slab's share: each reads back whole.
    const wide = { id: 'W', note: 'é€😀'.repeat(3000) };
    await a.write([putSeldomRead('cdrs', 'W', wide), putSeldomRead('cdrs', 'S', { id: 'S', note: 'ü' })]);
    for (let i = 0; i < N; i++) expect(a.get('cdrs', `K${i}`)).toEqual(value(i));
    expect(a.get('cdrs', 'W')).toEqual(wide);
    expect(a.get('cdrs', 'S')).toEqual({ id: 'S', note: 'ü' });
    await a.close();
  });

  it('a value written as seldom read is kept as its text until read, logged once, and replays and compacts to the same value', async () => {
    const file = join(dir(), 'db.json');
    const a = await FileStore.open(file);
    const cdr = { id: 'C1', note: 'é "quoted" \u2028', n: [1, 2.5, null], nested: { ok: true } };
    await a.write([putSeldomRead('cdrs', 'NL*TNM/C1', cdr), put('findings', 'f1', { rule: 'r' })]);
    expect(a.unparsedValues, 'the CDR is held as text, the finding as an object').toBe(1);
    expect(a.get('cdrs', 'NL*TNM/C1')).toEqual(cdr);
    expect(a.unparsedValues, 'parsed (and kept) once read').toBe(0);
    // The log line holds the value itself, not a wrapper, and no flag.
    const line = readFileSync(`${file}.log.0`, 'utf8').split('\n')[0] as string;
    expect(JSON.parse(line)).toEqual([
      { op: 'put', collection: 'cdrs', key: 'NL*TNM/C1', value: cdr },
      { op: 'put', collection: 'findings', key: 'f1', value: { rule: 'r' } },
    ]);
    await a.write([putSeldomRead('cdrs', 'NL*TNM/C2', { ...cdr, id: 'C2' })]);
    // No close(): replayed from the log, then compacted and reopened from the snapshot.
    const b = await FileStore.open(file);
    expect([...b.entries('cdrs')]).toEqual([
      ['NL*TNM/C1', cdr],
      ['NL*TNM/C2', { ...cdr, id: 'C2' }],
    ]);
    await b.close();
    const c = await FileStore.open(file);
    expect(c.get('cdrs', 'NL*TNM/C2')).toEqual({ ...cdr, id: 'C2' });
    await c.close();
  });

  it('close compacts into the lowdb snapshot, which always parses, and removes old logs', async () => {
    const d = dir();
    const file = join(d, 'db.json');
    const a = await FileStore.open(file);
    await a.write([put('c', 'k', { v: 1 })]);
    await a.close();
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    expect(snapshot.collections.c.k).toEqual({ v: 1 });
    expect(snapshot.log_generation).toBe(1);
    expect(readdirSync(d).sort()).toEqual(['db.json', 'db.json.log.1']); // and the lock is released
    const b = await FileStore.open(file);
    expect(b.get('c', 'k')).toEqual({ v: 1 });
  });

  it('a put with its changes logs only the changes, and replays to the same value', async () => {
    const file = join(dir(), 'db.json');
    const a = await FileStore.open(file);
    const before = {
      party: 'NL*TNM',
      location: {
        id: 'L1',
        evses: [
          { uid: 'E1', status: 'AVAILABLE' },
          { uid: 'E2', status: 'AVAILABLE' },
        ],
        last_updated: 'T1',
        name: 'x'.repeat(2000),
      },
    };
    await a.write([put('locations', 'k', before)]);
    const e2 = { uid: 'E2', status: 'CHARGING' };
    const after = { ...before, location: { ...before.location, evses: [before.location.evses[0], e2], last_updated: 'T2' } };
    await a.write([
      update('locations', 'k', after, [
        { path: ['location', 'evses', 1], value: e2 },
        { path: ['location', 'last_updated'], value: 'T2' },
      ]),
    ]);
    expect(a.get('locations', 'k')).toBe(after);
    const lines = readFileSync(`${file}.log.0`, 'utf8').replace(/\0+$/, '').trim().split('\n');
    expect(lines[1]?.length).toBeLessThan(200); // not the 2 KB Location again
    expect(JSON.parse(lines[1] as string)).toEqual([
      {
        op: 'set',
        collection: 'locations',
        key: 'k',
        changes: [
          { path: ['location', 'evses', 1], value: e2 },
          { path: ['location', 'last_updated'], value: 'T2' },
        ],
      },
    ]);
    const b = await FileStore.open(file); // replayed on the value as the log left it
    expect(JSON.stringify(b.get('locations', 'k'))).toBe(JSON.stringify(after));
    await b.close();
    const c = await FileStore.open(file); // and on the value as the snapshot holds it
    expect(JSON.stringify(c.get('locations', 'k'))).toBe(JSON.stringify(after));
  });

  it('replays a log whose writes the snapshot already holds (queued when a compaction began), changes included', async () => {
    const file = join(dir(), 'db.json');
    const a = await FileStore.open(file);
    const two = {
      location: {
        id: 'L',
        evses: [
          { uid: 'A', status: 'AVAILABLE' },
          { uid: 'B', status: 'AVAILABLE' },
        ],
      },
    };
    await a.write([put('locations', 'k', two), put('locations', 'gone', { location: { id: 'G', name: 'x' } })]);
    await a.close();
    // Into log 1: a change at evses[1], then a PUT that leaves one EVSE; a change, then a delete.
    const b = await FileStore.open(file);
    const changed = { location: { ...two.location, evses: [two.location.evses[0], { uid: 'B', status: 'CHARGING' }] } };
    await b.write([update('locations', 'k', changed, [{ path: ['location', 'evses', 1, 'status'], value: 'CHARGING' }])]);
    await b.write([put('locations', 'k', { location: { id: 'L', evses: [{ uid: 'A', status: 'BLOCKED' }] } })]);
    await b.write([update('locations', 'gone', { location: { id: 'G', name: 'y' } }, [{ path: ['location', 'name'], value: 'y' }])]);
    await b.write([del('locations', 'gone')]);
    // A snapshot that already holds all four, with log 1 still to replay: what a compaction that
    // began while they were queued leaves (the snapshot is taken after the switch to the new log).
    const held = b.snapshot();
    const maps = Object.entries(held.collections).map(([n, c]) => [n, new Map(Object.entries(c))] as [string, Map<string, unknown>]);
    writeFileSync(file, snapshotText(maps, 1));
    const c = await FileStore.open(file);
    expect(c.snapshot()).toEqual(held);
    expect(c.has('locations', 'gone')).toBe(false);
    await c.close();
  });

  it('a compaction writes a frozen copy in chunks while writes go on: they are acknowledged before it ends, and a crash at any point keeps them', async () => {
    const d = dir();
    const file = join(d, 'db.json');
    const s = await FileStore.open(file, { snapshotChunkChars: 512 });
    for (let i = 0; i < 40; i++) await s.write([put('c', `k${i}`, { i, pad: 'x'.repeat(100) })]);
    const release = holdSnapshotWrites(s);
    const compaction = compactNow(s);
    expect(s.compacting).toBe(true);
    // The snapshot write is held (a slow disk): writes go to the new log meanwhile, durably.
    await s.write([put('c', 'during', 1), del('c', 'k0')]);
    expect(s.compacting).toBe(true);
    expect(readdirSync(d)).toContain('db.json.log.1');
    // A crash now (a copy of the files): the old logs still hold everything before the switch.
    const crashed = await FileStore.open(copyOf(d));
    expect(crashed.get('c', 'during')).toBe(1);
    expect(crashed.has('c', 'k0')).toBe(false);
    expect(crashed.size('c')).toBe(40);
    release();
    await compaction;
    expect(s.lastSnapshotChunks).toBeGreaterThan(5); // 40 values of ~130 bytes in 512-char chunks
    // The snapshot is the state at the switch: k0 still there, `during` in log 1 only.
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    expect(snapshot.log_generation).toBe(1);
    expect(Object.keys(snapshot.collections.c)).toHaveLength(40);
    expect(snapshot.collections.c.k0).toEqual({ i: 0, pad: 'x'.repeat(100) });
    expect(snapshot.collections.c.during).toBeUndefined();
    expect(readdirSync(d).filter((n) => n.includes('.log.') || n.endsWith('.tmp'))).toEqual(['db.json.log.1']);
    const after = await FileStore.open(copyOf(d));
    expect(after.snapshot()).toEqual(s.snapshot());
    await s.close();
  });

  it('a batch the disk refuses while a compaction holds it gives that snapshot up: the disk never holds the refused write', async () => {
    const d = dir();
    const file = join(d, 'db.json');
    const s = await FileStore.open(file);
    await s.write([put('c', 'kept', 1)]);
    const release = holdSnapshotWrites(s);
    const refused = s.write([put('c', 'kept', 2), put('c', 'bad', 3)]); // applied now, logged at the next turn
    const compaction = compactNow(s); // its frozen copy holds them
    (s as unknown as { logFd: number }).logFd = openSync(`${file}.log.1`, 'r');
    await expect(refused).rejects.toBeInstanceOf(StoreWriteError);
    release();
    await expect(compaction).rejects.toBeInstanceOf(StoreWriteError);
    expect(
      readdirSync(d)
        .filter((n) => n.startsWith('db.json') && !n.endsWith('.lock'))
        .sort(),
    ).toEqual(['db.json.log.0', 'db.json.log.1']);
    expect(readdirSync(d).some((n) => n.endsWith('.tmp'))).toBe(false);
    const reopened = await FileStore.open(copyOf(d));
    expect(reopened.get('c', 'kept')).toBe(1);
    expect(reopened.has('c', 'bad')).toBe(false);
    await s.write([put('c', 'after', 4)]); // the store goes on
    await s.close();
    const last = await FileStore.open(file);
    expect(last.snapshot().collections.c).toEqual({ kept: 1, after: 4 });
  });

  it('parses the snapshot after start-up in small slices, one per turn of the event loop, also while writes come', async () => {
    const file = join(dir(), 'db.json');
    const a = await FileStore.open(file);
    const value = (i: number) => ({ id: i, name: 'x'.repeat(200), evses: [{ uid: `E${i}`, status: 'AVAILABLE' }] });
    await a.write(Array.from({ length: 5_000 }, (_, i) => put('locations', `k${i}`, value(i))));
    await a.close();
    const b = await FileStore.open(file);
    const first = b.unparsedValues;
    expect(b.parsing).toBe(first > 0);
    await new Promise((r) => setImmediate(r)); // one turn: at most one slice
    expect(first - b.unparsedValues).toBeLessThanOrEqual(PARSE_SLICE);
    const writes = setInterval(() => void b.write([put('c', 'tick', Date.now())]), 5);
    try {
      for (let i = 0; i < 300 && b.parsing; i++) await new Promise((r) => setTimeout(r, 10));
      expect(b.unparsedValues).toBe(0);
      expect(b.parsing).toBe(false);
    } finally {
      clearInterval(writes);
    }
    expect(b.get('locations', 'k4999')).toEqual(value(4_999));
    await b.close();
  });

  it('an idle process parses the snapshot without anything else waking its event loop', async () => {
    const file = join(dir(), 'db.json');
    const a = await FileStore.open(file);
    await a.write(Array.from({ length: 5_000 }, (_, i) => put('locations', `k${i}`, { id: i, name: 'x'.repeat(200) })));
    await a.close();
    const b = await FileStore.open(file);
    await new Promise((r) => setTimeout(r, 1000)); // one timer: nothing else runs meanwhile
    expect(b.parsing).toBe(false);
    await b.close();
  });

  it('cuts a torn last line (a crash mid-write, never acknowledged) and keeps going', async () => {
    const file = join(dir(), 'db.json');
    const a = await FileStore.open(file);
    await a.write([put('c', 'a', 1)]);
    appendFileSync(`${file}.log.0`, '[{"op":"put","collection":"c","key":"b","val');
    const b = await FileStore.open(file);
    expect(b.get('c', 'a')).toBe(1);
    expect(b.has('c', 'b')).toBe(false);
    await b.write([put('c', 'z', 26)]);
    const c = await FileStore.open(file);
    expect(c.get('c', 'z')).toBe(26);
  });

  it('group commit: concurrent writes share one fdatasync', async () => {
    const file = join(dir(), 'db.json');
    const s = await FileStore.open(file);
    await Promise.all(Array.from({ length: 500 }, (_, i) => s.write([put('c', `k${i}`, i)])));
    expect(s.stats.writes).toBe(500);
    expect(s.stats.batches).toBeLessThan(10);
    const again = await FileStore.open(file);
    expect(again.size('c')).toBe(500);
  });

  it('compaction under load loses nothing (hard limit reached while writing)', async () => {
    const file = join(dir(), 'db.json');
    const s = await FileStore.open(file, { compactHardBytes: 2048 });
    // Waves until three compactions have started: a compaction that waits on a busy disk's fsync
    // spans many waves (a fixed 20 waves once saw only one start), and the writes go on meanwhile.
    let waves = 0;
    for (; s.stats.compactions < 3 && waves < 2000; waves++) {
      const wave = waves;
      await Promise.all(Array.from({ length: 25 }, (_, i) => s.write([put('c', `w${wave}-${i}`, { wave, i, pad: 'x'.repeat(20) })])));
    }
    expect(s.stats.compactions).toBe(3);
    await s.flush(); // the last compaction may still be running: one process owns the file at a time
    const again = await FileStore.open(file);
    expect(again.size('c')).toBe(waves * 25);
    for (let wave = 0; wave < waves; wave++) expect(again.get('c', `w${wave}-24`)).toEqual({ wave, i: 24, pad: 'x'.repeat(20) });
  });

  it('a write the disk refuses is undone in memory and rejected; the store recovers afterwards', async () => {
    const file = join(dir(), 'db.json');
    const s = await FileStore.open(file);
    await s.write([put('c', 'kept', 1)]);
    // Swap the log's fd for one that cannot be written, as a vanished disk would.
    (s as unknown as { logFd: number }).logFd = openSync(`${file}.log.0`, 'r');
    const failing = s.write([put('c', 'kept', 2), put('c', 'new', 3)]);
    expect(s.get('c', 'kept')).toBe(2); // applied at once...
    await expect(failing).rejects.toBeInstanceOf(StoreWriteError);
    expect(s.get('c', 'kept')).toBe(1); // ...and undone when the disk said no
    expect(s.has('c', 'new')).toBe(false);
    await s.write([put('c', 'after', 4)]); // the next write reopens the log
    const again = await FileStore.open(file);
    expect(again.get('c', 'kept')).toBe(1);
    expect(again.has('c', 'new')).toBe(false);
    expect(again.get('c', 'after')).toBe(4);
  });

  it('replace() swaps the whole state durably and bumps the generation', async () => {
    const file = join(dir(), 'db.json');
    const s = await FileStore.open(file);
    await s.write([put('c', 'old', 1)]);
    const g = s.generation;
    await s.replace({ format: 'plugsurfing-emp-sim/state', version: 1, collections: { c: { fresh: 2 } } });
    expect(s.generation).toBe(g + 1);
    const again = await FileStore.open(file);
    expect(again.has('c', 'old')).toBe(false);
    expect(again.get('c', 'fresh')).toBe(2);
  });

  it('refuses a DB_FILE held by another live process, takes over a dead one', async () => {
    const file = join(dir(), 'db.json');
    appendFileSync(`${file}.lock`, String(process.ppid));
    await expect(FileStore.open(file)).rejects.toThrow(/in use by another simulator/);
    writeFileSync(`${file}.lock`, '2147483646'); // no such pid
    const s = await FileStore.open(file);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(String(process.pid));
    await s.close();
  });

  it('writes zeros ahead of the log so batches overwrite (the size changes once per chunk); replay stops at them', async () => {
    const file = join(dir(), 'db.json');
    const a = await FileStore.open(file);
    await a.write([put('c', 'first', 'x'.repeat(100))]);
    const log = `${file}.log.0`;
    const size = statSync(log).size;
    const first = readFileSync(log, 'utf8').indexOf('\0');
    expect(first).toBeGreaterThan(100); // the line, then zeros
    expect(size).toBeGreaterThanOrEqual(first + (16 << 10));
    for (let i = 0; i < 20; i++) await a.write([put('c', `k${i}`, i)]);
    expect(statSync(log).size).toBe(size); // 20 more batches, all inside the zeros
    // As after kill -9: the next instance replays every line, cuts the zeros, and appends after them.
    const b = await FileStore.open(file);
    expect(b.size('c')).toBe(21);
    expect(readFileSync(log, 'utf8')).not.toContain('\0');
    await b.write([put('c', 'after', true)]);
    const c = await FileStore.open(file);
    expect(c.get('c', 'after')).toBe(true);
    expect(c.size('c')).toBe(22);
  });

  it('refuses a DB_FILE that is not ours', async () => {
    const file = join(dir(), 'db.json');
    appendFileSync(file, JSON.stringify({ format: 'something-else' }));
    await expect(FileStore.open(file)).rejects.toThrow(/not a plugsurfing-emp-sim state file/);
  });
});
