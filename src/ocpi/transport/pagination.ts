// Paginated GET lists (transport_and_format.md, "Pagination"): offset, limit, date_from and
// date_to on `last_updated`; the answer carries X-Total-Count, X-Limit and, when this is not the
// last page, `Link: <next>; rel="next"` repeating every filter of the request.
//
// Readings chosen where 2.1.1 leaves room:
// - date_from is inclusive (last_updated >= date_from), date_to exclusive (last_updated <
//   date_to), as OCPI 2.2 later wrote down; so consecutive windows never overlap.
// - limit above the server maximum is lowered to it (X-Limit says so); an absent limit is the
//   maximum; limit 0 is refused (a crawler following next links would never advance).
// - X-Limit is the page size applied (an upper bound, as the spec's example shows), not the
//   number of objects in this page.
// - Bad offset/limit/date values, or a parameter given twice, answer 2001.
// - The next link starts from PUBLIC_URL (what the CPO was given), not the Host header.
import { dateTimeToMillis, DateTime } from '../types.js';
import { JsonText, jsonOf } from './envelope.js';
import { invalidParameters, type Issue } from './errors.js';
import type { OcpiResult } from './router.js';

export interface PageParams {
  offset: number;
  limit: number;
  /** Epoch ms, inclusive. */
  dateFrom?: number;
  /** Epoch ms, exclusive. */
  dateTo?: number;
}

const INT = /^\d{1,15}$/;

/** Read offset, limit, date_from, date_to; throws 2001 naming each bad parameter. */
export function parsePageParams(query: URLSearchParams, maxLimit: number): PageParams {
  const issues: Issue[] = [];
  const one = (name: string): string | undefined => {
    const all = query.getAll(name);
    if (all.length > 1) issues.push({ path: name, message: 'must be given at most once' });
    return all[0];
  };
  const offsetText = one('offset');
  const limitText = one('limit');
  const fromText = one('date_from');
  const toText = one('date_to');

  let offset = 0;
  if (offsetText !== undefined) {
    if (!INT.test(offsetText)) issues.push({ path: 'offset', message: 'must be a non-negative integer' });
    else offset = Number(offsetText);
  }
  let limit = maxLimit;
  if (limitText !== undefined) {
    if (!INT.test(limitText) || Number(limitText) < 1) issues.push({ path: 'limit', message: 'must be a positive integer' });
    else limit = Math.min(Number(limitText), maxLimit);
  }
  const date = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    if (!DateTime.safeParse(text).success) {
      issues.push({ path: name, message: 'must be an OCPI DateTime in UTC, e.g. 2015-06-29T20:39:09Z' });
      return undefined;
    }
    return dateTimeToMillis(text);
  };
  const dateFrom = date('date_from', fromText);
  const dateTo = date('date_to', toText);
  if (issues.length > 0) {
    throw invalidParameters(`Invalid pagination parameters: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
  }
  return { offset, limit, ...(dateFrom !== undefined ? { dateFrom } : {}), ...(dateTo !== undefined ? { dateTo } : {}) };
}

/** Does a `last_updated` value fall in the [date_from, date_to) window? */
export function inDateWindow(lastUpdated: string, params: PageParams): boolean {
  if (params.dateFrom === undefined && params.dateTo === undefined) return true;
  const t = dateTimeToMillis(lastUpdated);
  if (params.dateFrom !== undefined && !(t >= params.dateFrom)) return false;
  if (params.dateTo !== undefined && !(t < params.dateTo)) return false;
  return true;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** One page out of `source` (kept in its order: oldest first), counting every match. */
export function pageOf<T>(source: Iterable<T>, params: PageParams, lastUpdated: (item: T) => string): Page<T> {
  const items: T[] = [];
  let total = 0;
  const end = params.offset + params.limit;
  for (const item of source) {
    if (!inDateWindow(lastUpdated(item), params)) continue;
    if (total >= params.offset && total < end) items.push(item);
    total++;
  }
  return { items, total };
}

/** X-Total-Count, X-Limit and, unless this page is the last, the Link to the next one. */
export function pageHeaders(
  publicUrl: string,
  path: string,
  query: URLSearchParams,
  params: PageParams,
  total: number,
): Record<string, string> {
  const headers: Record<string, string> = { 'X-Total-Count': String(total), 'X-Limit': String(params.limit) };
  const nextOffset = params.offset + params.limit;
  if (nextOffset < total) headers.Link = `<${nextPageUrl(publicUrl, path, query, nextOffset, params.limit)}>; rel="next"`;
  return headers;
}

/** The request URL with offset and limit replaced: every other parameter (the filters) kept as given. */
export function nextPageUrl(publicUrl: string, path: string, query: URLSearchParams, offset: number, limit: number): string {
  const parts = [`offset=${offset}`, `limit=${limit}`];
  for (const [k, v] of query) if (k !== 'offset' && k !== 'limit') parts.push(`${encodeQuery(k)}=${encodeQuery(v)}`);
  return `${publicUrl}${path}?${parts.join('&')}`;
}

/** Percent-encoding for a query component, leaving ':' readable (RFC 3986 allows it in a query). */
function encodeQuery(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':');
}

/** A whole paginated answer for a route handler: parse, page, map, headers. */
export function paginatedResult<T>(
  req: { query: URLSearchParams; c: { req: { path: string } }; deps: { config: { publicUrl: string; maxPageLimit: number } } },
  source: Iterable<T>,
  lastUpdated: (item: T) => string,
  map: (item: T) => object = (x) => x as object,
): OcpiResult {
  const params = parsePageParams(req.query, req.deps.config.maxPageLimit);
  const { items, total } = pageOf(source, params, lastUpdated);
  // Stored objects are immutable: each one's JSON is made once, the page is their join.
  const data = new JsonText(`[${items.map((item) => jsonOf(map(item))).join(',')}]`);
  return { data, headers: pageHeaders(req.deps.config.publicUrl, req.c.req.path, req.query, params, total) };
}
