// Issue 8, outbound calls to CPO URLs: a timeout, a response size limit, and redirects followed
// only on the same host. Each against a real server on 127.0.0.1, through the admin API's
// FromEMP registration (the path a hostile versions URL would take) and the client itself.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboundError } from '../src/ocpi/client.js';
import { type FakeCpo, startCpo } from './helpers/cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';

/** A bare HTTP server on 127.0.0.1 that records requests and answers with `handle`. */
async function server(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const requests: string[] = [];
  const s: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handle(req, res);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
}

const envelope = (data: unknown) => JSON.stringify({ data, status_code: 1000, timestamp: '2026-01-15T10:00:00Z' });

let sim: TestSim;
let cpo: FakeCpo;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  sim = await startSim({ outboundTimeoutMs: 300, outboundMaxBytes: 4096 });
  cpo = await startCpo();
});
afterAll(async () => {
  await sim.stop();
  await cpo.close();
});
afterEach(async () => {
  cpo.behaviour.custom = undefined;
  while (closers.length > 0) await (closers.pop() as () => Promise<void>)();
});

const register = (versionsUrl: string) =>
  sim.call('POST', '/admin/registrations', { json: { versions_url: versionsUrl, token: cpo.behaviour.tokenA } });

describe('timeout', () => {
  it('a CPO that never answers: refused after OUTBOUND_TIMEOUT_MS with a clear message; nothing registered', async () => {
    const silent = await server(() => {}); // accepts, never answers
    closers.push(silent.close);
    const started = performance.now();
    const res = await register(`${silent.url}/ocpi/versions`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(502);
    expect(res.body.error.ocpi_status_code).toBe(3001);
    expect(res.body.error.message).toMatch(/no answer within 300 ms/);
    expect(elapsed).toBeLessThan(3000);
    expect((await sim.call('GET', '/admin/parties')).body.items).toEqual([]);
    const entry = sim.deps.journal.query({ direction: 'outbound', limit: 1 }).entries[0];
    expect(entry).toMatchObject({ status: 0, error: 'no answer within 300 ms' });
  });

  it('a CPO that sends the headers and then stalls the body: the same timeout covers the body', async () => {
    const stalling = await server((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"data":[');
    });
    closers.push(stalling.close);
    const started = performance.now();
    const res = await register(`${stalling.url}/ocpi/versions`);
    expect(res.body.error.message).toMatch(/no answer within 300 ms/);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe('response size limit', () => {
  it.each([
    ['with Content-Length', false],
    ['chunked, no Content-Length', true],
  ])('a 1 MB answer (%s) is refused at OUTBOUND_MAX_BYTES', async (_what, chunked) => {
    const big = await server((_req, res) => {
      const body = envelope([{ version: '2.1.1', url: `http://127.0.0.1/${'x'.repeat(1 << 20)}` }]);
      res.writeHead(
        200,
        chunked
          ? { 'Content-Type': 'application/json' }
          : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      );
      if (chunked) for (let i = 0; i < body.length; i += 16_384) res.write(body.slice(i, i + 16_384));
      res.end(chunked ? undefined : body);
    });
    closers.push(big.close);
    const res = await register(`${big.url}/ocpi/versions`);
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/response larger than 4096 bytes/);
    // The journal keeps no more than its body limit either.
    const entry = sim.deps.journal.query({ direction: 'outbound', limit: 1 }).entries[0];
    expect(entry?.error).toMatch(/larger than 4096/);
  });
});

describe('redirects', () => {
  it('followed on the same host: the registration succeeds', async () => {
    cpo.behaviour.custom = (req, res) => {
      if (req.path !== '/moved/versions') return false;
      res.writeHead(302, { Location: '/ocpi/versions' });
      res.end();
      return true;
    };
    const res = await register(`${cpo.url}/moved/versions`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(cpo.requests.map((r) => r.path)).toContain('/ocpi/versions');
    await sim.call('DELETE', `/admin/parties/${encodeURIComponent(res.body.key)}`);
  });

  it.each([
    ['another port of 127.0.0.1', (other: string) => `${other}/ocpi/versions`],
    ['another name of this host (localhost)', (other: string) => `${other.replace('127.0.0.1', 'localhost')}/ocpi/versions`],
  ])('to %s: refused, and the other server gets nothing (not even the token)', async (_what, target) => {
    const other = await server((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(envelope([]));
    });
    closers.push(other.close);
    const location = target(other.url);
    cpo.behaviour.custom = (req, res) => {
      if (req.path !== '/moved/versions') return false;
      res.writeHead(307, { Location: location });
      res.end();
      return true;
    };
    const res = await register(`${cpo.url}/moved/versions`);
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/refused to follow a redirect to another host/);
    expect(other.requests).toEqual([]);
  });

  it('a redirect loop on the same host ends after a few hops', async () => {
    cpo.behaviour.custom = (req, res) => {
      if (!req.path.startsWith('/loop/')) return false;
      res.writeHead(302, { Location: `/loop/${Number(req.path.slice(6)) + 1}` });
      res.end();
      return true;
    };
    const before = cpo.requests.length;
    const res = await register(`${cpo.url}/loop/0`);
    expect(res.body.error.message).toMatch(/too many redirects/);
    expect(cpo.requests.length - before).toBeLessThanOrEqual(5);
  });

  it('the client refuses the same for every outbound call (token pushes, OIOI): one client, one rule', async () => {
    const other = await server((_req, res) => res.end('{}'));
    closers.push(other.close);
    const redirector = await server((_req, res) => {
      res.writeHead(301, { Location: `${other.url}/steal` });
      res.end();
    });
    closers.push(redirector.close);
    for (const method of ['GET', 'PUT', 'POST', 'DELETE'] as const) {
      await expect(
        sim.deps.client.request({ method, url: `${redirector.url}/x`, token: 'secret', body: method === 'GET' ? undefined : {} }),
      ).rejects.toBeInstanceOf(OutboundError);
    }
    expect(other.requests).toEqual([]);
  });
});
