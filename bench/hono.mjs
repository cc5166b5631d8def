// A reference point between the bare server and the simulator: the same document from a plain
// Hono app on @hono/node-server (the simulator's stack without any of its work).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const data = {
  data: [{ version: '2.1.1', url: 'http://127.0.0.1:4000/ocpi/2.1.1' }],
  status_code: 1000,
  status_message: 'Success',
  timestamp: '2024-05-01T10:00:00.000Z',
};
const app = new Hono();
app.get('/', (c) => c.json(data));
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.log(`hono reference server listening on http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
