// A reference point between the bare server and the simulator: the same document from a plain
// Hono app on @hono/node-server (the simulator's stack without any of its work).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { DOCUMENT } from './reference.mjs';

const app = new Hono();
app.get('/', (c) => c.json(DOCUMENT));
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.log(`hono reference server listening on http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
