import { describe, expect, it } from 'vitest';
import { copyOf, MAX_SHAPES, withFields } from './copy.js';

describe('copyOf / withFields', () => {
  it('copies like a spread: same keys in the same order, undefined values kept, a new object', () => {
    const value = { id: 'L1', name: undefined, evses: [{ uid: 'E1' }], last_updated: '2024-05-01T10:00:00Z' };
    for (let round = 0; round < 3; round++) {
      // The first copy of a key list generates its literal; the later ones reuse it.
      const copy = copyOf(value);
      expect(copy).not.toBe(value);
      expect(Object.keys(copy)).toEqual(['id', 'name', 'evses', 'last_updated']);
      expect(copy).toStrictEqual({ ...value });
      expect(copy.evses).toBe(value.evses); // shallow
    }
  });

  it('withFields sets existing keys in place and appends new ones, as a spread does', () => {
    const evse = { uid: 'E1', status: 'AVAILABLE', last_updated: '2024-05-01T10:00:00Z' };
    const patch = { status: 'CHARGING', floor_level: '-1' };
    const merged = withFields<Record<string, string>>(evse, patch, { last_updated: '2024-05-02T10:00:00Z' });
    const spread = { ...evse, ...patch, last_updated: '2024-05-02T10:00:00Z' };
    expect(JSON.stringify(merged)).toBe(JSON.stringify(spread));
    expect(evse.status).toBe('AVAILABLE'); // the original is untouched
  });

  it('tells key lists apart: same keys in another order, a prefix, one key more', () => {
    const lists = [
      { a: 1, b: 2, c: 3 },
      { b: 2, a: 1, c: 3 },
      { a: 1, b: 2 },
      { a: 1, b: 2, c: 3, d: 4 },
    ];
    for (let round = 0; round < 2; round++) {
      for (const value of lists) {
        const copy = copyOf(value);
        expect(Object.keys(copy)).toEqual(Object.keys(value));
        expect(copy).toStrictEqual(value);
      }
    }
  });

  it('a "__proto__" key (JSON.parse makes it an own key) stays a key, and the prototype stays', () => {
    const value = JSON.parse('{"id":"L1","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const copy = copyOf(value);
    expect(Object.keys(copy)).toEqual(['id', '__proto__']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('odd key names are copied as they are (they are written into generated code)', () => {
    const value = { 'a"b': 1, "c'd": 2, 'e\\f': 3, '\u2028': 4, '1': 5, '': 6, 'x}; throw 1; ({': 7 };
    expect(copyOf(value)).toStrictEqual({ ...value });
  });

  it('past MAX_SHAPES key lists, values are still copied (by spread)', async () => {
    // A module instance of its own (the query makes it another module): filling the
    // process-wide cache would leave the test files run after this one in the same worker
    // (isolate: false) copying by spread only.
    const specifier = './copy.js?own-cache';
    const own = (await import(specifier)) as typeof import('./copy.js');
    expect(own.copyOf).not.toBe(copyOf);
    for (let n = 0; n < MAX_SHAPES + 10; n++) {
      const value = { [`key${n}`]: n, shared: 'x' };
      expect(own.copyOf(value)).toStrictEqual(value);
    }
  });
});
