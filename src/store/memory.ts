// In-memory state: the Maps every store kind reads from. Also the `:memory:` store itself.
import { RawJson } from './snapshot.js';
import type { LoggedMutation, Mutation, PathChange, StateDocument, Store } from './store.js';

export interface Undo {
  collection: string;
  key: string;
  /** `undefined` when the key did not exist before. */
  previous: unknown;
}

export class MemoryState {
  private readonly maps = new Map<string, Map<string, unknown>>();
  private unparsed: Generator<[Map<string, unknown>, string, RawJson]> | null = null;
  /** See oldestKeys; per Map, so a state replaced or loaded starts afresh. */
  private readonly evictionCursors = new WeakMap<Map<string, unknown>, Iterator<string>>();

  /** The raw map: its values may still be RawJson (see snapshot.ts); read through get/values/entries. */
  map(collection: string): Map<string, unknown> {
    let m = this.maps.get(collection);
    if (!m) {
      m = new Map();
      this.maps.set(collection, m);
    }
    return m;
  }

  get(collection: string, key: string): unknown {
    const m = this.maps.get(collection);
    if (!m) return undefined;
    const v = m.get(key);
    return v instanceof RawJson ? parsed(m, key, v) : v;
  }

  *values(collection: string): IterableIterator<unknown> {
    const m = this.map(collection);
    for (const [k, v] of m) yield v instanceof RawJson ? parsed(m, k, v) : v;
  }

  *entries(collection: string): IterableIterator<[string, unknown]> {
    const m = this.map(collection);
    for (const [k, v] of m) yield [k, v instanceof RawJson ? parsed(m, k, v) : v];
  }

  keys(collection: string): IterableIterator<string> {
    return this.map(collection).keys();
  }

  /**
   * A Map keeps a deleted entry as a hole until its table is rebuilt, and a new iterator steps
   * over every hole at the front: a collection held at MAX_RECORDS by deleting its oldest entry
   * per insert (authorizations, CDRs, findings) paid 7-46 us per insert at 100,000 entries. A
   * live iterator, kept per Map, stays behind the holes it made. It gives each key once, so a key
   * it gave that was not deleted after all (a write refused before it applied) is found again
   * only once the iterator has reached the end and starts over.
   */
  oldestKeys(collection: string, count: number): string[] {
    const map = this.map(collection);
    let keys = this.evictionCursors.get(map);
    let fresh = false;
    const out: string[] = [];
    while (out.length < count) {
      const next = keys?.next();
      if (next && !next.done) {
        if (!fresh || !out.includes(next.value)) out.push(next.value);
        continue;
      }
      // At the end (an iterator that ended stays ended): once more from the front, not twice.
      if (fresh) break;
      keys = map.keys();
      fresh = true;
      this.evictionCursors.set(map, keys);
    }
    return out;
  }

  /** Take the collections of a loaded snapshot as they are (values may be RawJson). */
  adopt(collections: Map<string, Map<string, unknown>>): void {
    this.maps.clear();
    for (const [name, map] of collections) this.maps.set(name, map);
    this.unparsed = this.rawValues();
  }

  /**
   * Parse up to `count` of the values still in text form (after a snapshot was adopted); false
   * once none is left. The file store runs it in slices after start-up, so a CPO's first request
   * to each object does not pay for it, and the texts are freed.
   */
  parseSome(count: number): boolean {
    if (!this.unparsed) return false;
    for (let i = 0; i < count; i++) {
      const next = this.unparsed.next();
      if (next.done) {
        this.unparsed = null;
        return false;
      }
      const [map, key, raw] = next.value;
      if (map.get(key) !== raw) continue; // written (or parsed) meanwhile
      try {
        parsed(map, key, raw);
      } catch {
        // Left as text: reading it says what is wrong (a request answers 500 and logs it).
      }
    }
    return true;
  }

  private *rawValues(): Generator<[Map<string, unknown>, string, RawJson]> {
    for (const map of [...this.maps.values()]) for (const [key, value] of map) if (value instanceof RawJson) yield [map, key, value];
  }

  /** Values adopted from a snapshot are still being parsed ahead (see parseSome). */
  get parsing(): boolean {
    return this.unparsed !== null;
  }

  /** How many values are still text (a full scan: for tests and diagnostics). */
  unparsedCount(): number {
    let n = 0;
    for (const _ of this.rawValues()) n++;
    return n;
  }

  /**
   * The maps as they are now, for a snapshot written while writes go on: the maps are copied,
   * their values shared (stored values are never changed in place, only replaced). Values still
   * RawJson stay so: the snapshot writer copies their text verbatim.
   */
  frozen(): Map<string, Map<string, unknown>> {
    const copy = new Map<string, Map<string, unknown>>();
    for (const [name, map] of this.maps) copy.set(name, new Map(map));
    return copy;
  }

  /** Apply mutations and return what undoes them (in reverse order). */
  apply(mutations: readonly Mutation[]): Undo[] {
    const undo: Undo[] = [];
    for (const m of mutations) {
      const map = this.map(m.collection);
      undo.push({ collection: m.collection, key: m.key, previous: map.get(m.key) });
      if (m.op === 'put') map.set(m.key, m.value);
      else map.delete(m.key);
    }
    return undo;
  }

  /**
   * One line of a log, at start-up. A change (`set`) is made in place: the value was just read
   * from the snapshot or an earlier line and nothing else holds it yet (copying a 2 KB Location
   * per status change made replay ~2x slower). Right after a compaction the snapshot may already
   * hold writes the new log repeats (queued when it began: see FileStore.compact), so a change can
   * meet a value that a later write in that log changed, or deleted: skipped, as that write
   * follows and sets it.
   */
  replay(mutations: readonly LoggedMutation[]): void {
    for (const m of mutations) {
      const map = this.map(m.collection);
      if (m.op === 'put') map.set(m.key, m.value);
      else if (m.op === 'del') map.delete(m.key);
      else {
        const current = this.get(m.collection, m.key);
        if (current !== undefined) map.set(m.key, setChanges(current, m.changes));
      }
    }
  }

  revert(undo: Undo[]): void {
    for (let i = undo.length - 1; i >= 0; i--) {
      const u = undo[i] as Undo;
      const map = this.map(u.collection);
      if (u.previous === undefined) map.delete(u.key);
      else map.set(u.key, u.previous);
    }
  }

  load(doc: StateDocument): void {
    this.maps.clear();
    this.unparsed = null;
    for (const [name, entries] of Object.entries(doc.collections ?? {})) {
      const map = this.map(name);
      for (const [key, value] of Object.entries(entries ?? {})) map.set(key, value);
    }
  }

  toDocument(): StateDocument {
    const collections: Record<string, Record<string, unknown>> = {};
    for (const [name, map] of this.maps) {
      // Object.fromEntries would treat a key "__proto__" as data too, but keys are validated ids.
      const obj: Record<string, unknown> = Object.create(null);
      for (const [k, v] of map) obj[k] = v instanceof RawJson ? parsed(map, k, v) : v;
      collections[name] = obj;
    }
    return { format: 'plugsurfing-emp-sim/state', version: 1, collections };
  }
}

/**
 * Parse a value kept as text, once: the parsed value replaces it (same key, same place). A value
 * the snapshot holds broken (edited by hand) stays text and throws, naming it, whenever read.
 */
function parsed(map: Map<string, unknown>, key: string, raw: RawJson): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw.text);
  } catch (err) {
    throw new Error(`The DB_FILE snapshot holds invalid JSON for "${key}": ${(err as Error).message}`);
  }
  map.set(key, value);
  return value;
}

export class MemoryStore implements Store {
  readonly kind: 'memory' | 'file' = 'memory';
  generation = 0;
  protected readonly state = new MemoryState();

  get parsing(): boolean {
    return this.state.parsing;
  }
  get compacting(): boolean {
    return false;
  }

  get<T>(collection: string, key: string): T | undefined {
    return this.state.get(collection, key) as T | undefined;
  }
  has(collection: string, key: string): boolean {
    return this.state.map(collection).has(key);
  }
  values<T>(collection: string): IterableIterator<T> {
    return this.state.values(collection) as IterableIterator<T>;
  }
  entries<T>(collection: string): IterableIterator<[string, T]> {
    return this.state.entries(collection) as IterableIterator<[string, T]>;
  }
  keys(collection: string): IterableIterator<string> {
    return this.state.keys(collection);
  }
  oldestKeys(collection: string, count: number): string[] {
    return this.state.oldestKeys(collection, count);
  }
  size(collection: string): number {
    return this.state.map(collection).size;
  }
  async write(mutations: Mutation[]): Promise<void> {
    this.state.apply(mutations);
  }
  async replace(doc: StateDocument): Promise<void> {
    this.state.load(doc);
    this.generation++;
  }
  snapshot(): StateDocument {
    return this.state.toDocument();
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * `value` with each change set at its path, in place (see MemoryState.replay); a change at the
 * root path replaces it. An existing key keeps its place, a new one goes last (see changes.ts).
 * A change whose path no longer exists in `value` (an array now shorter, an object now something
 * else) is skipped, whole.
 */
export function setChanges(value: unknown, changes: readonly PathChange[]): unknown {
  let out = value;
  for (const { path, value: changed } of changes) {
    if (path.length === 0) {
      out = changed;
      continue;
    }
    let at: unknown = out;
    for (let i = 0; i < path.length - 1 && at !== MISSING; i++) at = step(at, path[i] as string | number);
    const last = path[path.length - 1] as string | number;
    if (at !== MISSING && step(at, last, true) !== MISSING) (at as Record<string | number, unknown>)[last] = changed;
  }
  return out;
}

const MISSING = Symbol('missing path');

/** What `target` holds at `key` (`last`: the key may be new on an object), or MISSING. */
function step(target: unknown, key: string | number, last = false): unknown {
  if (Array.isArray(target)) return typeof key === 'number' && key >= 0 && key < target.length ? target[key] : MISSING;
  if (typeof target !== 'object' || target === null || typeof key !== 'string' || key === '__proto__') return MISSING;
  return last || Object.hasOwn(target, key) ? (target as Record<string, unknown>)[key] : MISSING;
}
