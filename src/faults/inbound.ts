// Inbound faults: a Hono middleware run after the journal has named the exchange and before the
// route (OCPI: inside ocpiExchanges, transport/middleware.ts; OIOI: mounted before its routes),
// so a faulted request never reaches a handler and stores nothing, except for a
// pure delay (the normal answer, late) and `merge` (the handler runs, then its answer changes).
// The journal entry of the exchange names the rule (c.set('fault', id)). Answers with no HTTP
// response at all are journaled with nginx's codes: 444 after a reset, 499 after a hang.
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { Deps } from '../deps.js';
import { tokenOfHeader } from '../ocpi/parties.js';
import { envelopeText } from '../ocpi/transport/envelope.js';
import { sendEnvelope } from '../ocpi/transport/respond.js';
import { OcpiStatus } from '../ocpi/transport/status.js';
import { destroyConnection, onConnectionClose, onServerClosing } from './connection.js';
import { DEFAULT_HANG_MS, type HttpFaultRule, mergePatch, moduleOfPath, sleep } from './engine.js';

export interface FaultMiddlewareOptions {
  /** The module of a path, for rules that filter on `module` (default: OCPI paths). */
  moduleOf?: (path: string) => string | undefined;
}

/** Journal status of a connection we destroyed without answering (nginx: "no response"). */
export const STATUS_RESET = 444;
/** Journal status of a request we never answered until the client gave up (nginx: "client closed"). */
export const STATUS_HANG = 499;

export function faultMiddleware(deps: Deps, options: FaultMiddlewareOptions = {}): MiddlewareHandler {
  const moduleOf = options.moduleOf ?? moduleOfPath;
  return async (c, next) => {
    if (!deps.faults.has('inbound')) return next();
    const path = c.req.path;
    const rule = deps.faults.matchHttp({
      direction: 'inbound',
      method: c.req.method,
      path,
      module: moduleOf(path),
      party: () => callerParty(c, deps),
    });
    if (!rule) return next();
    c.set('fault', rule.id);
    if (!c.get('party')) callerParty(c, deps); // so the journal names the party of a faulted request
    deps.log.info('fault', { rule: rule.id, direction: 'inbound', method: c.req.method, path });
    const delay = deps.faults.delayOf(rule);
    if (delay > 0) await sleep(delay, c.req.raw.signal);
    return answer(c, deps, rule, next);
  };
}

async function answer(c: Context, deps: Deps, rule: HttpFaultRule, next: Next): Promise<Response | undefined> {
  const defaultMessage = `Fault injected by the simulator (rule ${rule.id})`;
  if (rule.status !== undefined) {
    const message = rule.message ?? defaultMessage;
    if (rule.envelope === false) {
      c.set('journalResponseBody', message);
      return c.body(message, rule.status as 200, { 'Content-Type': 'text/plain; charset=utf-8' });
    }
    const code = rule.status_code ?? (rule.status >= 500 ? OcpiStatus.SERVER_ERROR : OcpiStatus.CLIENT_ERROR);
    return sendEnvelope(c, deps, rule.status, undefined, code, message);
  }
  if (rule.ocpi_status !== undefined) return sendEnvelope(c, deps, 200, undefined, rule.ocpi_status, rule.message ?? defaultMessage);
  if (rule.hang) return hang(c, rule.hang_ms ?? DEFAULT_HANG_MS);
  if (rule.reset) {
    destroyConnection(c);
    return c.body(null, STATUS_RESET as 200);
  }
  if (rule.empty) return c.body(null, 200);
  if (rule.malformed) {
    const full = envelopeText(deps.clock.now(), { id: 'truncated' }, OcpiStatus.SUCCESS);
    const text = full.slice(0, Math.floor(full.length / 2)); // cut inside the object: never valid JSON
    c.set('journalResponseBody', text);
    return c.body(text, 200, { 'Content-Type': 'application/json' });
  }
  await next();
  if (rule.merge) await mergeIntoAnswer(c, rule.merge);
  return undefined;
}

/** Answer nothing until the client closes the connection, the server shuts down, or `maxMs` (then close it ourselves). */
async function hang(c: Context, maxMs: number): Promise<Response> {
  const stop = new AbortController();
  const release = () => stop.abort();
  const offClose = onConnectionClose(c, release);
  const offServer = onServerClosing(c, release);
  c.req.raw.signal.addEventListener('abort', release, { once: true });
  try {
    await sleep(maxMs, stop.signal);
  } finally {
    offClose();
    offServer();
    c.req.raw.signal.removeEventListener('abort', release);
  }
  destroyConnection(c); // after the cap too: a hang never ends in an answer
  return c.body(null, STATUS_HANG as 200);
}

/** Run-then-alter: JSON merge patch into the answer the handler wrote. */
async function mergeIntoAnswer(c: Context, patch: Record<string, unknown>): Promise<void> {
  const res = c.res;
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const body = json === undefined ? text : JSON.stringify(mergePatch(json, patch));
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  c.res = undefined;
  c.res = new Response(body, { status: res.status, headers });
  c.set('journalResponseBody', body);
}

/** `CC*PID` of the caller when its token is a registered party's (no error when it is not). */
function callerParty(c: Context, deps: Deps): string | undefined {
  const known = c.get('party');
  if (known) return known;
  const token = tokenOfHeader(c.req.header('authorization') ?? '');
  if (!token) return undefined;
  const principal = deps.parties.authenticate(token);
  if (principal?.kind !== 'party') return undefined;
  c.set('party', principal.party.key);
  return principal.party.key;
}
