// A real CPO HTTP server on 127.0.0.1 for tests: serves OCPI versions/details/credentials
// and records every request. Behaviour is set per test through `cpo.behaviour`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body: any;
}

export interface CpoBehaviour {
  /** Versions offered (default ['2.1.1']). */
  versions: string[];
  /** Module identifiers in its 2.1.1 details (default credentials, locations, tokens, cdrs, tariffs, sessions). */
  modules: string[];
  /** Token A it accepts and the token it answers in its credentials (token C for us). */
  tokenA: string;
  tokenForSim: string;
  /** Answer this HTTP status to every request whose path starts with the key. */
  failPaths: Record<string, number>;
  /** Custom handler; return true when it answered. */
  custom?: (req: RecordedRequest, res: ServerResponse) => boolean | Promise<boolean>;
}

export interface FakeCpo {
  url: string;
  versionsUrl: string;
  requests: RecordedRequest[];
  behaviour: CpoBehaviour;
  /** The credentials the simulator sent us (POST/PUT). */
  received?: any;
  close(): Promise<void>;
}

export async function startCpo(partial: Partial<CpoBehaviour> = {}): Promise<FakeCpo> {
  const behaviour: CpoBehaviour = {
    versions: ['2.1.1'],
    modules: ['credentials', 'locations', 'tokens', 'cdrs', 'tariffs', 'sessions'],
    tokenA: 'cpo-token-a',
    tokenForSim: 'cpo-token-c-for-sim',
    failPaths: {},
    ...partial,
  };
  const requests: RecordedRequest[] = [];
  const cpo = { requests, behaviour } as FakeCpo;
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const rec: RecordedRequest = { method: req.method ?? 'GET', path, authorization: req.headers.authorization, body };
    requests.push(rec);
    const send = (status: number, data: unknown, statusCode = 1000) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ data, status_code: statusCode, timestamp: new Date().toISOString() }));
    };
    if (behaviour.custom && (await behaviour.custom(rec, res))) return;
    for (const [prefix, status] of Object.entries(behaviour.failPaths)) {
      if (path.startsWith(prefix)) return send(status, undefined, 3000);
    }
    const token = (req.headers.authorization ?? '').replace(/^Token /, '');
    const known = [behaviour.tokenA, behaviour.tokenForSim, cpo.received?.token];
    if (!known.includes(token)) return send(401, undefined, 2000);
    const base = cpo.url;
    if (path === '/ocpi/versions') return send(200, behaviour.versions.map((v) => ({ version: v, url: `${base}/ocpi/${v}` })));
    if (path === '/ocpi/2.1.1') {
      return send(200, { version: '2.1.1', endpoints: behaviour.modules.map((m) => ({ identifier: m, url: `${base}/ocpi/2.1.1/${m}` })) });
    }
    if (path === '/ocpi/2.1.1/credentials') {
      if (rec.method === 'DELETE') return send(200, null);
      cpo.received = body;
      return send(200, {
        token: behaviour.tokenForSim,
        url: `${base}/ocpi/versions`,
        business_details: { name: 'Test CPO' },
        party_id: 'TST',
        country_code: 'NL',
      });
    }
    if (path.startsWith('/ocpi/2.1.1/tokens/')) return send(200, null);
    return send(404, undefined, 2000);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  cpo.url = `http://127.0.0.1:${port}`;
  cpo.versionsUrl = `${cpo.url}/ocpi/versions`;
  cpo.close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  return cpo;
}
