// The floor of a durable write on the simulator's stack, for bench/ab.ts (reference only, no
// target): a plain Hono app on @hono/node-server that takes the bench's status PATCH, authorize
// and location PUT and does only what makes them durable writes. It reads the JSON body, sets a
// Map, appends one log line and answers an OCPI envelope once the line is on disk (a group
// commit, as the simulator's: one write + fdatasync in flight, the lines that came meanwhile
// wait for the next). No authentication, journal, fault rules, findings or index; the PUT is
// parsed with the simulator's Location schema compiled by zod, as the simulator does.
//   npx tsx bench/ab.ts --builds "dist/cli.js,bench/floor.mjs" --scenarios patch,authorize,put
// FLOOR_BODY=stream reads the body from Node's IncomingMessage instead of c.req.json() (the
// WHATWG Request node-server builds when a body is read); FLOOR_BATCHING=1 serves through the
// simulator's own http-batching.ts (a turn's requests handled together, as the simulator does).
import { fdatasync, openSync, writeSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { z } from 'zod';
import { batchingServer } from '../dist/http-batching.js';
import { Location } from '../dist/ocpi/locations/schema.js';

const fd = openSync(`${process.env.DB_FILE ?? '/tmp/floor'}.floor-log`, 'a');
let waiting = [];
let syncing = false;
function flush() {
  if (syncing || waiting.length === 0) return;
  const batch = waiting;
  waiting = [];
  syncing = true;
  writeSync(fd, batch.map((w) => w.line).join(''));
  fdatasync(fd, (err) => {
    syncing = false;
    for (const w of batch) err ? w.reject(err) : w.resolve();
    flush();
  });
}
/** Resolves once `value`'s line is on disk. */
const durable = (value) =>
  new Promise((resolve, reject) => {
    waiting.push({ line: `${JSON.stringify(value)}\n`, resolve, reject });
    if (!syncing) setImmediate(flush);
  });

const STREAM_BODY = process.env.FLOOR_BODY === 'stream';
const readBody = (c) =>
  !STREAM_BODY
    ? c.req.json()
    : new Promise((resolve, reject) => {
        const incoming = c.env.incoming;
        let text = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (d) => (text += d));
        incoming.on('end', () => resolve(JSON.parse(text)));
        incoming.on('error', reject);
      });
const envelope = (data) => ({
  ...(data === undefined ? {} : { data }),
  status_code: 1000,
  status_message: 'Success',
  timestamp: new Date().toISOString(),
});

const locations = new Map();
const evses = new Map();
const decisions = new Map();
const LocationFast = z.compile(Location);
let sequence = 0;
const app = new Hono();
// What bench/procs.ts and ab.ts ask of a build: /health, and 1000 to the tariff the bench pushes.
app.get('/health', (c) => c.json({ status: 'ok', parsing: false, compacting: false }));
app.patch('/ocpi/2.1.1/locations/:cc/:pid/:location_id/:evse_uid', async (c) => {
  const patch = await readBody(c);
  const key = `${c.req.param('location_id')}/${c.req.param('evse_uid')}`;
  const evse = { ...evses.get(key), ...patch };
  evses.set(key, evse);
  await durable({ key, status: evse.status, last_updated: evse.last_updated });
  return c.json(envelope());
});
app.post('/ocpi/2.1.1/tokens/:uid/authorize', async (c) => {
  const location = await readBody(c);
  const decision = { id: `a${sequence++}`, time: new Date().toISOString(), token_uid: c.req.param('uid'), location, allowed: 'ALLOWED' };
  decisions.set(decision.id, decision);
  await durable(decision);
  return c.json(envelope({ allowed: 'ALLOWED', location }));
});
app.put('/ocpi/2.1.1/locations/:cc/:pid/:location_id', async (c) => {
  const parsed = LocationFast.safeParse(await readBody(c));
  if (!parsed.success) return c.json({ status_code: 2001, status_message: parsed.error.message }, 400);
  locations.set(c.req.param('location_id'), parsed.data);
  await durable(parsed.data);
  return c.json(envelope(), 201);
});
app.all('*', (c) => c.json(envelope()));
const server = serve({
  fetch: app.fetch,
  port: Number(process.env.PORT ?? 0),
  hostname: process.env.HOST ?? '127.0.0.1',
  ...(process.env.FLOOR_BATCHING === '1' ? { createServer: batchingServer((err) => console.error(err)) } : {}),
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
