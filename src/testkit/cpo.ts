// The smallest CPO OCPI side a credentials handshake needs (versions, 2.1.1 details, credentials,
// tokens), for the testkit's registerParty against a simulator that runs elsewhere. It listens
// on 127.0.0.1 by default: the simulator must be able to reach it (same host, or a host name the
// simulator's container resolves, given as `publicHost`). It also keeps the tokens we push.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HandshakeCpo {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  versionsUrl: string;
  /** The token the simulator calls this CPO with (our token B). */
  token: string;
  /** Tokens the simulator PUT here (token push), newest last. */
  pushedTokens: Record<string, unknown>[];
  close(): Promise<void>;
}

const MODULES = ['credentials', 'locations', 'tariffs', 'tokens', 'cdrs'];

export async function startHandshakeCpo(options: { host?: string; publicHost?: string } = {}): Promise<HandshakeCpo> {
  const token = randomBytes(24).toString('base64url');
  const pushedTokens: Record<string, unknown>[] = [];
  let base = '';
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, data: unknown, statusCode = 1000) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ data, status_code: statusCode, timestamp: new Date().toISOString() }));
    };
    if (req.headers.authorization !== `Token ${token}`) return send(401, null, 2000);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/ocpi/versions') return send(200, [{ version: '2.1.1', url: `${base}/ocpi/2.1.1` }]);
    if (path === '/ocpi/2.1.1') return send(200, { version: '2.1.1', endpoints: MODULES.map((m) => ({ identifier: m, url: `${base}/ocpi/2.1.1/${m}` })) });
    if (path.startsWith('/ocpi/2.1.1/tokens/') && req.method === 'PUT') {
      try {
        pushedTokens.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      } catch {
        return send(400, null, 2001);
      }
      return send(200, null);
    }
    // Credentials DELETE/PUT from the simulator and anything else: acknowledged.
    return send(200, null);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://${options.publicHost ?? options.host ?? '127.0.0.1'}:${port}`;
  return {
    url: base,
    versionsUrl: `${base}/ocpi/versions`,
    token,
    pushedTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
