import { describe, expect, it } from 'vitest';
import { ChunkedStrings } from './bytes.js';
import { type InboundRecord, Journal } from './journal.js';

describe('ChunkedStrings', () => {
  it('gives back what it stored: absent, empty, multi-byte and larger-than-a-chunk strings', () => {
    const store = new ChunkedStrings(64);
    const parts = [undefined, '', 'plain', 'Grüße €', '🔌⚡'.repeat(10), 'x'.repeat(200)];
    const refs = [store.write(parts), store.write(['second']), store.write(parts)];
    expect(store.read(refs[0]!, parts.length)).toEqual(parts);
    expect(store.read(refs[1]!, 1)).toEqual(['second']);
    expect(store.read(refs[2]!, parts.length)).toEqual(parts);
  });

  it('keeps a chunk while it holds an entry and gives it back when the last one is dropped', () => {
    const store = new ChunkedStrings(100);
    const a = store.write(['a'.repeat(40)]);
    const b = store.write(['b'.repeat(40)]);
    const c = store.write(['c'.repeat(40)]); // does not fit beside a and b: a second chunk
    expect(c.chunk).toBe(a.chunk + 1);
    expect(store.bytes).toBe(200);
    store.drop(a);
    expect(store.bytes).toBe(200); // b still lives in the first chunk
    store.drop(b);
    expect(store.bytes).toBe(100);
    expect(store.read(c, 1)).toEqual(['c'.repeat(40)]);
    store.drop(c); // the chunk being written stays (it is reused), but only one
    store.write(['d'.repeat(90)]);
    expect(store.bytes).toBeLessThanOrEqual(200);
  });
});

function inbound(i: number, extra: Partial<InboundRecord> = {}): InboundRecord {
  return {
    id: `id-${i}`,
    timeMs: Date.UTC(2026, 0, 15, 10, 0, i),
    protocol: 'ocpi',
    party: 'NL*TNM',
    method: i % 2 ? 'PATCH' : 'GET',
    url: `http://localhost/ocpi/2.1.1/locations/NL/TNM/L${i}`,
    path: `/ocpi/2.1.1/locations/NL/TNM/L${i}`,
    status: 200,
    ocpi_status: 1000,
    duration_ms: 0.4,
    requestHeaders: ['Host', 'localhost', 'Authorization', 'Token secret-of-the-cpo'],
    requestBody: `{"status":"CHARGING","n":${i}}`,
    responseHeaders: { 'Content-Type': 'application/json' },
    responseBody: '{"status_code":1000}',
    ...extra,
  };
}

describe('Journal (inbound exchanges stored off the JS heap)', () => {
  it('builds the entry from what was recorded: redacted token, numbers, bodies, headers', () => {
    const journal = new Journal(10, 1000);
    journal.recordInbound(inbound(1, { fault: 'slow', ocpi_status: undefined }));
    const [entry] = journal.query().entries;
    expect(entry).toEqual({
      id: 'id-1',
      time: '2026-01-15T10:00:01.000Z',
      direction: 'inbound',
      protocol: 'ocpi',
      party: 'NL*TNM',
      method: 'PATCH',
      url: 'http://localhost/ocpi/2.1.1/locations/NL/TNM/L1',
      path: '/ocpi/2.1.1/locations/NL/TNM/L1',
      status: 200,
      duration_ms: 0.4,
      request: { headers: { host: 'localhost', authorization: 'Token [redacted]' }, body: '{"status":"CHARGING","n":1}' },
      response: { headers: { 'content-type': 'application/json' }, body: '{"status_code":1000}' },
      fault: 'slow',
    });
    expect(JSON.stringify(journal.get('id-1'))).not.toContain('secret-of-the-cpo');
  });

  it('marks a body longer than JOURNAL_BODY_LIMIT truncated, and stores no more than the limit', () => {
    const journal = new Journal(10, 16);
    journal.recordInbound(inbound(1, { requestBody: 'r'.repeat(10_000), responseBody: 'exactly 16 chars' }));
    const entry = journal.get('id-1');
    expect(entry?.request).toMatchObject({ body: 'r'.repeat(16), body_truncated: true });
    expect(entry?.response).toEqual({ headers: { 'content-type': 'application/json' }, body: 'exactly 16 chars' });
    expect(journal.storedBytes).toBeLessThan(1 << 21); // not 10 KB per body kept: one 1 MB chunk
  });

  it('keeps the newest JOURNAL_SIZE exchanges, filters them, and gives back the memory of the others', () => {
    const journal = new Journal(50, 1 << 20);
    const big = 'b'.repeat(100_000);
    for (let i = 0; i < 500; i++) journal.recordInbound(inbound(i, { responseBody: big }));
    const { total, entries } = journal.query({ limit: 3 });
    expect(total).toBe(50);
    expect(entries.map((e) => e.id)).toEqual(['id-499', 'id-498', 'id-497']);
    expect(journal.get('id-449')).toBeUndefined();
    expect(journal.get('id-450')?.response?.body).toHaveLength(100_000);
    expect(journal.query({ path: '/ocpi/2.1.1/locations/NL/TNM/L47' }).entries.map((e) => e.id)).toEqual([
      'id-479',
      'id-478',
      'id-477',
      'id-476',
      'id-475',
      'id-474',
      'id-473',
      'id-472',
      'id-471',
      'id-470',
    ]);
    expect(journal.query({ method: 'patch' }).total).toBe(25);
    // 50 entries of ~100 KB live: ~5 MB, not the 50 MB written.
    expect(journal.storedBytes).toBeLessThan(8 << 20);
    journal.clear();
    expect(journal.query().total).toBe(0);
    expect(journal.storedBytes).toBe(0);
  });

  it('finds entries by id and path without decoding their bodies, and still when the path is long or multi-byte', () => {
    const journal = new Journal(10, 1 << 20);
    const long = `/ocpi/${'ü'.repeat(600)}`; // 1,206 bytes: past the prefix read for ids and paths
    const edge = `/ocpi/${'a'.repeat(1006)}€`; // its last character split by that prefix
    journal.recordInbound(inbound(1, { path: long, responseBody: 'x'.repeat(100_000) }));
    journal.recordInbound(inbound(2, { path: edge }));
    expect(journal.query({ path: long }).entries.map((e) => e.id)).toEqual(['id-1']);
    expect(journal.query({ path: edge }).entries.map((e) => e.id)).toEqual(['id-2']);
    expect(journal.get('id-1')?.path).toBe(long);
    expect(journal.get('id-2')?.path).toBe(edge);
  });

  it('keeps outbound entries as given, in the same order as inbound ones', () => {
    const journal = new Journal(10, 1000);
    journal.recordInbound(inbound(1));
    journal.record({ ...journal.get('id-1')!, id: 'out-1', direction: 'outbound' });
    expect(journal.query().entries.map((e) => [e.id, e.direction])).toEqual([
      ['out-1', 'outbound'],
      ['id-1', 'inbound'],
    ]);
    expect(journal.query({ direction: 'outbound', path: '/ocpi/2.1.1/locations' }).total).toBe(1);
  });
});
