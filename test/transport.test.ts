// OCPI transport rules that every endpoint shares: authentication, envelope, body errors, 404/405.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGISTRATION_TOKEN } from '../src/config.js';
import { startSim, type TestSim } from './helpers/sim.js';

const TOKEN_A = DEFAULT_REGISTRATION_TOKEN;
let sim: TestSim;
let token: string;

beforeAll(async () => {
  sim = await startSim({ bodyLimit: 1024 });
  token = (await sim.addParty('NL', 'TNM')).token;
});
afterAll(() => sim.stop());

function expectEnvelope(body: any, statusCode: number) {
  expect(body.status_code).toBe(statusCode);
  expect(typeof body.status_message).toBe('string');
  expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
}

describe('authentication', () => {
  it.each([
    ['missing header', undefined],
    ['unknown token', 'Token nope'],
    ['wrong scheme', `Bearer ${TOKEN_A}`],
    ['no token after the scheme', 'Token '],
  ])('401 with the envelope: %s', async (_name, header) => {
    const res = await sim.call('GET', '/ocpi/versions', { headers: header ? { Authorization: header } : {} });
    expect(res.status).toBe(401);
    expectEnvelope(res.body, 2000);
    expect(res.headers.get('www-authenticate')).toBe('Token');
  });

  it('401 also on unknown paths, so an unknown caller learns nothing', async () => {
    const res = await sim.call('GET', '/ocpi/2.1.1/nothing-here');
    expect(res.status).toBe(401);
  });
});

describe('versions', () => {
  it('GET /ocpi/versions lists 2.1.1 only; details list exactly the supported modules', async () => {
    const versions = await sim.call('GET', '/ocpi/versions', { token: TOKEN_A });
    expect(versions.status).toBe(200);
    expectEnvelope(versions.body, 1000);
    expect(versions.body.data).toEqual([{ version: '2.1.1', url: `${sim.deps.config.publicUrl}/ocpi/2.1.1` }]);
    const details = await sim.call('GET', '/ocpi/2.1.1', { token });
    expect(details.body.data.version).toBe('2.1.1');
    expect(details.body.data.endpoints.map((e: { identifier: string }) => e.identifier)).toEqual(['credentials', 'locations', 'tokens', 'cdrs', 'tariffs']);
    for (const e of details.body.data.endpoints) expect(e.url).toBe(`${sim.deps.config.publicUrl}/ocpi/2.1.1/${e.identifier}`);
  });
});

describe('errors in the envelope', () => {
  it('unknown route: 404', async () => {
    const res = await sim.call('GET', '/ocpi/2.1.1/nothing-here', { token });
    expect(res.status).toBe(404);
    expectEnvelope(res.body, 2000);
  });

  it.each(['sessions', 'commands'])('the unsupported %s module: 404 saying Plugsurfing does not support it', async (module) => {
    const res = await sim.call('PUT', `/ocpi/2.1.1/${module}/NL/TNM/1`, { token, json: {} });
    expect(res.status).toBe(404);
    expect(res.body.status_message).toMatch(/does not support/);
  });

  it('another OCPI version: 404 naming the one we speak', async () => {
    const res = await sim.call('GET', '/ocpi/2.2/credentials', { token });
    expect(res.status).toBe(404);
    expect(res.body.status_message).toMatch(/2\.1\.1/);
  });

  it('a method the route does not support: 405 with Allow', async () => {
    const res = await sim.call('PATCH', '/ocpi/2.1.1/credentials', { token, json: {} });
    expect(res.status).toBe(405);
    expectEnvelope(res.body, 2000);
    expect(res.headers.get('allow')).toBe('GET, POST, PUT, DELETE, HEAD');
  });

  it('body that is not JSON: 400 / 2001', async () => {
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, body: '{"token": ', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 2001);
    expect(res.body.status_message).toMatch(/not valid JSON/);
  });

  it('invalid UTF-8: 400 / 2001', async () => {
    const res = await sim.fetch('/ocpi/2.1.1/credentials', {
      method: 'POST',
      token: TOKEN_A,
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    expect(res.status).toBe(400);
    expectEnvelope(await res.json(), 2001);
  });

  it('a declared content type other than JSON: 415 / 2001', async () => {
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, body: '{}', headers: { 'Content-Type': 'text/plain' } });
    expect(res.status).toBe(415);
    expectEnvelope(res.body, 2001);
  });

  it('oversized body: 413', async () => {
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: { pad: 'x'.repeat(2000) } });
    expect(res.status).toBe(413);
    expectEnvelope(res.body, 2000);
    expect(res.body.status_message).toMatch(/1024 bytes/);
  });

  it('oversized body without Content-Length (chunked): 413', async () => {
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(200)));
        controller.close();
      },
    });
    const res = await fetch(`${sim.url}/ocpi/2.1.1/credentials`, {
      method: 'POST',
      headers: { Authorization: `Token ${TOKEN_A}`, 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('nesting deeper than the limit and prototype keys: 400 / 2001', async () => {
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    const r1 = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, body: deep, headers: { 'Content-Type': 'application/json' } });
    expect(r1.status).toBe(400);
    const r2 = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, body: '{"__proto__":{"x":1}}', headers: { 'Content-Type': 'application/json' } });
    expect(r2.status).toBe(400);
    expect(r2.body.status_message).toMatch(/__proto__/);
  });

  it('validation errors answer 2001 in an HTTP 200 by default (status_codes.md), 400 when configured', async () => {
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: { token: 'x' } });
    expect(res.status).toBe(200);
    expectEnvelope(res.body, 2001);
    const strict = await startSim({ clientErrorHttpStatus: 400 });
    try {
      const r = await strict.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: { token: 'x' } });
      expect(r.status).toBe(400);
      expect(r.body.status_code).toBe(2001);
    } finally {
      await strict.stop();
    }
  });
});

describe('health and journal', () => {
  it('GET /health answers without authentication', async () => {
    const res = await sim.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', store: 'memory', parsing: false, compacting: false });
  });

  it('journal: newest first, filters, bodies kept, Authorization redacted', async () => {
    await sim.call('GET', '/ocpi/versions', { token });
    await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, json: { token: 'secret-token-value' } });
    const res = await sim.call('GET', '/admin/journal?limit=2');
    expect(res.body.items[0]).toMatchObject({ method: 'POST', path: '/ocpi/2.1.1/credentials', status: 200, ocpi_status: 2001, direction: 'inbound' });
    expect(res.body.items[1]).toMatchObject({ method: 'GET', path: '/ocpi/versions', party: 'NL*TNM', status: 200, ocpi_status: 1000 });
    expect(res.body.items[0].request.headers.authorization).toBe('Token [redacted]');
    expect(res.body.items[0].request.body).toContain('[redacted]');
    expect(JSON.stringify(res.body)).not.toContain('secret-token-value');
    expect(JSON.stringify(res.body)).not.toContain(token);
    expect(res.body.items[0].response.body).toContain('"status_code":2001');
    const filtered = await sim.call('GET', '/admin/journal?method=GET&path=/ocpi/versions&status=200&party=NL*TNM');
    expect(filtered.body.items.every((e: any) => e.method === 'GET' && e.path === '/ocpi/versions' && e.party === 'NL*TNM')).toBe(true);
    expect(filtered.body.total).toBeGreaterThan(0);
  });

  it('no stack trace leaves the server', async () => {
    const res = await sim.call('POST', '/ocpi/2.1.1/credentials', { token: TOKEN_A, body: '{', headers: { 'Content-Type': 'application/json' } });
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});

describe('routing', () => {
  // SmartRouter keeps the first router that accepts every route. A static segment beside a
  // parameter (as /admin/tokens/pushes beside /admin/tokens/:uid once was) makes it fall back to
  // the TrieRouter, 1-3 us more per request on every OCPI call.
  it('Hono routes every request with its RegExpRouter', async () => {
    await sim.call('GET', '/ocpi/versions', { token });
    expect((sim.app.router as { name: string }).name).toBe('SmartRouter + RegExpRouter');
  });

  // Each OCPI path is one Hono handler that journals, applies fault rules and answers
  // (ocpiExchanges): Hono then calls it without composing layers, and a synchronous route's
  // answer is returned as it is, not through a promise (~10% of a versions GET over a socket).
  it('an OCPI GET with no fault rule active is answered without a promise, and journaled', () => {
    const before = sim.deps.journal.query({ path: '/ocpi/2.1.1' }).total;
    const res = sim.app.fetch(new Request('http://localhost/ocpi/2.1.1', { headers: { Authorization: `Token ${token}` } }));
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(200);
    expect(sim.deps.journal.query({ path: '/ocpi/2.1.1' }).total).toBe(before + 1);
  });
});
