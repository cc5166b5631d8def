// How admin routes are declared: one line of summary each (for /openapi.json), an optional
// body schema, and a handler returning plain JSON (or a Response, e.g. for SSE).
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { Deps } from '../deps.js';
import { sendAdminError } from './http.js';

export interface AdminRequest {
  c: Context;
  deps: Deps;
  params: Record<string, string>;
}

export class Created {
  constructor(readonly body: unknown) {}
}
export const created = (body: unknown) => new Created(body);

type Handler = (req: AdminRequest) => unknown | Promise<unknown>;
export type AdminMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface AdminRoute {
  method: AdminMethod;
  path: string;
  summary: string;
  requestBody?: z.ZodType;
  query?: z.ZodType;
  handler: Handler;
}

export const ADMIN_BASE = '/admin';

export class AdminRouter {
  readonly routes: AdminRoute[] = [];

  private add(method: AdminMethod, path: string, summary: string, handler: Handler, requestBody?: z.ZodType, query?: z.ZodType) {
    this.routes.push({ method, path, summary, handler, requestBody, query });
    return this;
  }
  get(path: string, summary: string, handler: Handler, query?: z.ZodType) {
    return this.add('GET', path, summary, handler, undefined, query);
  }
  post(path: string, summary: string, handler: Handler, body?: z.ZodType) {
    return this.add('POST', path, summary, handler, body);
  }
  put(path: string, summary: string, handler: Handler, body?: z.ZodType) {
    return this.add('PUT', path, summary, handler, body);
  }
  patch(path: string, summary: string, handler: Handler, body?: z.ZodType) {
    return this.add('PATCH', path, summary, handler, body);
  }
  delete(path: string, summary: string, handler: Handler) {
    return this.add('DELETE', path, summary, handler);
  }

  mount(app: Hono, deps: Deps): void {
    const paths = new Map<string, AdminMethod[]>();
    for (const route of this.routes) {
      const full = ADMIN_BASE + route.path;
      paths.set(full, [...(paths.get(full) ?? []), route.method]);
      app.on(route.method, full, async (c) => {
        try {
          const result = await route.handler({ c, deps, params: c.req.param() as Record<string, string> });
          if (result instanceof Response) return result;
          if (result instanceof Created) return c.json(result.body as object, 201);
          return c.json((result ?? null) as object, 200);
        } catch (err) {
          return sendAdminError(c, err);
        }
      });
    }
    for (const [full, methods] of paths) {
      app.all(full, (c) =>
        c.json({ error: { status: 405, message: `${c.req.method} is not supported here; allowed: ${methods.join(', ')}` } }, 405, {
          Allow: methods.join(', '),
        }),
      );
    }
  }
}
