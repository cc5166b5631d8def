import { describe, expect, it } from 'vitest';
import { changesBetween } from './changes.js';
import { setChanges } from './memory.js';

// On a copy: replay sets the changes in place.
const replayed = (before: unknown, after: unknown) => setChanges(structuredClone(before), changesBetween(before, after) ?? []);

describe('changesBetween', () => {
  const evse = (uid: string, status = 'AVAILABLE') => ({ uid, status, connectors: [{ id: '1' }], last_updated: 'T0' });
  const before = { party: 'NL*TNM', location: { id: 'L', evses: [evse('E1'), evse('E2')], last_updated: 'T0' } };

  it('follows only what is new: a status PATCH is its status and two last_updated', () => {
    const e2 = { ...before.location.evses[1], status: 'CHARGING', last_updated: 'T1' };
    const after = { ...before, location: { ...before.location, evses: [before.location.evses[0], e2], last_updated: 'T1' } };
    expect(changesBetween(before, after)).toEqual([
      { path: ['location', 'evses', 1, 'status'], value: 'CHARGING' },
      { path: ['location', 'evses', 1, 'last_updated'], value: 'T1' },
      { path: ['location', 'last_updated'], value: 'T1' },
    ]);
    expect(JSON.stringify(replayed(before, after))).toBe(JSON.stringify(after));
    expect(changesBetween(before, before)).toEqual([]);
  });

  it('a new key goes last, as a spread puts it; a removed or reordered key sends the whole object', () => {
    const added = { ...before, location: { ...before.location, floor: '2' } };
    expect(changesBetween(before, added)).toEqual([{ path: ['location', 'floor'], value: '2' }]);
    expect(JSON.stringify(replayed(before, added))).toBe(JSON.stringify(added));
    const { last_updated: _, ...removed } = before.location;
    expect(changesBetween(before, { ...before, location: removed })).toEqual([{ path: ['location'], value: removed }]);
    const reordered = { ...before, location: { last_updated: 'T0', id: 'L', evses: before.location.evses } };
    expect(changesBetween(before, reordered)).toEqual([{ path: ['location'], value: reordered.location }]);
    expect(JSON.stringify(replayed(before, reordered))).toBe(JSON.stringify(reordered));
  });

  it('an array of another length is sent whole (an EVSE added or removed)', () => {
    const more = { ...before, location: { ...before.location, evses: [...before.location.evses, evse('E3')] } };
    expect(changesBetween(before, more)).toEqual([{ path: ['location', 'evses'], value: more.location.evses }]);
    expect(JSON.stringify(replayed(before, more))).toBe(JSON.stringify(more));
  });

  it('is not for values that are not objects', () => {
    expect(changesBetween(1, 2)).toBeUndefined();
    expect(changesBetween([1], [2])).toBeUndefined();
  });
});

describe('setChanges (log replay)', () => {
  it('sets in place; a change whose path is gone is skipped whole; a root change replaces the value', () => {
    const value = { location: { id: 'L', evses: [{ uid: 'E1', status: 'AVAILABLE' }] } };
    const out = setChanges(value, [
      { path: ['location', 'evses', 0, 'status'], value: 'CHARGING' },
      { path: ['location', 'evses', 1, 'status'], value: 'BLOCKED' }, // no evses[1] any more
      { path: ['location', 'gone', 'name'], value: 'x' }, // no `gone`: nothing is created on the way
      { path: ['location', 'floor'], value: '2' }, // a new key, last
    ]);
    expect(out).toBe(value);
    expect(JSON.stringify(value)).toBe('{"location":{"id":"L","evses":[{"uid":"E1","status":"CHARGING"}],"floor":"2"}}');
    expect(setChanges(value, [{ path: [], value: { id: 'new' } }])).toEqual({ id: 'new' });
  });

  it('never follows or sets __proto__ (a log is a file anybody could edit)', () => {
    const value = { location: { id: 'L' } };
    setChanges(value, [
      { path: ['__proto__', 'polluted'], value: true },
      { path: ['location', '__proto__'], value: { polluted: true } },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value.location)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toBe('{"location":{"id":"L"}}');
  });
});
