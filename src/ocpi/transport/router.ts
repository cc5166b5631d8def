// How every OCPI route is declared: method, path, module, who may call it, the zod schemas of
// its body and answer (for docs), and a handler that returns data or throws OcpiError.
// The router adds authentication, body reading, the envelope, 405 for other methods on a
// known path, and the metadata the journal and the OpenAPI document read.
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { type Party, type Principal, tokenOfHeader } from '../parties.js';
import { jsonBody, type RawBody } from './body.js';
import { clientError, methodNotAllowed, OcpiError, unauthorized } from './errors.js';
import { type Answer, ocpiExchanges, ocpiNotFound } from './middleware.js';
import { sendEnvelope } from './respond.js';
import { OcpiStatus, type OcpiStatusCode } from './status.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OcpiRequest {
  c: Context;
  deps: Deps;
  principal: Principal;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (undefined when empty). Validate it with `validate()`. */
  body: unknown;
  /** Journal id of this request, for findings to point at. */
  requestId: string;
  now: number;
}

/** A request from a registered party (routes with `auth: 'party'`). */
export interface PartyRequest extends OcpiRequest {
  party: Party;
}

export interface OcpiResult {
  data?: unknown;
  /** 200 by default; 201 when the request created the object. */
  http?: 200 | 201;
  statusCode?: OcpiStatusCode;
  statusMessage?: string;
  headers?: Record<string, string>;
}

interface RouteBase {
  method: Method;
  /** Path below the OCPI base, Hono syntax: `/2.1.1/locations/:country_code/:party_id/:location_id`. */
  path: string;
  module: string;
  summary: string;
  description?: string;
  requestBody?: z.ZodType;
  response?: z.ZodType;
  query?: z.ZodType;
}

export type OcpiRoute =
  | (RouteBase & { auth: 'party'; handler: (req: PartyRequest) => Promise<OcpiResult> | OcpiResult })
  | (RouteBase & { auth: 'any'; handler: (req: OcpiRequest) => Promise<OcpiResult> | OcpiResult });

/** A method Plugsurfing does not support on a path that exists: 405 with the reason. */
export interface UnsupportedRoute {
  method: Method;
  path: string;
  module: string;
  reason: string;
}

export const OCPI_BASE = '/ocpi';

/** `/ocpi` and everything below it (what Hono's `/ocpi/*` matches). */
export const isOcpiPath = (path: string) => path === OCPI_BASE || path.startsWith(`${OCPI_BASE}/`);

export class OcpiRouter {
  readonly routes: OcpiRoute[] = [];
  readonly unsupported: UnsupportedRoute[] = [];

  add(route: OcpiRoute): this {
    this.routes.push(route);
    return this;
  }

  refuse(route: UnsupportedRoute): this {
    this.unsupported.push(route);
    return this;
  }

  /**
   * One Hono handler per path (not one per method): with a single handler matched, Hono calls it
   * without composing, and a synchronous answer goes out without a promise. Returns the answer
   * for the OCPI paths no route serves, for `app.notFound`, through the same exchange (journal,
   * faults).
   */
  mount(app: Hono, deps: Deps): (c: Context) => Answer {
    const exchange = ocpiExchanges(deps);
    const paths = new Map<string, Map<string, OcpiRoute>>();
    const methodsOf = (full: string) => paths.get(full) ?? (paths.set(full, new Map()).get(full) as Map<string, OcpiRoute>);
    for (const route of this.routes) methodsOf(OCPI_BASE + route.path).set(route.method, route);
    // A path may exist only to refuse (e.g. the CDR URL of a Location header): no method allowed.
    for (const u of this.unsupported) methodsOf(OCPI_BASE + u.path);
    for (const [full, routes] of paths) {
      const refusals = this.unsupported.filter((u) => OCPI_BASE + u.path === full);
      const allow = [...routes.keys(), ...(routes.has('GET') ? ['HEAD'] : [])];
      const refuse = (c: Context): never => {
        authenticate(c, deps); // an unknown caller learns nothing about our routes
        const refusal = refusals.find((u) => u.method === c.req.method);
        throw methodNotAllowed(
          refusal ? refusal.reason : `${c.req.method} is not supported on this endpoint; allowed: ${allow.join(', ')}`,
          allow,
        );
      };
      app.all(full, (c) =>
        exchange(c, () => {
          // Hono answers HEAD with the GET route, its body left out.
          const route = routes.get(c.req.method === 'HEAD' ? 'GET' : c.req.method);
          return route ? this.handle(c, deps, route) : refuse(c);
        }),
      );
    }
    return (c) => exchange(c, () => ocpiNotFound(c, deps));
  }

  /** Synchronous unless the request has a body to read or the handler is asynchronous. */
  private handle(c: Context, deps: Deps, route: OcpiRoute): Answer {
    const principal = authenticate(c, deps);
    if (route.auth === 'party' && principal.kind !== 'party') {
      throw unauthorized(
        principal.kind === 'registration'
          ? 'The registration token (token A) may only be used for versions, version details and POST credentials; use the token you received from the credentials handshake'
          : 'This token is only valid for the versions endpoints until the credentials handshake completes',
      );
    }
    if (route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH') {
      const limits = { maxBytes: deps.config.bodyLimit, maxDepth: deps.config.jsonDepthLimit };
      const withBody = (raw: RawBody) => {
        c.set('journalRequestBody', raw.text);
        return this.answer(c, deps, route, principal, raw.json);
      };
      // A body already received whole (most) is answered without a promise hop to read it.
      const body = jsonBody(c, limits);
      return body instanceof Promise ? body.then(withBody) : withBody(body);
    }
    return this.answer(c, deps, route, principal, undefined);
  }

  private answer(c: Context, deps: Deps, route: OcpiRoute, principal: Principal, body: unknown): Answer {
    const req: OcpiRequest = {
      c,
      deps,
      principal,
      params: c.req.param() as Record<string, string>,
      query: queryOf(c.req.url),
      body,
      requestId: c.get('requestId'),
      now: deps.clock.now(),
    };
    const result = route.auth === 'party' ? route.handler({ ...req, party: (principal as { party: Party }).party }) : route.handler(req);
    const send = (r: OcpiResult) =>
      sendEnvelope(c, deps, r.http ?? 200, r.data, r.statusCode ?? OcpiStatus.SUCCESS, r.statusMessage, r.headers);
    return result instanceof Promise ? result.then(send) : send(result);
  }
}

/** `Authorization: Token <token>` -> principal, or 401. Caches the result on the context. */
export function authenticate(c: Context, deps: Deps): Principal {
  const cached = c.get('principal');
  if (cached) return cached;
  const header = c.req.header('authorization');
  if (!header) throw unauthorized('Missing Authorization header; expected "Authorization: Token <token>"');
  const token = tokenOfHeader(header);
  if (!token) throw unauthorized('Malformed Authorization header; expected "Authorization: Token <token>"');
  const principal = deps.parties.authenticate(token);
  if (!principal) throw unauthorized('Unknown token');
  c.set('principal', principal);
  if (principal.kind === 'party') c.set('party', principal.party.key);
  return principal;
}

const NO_QUERY = new URLSearchParams();

/** The query string of a URL (no URL object built: most OCPI requests have none). */
function queryOf(url: string): URLSearchParams {
  const at = url.indexOf('?');
  if (at === -1) return NO_QUERY;
  const hash = url.indexOf('#', at);
  return new URLSearchParams(hash === -1 ? url.slice(at + 1) : url.slice(at + 1, hash));
}

export { clientError, OcpiError };
