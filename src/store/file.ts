// The durable store on DB_FILE. lowdb keeps the readable JSON snapshot (DB_FILE); every write
// is first appended to a log beside it (DB_FILE.log.<generation>) with one write + fdatasync
// per batch of concurrent writes (group commit), so an acknowledged write is on disk without
// rewriting the snapshot. Start-up loads the snapshot and replays the logs it does not cover;
// the snapshot is rewritten (compaction) when the log has grown and the store is idle, and at close.
import { close, closeSync, fdatasync, constants as fsConstants, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Low } from 'lowdb';
import { MemoryStore, type Undo } from './memory.js';
import { SNAPSHOT_CHUNK_CHARS, SnapshotFile, type SnapshotToWrite } from './snapshot-file.js';
import { RawJson } from './snapshot.js';
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
  /** Snapshot text per write while compacting (see snapshot-file.ts); tests make it small. */
  snapshotChunkChars?: number;
}

export class FileStore extends MemoryStore {
  override readonly kind = 'file' as const;
  /** The snapshot (snapshot.ts), read indexed and written streamed by lowdb with our adapter. */
  private readonly db: Low<SnapshotToWrite | null>;
  private readonly snapshotFile: SnapshotFile;
  /** The log of the current generation: a plain fd, so a compaction can switch logs synchronously. */
  private logFd = -1;
  private logGeneration = 0;
  /** Bytes of acknowledged (or being written) log lines: where the next batch goes. */
  private logBytes = 0;
  /** Size of the log file: `logBytes` plus the zeros written ahead (see `makeRoom`). */
  private logAllocated = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private compaction: Promise<void> | null = null;
  /** Gives up the snapshot being written when a batch it holds fails (see failBatch). */
  private compactionAbort: AbortController | null = null;
  /** A replace() in progress: batches wait for it (its writes are relative to a state not yet on disk). */
  private holding: Promise<void> | null = null;
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
    this.opts = {
      compactAfterBytes: 4 << 20,
      compactHardBytes: 256 << 20,
      idleMs: 1000,
      snapshotChunkChars: SNAPSHOT_CHUNK_CHARS,
      ...opts,
    };
    this.snapshotFile = new SnapshotFile(file, this.opts.snapshotChunkChars);
    this.db = new Low<SnapshotToWrite | null>(this.snapshotFile, null);
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

  /** A compaction is writing the snapshot (requests are served, and writes logged, meanwhile). */
  override get compacting(): boolean {
    return this.compaction !== null;
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
    // Indexed, not parsed (snapshot.ts): start-up stays well under a second per 30,000 locations.
    await this.db.read();
    const snapshot = this.db.data;
    this.db.data = null;
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
    this.logFd = openLog(this.logPath(this.logGeneration));
    this.logBytes = fstatSync(this.logFd).size; // replay cut any zeros written ahead
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
      this.state.replay(mutations);
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
    const { line, applied } = logLine(mutations);
    const undo = this.state.apply(applied);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ chunk: line, undo, waiter: { resolve, reject } });
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
        // A compaction does not hold batches up (it writes a frozen copy while they go to the new
        // log); a replace() does, until its new state is on disk or has been taken back.
        if (this.holding) await this.holding.catch(() => {});
        const batch = this.queue;
        this.queue = [];
        const data = Buffer.from(batch.map((p) => p.chunk).join(''));
        try {
          if (this.logBroken) this.reopenLog();
          this.makeRoom(data.length);
          this.writeFully(data);
          await datasync(this.logFd);
          this.logBytes += data.length;
        } catch (err) {
          this.failBatch(batch, err);
          continue;
        }
        this.stats.batches++;
        this.stats.writes += batch.length;
        for (const p of batch) p.waiter.resolve();
        // A compaction that fails (disk full) is tried again later; the log stays complete.
        if (this.logBytes > this.opts.compactHardBytes) this.compact().catch(() => {});
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
    while (written < data.length) written += writeSync(this.logFd, data, written, data.length - written, this.logBytes + written);
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
        this.logAllocated += writeSync(this.logFd, ZEROS, 0, n, this.logAllocated);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    }
  }

  /**
   * The disk refused the batch: undo it and everything queued after it (those writes were
   * applied in memory on top of it and are not durable either), cut the log back to its last
   * durable byte, and reject them all. The next write tries the disk again. A snapshot being
   * written may hold them (they were applied before it froze the state): it is given up.
   */
  private failBatch(batch: Pending[], err: unknown): void {
    const later = this.queue;
    this.queue = [];
    const all = [...batch, ...later];
    for (let i = all.length - 1; i >= 0; i--) this.state.revert((all[i] as Pending).undo);
    this.stats.failures++;
    this.logBroken = true;
    const reason = err instanceof Error ? err.message : String(err);
    const error = new StoreWriteError(`the simulator could not write its store (${reason}); nothing was changed`, err);
    this.compactionAbort?.abort(error);
    for (const p of all) p.waiter.reject(error);
  }

  /**
   * After a failure: a fresh fd, and the log cut back to its last durable byte. The old fd is
   * closed only once the new one is open (a number closed twice could be another file's by then).
   */
  private reopenLog(): void {
    const fd = openLog(this.logPath(this.logGeneration));
    try {
      ftruncateSync(fd, this.logBytes);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    closeQuietly(this.logFd);
    this.logFd = fd;
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
   * Write the snapshot of memory as it is now and start a new log generation. Both happen at the
   * same instant, synchronously: the state is frozen (a copy of the maps; stored values are
   * immutable, so they are shared) and later writes go to the new log, while the snapshot is
   * written in chunks with requests served in between (snapshot-file.ts). Nothing is lost if we
   * crash in the middle: the old snapshot and every log stay until the new snapshot is renamed
   * into place. Writes queued but not yet in the old log at that instant go to the new log too,
   * and are in the snapshot as well: replay repeats them, which sets what they set once more
   * (MemoryState.apply skips a change that a later write in that log has made moot).
   */
  private compact(): Promise<void> {
    if (this.compaction) return this.compaction;
    this.stats.compactions++;
    const previous = this.logGeneration;
    const nextGeneration = previous + 1;
    let oldFd: number;
    try {
      // A batch the disk refused may have left bytes at the log's end: cut them first, as the
      // next batch would have (this log stays if the compaction fails).
      if (this.logBroken) this.reopenLog();
      const fd = openLog(this.logPath(nextGeneration));
      oldFd = this.logFd;
      this.logFd = fd;
    } catch (err) {
      return Promise.reject(err);
    }
    this.logGeneration = nextGeneration;
    this.logBytes = 0;
    this.logAllocated = 0;
    this.logBroken = false;
    const abort = new AbortController();
    this.compactionAbort = abort;
    const frozen: SnapshotToWrite = { header: { log_generation: nextGeneration }, collections: this.state.frozen(), signal: abort.signal };
    this.compaction = (async () => {
      try {
        this.db.data = frozen;
        await this.db.write();
      } finally {
        this.db.data = null;
        // On failure the old snapshot and every log generation stay: a restart replays them all.
        closeQuietly(oldFd);
      }
      for (const g of await this.logGenerations()) if (g <= previous) await rm(this.logPath(g), { force: true });
    })().finally(() => {
      this.compaction = null;
      this.compactionAbort = null;
    });
    return this.compaction;
  }

  /** Chunks the last snapshot was written in (each a turn of the event loop). */
  get lastSnapshotChunks(): number {
    return this.snapshotFile.lastChunks;
  }

  override async replace(doc: StateDocument): Promise<void> {
    await this.flush();
    const previous = this.state.toDocument();
    this.state.load(doc);
    this.generation++;
    const compaction = this.compact();
    this.holding = compaction;
    try {
      await compaction;
    } catch (err) {
      // The new state never reached the disk: back to what the disk holds, and refuse the writes
      // made on top of the new state meanwhile (not in the log yet: flushLoop waits on `holding`
      // and resumes after this handler, which registered first).
      const reason = err instanceof Error ? err.message : String(err);
      const error = new StoreWriteError(`the simulator could not write its store (${reason}); nothing was changed`, err);
      const queued = this.queue;
      this.queue = [];
      for (const p of queued) p.waiter.reject(error);
      this.state.load(previous);
      this.generation++;
      this.stats.failures++;
      throw error;
    } finally {
      this.holding = null;
    }
  }

  override async flush(): Promise<void> {
    while (this.flushing || this.queue.length > 0) {
      if (!this.flushing) this.scheduleFlush();
      await this.flushing;
    }
    // Acknowledged writes are durable in the log whether or not a compaction succeeds.
    if (this.compaction) await this.compaction.catch(() => {});
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.logBytes > 0) await this.compact();
    closeSync(this.logFd);
    await rm(`${this.file}.lock`, { force: true });
  }
}

/** Values parsed per turn of the event loop after start-up (~25 us each for a 2 KB Location). */
export const PARSE_SLICE = 25;
const PREALLOCATE_MIN = 16 << 10;
const PREALLOCATE_MAX = 1 << 20;
const ZEROS = Buffer.alloc(64 << 10);

/** Read-write, created if missing, NOT append: batches are written at their offset (see makeRoom). */
function openLog(path: string): number {
  return openSync(path, fsConstants.O_RDWR | fsConstants.O_CREAT, 0o644);
}

/** Closed off the main thread; an fd already broken is of no use anyway. */
function closeQuietly(fd: number): void {
  close(fd, () => {});
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

/**
 * The log line of a write, and the mutations to apply: a value marked `asText` is serialised
 * once, for the line, and kept as those bytes (RawJson, parsed when first read), so the heap and
 * the collector do not carry its objects (a CDR is ~100 of them).
 */
function logLine(mutations: Mutation[]): { line: string; applied: Mutation[] } {
  if (!mutations.some(keptAsText)) return { line: `${JSON.stringify(logged(mutations))}\n`, applied: mutations };
  const parts: string[] = [];
  const applied: Mutation[] = [];
  for (const m of mutations) {
    if (keptAsText(m)) {
      const text = JSON.stringify(m.value);
      parts.push(`{"op":"put","collection":${JSON.stringify(m.collection)},"key":${JSON.stringify(m.key)},"value":${text}}`);
      applied.push({ op: 'put', collection: m.collection, key: m.key, value: keptText(text) });
    } else {
      parts.push(JSON.stringify(loggedMutation(m)));
      applied.push(m);
    }
  }
  return { line: `[${parts.join(',')}]\n`, applied };
}

/**
 * Where the texts of values kept as text are written: slabs of their own, filled front to back.
 * A slab lives as long as any text in it; the oldest records go first (MAX_RECORDS), so slabs
 * empty in order. Not `Buffer.from`: it takes a small text from Node's shared 8 KB pool, whose
 * slabs also hold every other small Buffer of the process (the log's own batches): each one
 * beside a text stayed alive with it (4.9 KB of RSS per CDR written one at a time, 3.0 KB now).
 */
const TEXT_SLAB_BYTES = 64 << 10;
let textSlab = Buffer.allocUnsafeSlow(0);
let textSlabUsed = 0;

function keptText(text: string): RawJson {
  // At most 3 bytes per UTF-16 unit: the exact size is only measured when that bound does not fit.
  if (textSlabUsed + text.length * 3 > textSlab.length) {
    const bytes = Buffer.byteLength(text);
    if (bytes > TEXT_SLAB_BYTES / 4) return new RawJson(Buffer.from(text, 'utf8'), 0, bytes, 'utf8');
    if (textSlabUsed + bytes > textSlab.length) {
      textSlab = Buffer.allocUnsafeSlow(TEXT_SLAB_BYTES);
      textSlabUsed = 0;
    }
  }
  const start = textSlabUsed;
  textSlabUsed += textSlab.write(text, start);
  return new RawJson(textSlab, start, textSlabUsed, 'utf8');
}

/** A whole value marked `asText` (a `put` with changes logs only those). */
const keptAsText = (m: Mutation): m is Extract<Mutation, { op: 'put' }> => m.op === 'put' && m.asText === true && !m.changes;

/** What the log records of a mutation: a `put` with changes as those changes only (see Mutation). */
function loggedMutation(m: Mutation): LoggedMutation {
  return m.op === 'put' && m.changes ? { op: 'set', collection: m.collection, key: m.key, changes: m.changes } : m;
}

/** What the log records of a write (the mutations themselves when none has changes: no copy). */
function logged(mutations: Mutation[]): readonly LoggedMutation[] {
  return mutations.some((m) => m.op === 'put' && m.changes) ? mutations.map(loggedMutation) : mutations;
}
