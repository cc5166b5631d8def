// The JavaScript cost of a request without the kernel: Node's own HTTP server (parser,
// ServerResponse), @hono/node-server and the simulator, fed through in-memory sockets (no system
// call per request), next to a bare node:http handler and a plain Hono app under the same harness.
// This is the work the request path does; over a real socket on this machine the same work costs
// ~3x more (bench/README.md: the TLB is flushed at every kernel entry), so a change that shows
// nothing here can still show over loopback: measure those with bench/ab.ts.
//
//   npx tsx bench/inproc.ts [--code src|dist|<build folder>[,...]] [--only versions,patch,...]
//       [--connections 1] [--requests 20000] [--rounds 5] [--store file|memory]
//
// Figures: user+system CPU of this process per request (the file store's fdatasync thread
// included), median and range over the rounds, interleaved. Not part of `npm test`.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Duplex } from 'node:stream';
import { parseArgs } from 'node:util';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { CPO_TOKEN, LOCATIONS_PATH, location, locationId, pushTariff, putAsCpo, writeFixtures } from './data.js';
import type { Scenario } from './load.js';
import { bareListener, DOCUMENT } from './reference.mjs';
import { medianOf } from './report.js';
import { authorize, BENCH_TOKENS, cdrs, patch, put, STORED, versions } from './scenarios.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    only: { type: 'string' },
    store: { type: 'string', default: 'file' },
    connections: { type: 'string', default: '1' },
    code: { type: 'string', default: 'src' },
  },
});
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const STORED_COUNT = 100;
const CONNECTIONS = Number(values.connections);

/** An in-memory socket: what the server writes is dropped (the end of an answer is its 'finish'). */
class MemorySocket extends Duplex {
  remoteAddress = '127.0.0.1';
  remotePort = 50000;
  localAddress = '127.0.0.1';
  localPort = 4000;
  encrypted = false;
  override _read(): void {}
  override _write(_chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    callback();
  }
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

interface Driver {
  /** Send the requests over `connections` sockets, each sending its next once answered; HTTP statuses. */
  run(requests: Buffer[]): Promise<number[]>;
}

function driver(listener: RequestListener, connections: number): Driver {
  const sockets = Array.from({ length: connections }, () => new MemorySocket());
  const server = createServer();
  for (const socket of sockets) server.emit('connection', socket);
  return {
    run: (requests) =>
      new Promise((resolve) => {
        const statuses: number[] = [];
        let next = 0;
        const send = (socket: MemorySocket) => {
          if (next === requests.length) return;
          socket.push(requests[next++]);
        };
        server.removeAllListeners('request'); // the previous run's
        server.on('request', (req: IncomingMessage, res: ServerResponse) => {
          res.once('finish', () => {
            statuses.push(res.statusCode);
            if (statuses.length === requests.length) resolve(statuses);
            else send(req.socket as unknown as MemorySocket);
          });
          listener(req, res);
        });
        for (const socket of sockets) send(socket);
      }),
  };
}

function rawRequest(method: string, path: string, body?: string): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1:4000', `Authorization: Token ${CPO_TOKEN}`, 'Connection: keep-alive'];
  if (body !== undefined) head.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body ?? ''}`);
}

async function measure(d: Driver, scenario: Scenario, first: number, count: number): Promise<number> {
  const requests = Array.from({ length: count }, (_, k) => {
    const r = scenario.next(first + k);
    return rawRequest(r.method, r.path, r.body);
  });
  const before = process.cpuUsage();
  const statuses = await d.run(requests);
  const bad = statuses.find((status) => status >= 300);
  if (bad) throw new Error(`${scenario.name}: HTTP ${bad}`);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

const honoApp = new Hono();
honoApp.get('/', (c) => c.json(DOCUMENT));

/** A simulator built from the code at `root` (`../src`, `../dist` or another build's folder), with the bench's data. */
async function simulatorOf(root: string, dir: string) {
  const dbFile = values.store === 'memory' ? ':memory:' : join(mkdtempSync(join(dir, 'db-')), 'db.json');
  const fixtures = join(dir, 'fixtures.json');
  writeFixtures(fixtures, BENCH_TOKENS);
  const { createSimulator } = (await import(`${root}/app.js`)) as typeof import('../src/app.js');
  const { loadConfig } = (await import(`${root}/config.js`)) as typeof import('../src/config.js');
  const sim = await createSimulator(loadConfig({ DB_FILE: dbFile, FIXTURES: fixtures, LOG_LEVEL: 'warn', PORT: '4000' }));
  const send = (path: string, init: RequestInit) => sim.app.request(path, init);
  await pushTariff(send);
  for (let n = 0; n < STORED_COUNT; n++)
    await putAsCpo(send, `${LOCATIONS_PATH}/${locationId(STORED, n)}`, location(locationId(STORED, n), n));
  return sim;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'inproc-'));
  // --code dist: the built code (what `npm start` and the loopback bench run); a folder: another
  // build. Several, comma-separated: measured interleaved, in the same process (an A/B).
  const roots = (values.code as string)
    .split(',')
    .map((code) => (code === 'src' || code === 'dist' ? `../${code}` : pathToFileURL(resolve(code)).href));
  const all: Array<[string, Driver, Scenario]> = [
    ['bare node:http', driver(bareListener, CONNECTIONS), { name: 'bare', fixed: true, next: () => ({ method: 'GET', path: '/' }) }],
    [
      'plain Hono',
      driver(getRequestListener(honoApp.fetch), CONNECTIONS),
      { name: 'hono', fixed: true, next: () => ({ method: 'GET', path: '/' }) },
    ],
  ];
  const sims = [];
  for (const [k, root] of roots.entries()) {
    const sim = await simulatorOf(root, dir);
    sims.push(sim);
    const tag = roots.length > 1 ? ` [${k}]` : '';
    const listener = getRequestListener(sim.app.fetch);
    all.push(
      [`versions GET${tag}`, driver(listener, CONNECTIONS), versions],
      [`status PATCH${tag}`, driver(listener, CONNECTIONS), patch(STORED_COUNT)],
      [`authorize POST${tag}`, driver(listener, CONNECTIONS), authorize(STORED_COUNT)],
      [`CDR POST${tag}`, driver(listener, CONNECTIONS), cdrs(STORED_COUNT, `I${k}`)],
      [`location PUT${tag}`, driver(listener, CONNECTIONS), put(`I${k}`)],
    );
  }
  if (roots.length > 1) for (const [k, root] of roots.entries()) console.log(`[${k}] ${root}`);
  const only = values.only?.split(',');
  const chosen = all.filter(
    ([name]) => !only || name.startsWith('bare') || name === 'plain Hono' || only.some((o) => name.toLowerCase().includes(o)),
  );
  const results = new Map<string, number[]>();
  const offsets = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, d, scenario] of chosen) {
      // Heavier requests get fewer repetitions for the same time.
      const count = /CDR|PUT/.test(name) ? Math.ceil(REQUESTS / 5) : REQUESTS;
      const first = offsets.get(name) ?? 0;
      offsets.set(name, first + count);
      if (round === 0) await measure(d, scenario, 10_000_000 + first, Math.min(count, 2000)); // warm-up
      const us = await measure(d, scenario, first, count);
      results.set(name, [...(results.get(name) ?? []), us]);
    }
  }
  const bare = medianOf(results.get('bare node:http') as number[]);
  console.log(`in-process, ${ROUNDS} rounds, CPU us per request (median; min-max), x bare by CPU`);
  for (const [name, xs] of results) {
    const m = medianOf(xs);
    console.log(
      `  ${name.padEnd(16)} ${m.toFixed(1).padStart(7)}  (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})  ${(bare / m).toFixed(3)}`,
    );
  }
  for (const sim of sims) await sim.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
