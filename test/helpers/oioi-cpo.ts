// A real OIOI CPO server on 127.0.0.1 for tests: accepts session-start, session-stop and rfid-post
// at /api/v4/request (or v3), checks `Authorization: key=<key>`, answers in the style of its
// version and records every request. Behaviour is set per test through `cpo.behaviour`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OioiRequest {
  path: string;
  authorization?: string;
  call: string;
  payload: any;
}

export interface OioiCpoBehaviour {
  /** The key it expects from the simulator. */
  key: string;
  version: 'v3' | 'v4';
  /** v4 result code of session-start / session-stop (v3: success when < 100, else an HTTP error). */
  startCode: number;
  stopCode: number;
  /** Returned in the session-start answer on success. */
  sessionId?: string;
  stoppable?: boolean;
  /** Custom handler; return true when it answered. */
  custom?: (req: OioiRequest, res: ServerResponse) => boolean | Promise<boolean>;
}

export interface FakeOioiCpo {
  /** Its OIOI endpoint: http://127.0.0.1:<port>/api/<version>/request */
  url: string;
  requests: OioiRequest[];
  behaviour: OioiCpoBehaviour;
  /** Its offline whitelist per partner identifier (the last rfid-post replaces it). */
  whitelists: Map<string, Set<string>>;
  close(): Promise<void>;
}

/** v3 HTTP status for a failed call (session_start.rst: 401 bad user, 404 unknown connector). */
const v3Status = (code: number) => (code >= 140 && code < 150 ? 401 : code === 181 ? 404 : code >= 300 && code < 400 ? 500 : 400);

export async function startOioiCpo(partial: Partial<OioiCpoBehaviour> = {}): Promise<FakeOioiCpo> {
  const behaviour: OioiCpoBehaviour = { key: 'cpo-key-for-sim', version: 'v4', startCode: 11, stopCode: 0, sessionId: 'cpo-sess-1', stoppable: true, ...partial };
  const requests: OioiRequest[] = [];
  const whitelists = new Map<string, Set<string>>();
  const cpo = { requests, behaviour, whitelists } as FakeOioiCpo;

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    const call = body && typeof body === 'object' ? (Object.keys(body)[0] ?? '') : '';
    const rec: OioiRequest = { path: new URL(req.url ?? '/', 'http://x').pathname, authorization: req.headers.authorization, call, payload: body?.[call] };
    requests.push(rec);
    const v4 = behaviour.version === 'v4';
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(data));
    };
    /** Answer `code` with the call's data: v4 result + sibling key; v3 success flag inside the key. */
    const reply = (code: number, key: string, data: Record<string, unknown> = {}) => {
      const ok = code < 100;
      if (v4) return send(200, { ...(ok && Object.keys(data).length > 0 ? { [key]: data } : {}), result: { code, message: ok ? 'Success.' : `Error ${code}.` } });
      return ok ? send(200, { [key]: { success: true, ...data } }) : send(v3Status(code), { error: `Error ${code}` });
    };
    if (behaviour.custom && (await behaviour.custom(rec, res))) return;
    if (req.method !== 'POST') return send(405, { error: 'POST only' });
    if (req.headers.authorization !== `key=${behaviour.key}`) return send(401, { error: 'Invalid API key', ...(v4 ? { result: { code: 210, message: 'Invalid API key.' } } : {}) });
    if (call === 'session-start') {
      const data = { ...(behaviour.sessionId ? { 'session-id': behaviour.sessionId } : {}), ...(behaviour.stoppable !== undefined ? { 'is-stoppable': behaviour.stoppable } : {}) };
      return reply(behaviour.startCode, 'session-start', data);
    }
    if (call === 'session-stop') return reply(behaviour.stopCode, 'session-stop');
    if (call === 'rfid-post') {
      const partner = String(rec.payload?.['partner-identifier'] ?? '');
      const before = whitelists.get(partner) ?? new Set<string>();
      const now = new Set<string>(rec.payload?.rfids ?? []);
      whitelists.set(partner, now);
      return reply(0, 'rfid', { processed: [...now].filter((u) => !before.has(u)).length });
    }
    return send(400, { error: `unknown call ${call}`, ...(v4 ? { result: { code: 230, message: 'Invalid request format.' } } : {}) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  cpo.url = `http://127.0.0.1:${port}/api/${behaviour.version}/request`;
  cpo.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return cpo;
}

// ---- the other direction: builders for calls a CPO sends to the simulator ----------------------

export const KEY = 'oioi-sim-key-cpo-1';
export const PARTNER = 'SIM-CPO-1';

interface Callable {
  call<T = any>(method: string, path: string, opts?: { json?: unknown; body?: string; headers?: Record<string, string> }): Promise<{ status: number; body: T; headers: Headers }>;
}

/** POST a body to /api/<version>/request with `Authorization: key=<key>`. */
export const oioi = (sim: Callable, body: unknown, opts: { version?: 'v3' | 'v4'; key?: string | null } = {}) =>
  sim.call('POST', `/api/${opts.version ?? 'v4'}/request`, {
    json: body,
    headers: opts.key === null ? {} : { Authorization: `key=${opts.key ?? KEY}` },
  });

/** A station in Berlin with two connectors (EVSE IDs DE*ABC*E<id>*1 and *2), as station_post.rst describes. */
export function station(id = 'st-0001', overrides: Record<string, unknown> = {}) {
  return {
    id,
    name: 'Depot Nord',
    latitude: 52.52,
    longitude: 13.4,
    address: { street: 'Hauptstr.', 'street-number': '1a', city: 'Berlin', zip: '10115', country: 'DE' },
    contact: { phone: '+49 30 123456', web: 'www.example.com' },
    'cpo-id': 'DE*ABC',
    'is-open-24': true,
    connectors: [
      { id: `DE*ABC*E${id}*1`, name: 'Type2', speed: 22 },
      { id: `DE*ABC*E${id}*2`, name: 'Combo', speed: 50 },
    ],
    deleted: false,
    ...overrides,
  };
}

export const stationPost = (s: unknown, partner = PARTNER) => ({ 'station-post': { station: s, 'partner-identifier': partner } });
export const statusPost = (connectorId: string, status: string, partner = PARTNER) => ({
  'connector-post-status': { 'connector-id': connectorId, status, 'partner-identifier': partner },
});
export const rfidVerify = (rfid: string) => ({ 'rfid-verify': { rfid } });
export function sessionPost(sessionId: string, connectorId: string, user: { type?: string; id: string }, interval: { start: string; stop?: string }, extra: Record<string, unknown> = {}) {
  return {
    'session-post': {
      user: { 'identifier-type': user.type ?? 'rfid', identifier: user.id },
      'session-id': sessionId,
      'connector-id': connectorId,
      'session-interval': interval,
      'partner-identifier': PARTNER,
      ...extra,
    },
  };
}
