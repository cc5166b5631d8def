// GET /openapi.json (built on first use, then cached: the routes do not change after start) and
// GET /docs, an interactive page (Swagger UI). Its script and style come from the
// swagger-ui-dist package and are served here (/docs/assets/*), so the page works offline.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import type { AdminRouter } from '../admin/router.js';
import type { OcpiRouter } from '../ocpi/transport/router.js';
import { buildOpenApiDocument } from './document.js';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>plugsurfing-emp-sim API</title>
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true, persistAuthorization: true });
  </script>
</body>
</html>`;

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export function mountOpenApi(app: Hono, routers: { ocpi: OcpiRouter; admin: AdminRouter }): void {
  let json: string | null = null;
  app.get('/openapi.json', (c) => {
    json ??= JSON.stringify(buildOpenApiDocument({ ...routers, version: packageVersion() }));
    return c.body(json, 200, { 'Content-Type': 'application/json' });
  });

  app.get('/docs', (c) => c.html(PAGE));

  const assets = new Map<string, Buffer>();
  let dir: string | null = null;
  app.get('/docs/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (!type) return c.json({ error: { status: 404, message: `No asset ${file}` } }, 404);
    try {
      dir ??= dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
      let body = assets.get(file);
      if (!body) {
        body = readFileSync(join(dir, file));
        assets.set(file, body);
      }
      return c.body(new Uint8Array(body), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
    } catch {
      return c.json({ error: { status: 404, message: 'swagger-ui-dist is not installed; see /openapi.json' } }, 404);
    }
  });
}
