import { inboundJournal } from '../ocpi/transport/middleware.js';
// The OIOI front door (docs/request.rst): POST /api/v3/request and /api/v4/request, one JSON
// object whose single top-level key names the call, `Authorization: key=<API key>`. The path
// picks the answer style (protocol.ts); the handlers are the same. Order of checks: key (401),
// body (size 413, JSON 400), envelope (exactly one key naming a call we serve: 400), then the
// call's own validation (400 naming the field) and rules.
import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.js';
import { checkContentType, parseJson, readText } from '../ocpi/transport/body.js';
import { OcpiError } from '../ocpi/transport/errors.js';
import type { CallHandler } from './calls/call.js';
import { connectorPostStatus } from './calls/connector-status.js';
import { rfidVerify } from './calls/rfid-verify.js';
import { sessionPost } from './calls/session-post.js';
import { stationPost } from './calls/station-post.js';
import { authenticateKey, findKey } from './keys.js';
import { badFormat, OioiError, type OioiVersion, RESULT, successBody } from './protocol.js';

export const OIOI_BASE = '/api';
export const oioiPath = (version: OioiVersion) => `${OIOI_BASE}/${version}/request`;

/** The calls of OIOI's CPO interface that a CPO sends to the eMSP. */
export const INBOUND_CALLS: Record<string, CallHandler> = {
  'station-post': stationPost,
  'connector-post-status': connectorPostStatus,
  'rfid-verify': rfidVerify,
  'session-post': sessionPost,
};

/** Why a known OIOI call is not served here, for a clearer 400 than "unknown call". */
function notServed(call: string): string | undefined {
  if (['session-start', 'session-stop', 'rfid-post', 'reservation-start', 'reservation-stop'].includes(call)) {
    return `"${call}" is a call Plugsurfing sends to the CPO, not one it receives`;
  }
  if (/^(user-|station-get-|fleet-|tariffs-get|company-|vehicle-|adyen-|api-minimum-version)/.test(call)) {
    return `"${call}" belongs to OIOI's app/OEM/fleet interface, which this CPO-facing simulator does not emulate`;
  }
  return undefined;
}

/** The call name and its object; 400 unless the body is an object with exactly one key we serve. */
export function callOf(json: unknown): { call: string; payload: unknown } {
  const shape = 'the body must be a JSON object with exactly one top-level key, the name of the call, e.g. {"station-post": {...}}';
  if (json === undefined) throw badFormat(`Empty body: ${shape}`, '(body)');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw badFormat(`Not an object: ${shape}`, '(body)');
  const keys = Object.keys(json);
  if (keys.length !== 1) {
    throw badFormat(keys.length === 0 ? `No call: ${shape}` : `${keys.length} top-level keys (${keys.join(', ')}): ${shape}`, '(body)');
  }
  const call = keys[0] as string;
  if (!Object.hasOwn(INBOUND_CALLS, call)) {
    throw badFormat(`${notServed(call) ?? `Unknown call "${call}"`}; this endpoint serves: ${Object.keys(INBOUND_CALLS).join(', ')}`, call);
  }
  return { call, payload: (json as Record<string, unknown>)[call] };
}

function send(c: Context, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  c.set('journalResponseBody', text);
  return c.body(text, status as 200, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

/** Any failure as an OIOI answer of the version's style. */
export function sendOioiError(c: Context, deps: Deps, version: OioiVersion, err: unknown): Response {
  if (err instanceof OioiError) return send(c, err.httpStatus(version), err.body(version));
  if (err instanceof OcpiError) {
    // From the shared body reader: too large (413) stays; anything else is a bad format.
    const status = err.http === 413 ? 413 : 400;
    const e = new OioiError(RESULT.invalidFormat, err.message, { v3Status: status, v4Status: status, field: '(body)' });
    return send(c, status, e.body(version), err.headers);
  }
  if (err instanceof Error && err.name === 'StoreWriteError') {
    // request.rst: 5xx means "retry later with back-off, honouring Retry-After".
    const e = new OioiError(101, `Storage failed: ${err.message}`, { v3Status: 503, v4Status: 503 });
    return send(c, 503, e.body(version), { 'Retry-After': '5' });
  }
  deps.log.error('oioi handler failed', { error: err instanceof Error ? err.stack : String(err), path: c.req.path });
  return send(c, 500, new OioiError(RESULT.systemError, 'Internal error in the simulator; see its log', { v3Status: 500, v4Status: 500 }).body(version));
}

export function oioiHandler(deps: Deps, version: OioiVersion) {
  return async (c: Context): Promise<Response> => {
    try {
      const caller = authenticateKey(deps, c.req.header('authorization'));
      c.set('party', caller.party);
      checkContentType(c);
      const text = await readText(c, deps.config.bodyLimit);
      c.set('journalRequestBody', text);
      const { call, payload } = callOf(parseJson(text, deps.config.jsonDepthLimit));
      const handler = INBOUND_CALLS[call] as CallHandler;
      const answer = await handler({ deps, caller, version, requestId: c.get('requestId') }, payload);
      return send(c, 200, successBody(answer, version));
    } catch (err) {
      return sendOioiError(c, deps, version, err);
    }
  };
}

const versionOf = (path: string): OioiVersion => (path.startsWith(`${OIOI_BASE}/v3/`) ? 'v3' : 'v4');

/** Anything under /api that is not POST /api/v3|v4/request: 405 on the request path, else 404. */
export function oioiNotFound(deps: Deps): (c: Context) => Response {
  return (c) => {
    const version = versionOf(c.req.path);
    if (c.req.path === oioiPath('v3') || c.req.path === oioiPath('v4')) {
      c.header('Allow', 'POST');
      const e = new OioiError(RESULT.clientError, `OIOI takes POST only (request.rst); got ${c.req.method}`, { v3Status: 405, v4Status: 405 });
      return sendOioiError(c, deps, version, e);
    }
    const e = new OioiError(RESULT.clientError, `No OIOI endpoint ${c.req.method} ${c.req.path}: send every call as POST to ${oioiPath('v4')} (or ${oioiPath('v3')})`, {
      v3Status: 404,
      v4Status: 404,
    });
    return sendOioiError(c, deps, version, e);
  };
}

/**
 * Around every request under /api: a journal entry (protocol 'oioi') with both bodies, and the
 * caller's party set early when its key is known, so fault rules filtered by party match it.
 */
export function oioiJournal(deps: Deps): MiddlewareHandler {
  return inboundJournal(deps, 'oioi', (c) => {
    const key = /^key=\s*(\S+)\s*$/.exec(c.req.header('authorization')?.trim() ?? '')?.[1];
    return key ? findKey(deps, key)?.party : undefined;
  });
}
