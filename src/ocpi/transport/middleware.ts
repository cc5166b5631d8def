// Around every OCPI request: a journal entry (and a log line) with what came in and went out;
// and the answer for paths we do not serve.
import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import { notFound } from './errors.js';
import { incomingOf } from './incoming.js';
import { authenticate } from './router.js';
import { sendError } from './respond.js';

/**
 * A journal entry (and a log line) for every inbound request of a protocol, with both bodies as
 * the handlers stashed them. `identify` may name the caller early (OIOI knows it from its key),
 * so fault rules filtered by party match it.
 */
export function inboundJournal(deps: Deps, protocol: 'ocpi' | 'oioi', identify?: (c: Context) => string | undefined): MiddlewareHandler {
  return async (c, next) => {
    const id = deps.journal.newId();
    c.set('requestId', id);
    const early = identify?.(c);
    if (early) c.set('party', early);
    const started = performance.now();
    const timeMs = deps.clock.now();
    try {
      await next();
    } finally {
      const res = c.res;
      const status = res.status;
      const duration = Math.round((performance.now() - started) * 10) / 10;
      const ocpiStatus = c.get('ocpiStatus');
      const party = c.get('party');
      const fault = c.get('fault');
      const incoming = incomingOf(c);
      // Raw material only: the journal builds (and redacts) the entry when somebody reads it.
      deps.journal.recordInbound({
        id,
        timeMs,
        protocol,
        party,
        method: c.req.method,
        url: c.req.url,
        path: c.req.path,
        status,
        ocpi_status: ocpiStatus,
        duration_ms: duration,
        requestHeaders: incoming ? incoming.rawHeaders : Object.fromEntries(c.req.raw.headers),
        requestBody: c.get('journalRequestBody'),
        // sendEnvelope's plain object when it answered (cheap); else the Response's.
        responseHeaders: c.get('journalResponseHeaders') ?? (() => res.headers),
        responseBody: c.get('journalResponseBody'),
        fault,
      });
      if (deps.log.enabled('info')) {
        deps.log.info(protocol, { id, method: c.req.method, path: c.req.path, status, ocpi_status: ocpiStatus, ms: duration, party });
      }
    }
  };
}

export const ocpiJournal = (deps: Deps) => inboundJournal(deps, 'ocpi');

const UNSUPPORTED_MODULES: Record<string, string> = {
  sessions: 'Plugsurfing does not support the Sessions module (not in its version details): CDRs are the only session data it takes',
  commands: 'Plugsurfing does not support the Commands module (not in its version details)',
};

/** Unknown OCPI path: 401 for an unknown caller, else 404 in the envelope, saying why. */
export function ocpiNotFound(deps: Deps): MiddlewareHandler {
  return async (c: Context) => {
    try {
      await authenticate(c, deps);
      const m = /^\/ocpi\/([^/]+)(?:\/([^/]+))?/.exec(c.req.path);
      const version = m?.[1];
      const module = m?.[2];
      if (version && version !== 'versions' && version !== '2.1.1') {
        throw notFound(`OCPI version ${version} is not supported: Plugsurfing speaks 2.1.1 (see ${deps.config.versionsUrl})`);
      }
      if (module && UNSUPPORTED_MODULES[module]) throw notFound(UNSUPPORTED_MODULES[module] as string);
      throw notFound(`No OCPI endpoint ${c.req.method} ${c.req.path}`);
    } catch (err) {
      return sendError(c, deps, err);
    }
  };
}
