// MemoryState.oldestKeys, the eviction order of the collections held at MAX_RECORDS: the oldest
// key still present first, as keys() lists them, while entries come and go.
import { describe, expect, it } from 'vitest';
import { evictOldest } from '../rules/findings.js';
import { MemoryStore } from './memory.js';
import { del, emptyState, put } from './store.js';

const C = 'records';

describe('oldestKeys', () => {
  it('holding a collection at its maximum evicts in insertion order, as keys() lists them', async () => {
    const store = new MemoryStore();
    const max = 50;
    let n = 0;
    // Deterministic mix: an insert that evicts, a deletion from the middle, a key re-inserted
    // (it goes to the end), an update in place (it keeps its place).
    for (let step = 0; step < 2_000; step++) {
      const keys = [...store.keys(C)];
      const expected = keys.slice(0, Math.max(0, keys.length + 1 - max));
      const evictions = evictOldest(store, C, max, 1);
      expect(evictions.map((m) => m.key)).toEqual(expected);
      await store.write([...evictions, put(C, `k${n++}`, step)]);
      if (step % 7 === 3 && keys.length > 10) await store.write([del(C, keys[5] as string)]);
      if (step % 11 === 5 && keys.length > 10) {
        await store.write([del(C, keys[3] as string)]);
        await store.write([put(C, keys[3] as string, 'again')]);
      }
      if (step % 13 === 0 && keys.length > 20) await store.write([put(C, keys[20] as string, 'updated')]);
      expect(store.size(C)).toBeLessThanOrEqual(max);
    }
    expect(store.size(C)).toBe(max);
  });

  it('a key given but not deleted comes again once the cursor has reached the end', async () => {
    const store = new MemoryStore();
    await store.write(['a', 'b', 'c'].map((k) => put(C, k, k)));
    expect(store.oldestKeys(C, 1)).toEqual(['a']); // given, never deleted
    expect(store.oldestKeys(C, 1)).toEqual(['b']);
    await store.write([del(C, 'b')]);
    expect(store.oldestKeys(C, 1)).toEqual(['c']);
    await store.write([del(C, 'c')]);
    expect(store.oldestKeys(C, 1)).toEqual(['a']);
  });

  it('never gives a key twice in one call, and no more keys than there are', async () => {
    const store = new MemoryStore();
    await store.write(['a', 'b', 'c'].map((k) => put(C, k, k)));
    expect(store.oldestKeys(C, 2)).toEqual(['a', 'b']);
    expect(store.oldestKeys(C, 5)).toEqual(['c', 'a', 'b']);
    expect(new MemoryStore().oldestKeys(C, 3)).toEqual([]);
  });

  it('starts afresh when the state is replaced', async () => {
    const store = new MemoryStore();
    await store.write(['a', 'b'].map((k) => put(C, k, k)));
    expect(store.oldestKeys(C, 1)).toEqual(['a']);
    await store.replace({ ...emptyState(), collections: { [C]: { x: 1, y: 2 } } });
    expect(store.oldestKeys(C, 1)).toEqual(['x']);
  });
});
