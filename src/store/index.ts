import { FileStore, type FileStoreOptions } from './file.js';
import { MemoryStore } from './memory.js';
import type { Store } from './store.js';

export * from './store.js';
export { FileStore, MemoryStore };

/** `:memory:` keeps everything in memory; anything else is a file path. */
export function openStore(dbFile: string, opts?: FileStoreOptions): Promise<Store> {
  return dbFile === ':memory:' ? Promise.resolve(new MemoryStore()) : FileStore.open(dbFile, opts);
}
