// What the reference servers answer (bare.mjs, hono.mjs, and inproc.ts in process): a fixed
// ~150-byte JSON document, the size of a versions answer. Plain JavaScript: bare.mjs and
// hono.mjs run under plain `node`, like the built simulator (no tsx).

export const DOCUMENT = {
  data: [{ version: '2.1.1', url: 'http://127.0.0.1:4000/ocpi/2.1.1' }],
  status_code: 1000,
  status_message: 'Success',
  timestamp: '2024-05-01T10:00:00.000Z',
};

const body = Buffer.from(JSON.stringify(DOCUMENT));

/** The bare node:http answer to any request: the body read to its end, then the document. */
export function bareListener(req, res) {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  });
}
