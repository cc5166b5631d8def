// Reference points between the bare server and the simulator, on the simulator's own stack (a
// plain Hono app on @hono/node-server) without any of its work:
// - GET /: the same document as the bare server;
// - PUT a location: the "zod-validated 2 KB PUT into a Map" (its ≈ 0.26 of bare), with the
//   simulator's own Location schema (from dist/: the bench builds first) and nothing else (no
//   authentication, journal, findings or disk).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Location } from '../dist/ocpi/locations/schema.js';
import { DOCUMENT } from './reference.mjs';

const locations = new Map();
const { data: _, ...STORED_ANSWER } = DOCUMENT;
const app = new Hono();
app.get('/', (c) => c.json(DOCUMENT));
app.put('/ocpi/2.1.1/locations/:country_code/:party_id/:location_id', async (c) => {
  const parsed = Location.safeParse(await c.req.json());
  if (!parsed.success) return c.json({ status_code: 2001, status_message: parsed.error.message }, 400);
  locations.set(c.req.param('location_id'), parsed.data);
  return c.json(STORED_ANSWER, 201);
});
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.log(`hono reference server listening on http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
