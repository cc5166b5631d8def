// lowdb's adapter for the DB_FILE snapshot: read indexed (snapshot.ts), written streamed.
// A snapshot holds tens of MB at scale. Built as one string (lowdb's TextFile), 30,000 Locations
// stalled the event loop ~0.7 s and held the text twice (~200 MB above the working set). Here the
// text goes out in chunks to a temporary file, the event loop serving requests between chunks,
// then fsync and rename: DB_FILE is always a whole snapshot, the old one or the new one.
import { closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { type LoadedSnapshot, parseSnapshot, snapshotPieces } from './snapshot.js';

/**
 * Text gathered before each write: ~1 ms of serialising Locations, the longest a request waits on
 * it. (30,000 Locations, 60 MB: the event loop's longest gap was 15-25 ms with 256 K chunks, 10-15
 * ms with 64 K, the rest GC; the whole write took about the same time either way.)
 */
export const SNAPSHOT_CHUNK_CHARS = 64 << 10;

/** What a compaction hands over: the state, and a signal to give the write up (see write). */
export interface SnapshotToWrite extends LoadedSnapshot {
  signal?: AbortSignal;
}

export class SnapshotFile implements Adapter<SnapshotToWrite | null> {
  /** Chunks of the last write, each its own turn of the event loop (for tests and benchmarks). */
  lastChunks = 0;

  constructor(
    readonly file: string,
    private readonly chunkChars = SNAPSHOT_CHUNK_CHARS,
  ) {}

  /** null when there is no DB_FILE yet. Read at once (one buffer is about twice as fast as lowdb's reader). */
  async read(): Promise<LoadedSnapshot | null> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return parseSnapshot(bytes);
  }

  /**
   * Write `snapshot` (its collections must not change meanwhile: the store passes a frozen copy)
   * to a temporary file beside DB_FILE, then rename it over. On any failure, or when its signal
   * aborts (what it holds is no longer true), the temporary file is removed and DB_FILE is untouched.
   */
  async write(snapshot: SnapshotToWrite | null): Promise<void> {
    if (!snapshot) return;
    const temp = join(dirname(this.file), `.${basename(this.file)}.tmp`); // steno's name, as lowdb's TextFile
    const check = () => snapshot.signal?.throwIfAborted();
    check();
    let handle: FileHandle | null = await open(temp, 'w', 0o644);
    let chunks = 0;
    try {
      let parts: string[] = [];
      let chars = 0;
      const writeChunk = async () => {
        await writeAll(handle as FileHandle, Buffer.from(parts.join('')));
        parts = [];
        chars = 0;
        chunks++;
        check();
      };
      for (const piece of snapshotPieces(snapshot.collections, snapshot.header.log_generation ?? 0)) {
        parts.push(piece);
        chars += piece.length;
        if (chars >= this.chunkChars) await writeChunk();
      }
      if (chars > 0) await writeChunk();
      // The data is on disk before the name points at it: a crash right after the rename
      // finds a whole snapshot, never an empty file.
      await handle.sync();
      await handle.close();
      handle = null;
      check();
      await rename(temp, this.file);
      fsyncDirectory(dirname(this.file));
    } catch (err) {
      await handle?.close().catch(() => {});
      await rm(temp, { force: true });
      throw err;
    } finally {
      this.lastChunks = chunks;
    }
  }
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) written += (await handle.write(data, written, data.length - written)).bytesWritten;
}

function fsyncDirectory(path: string): void {
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
