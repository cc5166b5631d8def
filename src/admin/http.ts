// Admin API conventions: plain JSON, errors as { error: { status, message, issues? } },
// lists as { total, offset, limit, items }.
import type { Context } from 'hono';
import { z } from 'zod';
import { OcpiError, type Issue } from '../ocpi/transport/errors.js';
import { zodIssues } from '../ocpi/transport/validate.js';
import { describeIssues } from '../ocpi/transport/errors.js';

export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: Issue[],
    /** Sent with the answer (e.g. `Connection: close` after a body cut short). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

export function adminErrorBody(status: number, message: string, issues?: Issue[], extra?: Record<string, unknown>) {
  return { error: { status, message, ...(issues ? { issues } : {}), ...extra } };
}

/** Turn any error into the admin JSON error answer. */
export function sendAdminError(c: Context, err: unknown): Response {
  if (err instanceof AdminError) return c.json(adminErrorBody(err.status, err.message, err.issues), err.status as 400, err.headers);
  if (err instanceof OcpiError) {
    // An OCPI-level failure of an admin action (e.g. a handshake with a CPO that failed).
    const status = err.http && err.http >= 400 ? err.http : 502;
    return c.json(adminErrorBody(status, err.message, undefined, { ocpi_status_code: err.statusCode, data: err.data }), status as 400);
  }
  if (err instanceof Error && err.name === 'StoreWriteError') return c.json(adminErrorBody(503, err.message), 503);
  return c.json(adminErrorBody(500, 'Internal error in the simulator; see its log'), 500);
}

const MAX_ADMIN_BODY = 16 << 20;

/** Read and validate a JSON body, or throw a 400 naming each broken path. */
export async function adminBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const { readJsonBody } = await import('../ocpi/transport/body.js');
  let json: unknown;
  try {
    json = (await readJsonBody(c, { maxBytes: MAX_ADMIN_BODY, maxDepth: 64 })).json;
  } catch (err) {
    if (!(err instanceof OcpiError)) throw new AdminError(400, err instanceof Error ? err.message : 'invalid body');
    throw new AdminError(err.http ?? 400, err.message, undefined, err.headers);
  }
  const result = schema.safeParse(json ?? {});
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new AdminError(400, `Invalid body: ${describeIssues(issues)}`, issues);
  }
  return result.data;
}

export const PageQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

export function adminQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new AdminError(400, `Invalid query: ${describeIssues(issues)}`, issues);
  }
  return result.data;
}

export function page<T>(items: T[], offset: number, limit: number) {
  return { total: items.length, offset, limit, items: items.slice(offset, offset + limit) };
}
