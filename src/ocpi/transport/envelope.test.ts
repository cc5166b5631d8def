// The envelope text: with `data` given as a value or already serialised, the same bytes.
import { describe, expect, it } from 'vitest';
import { envelope, envelopeText, JsonText, jsonOf } from './envelope.js';

describe('envelopeText', () => {
  const now = Date.UTC(2026, 10, 25, 10, 0, 0, 700);
  const tokens = [
    { uid: 'A', valid: true },
    { uid: 'B "quoted"', valid: false },
  ];

  it('splices serialised data in: the bytes JSON.stringify would give for the whole envelope', () => {
    const spliced = envelopeText(now, new JsonText(`[${tokens.map((t) => jsonOf(t)).join(',')}]`), 1000);
    expect(spliced).toBe(JSON.stringify(envelope(now, tokens, 1000)));
    expect(JSON.parse(spliced)).toEqual({ data: tokens, status_code: 1000, status_message: 'Success', timestamp: '2026-11-25T10:00:00Z' });
    expect(envelopeText(now, new JsonText('[]'), 2001, 'why')).toBe(JSON.stringify(envelope(now, [], 2001, 'why')));
    expect(envelopeText(now, undefined, 1000)).toBe(JSON.stringify(envelope(now, undefined, 1000)));
  });

  it('is written out, byte for byte what JSON.stringify gives for the envelope object', () => {
    const datas = [undefined, null, 0, '', 'a "quoted" \\ line\nbreak \u2028 é 😀', [], {}, tokens, { nested: { list: [1, 2.5, true] } }];
    const messages = [undefined, 'Success', 'why "not" \\ here\n\t', 'ünïcode 😀 \u0000'];
    for (const data of datas) {
      for (const code of [1000, 2001, 2003, 3000, 9999]) {
        for (const message of messages) {
          expect(envelopeText(now, data, code, message)).toBe(JSON.stringify(envelope(now, data, code, message)));
        }
      }
    }
  });

  it('jsonOf serialises an object once (stored objects are immutable)', () => {
    const token = { uid: 'C' };
    const first = jsonOf(token);
    expect(jsonOf(token)).toBe(first);
    expect(jsonOf({ uid: 'C' })).toBe('{"uid":"C"}');
  });
});
