// Around every inbound request: a journal entry (and a log line) with what came in and went out;
// for OCPI also the fault rules and the answer for paths we do not serve.
import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.js';
import { faultMiddleware } from '../../faults/inbound.js';
import { notFound } from './errors.js';
import { incomingOf } from './incoming.js';
import { authenticate } from './router.js';
import { sendError } from './respond.js';

type Protocol = 'ocpi' | 'oioi';
export type Answer = Response | Promise<Response>;

interface Exchange {
  id: string;
  timeMs: number;
  started: number;
}

/** Names the exchange (`requestId`) and, when known this early, its caller (`party`). */
function begin(deps: Deps, c: Context, early?: string): Exchange {
  const id = deps.journal.newId();
  c.set('requestId', id);
  if (early) c.set('party', early);
  return { id, timeMs: deps.clock.now(), started: performance.now() };
}

/** The journal entry (and log line) of an answered exchange, with both bodies as the handlers stashed them. */
function record(deps: Deps, protocol: Protocol, c: Context, res: Response, x: Exchange): void {
  const status = res.status;
  const duration = Math.round((performance.now() - x.started) * 10) / 10;
  const ocpiStatus = c.get('ocpiStatus');
  const party = c.get('party');
  const incoming = incomingOf(c);
  // Raw material only: the journal builds (and redacts) the entry when somebody reads it.
  deps.journal.recordInbound({
    id: x.id,
    timeMs: x.timeMs,
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
    fault: c.get('fault'),
  });
  if (deps.log.enabled('info')) {
    deps.log.info(protocol, { id: x.id, method: c.req.method, path: c.req.path, status, ocpi_status: ocpiStatus, ms: duration, party });
  }
}

/**
 * The journal as a Hono middleware (OIOI). `identify` may name the caller early (OIOI knows it
 * from its key), so fault rules filtered by party match it.
 */
export function inboundJournal(deps: Deps, protocol: Protocol, identify?: (c: Context) => string | undefined): MiddlewareHandler {
  return async (c, next) => {
    const x = begin(deps, c, identify?.(c));
    try {
      await next();
    } finally {
      record(deps, protocol, c, c.res, x);
    }
  };
}

/**
 * One OCPI exchange: journal, fault rules, then `run` (the route), every error answered in the
 * envelope. In one function rather than Hono middleware layers, so a request with no fault rule
 * active and a synchronous route (a GET) is answered without a promise: each layer cost a closure,
 * a promise and Hono's composition, per request.
 */
export function ocpiExchanges(deps: Deps): (c: Context, run: () => Answer) => Answer {
  const faults = faultMiddleware(deps);
  // Inside a fault rule the route's errors are answered here: the rule sees an answer, as it
  // would from Hono's `next()`.
  const settle = (c: Context, run: () => Answer): Answer => {
    try {
      const answer = run();
      return answer instanceof Promise ? answer.catch((err) => sendError(c, deps, err)) : answer;
    } catch (err) {
      return sendError(c, deps, err);
    }
  };
  // A fault rule may answer instead of the route, delay it, or alter its answer (faults/inbound.ts).
  const faulted = async (c: Context, run: () => Answer): Promise<Response> => {
    const res = await faults(c, async () => {
      c.res = await settle(c, run);
    });
    return res ?? c.res;
  };
  return (c, run) => {
    const x = begin(deps, c);
    const done = (res: Response) => {
      record(deps, 'ocpi', c, res, x);
      return res;
    };
    const failed = (err: unknown) => done(sendError(c, deps, err));
    let answer: Answer;
    try {
      answer = deps.faults.has('inbound') ? faulted(c, run) : run();
    } catch (err) {
      return failed(err);
    }
    return answer instanceof Promise ? answer.then(done, failed) : done(answer);
  };
}

const UNSUPPORTED_MODULES: Record<string, string> = {
  sessions: 'Plugsurfing does not support the Sessions module (not in its version details): CDRs are the only session data it takes',
  commands: 'Plugsurfing does not support the Commands module (not in its version details)',
};

/** Unknown OCPI path: 401 for an unknown caller, else 404 in the envelope, saying why. Throws. */
export function ocpiNotFound(c: Context, deps: Deps): never {
  authenticate(c, deps);
  const m = /^\/ocpi\/([^/]+)(?:\/([^/]+))?/.exec(c.req.path);
  const version = m?.[1];
  const module = m?.[2];
  if (version && version !== 'versions' && version !== '2.1.1') {
    throw notFound(`OCPI version ${version} is not supported: Plugsurfing speaks 2.1.1 (see ${deps.config.versionsUrl})`);
  }
  if (module && UNSUPPORTED_MODULES[module]) throw notFound(UNSUPPORTED_MODULES[module] as string);
  throw notFound(`No OCPI endpoint ${c.req.method} ${c.req.path}`);
}
