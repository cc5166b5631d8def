// The durable store on DB_FILE. lowdb keeps the readable JSON snapshot (DB_FILE); every write
// is first appended to a log beside it (DB_FILE.log.<generation>) with one write + fdatasync
// per batch of concurrent writes (group commit), so an acknowledged write is on disk without
// rewriting the snapshot. Start-up loads the snapshot and replays the logs it does not cover;
// the snapshot is rewritten (compaction) when the log has grown and the store is idle, and at close.
import { closeSync, fdatasync, constants as fsConstants, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Low } from 'lowdb';
import { TextFile } from 'lowdb/node';
import { MemoryStore, type Undo } from './memory.js';
import { type LoadedSnapshot, parseSnapshot, snapshotText } from './snapshot.js';
import { type LoggedMutation, type Mutation, type StateDocument, StoreWriteError } from './store.js';

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

interface Pending {
  chunk: string;
  undo: Undo[];
  waiter: Waiter;
}

export interface FileStoreOptions {
  /** Compact when the log exceeds this many bytes and no write came for `idleMs`. */
  compactAfterBytes?: number;
  /** Compact even under load once the log exceeds this (bounds replay time at start-up). */
  compactHardBytes?: number;
  idleMs?: number;
}

export class FileStore extends MemoryStore {
  override readonly kind = 'file' as const;
  /** The snapshot's text (snapshot.ts): lowdb writes it atomically (temporary file + rename). */
  private readonly db: Low<string>;
  private log!: FileHandle;
  private logGeneration = 0;
  /** Bytes of acknowledged (or being written) log lines: where the next batch goes. */
  private logBytes = 0;
  /** Size of the log file: `logBytes` plus the zeros written ahead (see `makeRoom`). */
  private logAllocated = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private compacting: Promise<void> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** A failed disk write left the log handle unusable: reopen it before the next batch. */
  private logBroken = false;
  /** Counters for tests and benchmarks: batches = fdatasyncs. */
  readonly stats = { writes: 0, batches: 0, failures: 0, compactions: 0 };
  private readonly opts: Required<FileStoreOptions>;

  private constructor(
    readonly file: string,
    opts: FileStoreOptions,
  ) {
    super();
    this.opts = { compactAfterBytes: 4 << 20, compactHardBytes: 256 << 20, idleMs: 1000, ...opts };
    this.db = new Low<string>(new TextFile(file), '');
  }

  static async open(file: string, opts: FileStoreOptions = {}): Promise<FileStore> {
    const store = new FileStore(file, opts);
    await store.load();
    return store;
  }

  /**
   * Parse the snapshot's values after start-up, a small slice per turn of the event loop: done
   * within seconds even under load (a sync right after a restart), and never holding requests up
   * for more than a slice (~0.6 ms). A request parses what it reads first anyway.
   */
  private parseAhead(): void {
    // Not unref'd: Node lets the loop sleep in poll while only unref'd immediates are pending, so
    // an idle server would parse a slice per wake-up (30,000 values took 15 s instead of 0.6 s).
    const step = () => {
      if (!this.closed && this.state.parseSome(PARSE_SLICE)) setImmediate(step);
    };
    setImmediate(step);
  }

  /** Values of the snapshot still kept as text (see snapshot.ts); 0 once all are parsed. */
  get unparsedValues(): number {
    return this.state.unparsedCount();
  }

  private logPath(generation: number): string {
    return `${this.file}.log.${generation}`;
  }

  private async load(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await this.lock();
    // Read directly rather than through lowdb's reader (one buffer decoded at once is about twice
    // as fast) and indexed, not parsed (snapshot.ts): start-up stays well under a second per
    // 30,000 locations. lowdb writes it.
    const snapshot = readSnapshot(this.file);
    if (snapshot && snapshot.header.format !== undefined && snapshot.header.format !== 'plugsurfing-emp-sim/state') {
      throw new Error(`${this.file} is not a plugsurfing-emp-sim state file`);
    }
    if (snapshot) {
      this.state.adopt(snapshot.collections);
      this.parseAhead();
    }
    const fromGeneration = snapshot?.header.log_generation ?? 0;
    let lastGeneration = fromGeneration;
    for (const generation of await this.logGenerations()) {
      if (generation < fromGeneration) {
        await rm(this.logPath(generation), { force: true }); // already inside the snapshot
        continue;
      }
      await this.replay(generation);
      lastGeneration = Math.max(lastGeneration, generation);
    }
    this.logGeneration = lastGeneration;
    this.log = await openLog(this.logPath(this.logGeneration));
    this.logBytes = (await this.log.stat()).size; // replay cut any zeros written ahead
    this.logAllocated = this.logBytes;
  }

  /**
   * One process per DB_FILE: a second simulator on the same file would compact logs away under
   * the first. The lock names its pid; a lock left by a dead process (kill -9) is taken over.
   */
  private async lock(): Promise<void> {
    const lockPath = `${this.file}.lock`;
    try {
      const holder = Number((await readFile(lockPath, 'utf8')).trim());
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new Error(`${this.file} is in use by another simulator (pid ${holder}); stop it or choose another DB_FILE`);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await writeFile(lockPath, String(process.pid));
  }

  private async logGenerations(): Promise<number[]> {
    const prefix = `${basename(this.file)}.log.`;
    const names = await readdir(dirname(this.file));
    return names
      .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
      .map((n) => Number(n.slice(prefix.length)))
      .sort((a, b) => a - b);
  }

  /** Apply every complete line; a torn last line (a crash mid-write, never acknowledged) is cut off. */
  private async replay(generation: number): Promise<void> {
    const path = this.logPath(generation);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // compacted away meanwhile
      throw err;
    }
    let offset = 0;
    while (offset < text.length) {
      const end = text.indexOf('\n', offset);
      if (end === -1) break;
      const line = text.slice(offset, end);
      let mutations: LoggedMutation[];
      try {
        mutations = JSON.parse(line) as LoggedMutation[];
      } catch {
        break;
      }
      this.state.apply(mutations);
      offset = end + 1;
    }
    const goodBytes = Buffer.byteLength(text.slice(0, offset));
    if (goodBytes < Buffer.byteLength(text)) {
      const fh = await open(path, 'r+');
      await fh.truncate(goodBytes);
      await fh.sync();
      await fh.close();
    }
  }

  override write(mutations: Mutation[]): Promise<void> {
    if (this.closed) return Promise.reject(new StoreWriteError('the store is closed'));
    if (mutations.length === 0) return Promise.resolve();
    const undo = this.state.apply(mutations);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ chunk: `${JSON.stringify(logged(mutations))}\n`, undo, waiter: { resolve, reject } });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    if (!this.flushing) this.flushing = this.flushLoop();
  }

  /** One write + fdatasync for everything queued; repeat while more arrived meanwhile. */
  private async flushLoop(): Promise<void> {
    // Let concurrent requests of this tick join the batch.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.queue.length > 0) {
        // A failed compaction changed nothing on disk (see compact): the batch still goes to the log.
        if (this.compacting) await this.compacting.catch(() => {});
        const batch = this.queue;
        this.queue = [];
        const data = Buffer.from(batch.map((p) => p.chunk).join(''));
        try {
          if (this.logBroken) await this.reopenLog();
          this.makeRoom(data.length);
          this.writeFully(data);
          await datasync(this.log.fd);
          this.logBytes += data.length;
        } catch (err) {
          await this.failBatch(batch, err);
          continue;
        }
        this.stats.batches++;
        this.stats.writes += batch.length;
        for (const p of batch) p.waiter.resolve();
        // A compaction that fails (disk full) is tried again later; the log stays complete.
        if (this.logBytes > this.opts.compactHardBytes) await this.compact().catch(() => {});
      }
    } finally {
      this.flushing = null;
      if (this.queue.length > 0) this.scheduleFlush();
      else this.armIdleCompaction();
    }
  }

  /**
   * Into the page cache synchronously (microseconds; a thread-pool round trip would cost more),
   * then `datasync` makes it durable off the main thread.
   */
  private writeFully(data: Buffer): void {
    let written = 0;
    while (written < data.length) written += writeSync(this.log.fd, data, written, data.length - written, this.logBytes + written);
  }

  /**
   * Zeros written ahead of the log's end (16 KiB to 1 MiB at a time): a batch then overwrites
   * blocks the file already has, and its fdatasync flushes only data. An append changes the
   * file's size, which costs a journal commit on every fdatasync (about 1.5-2x the time on ext4;
   * most of a sequential PUT's latency). Replay stops at the zeros (no line parses there). On a
   * full disk the zeros stop where the space does and the batch is written as a plain append.
   */
  private makeRoom(bytes: number): void {
    if (this.logBytes + bytes <= this.logAllocated) return;
    // As much again as the log holds, within bounds: a small log on a small disk wastes little.
    const ahead = Math.min(PREALLOCATE_MAX, Math.max(PREALLOCATE_MIN, this.logBytes));
    const target = this.logBytes + bytes + ahead;
    try {
      while (this.logAllocated < target) {
        const n = Math.min(ZEROS.length, target - this.logAllocated);
        this.logAllocated += writeSync(this.log.fd, ZEROS, 0, n, this.logAllocated);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    }
  }

  /**
   * The disk refused the batch: undo it and everything queued after it (those writes were
   * applied in memory on top of it and are not durable either), cut the log back to its last
   * durable byte, and reject them all. The next write tries the disk again.
   */
  private async failBatch(batch: Pending[], err: unknown): Promise<void> {
    const later = this.queue;
    this.queue = [];
    const all = [...batch, ...later];
    for (let i = all.length - 1; i >= 0; i--) this.state.revert((all[i] as Pending).undo);
    this.stats.failures++;
    this.logBroken = true;
    const reason = err instanceof Error ? err.message : String(err);
    const error = new StoreWriteError(`the simulator could not write its store (${reason}); nothing was changed`, err);
    for (const p of all) p.waiter.reject(error);
  }

  /** After a failure: a fresh handle, and the log cut back to its last durable byte. */
  private async reopenLog(): Promise<void> {
    await this.log.close().catch(() => {});
    this.log = await openLog(this.logPath(this.logGeneration));
    await this.log.truncate(this.logBytes);
    this.logAllocated = this.logBytes;
    this.logBroken = false;
  }

  private armIdleCompaction(): void {
    if (this.closed || this.logBytes < this.opts.compactAfterBytes) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (!this.flushing && this.queue.length === 0) void this.compact().catch(() => {});
    }, this.opts.idleMs);
    this.idleTimer.unref();
  }

  /**
   * Write the snapshot of memory as it is now and start a new log generation. The snapshot is
   * serialised synchronously, so it holds every write applied so far; the writes after it go
   * to the new log, so nothing is lost if we crash in the middle. Writes queued but not yet in
   * the old log when it began go to the new log too, and are in the snapshot as well: replay
   * repeats them, which sets what they set once more (MemoryState.apply skips a change that a
   * later write in that log has made moot).
   */
  private compact(): Promise<void> {
    if (this.compacting) return this.compacting;
    this.compacting = (async () => {
      this.stats.compactions++;
      const nextGeneration = this.logGeneration + 1;
      const previous = this.logGeneration;
      const oldLog = this.log;
      this.log = await openLog(this.logPath(nextGeneration));
      this.logGeneration = nextGeneration;
      this.logBytes = 0;
      this.logAllocated = 0;
      try {
        this.db.data = snapshotText(this.state.collections(), nextGeneration);
        await this.db.write();
        this.db.data = ''; // tens of MB: not kept
        fsyncPath(this.file);
        fsyncPath(dirname(this.file));
      } finally {
        // On failure the old snapshot and every log generation stay: a restart replays them all.
        await oldLog.close().catch(() => {});
      }
      for (const g of await this.logGenerations()) if (g <= previous) await rm(this.logPath(g), { force: true });
    })().finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  override async replace(doc: StateDocument): Promise<void> {
    await this.flush();
    const previous = this.state.toDocument();
    this.state.load(doc);
    this.generation++;
    try {
      await this.compact();
    } catch (err) {
      // The new state never reached the disk: back to what the disk holds, and refuse the writes
      // made on top of the new state meanwhile (not in the log yet: flushLoop waits on the same
      // compaction and resumes after this handler, which registered first).
      const reason = err instanceof Error ? err.message : String(err);
      const error = new StoreWriteError(`the simulator could not write its store (${reason}); nothing was changed`, err);
      const queued = this.queue;
      this.queue = [];
      for (const p of queued) p.waiter.reject(error);
      this.state.load(previous);
      this.generation++;
      this.stats.failures++;
      throw error;
    }
  }

  override async flush(): Promise<void> {
    while (this.flushing || this.queue.length > 0) {
      if (!this.flushing) this.scheduleFlush();
      await this.flushing;
    }
    // Acknowledged writes are durable in the log whether or not a compaction succeeds.
    if (this.compacting) await this.compacting.catch(() => {});
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.logBytes > 0) await this.compact();
    await this.log.close();
    await rm(`${this.file}.lock`, { force: true });
  }
}

/** Values parsed per turn of the event loop after start-up (~25 us each for a 2 KB Location). */
export const PARSE_SLICE = 25;
const PREALLOCATE_MIN = 16 << 10;
const PREALLOCATE_MAX = 1 << 20;
const ZEROS = Buffer.alloc(64 << 10);

/** Read-write, created if missing, NOT append: batches are written at their offset (see makeRoom). */
function openLog(path: string): Promise<FileHandle> {
  return open(path, fsConstants.O_RDWR | fsConstants.O_CREAT, 0o644);
}

function readSnapshot(file: string): LoadedSnapshot | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return parseSnapshot(bytes);
}

/** fdatasync with the callback API: one thread-pool hop, no FileHandle promise machinery. */
function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fsyncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Directories cannot be fsynced on every platform; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What the log records of a write: a `put` with changes as those changes only (see Mutation). */
function logged(mutations: Mutation[]): readonly LoggedMutation[] {
  if (!mutations.some((m) => m.op === 'put' && m.changes)) return mutations;
  return mutations.map((m) => (m.op === 'put' && m.changes ? { op: 'set', collection: m.collection, key: m.key, changes: m.changes } : m));
}
