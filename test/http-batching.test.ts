// src/http-batching.ts: the requests read in one event-loop turn are handled together, then
// answered together; an answer that cannot be written cuts only its own connection.
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { batchedListener, batchingServer } from '../src/http-batching.js';
import { incomingBodyNow, readIncoming } from '../src/ocpi/transport/incoming.js';
import { location } from './locations-fixtures.js';
import { startSim, type TestSim } from './helpers/sim.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(listener: RequestListener, errors: Error[] = []): Promise<number> {
  const server = batchingServer((err) => errors.push(err))({}, listener);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/**
 * Raw HTTP/1.1 over one connection: `text` goes out in one write; a list of parts goes out one
 * write each, 30 ms apart.
 */
function rawExchange(port: number, text: string | string[], answers: number): Promise<{ text: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', async () => {
      for (const [i, part] of [text].flat().entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, 30));
        socket.write(part);
      }
    });
    let received = '';
    const done = () => resolve({ text: received, socket });
    socket.on('data', (d) => {
      received += d;
      if (received.split('HTTP/1.1 ').length - 1 >= answers) done();
    });
    socket.on('close', done);
    socket.on('error', reject);
  });
}

/** A request and response as the listener sees them, enough for the queue. */
const fake = (url: string) => [{ url } as IncomingMessage, {} as ServerResponse] as const;

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

describe('batchedListener', () => {
  it('runs the handlers of a turn in its check phase, in the order the requests came', async () => {
    const seen: string[] = [];
    const listener = batchedListener((req) => void seen.push(req.url as string));
    listener(...fake('/a'));
    listener(...fake('/b'));
    await Promise.resolve();
    expect(seen, 'not yet: the poll phase only queues').toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['/a', '/b']);
  });

  it('handles what is left in the next check phase once the turn has used its budget', async () => {
    const seen: string[] = [];
    const listener = batchedListener((req) => void seen.push(req.url as string), 0); // no budget: one per turn
    for (const url of ['/a', '/b', '/c']) listener(...fake(url));
    const turn = () => new Promise((r) => setImmediate(r));
    await turn();
    expect(seen).toEqual(['/a']);
    listener(...fake('/d')); // joins the queue behind the rest
    await turn();
    expect(seen).toEqual(['/a', '/b']);
    await turn();
    await turn();
    expect(seen).toEqual(['/a', '/b', '/c', '/d']);
  });
});

describe('batchingServer', () => {
  it('handles all the requests of one read before it writes any answer, then answers each in order', async () => {
    const events: string[] = [];
    const port = await listen((req, res) => {
      res.once('finish', () => events.push(`written ${req.url}`));
      res.end(`answer ${req.url}`);
      // Held back: the turn's other handlers run first.
      events.push(`handled ${req.url}, ended: ${res.writableEnded}`);
    });
    // Pipelined in one write: node reads and parses the three in one turn.
    const { text, socket } = await rawExchange(port, get('/a') + get('/b') + get('/c'), 3);
    socket.destroy();
    expect(events).toEqual([
      'handled /a, ended: false',
      'handled /b, ended: false',
      'handled /c, ended: false',
      'written /a',
      'written /b',
      'written /c',
    ]);
    expect(text.match(/answer \/\w/g)).toEqual(['answer /a', 'answer /b', 'answer /c']);
  });

  it('writes an answer given after an await (a body read, a group commit) at once', async () => {
    const ended: boolean[] = [];
    const port = await listen(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 1));
      res.end('later');
      ended.push(res.writableEnded);
    });
    const { text, socket } = await rawExchange(port, get('/later'), 1);
    socket.destroy();
    expect(text).toContain('later');
    expect(ended).toEqual([true]);
  });

  it('an answer that cannot be written cuts its own connection, reports the error, and the others of its turn are written', async () => {
    const errors: Error[] = [];
    const handled: string[] = [];
    const port = await listen((req, res) => {
      handled.push(req.url as string);
      if (req.url === '/broken') {
        // A body shorter than its declared length: end() throws when the turn's answers are written.
        res.strictContentLength = true;
        res.writeHead(200, { 'content-length': '100' });
        res.end('short');
      } else res.end('fine');
    }, errors);
    const open = () =>
      new Promise<Socket>((resolve) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
      });
    const [a, b] = [await open(), await open()];
    const received = (s: Socket) =>
      new Promise<string>((resolve) => {
        let text = '';
        s.on('data', (d) => (text += d));
        s.on('close', () => resolve(text));
      });
    const [brokenText, fineText] = [received(a), received(b)];
    // Written in the same tick: the server reads both in one poll phase, handles both in one turn.
    a.write(get('/broken'));
    b.write(get('/fine'));
    await new Promise<void>((r) => b.once('data', () => r()));
    b.destroy();
    expect(await fineText).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nfine$/);
    expect(await brokenText, 'the connection was cut with nothing written').toBe('');
    expect(handled).toEqual(['/broken', '/fine']);
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ERR_HTTP_CONTENT_LENGTH_MISMATCH']);
  });
});

describe('the simulator with and without HTTP_BATCHING', () => {
  const sims: TestSim[] = [];
  afterEach(async () => {
    for (const s of sims.splice(0)) await s.stop();
  });

  it('gives the same answers to the same 60 concurrent requests', async () => {
    const answersOf = async (httpBatching: boolean) => {
      const sim = await startSim({ httpBatching });
      sims.push(sim);
      const { token } = await sim.addParty('NL', 'TNM');
      const requests = Array.from({ length: 60 }, (_, i) => {
        const id = `B${i % 20}`;
        switch (i % 3) {
          case 0:
            return sim.call('PUT', `/ocpi/2.1.1/locations/NL/TNM/${id}`, { token, json: location(id) });
          case 1:
            return sim.call('GET', '/ocpi/versions', { token });
          default:
            return sim.call('GET', '/ocpi/2.1.1/sessions', { token: i % 2 ? token : 'unknown-token' });
        }
      });
      const answers = await Promise.all(requests);
      const stored = await sim.call('GET', '/admin/locations?limit=100');
      return {
        answers: answers.map((a) => [
          a.status,
          a.body?.status_code,
          a.body?.data === undefined ? null : JSON.stringify(a.body.data).replaceAll(`:${sim.port}/`, ':PORT/'),
        ]),
        stored: stored.body.total,
      };
    };
    const batched = await answersOf(true);
    const unbatched = await answersOf(false);
    expect(batched).toEqual(unbatched);
    expect(batched.stored).toBe(20);
    expect(new Set(batched.answers.map((a) => `${a[0]}/${a[1]}`))).toEqual(new Set(['201/1000', '200/1000', '404/2000', '401/2000']));
  });
});

describe('reading a body (src/ocpi/transport/incoming.ts readIncoming) under batching', () => {
  const tooLarge = () => new Error('too large');
  /** Each request's body as read, and whether reading it had to wait for stream events. */
  async function bodies(parts: string[], maxBytes = 1000): Promise<{ seen: string[] }> {
    const seen: string[] = [];
    const port = await listen(async (req, res) => {
      const reading = readIncoming(req, maxBytes, tooLarge);
      const waited = req.listenerCount('data') > 0;
      try {
        seen.push(`${(await reading).toString()} ${waited ? 'after events' : 'at once'}`);
        res.end('ok');
      } catch (err) {
        seen.push(String(err));
        res.end('refused');
      }
    });
    const { socket } = await rawExchange(port, parts, 1);
    socket.destroy();
    return { seen };
  }
  const post = (body: string, declared = body.length) => `POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: ${declared}\r\n\r\n${body}`;

  it('a body that came with its headers is taken at once; one still arriving, after its events', async () => {
    expect((await bodies([post('{"a":1}')])).seen).toEqual(['{"a":1} at once']);
    expect((await bodies([post('{"a":', 7), '1}'])).seen).toEqual(['{"a":1} after events']);
    expect((await bodies([post('')])).seen).toEqual([' at once']);
  });

  it('incomingBodyNow gives a body that came with its headers without waiting (the router answers it in the same turn), and nothing for one still arriving', async () => {
    const now: (string | undefined)[] = [];
    const port = await listen((req, res) => {
      const body = incomingBodyNow(req, 1000);
      now.push(body?.toString());
      if (body) res.end('ok');
      else void Promise.resolve(readIncoming(req, 1000, tooLarge)).then(() => res.end('ok'));
    });
    for (const parts of [[post('{"a":1}')], [post('{"a":', 7), '1}'], [post('')]]) {
      const { socket } = await rawExchange(port, parts, 1);
      socket.destroy();
    }
    expect(now).toEqual(['{"a":1}', undefined, '']);
  });

  it('a complete body over the limit is refused either way', async () => {
    expect((await bodies([post('x'.repeat(50))], 10)).seen).toEqual(['Error: too large']);
    expect((await bodies([post('x'.repeat(20), 50), 'y'.repeat(30)], 10)).seen).toEqual(['Error: too large']);
  });
});
