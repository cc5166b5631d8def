// Issue 8, limits against abuse: body size, JSON depth, page size, journal size, stored objects
// per party (and the record collections kept at MAX_RECORDS), request line and headers. Each
// answers a clear error naming the limit; none crashes the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oioi, station, stationPost } from './helpers/oioi-cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';
import { LOC, location, TAR, tariff } from './locations-fixtures.js';

const BODY_LIMIT = 2048;
const DEPTH = 8;

let sim: TestSim;
let token: string;
beforeAll(async () => {
  sim = await startSim({
    bodyLimit: BODY_LIMIT,
    jsonDepthLimit: DEPTH,
    maxPageLimit: 5,
    journalSize: 20,
    journalBodyLimit: 100,
    maxObjectsPerParty: 3,
    maxRecords: 5,
  });
  token = (await sim.addParty('NL', 'TNM')).token;
});
afterAll(async () => {
  // Whatever was thrown at it, it still serves.
  expect((await sim.call('GET', '/health')).status).toBe(200);
  await sim.stop();
});

const json = { 'Content-Type': 'application/json' };
const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

function chunked(text: string, chunkSize = 256): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + chunkSize));
      at += chunkSize;
    },
  });
}

describe('body size (BODY_LIMIT; the admin API: 16 MiB)', () => {
  it('OCPI: 413 naming the limit, declared or chunked; the limit itself is fine', async () => {
    const over = JSON.stringify({ ...location('L1'), name: 'x'.repeat(BODY_LIMIT) });
    const res = await sim.call('PUT', `${LOC}/NL/TNM/L1`, { token, body: over, headers: json });
    expect(res.status).toBe(413);
    expect(res.body.status_message).toBe(`Request body exceeds the limit of ${BODY_LIMIT} bytes`);
    const streamed = await fetch(`${sim.url}${LOC}/NL/TNM/L1`, {
      method: 'PUT',
      headers: { ...json, Authorization: `Token ${token}` },
      body: chunked(over),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    // Cut short while the client was still sending: the rest is not read, so the connection ends.
    expect(streamed.headers.get('connection')).toBe('close');
    const exact = JSON.stringify(location('L1'));
    const padded = exact + ' '.repeat(BODY_LIMIT - exact.length);
    expect((await sim.call('PUT', `${LOC}/NL/TNM/L1`, { token, body: padded, headers: json })).status).toBe(201);
  });

  it('OIOI: 413 with its error body, declared or chunked', async () => {
    const body = JSON.stringify(stationPost(station('s', { name: 'x'.repeat(BODY_LIMIT) })));
    const headers = { ...json, Authorization: 'key=oioi-sim-key-cpo-1' };
    const res = await sim.call('POST', '/api/v4/request', { body, headers });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(new RegExp(`limit of ${BODY_LIMIT} bytes`));
    const streamed = await fetch(`${sim.url}/api/v4/request`, {
      method: 'POST',
      headers,
      body: chunked(body),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(streamed.headers.get('connection')).toBe('close');
    expect(((await streamed.json()) as any).error).toMatch(new RegExp(`limit of ${BODY_LIMIT} bytes`));
  });

  it('admin API: 413 beyond 16 MiB, chunked', async () => {
    const res = await fetch(`${sim.url}/admin/tokens`, {
      method: 'POST',
      headers: json,
      body: chunked(`{"uid":"x","pad":"${'x'.repeat(16 << 20)}"}`, 1 << 20),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(((await res.json()) as any).error.message).toMatch(/exceeds the limit of 16777216 bytes/);
  });
});

describe('JSON depth (JSON_DEPTH_LIMIT; the admin API: 64)', () => {
  it(`OCPI and OIOI: ${DEPTH} levels are read, ${DEPTH + 1} refused with 400 naming the limit; 100 000 levels do not overflow the stack`, async () => {
    const put = (body: string) => sim.call('PUT', `${LOC}/NL/TNM/L2`, { token, body, headers: json });
    expect((await put(nested(DEPTH))).body.status_code).toBe(2001); // read, then refused by the schema
    for (const levels of [DEPTH + 1, 100_000]) {
      const body = levels > 1000 ? '['.repeat(levels) + ']'.repeat(levels) : nested(levels);
      const res = await sim.call('PUT', `${LOC}/NL/TNM/L2`, { token, body, headers: json });
      if (levels > 1000) {
        expect(res.status).toBe(413); // 200 000 bytes: the size limit comes first
        continue;
      }
      expect(res.status).toBe(400);
      expect(res.body.status_message).toBe(`Request body is nested deeper than ${DEPTH} levels`);
      const o = await sim.call('POST', '/api/v4/request', { body, headers: { ...json, Authorization: 'key=oioi-sim-key-cpo-1' } });
      expect(o.status).toBe(400);
      expect(o.body.error).toMatch(/nested deeper/);
    }
  });

  it('admin API: 65 levels refused; a million levels (2 MB) too, without a stack overflow', async () => {
    for (const body of [nested(65), '['.repeat(1_000_000) + ']'.repeat(1_000_000)]) {
      const res = await sim.call('POST', '/admin/faults', { body, headers: json });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('Request body is nested deeper than 64 levels');
    }
  });
});

describe('page size (MAX_PAGE_LIMIT; admin lists: 1000)', () => {
  it('OCPI GET tokens: a larger limit is lowered to the maximum, said in X-Limit, with a next link', async () => {
    const res = await sim.call('GET', '/ocpi/2.1.1/tokens?limit=1000000', { token });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(5);
    expect(res.headers.get('x-limit')).toBe('5');
    expect(res.headers.get('link')).toMatch(/offset=5&limit=5>; rel="next"/);
    const huge = await sim.call('GET', `/ocpi/2.1.1/tokens?offset=${'9'.repeat(16)}`, { token });
    expect(huge.body.status_code).toBe(2001);
  });

  it('admin lists: limit above 1000 is refused with 400 naming the parameter', async () => {
    for (const path of ['/admin/locations', '/admin/tokens', '/admin/journal', '/admin/cdrs', '/admin/findings', '/admin/authorizations']) {
      const res = await sim.call('GET', `${path}?limit=1001`);
      expect(res.status, path).toBe(400);
      expect(res.body.error.message).toMatch(/limit/);
      expect((await sim.call('GET', `${path}?limit=1000`)).status, path).toBe(200);
    }
  });
});

describe('journal (JOURNAL_SIZE, JOURNAL_BODY_LIMIT)', () => {
  it('keeps the newest JOURNAL_SIZE exchanges and cuts bodies at JOURNAL_BODY_LIMIT', async () => {
    for (let i = 0; i < 60; i++) await sim.call('GET', `/ocpi/2.1.1/tokens?limit=1&offset=${i}`, { token });
    await sim.call('PUT', `${LOC}/NL/TNM/J1`, { token, json: location('J1') });
    const journal = (await sim.call('GET', '/admin/journal?limit=1000')).body;
    expect(journal.total).toBe(20);
    const [newest] = journal.items;
    expect(newest.path).toBe(`${LOC}/NL/TNM/J1`);
    expect(newest.request.body).toHaveLength(100);
    expect(newest.request.body_truncated).toBe(true);
    expect(sim.deps.journal.query({ limit: 10_000 }).total).toBe(20);
  });
});

describe('stored objects (MAX_OBJECTS_PER_PARTY, MAX_RECORDS)', () => {
  it('a party cannot store more than MAX_OBJECTS_PER_PARTY locations, tariffs or OIOI stations: 2000 / result 200 naming the limit', async () => {
    const fresh = await startSim({ maxObjectsPerParty: 3 });
    try {
      const t = (await fresh.addParty('NL', 'TNM')).token;
      for (const id of ['A', 'B', 'C']) {
        // One EVSE each: EVSEs count toward the same limit (below).
        const oneEvse = location(id, { evses: location(id).evses.slice(0, 1) });
        expect((await fresh.call('PUT', `${LOC}/NL/TNM/${id}`, { token: t, json: oneEvse })).status).toBe(201);
        expect((await fresh.call('PUT', `${TAR}/NL/TNM/${id}`, { token: t, json: tariff(id) })).status).toBe(201);
        const st = station(`st-${id}`);
        expect((await oioi(fresh, stationPost({ ...st, connectors: st.connectors.slice(0, 1) }))).body.result.code).toBe(0);
      }
      const loc = await fresh.call('PUT', `${LOC}/NL/TNM/D`, { token: t, json: location('D') });
      expect(loc.body.status_code).toBe(2000);
      expect(loc.body.status_message).toMatch(/NL\*TNM already has 3 locations.*MAX_OBJECTS_PER_PARTY/);
      const tar = await fresh.call('PUT', `${TAR}/NL/TNM/D`, { token: t, json: tariff('D') });
      expect(tar.body.status_message).toMatch(/already has 3 tariffs.*MAX_OBJECTS_PER_PARTY/);
      const st = await oioi(fresh, stationPost(station('st-D')));
      expect(st.body.result.code).toBe(200);
      expect(st.body.result.message).toMatch(/MAX_OBJECTS_PER_PARTY/);
      // Replacing and updating stay possible.
      expect((await fresh.call('PUT', `${LOC}/NL/TNM/A`, { token: t, json: location('A', { name: 'again' }) })).status).toBe(200);
      expect((await fresh.call('PATCH', `${TAR}/NL/TNM/A`, { token: t, json: { currency: 'USD' } })).status).toBe(200);
    } finally {
      await fresh.stop();
    }
  });

  // Without this one Location could grow without bound through PUT evse, each such PUT logging the
  // whole Location again (3000 EVSEs: ~37 ms per PUT and hundreds of MB of log).
  it('EVSEs count toward MAX_OBJECTS_PER_PARTY: one Location cannot grow without bound, nothing stored beyond it', async () => {
    const fresh = await startSim({ maxObjectsPerParty: 3 });
    try {
      const t = (await fresh.addParty('NL', 'TNM')).token;
      await fresh.call('PUT', `${LOC}/NL/TNM/A`, { token: t, json: location('A', { evses: [] }) });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++)
        statuses.push(
          (await fresh.call('PUT', `${LOC}/NL/TNM/A/X${i}`, { token: t, json: { ...location('A').evses[0], uid: `X${i}` } })).body
            .status_code,
        );
      expect(statuses).toEqual([1000, 1000, 1000, 2000, 2000, 2000, 2000, 2000, 2000, 2000]);
      const refused = await fresh.call('PUT', `${LOC}/NL/TNM/A/X9`, { token: t, json: { ...location('A').evses[0], uid: 'X9' } });
      expect(refused.body.status_message).toMatch(/would have 4 EVSEs, more than the 3 .*MAX_OBJECTS_PER_PARTY counts EVSEs too/);
      const stored = await fresh.call('GET', '/admin/locations/NL*TNM/A');
      expect(JSON.stringify(stored.body)).not.toContain('"X3"');
      // A Location that brings EVSEs of its own counts them too; replacing A's 3 by 1 makes room.
      const two = { ...location('B'), evses: [location('B').evses[0], { ...location('B').evses[0], uid: 'B2' }] };
      expect((await fresh.call('PUT', `${LOC}/NL/TNM/B`, { token: t, json: two })).body.status_code).toBe(2000);
      expect(
        (await fresh.call('PUT', `${LOC}/NL/TNM/A`, { token: t, json: { ...location('A'), evses: [location('A').evses[0]] } })).body
          .status_code,
      ).toBe(1000);
      expect((await fresh.call('PUT', `${LOC}/NL/TNM/B`, { token: t, json: two })).body.status_code).toBe(1000);
      // After the state is replaced the counts are rebuilt when next needed: a removal made before
      // that (A's one EVSE) is in the rebuilt figure once, not twice nor never.
      await fresh.deps.store.replace(fresh.deps.store.snapshot());
      expect((await fresh.call('PUT', `${LOC}/NL/TNM/A`, { token: t, json: { ...location('A'), evses: [] } })).body.status_code).toBe(1000);
      const more = (uid: string) => fresh.call('PUT', `${LOC}/NL/TNM/A/${uid}`, { token: t, json: { ...location('A').evses[0], uid } });
      expect((await more('Y1')).body.status_code).toBe(1000);
      expect((await more('Y2')).body).toMatchObject({ status_code: 2000, status_message: expect.stringMatching(/would have 4 EVSEs/) });
    } finally {
      await fresh.stop();
    }
  });

  it('authorizations and findings are kept at MAX_RECORDS (the oldest go; CDRs share the rule)', async () => {
    for (let i = 0; i < 12; i++) {
      await sim.call('POST', '/ocpi/2.1.1/tokens/PS-RFID-ALLOWED-01/authorize', { token, json: { location_id: `nowhere-${i}` } });
      await sim.call('PATCH', `${LOC}/NL/TNM/L1`, { token, json: { name: `no last_updated ${i}`, [`vendor_${i}`]: 1 } });
    }
    expect((await sim.call('GET', '/admin/authorizations')).body.total).toBe(5);
    expect((await sim.call('GET', '/admin/findings')).body.total).toBeLessThanOrEqual(5);
    expect(sim.deps.store.size('authorizations')).toBe(5);
    expect(sim.deps.store.size('findings')).toBeLessThanOrEqual(5);
  });
});

describe('request line and headers', () => {
  it('a 20 KB URL or header: 431 from the HTTP parser, and the server keeps serving', async () => {
    const longUrl = await fetch(`${sim.url}/ocpi/2.1.1/tokens?x=${'a'.repeat(20_000)}`, { headers: { Authorization: `Token ${token}` } });
    expect(longUrl.status).toBe(431);
    const longHeader = await fetch(`${sim.url}/ocpi/versions`, {
      headers: { Authorization: `Token ${token}`, 'X-Big': 'a'.repeat(20_000) },
    });
    expect(longHeader.status).toBe(431);
    expect((await sim.call('GET', '/ocpi/versions', { token })).status).toBe(200);
  });
});
