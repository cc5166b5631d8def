import { describe, expect, it } from 'vitest';
import { changesBetween } from './changes.js';
import { withChanges } from './memory.js';

const replayed = (before: unknown, after: unknown) => withChanges(before, changesBetween(before, after) ?? []);

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
