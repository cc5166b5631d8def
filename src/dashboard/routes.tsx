// The dashboard at /: a page served by the simulator itself, reading the admin API.
import type { Hono } from 'hono';
import { publicConfig } from '../config.js';
import type { Deps } from '../deps.js';
import { DashboardPage } from './page.js';
import { DASHBOARD_JS } from './script.js';
import { DASHBOARD_CSS } from './style.js';

export function mountDashboard(app: Hono, deps: Deps): void {
  // The shell holds no data; with ADMIN_TOKEN set the script asks for it before reading anything.
  // Read per request: with PORT=0 the real port (and so the versions URL) is known only after listen.
  app.get('/', (c) => {
    const shown = { ...deps.config, registrationToken: String(publicConfig(deps.config).registrationToken) };
    return c.html(`<!doctype html>${(<DashboardPage config={shown} />).toString()}`);
  });
  app.get('/dashboard.js', (c) => c.body(DASHBOARD_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/dashboard.css', (c) => c.body(DASHBOARD_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
}
