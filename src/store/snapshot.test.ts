// The snapshot text: valid JSON, one value per line, indexed without parsing; any other JSON
// layout still loads (parsed whole).
import { describe, expect, it } from 'vitest';
import { MemoryState } from './memory.js';
import { parseSnapshot, RawJson, snapshotText } from './snapshot.js';

const collections = () =>
  new Map<string, Map<string, unknown>>([
    [
      'locations',
      new Map<string, unknown>([
        ['NL*TNM/L1', { id: 'L1', name: 'Zürich "Hbf" \\ line\nbreak', evses: [{ uid: 'E1' }] }],
        ['NL*TNM/"quoted"\\key', { id: 'q' }],
        ['__proto__', { id: 'proto' }],
      ]),
    ],
    ['empty', new Map()],
    [
      'meta',
      new Map<string, unknown>([
        ['flag', true],
        ['n', 0],
        ['s', 'text'],
        ['nothing', null],
        ['skipped', undefined],
      ]),
    ],
  ]);

describe('snapshot text', () => {
  it('is the JSON of the state document, one stored value per line', () => {
    const text = snapshotText(collections(), 7);
    const doc = JSON.parse(text);
    expect(doc.format).toBe('plugsurfing-emp-sim/state');
    expect(doc.version).toBe(1);
    expect(doc.log_generation).toBe(7);
    expect(Object.keys(doc.collections)).toEqual(['locations', 'empty', 'meta']);
    expect(doc.collections.empty).toEqual({});
    expect(doc.collections.meta).toEqual({ flag: true, n: 0, s: 'text', nothing: null }); // undefined is not JSON
    expect(Object.getOwnPropertyDescriptor(doc.collections.locations, '__proto__')?.value).toEqual({ id: 'proto' });
    const lines = text.trimEnd().split('\n');
    expect(lines.filter((l) => /^,?"NL\*TNM\/L1":/.test(l))).toHaveLength(1);
    expect(lines).toHaveLength(1 + (1 + 3 + 1) + (1 + 1) + (1 + 4 + 1) + 1);
  });

  it('is read back without parsing the values: each stays text until it is first read', () => {
    const loaded = parseSnapshot(snapshotText(collections(), 3));
    expect(loaded.header).toEqual({ format: 'plugsurfing-emp-sim/state', version: 1, log_generation: 3 });
    const locations = loaded.collections.get('locations') as Map<string, unknown>;
    expect([...locations.keys()]).toEqual(['NL*TNM/L1', 'NL*TNM/"quoted"\\key', '__proto__']);
    expect([...locations.values()].every((v) => v instanceof RawJson)).toBe(true);

    const state = new MemoryState();
    state.adopt(loaded.collections);
    expect(state.get('locations', 'NL*TNM/L1')).toEqual(collections().get('locations')?.get('NL*TNM/L1'));
    expect(state.map('locations').get('NL*TNM/L1')).not.toBeInstanceOf(RawJson); // parsed once, kept
    expect(state.map('locations').get('__proto__')).toBeInstanceOf(RawJson); // not read yet
    expect([...state.entries('locations')].map(([k, v]) => [k, (v as { id: string }).id])).toEqual([
      ['NL*TNM/L1', 'L1'],
      ['NL*TNM/"quoted"\\key', 'q'],
      ['__proto__', 'proto'],
    ]);
    expect([...state.values('meta')]).toEqual([true, 0, 'text', null]);
    expect(state.toDocument().collections.meta).toEqual({ flag: true, n: 0, s: 'text', nothing: null });
  });

  it('parseSome parses what is still text, a slice at a time, and skips what was written meanwhile', () => {
    const state = new MemoryState();
    state.adopt(parseSnapshot(snapshotText(collections(), 1)).collections);
    state.apply([{ op: 'put', collection: 'locations', key: 'NL*TNM/L1', value: { id: 'new' } }]);
    expect(state.parseSome(2)).toBe(true);
    const still = () => [...state.frozen()].flatMap(([, m]) => [...m.values()].filter((v) => v instanceof RawJson)).length;
    expect(still()).toBe(6 - 2); // 7 values stored (undefined is not), one written over: 6 were text
    while (state.parseSome(1));
    expect(still()).toBe(0);
    expect(state.get('locations', 'NL*TNM/L1')).toEqual({ id: 'new' });
    expect(state.get('locations', '__proto__')).toEqual({ id: 'proto' });
    expect(state.parseSome(10)).toBe(false);
  });

  it('a value broken by hand stays text: parsing ahead skips it, reading it names it', () => {
    const text = snapshotText(collections(), 1).replace('"NL*TNM/L1":{"id":"L1"', '"NL*TNM/L1":{"id":L1"');
    const state = new MemoryState();
    state.adopt(parseSnapshot(text).collections);
    while (state.parseSome(100));
    expect(() => state.get('locations', 'NL*TNM/L1')).toThrow(/DB_FILE snapshot holds invalid JSON for "NL\*TNM\/L1"/);
    expect(state.get('locations', '__proto__')).toEqual({ id: 'proto' });
  });

  it('writes values still in text form back verbatim (a compaction does not parse them)', () => {
    const loaded = parseSnapshot(snapshotText(collections(), 1));
    const raw = loaded.collections.get('locations')?.get('NL*TNM/L1') as RawJson;
    const again = snapshotText(loaded.collections, 2);
    expect(again).toContain(`"NL*TNM/L1":${raw.text}\n`);
    expect(JSON.parse(again).collections).toEqual(JSON.parse(snapshotText(collections(), 2)).collections);
  });

  it('loads any other JSON layout whole: pretty-printed, one line, no log_generation', () => {
    const doc = { format: 'plugsurfing-emp-sim/state', version: 1, collections: { locations: { 'NL*TNM/L1': { id: 'L1' } } } };
    for (const text of [JSON.stringify(doc, null, 2), JSON.stringify(doc), JSON.stringify({ ...doc, log_generation: 4 })]) {
      const loaded = parseSnapshot(text);
      expect(loaded.collections.get('locations')?.get('NL*TNM/L1')).toEqual({ id: 'L1' });
    }
    expect(parseSnapshot(JSON.stringify({ ...doc, log_generation: 4 })).header.log_generation).toBe(4);
  });

  it('a line-layout file that is cut short or altered is parsed whole, and broken JSON is an error', () => {
    const text = snapshotText(collections(), 1);
    expect(() => parseSnapshot(text.slice(0, text.length - 4))).toThrow(SyntaxError); // no closing lines
    const spaced = text.replace('"empty":{\n}', '"empty": {\n}'); // still JSON, not the layout
    expect(parseSnapshot(spaced).collections.get('meta')?.get('flag')).toBe(true);
  });
});
