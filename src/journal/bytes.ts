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

  /**
   * Store the strings as one (each as `<UTF-16 length>:<text>`, or `-` for undefined): one copy
   * into the Buffer per entry, however many strings it has.
   */
  write(parts: readonly (string | undefined)[]): BytesRef {
    let text = '';
    for (const p of parts) text += p === undefined ? '-' : `${p.length}:${p}`;
    // At most 3 bytes per UTF-16 unit: the exact size is only measured when that bound does not fit.
    let chunk = this.chunks.get(this.current);
    if (!chunk || this.used + 4 + text.length * 3 > chunk.buf.length) {
      const exact = 4 + Buffer.byteLength(text);
      if (!chunk || this.used + exact > chunk.buf.length) chunk = this.nextChunk(exact);
    }
    const offset = this.used;
    const n = chunk.buf.write(text, offset + 4);
    chunk.buf.writeUInt32LE(n, offset);
    this.used = offset + 4 + n;
    chunk.live++;
    return { chunk: this.current, offset };
  }

  /**
   * The first `count` strings stored at `ref`. `prefixBytes`: decode only that much of the entry
   * when the strings asked for are short and first (an id, a path), not its bodies too.
   */
  read(ref: BytesRef, count: number, prefixBytes = Number.POSITIVE_INFINITY): (string | undefined)[] {
    const buf = (this.chunks.get(ref.chunk) as Chunk).buf;
    const start = ref.offset + 4;
    const end = start + buf.readUInt32LE(ref.offset);
    const cut = start + prefixBytes < end;
    const text = buf.toString('utf8', start, cut ? start + prefixBytes : end);
    const out: (string | undefined)[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (text[at] === '-') {
        out.push(undefined);
        at++;
        continue;
      }
      const colon = text.indexOf(':', at);
      const stop = colon + 1 + Number(text.slice(at, colon));
      // The prefix cut this string, its length or (a character split at the cut decodes as one
      // replacement at the very end) its last character: read the whole entry.
      if (cut && (colon < 0 || stop >= text.length)) return this.read(ref, count);
      out.push(text.slice(colon + 1, stop));
      at = stop;
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

  /** Bytes held outside the JS heap (tests check the bound with it). */
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
