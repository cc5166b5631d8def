// The machine's limit: a bare node:http server answering a fixed ~150-byte JSON document to
// any request. Plain JavaScript run by plain `node`, like the built simulator (no tsx).
import { createServer } from 'node:http';

const body = Buffer.from(
  JSON.stringify({
    data: [{ version: '2.1.1', url: 'http://127.0.0.1:4000/ocpi/2.1.1' }],
    status_code: 1000,
    status_message: 'Success',
    timestamp: '2024-05-01T10:00:00.000Z',
  }),
);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`bare server (${body.length} bytes) listening on http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
