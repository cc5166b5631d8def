// The machine's limit: a bare node:http server answering a fixed ~150-byte JSON document to
// any request. Plain JavaScript run by plain `node`, like the built simulator (no tsx).
import { createServer } from 'node:http';
import { bareListener } from './reference.mjs';

const server = createServer(bareListener);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`bare server listening on http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
