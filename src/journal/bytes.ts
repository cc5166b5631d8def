// Off-heap storage for the journal's raw exchanges. Every exchange stays in the journal for
// JOURNAL_SIZE requests: kept as JS strings (headers, bodies, URL) it is copied by each
// young-generation collection, promoted, then marked and swept in the old generation, which
// cost ~15% of a small request (bench/README.md). Kept as UTF-8 in a few large Buffers outside
// the JS heap it costs the collector nothing. The Buffers are written front to back, one after
// the other; each counts the entries it holds and is given back when none is left.

/** Where an entry's strings are: the chunk's number and the byte offset inside it. */
export interface BytesRef {
  chunk: number;
  offset: number;
}

const ABSENT = 0xffffffff;

interface Chunk {
  buf: Buffer;
  /** Entries written here and not yet dropped. */
  live: number;
}

export class ChunkedStrings {
  private readonly chunks = new Map<number, Chunk>();
  private current = -1;
  private used = 0;
  private spare: Buffer | undefined;

  constructor(private readonly chunkBytes = 1 << 20) {}

  /** Store the strings together (each: u32 byte length, or ABSENT for undefined, then UTF-8). */
  write(parts: readonly (string | undefined)[]): BytesRef {
    // At most 3 bytes per UTF-16 unit: the exact size is only measured when that bound does not fit.
    let bound = 0;
    for (const p of parts) bound += 4 + (p === undefined ? 0 : p.length * 3);
    let chunk = this.chunks.get(this.current);
    if (!chunk || this.used + bound > chunk.buf.length) {
      let exact = 0;
      for (const p of parts) exact += 4 + (p === undefined ? 0 : Buffer.byteLength(p));
      if (!chunk || this.used + exact > chunk.buf.length) chunk = this.nextChunk(exact);
    }
    const buf = chunk.buf;
    const offset = this.used;
    let at = offset;
    for (const p of parts) {
      if (p === undefined) {
        buf.writeUInt32LE(ABSENT, at);
        at += 4;
      } else {
        const n = buf.write(p, at + 4);
        buf.writeUInt32LE(n, at);
        at += 4 + n;
      }
    }
    this.used = at;
    chunk.live++;
    return { chunk: this.current, offset };
  }

  /** The `count` strings stored at `ref`. */
  read(ref: BytesRef, count: number): (string | undefined)[] {
    const buf = (this.chunks.get(ref.chunk) as Chunk).buf;
    const out: (string | undefined)[] = [];
    let at = ref.offset;
    for (let i = 0; i < count; i++) {
      const n = buf.readUInt32LE(at);
      at += 4;
      if (n === ABSENT) out.push(undefined);
      else {
        out.push(buf.toString('utf8', at, at + n));
        at += n;
      }
    }
    return out;
  }

  /** The entry at `ref` is no longer kept: its chunk goes once it holds none. */
  drop(ref: BytesRef): void {
    const chunk = this.chunks.get(ref.chunk);
    if (!chunk) return;
    chunk.live--;
    if (chunk.live === 0 && ref.chunk !== this.current) this.release(ref.chunk, chunk);
  }

  clear(): void {
    this.chunks.clear();
    this.current = -1;
    this.used = 0;
  }

  /** Bytes held outside the JS heap (for tests and the admin's view of memory). */
  get bytes(): number {
    let n = 0;
    for (const c of this.chunks.values()) n += c.buf.length;
    return n;
  }

  private nextChunk(atLeast: number): Chunk {
    const previous = this.chunks.get(this.current);
    if (previous && previous.live === 0) this.release(this.current, previous);
    let buf: Buffer;
    if (atLeast <= this.chunkBytes && this.spare) {
      buf = this.spare;
      this.spare = undefined;
    } else {
      // Not from Node's small-buffer pool: a pooled slice would keep its whole pool alive.
      buf = Buffer.allocUnsafeSlow(Math.max(this.chunkBytes, atLeast));
    }
    const chunk: Chunk = { buf, live: 0 };
    this.current++;
    this.chunks.set(this.current, chunk);
    this.used = 0;
    return chunk;
  }

  private release(n: number, chunk: Chunk): void {
    this.chunks.delete(n);
    // One standard chunk is kept for the next: no allocation (and no external-memory churn) per MB.
    if (chunk.buf.length === this.chunkBytes) this.spare = chunk.buf;
  }
}
