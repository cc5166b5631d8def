// The only place OCPI answers are written: envelope, HTTP status, and what the journal keeps.
import type { Context } from 'hono';
import type { Deps } from '../../deps.js';
import { envelopeText } from './envelope.js';
import { OcpiError } from './errors.js';
import { OcpiStatus, type OcpiStatusCode } from './status.js';

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string;
    principal: import('../parties.js').Principal;
    party: string;
    journalRequestBody: string;
    journalResponseBody: string;
    journalResponseHeaders: Record<string, string>;
    ocpiStatus: number;
    fault: string;
  }
}

export function sendEnvelope(
  c: Context,
  deps: Deps,
  http: number,
  data: unknown,
  statusCode: OcpiStatusCode | number = OcpiStatus.SUCCESS,
  statusMessage?: string,
  headers?: Record<string, string>,
): Response {
  const text = envelopeText(deps.clock.now(), data, statusCode, statusMessage);
  c.set('journalResponseBody', text);
  c.set('ocpiStatus', statusCode);
  const h: Record<string, string> = { 'Content-Type': 'application/json', ...headers };
  c.set('journalResponseHeaders', h);
  // Not `c.body()`: given more than one header (a CDR's Location, a page's Link and counts, a
  // 401's WWW-Authenticate) Hono copies them into a WHATWG Headers, which @hono/node-server then
  // copies back into a plain object. A plain object goes to Node's writeHead as it is.
  return new Response(text, { status: http, headers: h });
}

/** Any error -> OCPI envelope. No stack trace ever leaves the server. */
export function sendError(c: Context, deps: Deps, err: unknown): Response {
  if (err instanceof OcpiError) {
    const http = err.http ?? deps.config.clientErrorHttpStatus;
    return sendEnvelope(c, deps, http, err.data, err.statusCode, err.message, err.headers);
  }
  if (err instanceof Error && err.name === 'StoreWriteError') {
    return sendEnvelope(c, deps, 503, undefined, OcpiStatus.SERVER_ERROR, err.message);
  }
  const id = c.get('requestId');
  deps.log.error('unhandled error', { request_id: id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return sendEnvelope(c, deps, 500, undefined, OcpiStatus.SERVER_ERROR, `Internal error in the simulator (request ${id}); see its log`);
}
