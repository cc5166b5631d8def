// A tiny fake CPO (bare node:http, in the bench process) so the bench party registers through
// the real credentials handshake: it serves versions and 2.1.1 details, answers our POST
// credentials' callbacks, and accepts the tokens the simulator pushes (PUT tokens). It stays up
// while its simulator runs, so token pushes never fail and retry during a measurement.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CPO } from './data.js';

export interface FakeCpo {
  versionsUrl: string;
  tokenForSim: string;
  /** Token PUTs received (pushes settle before a measurement starts). */
  pushes(): number;
  close(): Promise<void>;
}

export async function startFakeCpo(): Promise<FakeCpo> {
  const tokenForSim = 'bench-cpo-token-b';
  let pushes = 0;
  let base = '';
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const send = (data: unknown) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ data, status_code: 1000, timestamp: new Date().toISOString() }));
      };
      if (path === '/ocpi/versions') return send([{ version: '2.1.1', url: `${base}/ocpi/2.1.1` }]);
      if (path === '/ocpi/2.1.1') {
        const modules = ['credentials', 'locations', 'tokens', 'cdrs', 'tariffs'];
        return send({ version: '2.1.1', endpoints: modules.map((m) => ({ identifier: m, url: `${base}/ocpi/2.1.1/${m}` })) });
      }
      if (path.startsWith('/ocpi/2.1.1/tokens/')) pushes++;
      return send(null);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    versionsUrl: `${base}/ocpi/versions`,
    tokenForSim,
    pushes: () => pushes,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** POST credentials with token A; returns token C, the token the bench CPO calls us with. */
export async function register(simUrl: string, cpo: FakeCpo, tokenA = 'plugsurfing-sim-registration-token-a'): Promise<string> {
  const res = await fetch(`${simUrl}/ocpi/2.1.1/credentials`, {
    method: 'POST',
    headers: { Authorization: `Token ${tokenA}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: cpo.tokenForSim, url: cpo.versionsUrl, business_details: { name: 'Bench CPO' }, ...CPO }),
  });
  const body = (await res.json()) as { status_code: number; status_message?: string; data?: { token?: string } };
  if (body.status_code !== 1000 || !body.data?.token) throw new Error(`registration failed: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.data.token;
}
