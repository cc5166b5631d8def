// /openapi.json is valid OpenAPI 3.1, covers every route the server registers, and describes
// bodies with the zod schemas the server validates with; /docs serves Swagger UI locally.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOcpiPath, OCPI_BASE } from '../src/ocpi/transport/router.js';
import { toOpenApiPath } from '../src/openapi/document.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
let doc: any;
beforeAll(async () => {
  sim = await startSim();
  const res = await sim.fetch('/openapi.json');
  expect(res.headers.get('content-type')).toContain('application/json');
  doc = await res.json();
});
afterAll(() => sim.stop());

/** Routes served on purpose that the document need not list. */
const EXCLUDED = (path: string) =>
  path === '/health' ||
  path === '/' ||
  path === '/dashboard.js' ||
  path === '/dashboard.css' ||
  path === '/openapi.json' ||
  path === '/docs' ||
  path.startsWith('/docs/') ||
  path.includes('*');

describe('/openapi.json', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toBe('3.1.0');
  });

  /**
   * Every (method, path) the server answers with a handler: Hono's table, where each OCPI path is
   * one ALL handler that dispatches by method itself, so the OCPI methods come from its router.
   */
  const registered = () => [
    ...sim.app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method, path: r.path })),
    ...sim.ocpi.routes.map((r) => ({ method: r.method, path: OCPI_BASE + r.path })),
  ];

  it('covers every route the server registers (method and path)', () => {
    const routes = registered().filter((r) => !EXCLUDED(r.path));
    expect(routes.filter((r) => r.path.startsWith(`${OCPI_BASE}/`)).length).toBeGreaterThan(15);
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes
      .map((r) => ({ method: r.method.toLowerCase(), path: toOpenApiPath(r.path).path }))
      .filter((r) => !doc.paths[r.path]?.[r.method])
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('lists nothing the server does not serve', () => {
    const served = new Set(registered().map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path).path}`));
    // Refused methods (405 with a reason): OCPI ones declared on its router, admin ones answered
    // by the path's catch-all route.
    for (const u of sim.ocpi.unsupported) served.add(`${u.method.toLowerCase()} ${toOpenApiPath(OCPI_BASE + u.path).path}`);
    const adminCatchAlls = new Set(
      sim.app.routes.filter((r) => r.method === 'ALL' && !isOcpiPath(r.path)).map((r) => toOpenApiPath(r.path).path),
    );
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(ops)) {
        expect(served.has(`${method} ${path}`) || adminCatchAlls.has(path), `${method} ${path}`).toBe(true);
      }
    }
  });

  it('uses {param} paths, the envelope for OCPI answers, and the zod schemas for bodies', () => {
    const put = doc.paths['/ocpi/2.1.1/locations/{country_code}/{party_id}/{location_id}'].put;
    expect(put.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:country_code',
      'path:party_id',
      'path:location_id',
    ]);
    const body = put.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['id', 'type', 'address', 'coordinates', 'last_updated']));
    expect(body.properties.country.maxLength).toBe(3);
    const ok = doc.paths['/ocpi/versions'].get.responses['200'].content['application/json'].schema;
    expect(ok.required).toEqual(['status_code', 'timestamp']);
    expect(ok.properties.data.type).toBe('array');
    expect(doc.paths['/ocpi/2.1.1/tokens'].get.security).toEqual([{ ocpiToken: [] }]);
    expect(doc.components.securitySchemes.ocpiToken).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(doc.components.securitySchemes.adminBearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const faults = doc.paths['/admin/faults'].post;
    expect(faults.security).toEqual([{ adminBearer: [] }, {}]);
    expect(JSON.stringify(faults.requestBody)).toContain('probability');
    const journal = doc.paths['/admin/journal'].get.parameters.map((p: { name: string }) => p.name);
    expect(journal).toEqual(expect.arrayContaining(['method', 'path', 'direction', 'offset', 'limit']));
    expect(Object.keys(doc.paths['/admin/events'].get.responses['200'].content)).toEqual(['text/event-stream']);
  });

  it('is built once and cached', async () => {
    const again = await (await sim.fetch('/openapi.json')).text();
    expect(again).toBe(JSON.stringify(doc));
  });

  it('toOpenApiPath turns Hono params into OpenAPI ones', () => {
    expect(toOpenApiPath('/a/:id/b/:n{[0-9]+}')).toEqual({ path: '/a/{id}/b/{n}', params: ['id', 'n'] });
  });
});

describe('/docs', () => {
  it('serves a Swagger UI page whose assets come from this server (works offline)', async () => {
    const page = await sim.fetch('/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('/openapi.json');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css']) {
      expect(html).toContain(asset);
      const res = await sim.fetch(asset);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
    expect((await sim.fetch('/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });
});
