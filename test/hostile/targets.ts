// Every route the simulator serves, read from the running app (Hono's route table), so a route
// added later is fuzzed without touching the fuzzer. The OCPI and admin routers add what the
// table cannot say: the body and query schemas each route validates with, and for OCPI the
// methods (one Hono handler per OCPI path serves them all).
import type { Hono } from 'hono';
import type { z } from 'zod';
import { ADMIN_BASE, type AdminRoute, type AdminRouter } from '../../src/admin/router.js';
import { isOcpiPath, OCPI_BASE, type OcpiRoute, type OcpiRouter } from '../../src/ocpi/transport/router.js';

export type Family = 'ocpi' | 'admin' | 'oioi';

export interface RouteInfo {
  method: string;
  body?: z.ZodType;
  query?: z.ZodType;
  ocpi?: OcpiRoute;
  admin?: AdminRoute;
}

export interface Target {
  family: Family;
  /** Full path pattern, e.g. /ocpi/2.1.1/locations/:country_code/:party_id/:location_id */
  pattern: string;
  params: string[];
  /** Methods with a handler (not the 405 catch-all of the path). */
  methods: Map<string, RouteInfo>;
}

const FAMILIES: [string, Family][] = [
  [`${ADMIN_BASE}/`, 'admin'],
  ['/api/', 'oioi'],
];

export function familyOf(path: string): Family | undefined {
  if (isOcpiPath(path)) return 'ocpi';
  return FAMILIES.find(([prefix]) => path.startsWith(prefix))?.[1];
}

/** The concrete routes of the app under /ocpi, /admin and /api, with their schemas. */
export function enumerateTargets(app: Hono, ocpi: OcpiRouter, admin: AdminRouter): Target[] {
  const byPattern = new Map<string, Target>();
  for (const r of app.routes) {
    if (r.path.includes('*')) continue; // middleware and per-prefix fallbacks
    const family = familyOf(r.path);
    if (!family) continue;
    let t = byPattern.get(r.path);
    if (!t) {
      t = { family, pattern: r.path, params: paramsOf(r.path), methods: new Map() };
      byPattern.set(r.path, t);
    }
    if (r.method !== 'ALL') t.methods.set(r.method, { method: r.method });
  }
  // Each OCPI path is one ALL handler in Hono's table (it dispatches by method itself): its
  // methods are the OCPI router's routes.
  for (const route of ocpi.routes) {
    const t = byPattern.get(OCPI_BASE + route.path);
    t?.methods.set(route.method, { method: route.method, ocpi: route, body: route.requestBody, query: route.query });
  }
  for (const route of admin.routes) {
    const info = byPattern.get(ADMIN_BASE + route.path)?.methods.get(route.method);
    if (info) Object.assign(info, { admin: route, body: route.requestBody, query: route.query });
  }
  return [...byPattern.values()];
}

export function paramsOf(pattern: string): string[] {
  return pattern
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1));
}

/** Does a concrete (decoded) path match a pattern? Segments `:x` match any non-empty segment. */
export function matches(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const s = path.split('/');
  return p.length === s.length && p.every((seg, i) => (seg.startsWith(':') ? (s[i] ?? '') !== '' : seg === s[i]));
}

/** Every method some route serves on this concrete path (several patterns may match it). */
export function methodsServed(targets: Target[], path: string): Set<string> {
  const out = new Set<string>();
  for (const t of targets) if (matches(t.pattern, path)) for (const m of t.methods.keys()) out.add(m);
  if (out.has('GET')) out.add('HEAD');
  return out;
}

/** Fill a pattern's params (already encoded for the URL). */
export function fill(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for :${name} in ${pattern}`);
    return v;
  });
}
