// The one store interface every module uses. Reads are synchronous from memory; a write
// applies its mutations at once (so a read-modify-write without an `await` in between can
// never lose an update) and resolves when the write is durable.

/** One value inside a stored value: `path` of property names and array indexes from its root. */
export interface PathChange {
  path: (string | number)[];
  value: unknown;
}

export type Mutation =
  /**
   * `changes`, when given, says that `value` is the stored value with only those paths set: a
   * store with a log records them instead of the whole value (a status PATCH of a 2 KB Location
   * logs its status and last_updated, not the Location).
   */
  | {
      op: 'put';
      collection: string;
      key: string;
      value: unknown;
      changes?: PathChange[];
      /**
       * A value seldom read again (a CDR): a store that serialises it anyway (the file store's
       * log) may keep it as that JSON text, outside the JS heap, until it is read.
       */
      asText?: true;
    }
  | { op: 'del'; collection: string; key: string };

/** What a log line holds: a mutation, or the changes of a `put` that had them. */
export type LoggedMutation = Mutation | { op: 'set'; collection: string; key: string; changes: PathChange[] };

/** The whole state as one JSON document (GET/PUT /admin/state, the file snapshot). */
export interface StateDocument {
  format: 'plugsurfing-emp-sim/state';
  version: 1;
  collections: Record<string, Record<string, unknown>>;
}

export interface Store {
  readonly kind: 'memory' | 'file';
  /** Increments whenever the whole state is replaced (load, reset, PUT /admin/state). */
  readonly generation: number;
  /** True while values of the snapshot loaded at start are still text, parsed after start-up (file store). */
  readonly parsing: boolean;
  /** True while the file store writes a new snapshot (compaction); requests and writes go on meanwhile. */
  readonly compacting: boolean;
  get<T>(collection: string, key: string): T | undefined;
  has(collection: string, key: string): boolean;
  /** Values in insertion order (a replaced value keeps its place: stable pagination). */
  values<T>(collection: string): IterableIterator<T>;
  entries<T>(collection: string): IterableIterator<[string, T]>;
  /** Keys in insertion order, without reading the values (a file store parses those lazily). */
  keys(collection: string): IterableIterator<string>;
  /**
   * The `count` oldest keys, to delete in the write that follows (an eviction): each call goes on
   * from the keys the last one gave. Constant time where `keys()` would step over every entry
   * deleted at the front (see MemoryState.oldestKeys).
   */
  oldestKeys(collection: string, count: number): string[];
  size(collection: string): number;
  /** Apply atomically in memory now; resolves once durable, rejects (and undoes) if not. */
  write(mutations: Mutation[]): Promise<void>;
  /** Replace everything (admin state import, reset). Durable when resolved. */
  replace(doc: StateDocument): Promise<void>;
  snapshot(): StateDocument;
  /** Wait until every acknowledged write is durable and compact where the kind does. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const put = (collection: string, key: string, value: unknown): Mutation => ({ op: 'put', collection, key, value });
/** A `put` of a value seldom read again (see Mutation `asText`). */
export const putSeldomRead = (collection: string, key: string, value: unknown): Mutation => ({
  op: 'put',
  collection,
  key,
  value,
  asText: true,
});
/** `value`, which is the value stored at `key` with `changes` set (see Mutation). */
export const update = (collection: string, key: string, value: unknown, changes: PathChange[]): Mutation => ({
  op: 'put',
  collection,
  key,
  value,
  changes,
});
export const del = (collection: string, key: string): Mutation => ({ op: 'del', collection, key });

export function emptyState(): StateDocument {
  return { format: 'plugsurfing-emp-sim/state', version: 1, collections: {} };
}

/** Thrown when the disk refuses a write; the transport answers 3000 with its message. */
export class StoreWriteError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StoreWriteError';
  }
}
