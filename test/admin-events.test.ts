// GET /admin/events: a live Server-Sent Events stream of journal entries and findings, filtered
// by `types`, that lets go of its subscription as soon as the client goes away.
import { type IncomingMessage, request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { location } from './locations-fixtures.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
let token: string;
beforeEach(async () => {
  sim = await startSim();
  ({ token } = await sim.addParty('NL', 'TNM'));
  baseline = 0;
  baseline = listeners();
});
afterEach(() => sim.stop());

interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

/** Open the stream (node:http, so closing it closes the socket as a browser or curl would) and read events one by one. */
async function openStream(query = '') {
  const req = request(`${sim.url}/admin/events${query}`);
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve).once('error', reject);
    req.end();
  });
  res.setEncoding('utf8');
  const chunks = res[Symbol.asyncIterator]();
  let buffer = '';
  const next = async (): Promise<SseEvent> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(':')) continue; // keep-alive comment
        const fields: Record<string, string> = Object.fromEntries(
          block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
        );
        return { event: fields.event ?? '', id: fields.id, data: JSON.parse(fields.data ?? 'null') };
      }
      const { value, done } = await chunks.next();
      if (done) throw new Error('stream ended');
      buffer += value;
    }
  };
  return { res, next, close: () => req.destroy() };
}

/** Subscribers of the event bus beyond those the simulator itself holds (e.g. sync jobs). */
let baseline = 0;
const listeners = () =>
  (sim.deps.events as unknown as { emitter: { listenerCount(e: string): number } }).emitter.listenerCount('event') - baseline;

async function until(f: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('GET /admin/events', () => {
  it('streams journal entries as they happen; closes cleanly when the client goes away', async () => {
    const stream = await openStream();
    expect(stream.res.headers['content-type']).toContain('text/event-stream');
    expect(await stream.next()).toMatchObject({ event: 'ready', data: { types: ['journal', 'finding'] } });
    expect(listeners()).toBe(1);
    await sim.call('GET', '/ocpi/versions', { token });
    const e = await stream.next();
    expect(e).toMatchObject({ event: 'journal', data: { method: 'GET', path: '/ocpi/versions', status: 200, direction: 'inbound' } });
    expect(Number(e.id)).toBeGreaterThan(0);
    stream.close();
    await until(() => listeners() === 0);
  });

  it('types=finding streams findings only', async () => {
    const stream = await openStream('?types=finding');
    expect((await stream.next()).data.types).toEqual(['finding']);
    // An unknown field is accepted with an advisory finding.
    const res = await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC1', { token, json: location('LOC1', { colour: 'green' }) });
    expect(res.body.status_code).toBe(1000);
    const e = await stream.next();
    expect(e.event).toBe('finding');
    expect(e.data).toMatchObject({ rule: 'ocpi.unknown-field', party: 'NL*TNM' });
    stream.close();
    await until(() => listeners() === 0);
  });

  it('a faulted request shows in the stream with its rule', async () => {
    await sim.call('POST', '/admin/faults', { json: { path: '/ocpi/versions', status: 503 } });
    const stream = await openStream('?types=journal');
    await stream.next();
    await sim.call('GET', '/ocpi/versions', { token });
    expect((await stream.next()).data).toMatchObject({ status: 503, fault: 'f1' });
    stream.close();
    await until(() => listeners() === 0);
  });

  it('several clients at once; unknown types are a 400', async () => {
    const a = await openStream();
    const b = await openStream();
    await a.next();
    await b.next();
    expect(listeners()).toBe(2);
    a.close();
    await until(() => listeners() === 1);
    b.close();
    await until(() => listeners() === 0);
    const bad = await sim.call('GET', '/admin/events?types=journal,gossip');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toContain('types');
  });

  it('at shutdown the stream lets go: stop() does not wait for the client, nor for a hung request', async () => {
    const stream = await openStream();
    await stream.next();
    await sim.call('POST', '/admin/faults', { json: { path: '/ocpi/versions', hang: true } });
    const hung = sim.fetch('/ocpi/versions', { token }).then(
      (r) => r.status,
      () => 'closed',
    );
    await until(() => sim.deps.faults.get('f1')?.fired === 1);
    const started = Date.now();
    await sim.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await hung).toBe('closed');
    await expect(stream.next()).rejects.toThrow();
  });
});
