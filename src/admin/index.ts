// The admin API: every admin concern registers its routes here.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { publicConfig } from '../config.js';
import type { Deps } from '../deps.js';
import { registerFindingsAdmin } from './findings.js';
import { registerJournalAdmin } from './journal.js';
import { registerOioiAdmin } from './oioi.js';
import { registerTokenAdmin } from './tokens.js';
import { registerAuthorizationAdmin } from './authorizations.js';
import { registerCdrAdmin } from './cdrs.js';
import { registerLocationAdmin } from './locations.js';
import { registerPartyAdmin } from './registrations.js';
import { registerEventsAdmin } from './events.js';
import { registerFaultAdmin } from './faults.js';
import { registerScenarioAdmin } from './scenarios.js';
import { registerStateAdmin } from './state.js';
import { AdminRouter } from './router.js';
import { registerTariffAdmin } from './tariffs.js';

export function buildAdminRouter(): AdminRouter {
  const admin = new AdminRouter();
  admin.get('/config', 'Effective settings (secrets hidden)', ({ deps }) => publicConfig(deps.config));
  registerPartyAdmin(admin);
  registerJournalAdmin(admin);
  registerLocationAdmin(admin);
  registerTariffAdmin(admin);
  registerFindingsAdmin(admin);
  registerTokenAdmin(admin);
  registerAuthorizationAdmin(admin);
  registerCdrAdmin(admin);
  registerStateAdmin(admin);
  registerEventsAdmin(admin);
  registerFaultAdmin(admin);
  registerScenarioAdmin(admin);
  registerOioiAdmin(admin);
  return admin;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** With ADMIN_TOKEN set, every admin call needs `Authorization: Bearer <ADMIN_TOKEN>`. */
export function adminAuth(deps: Deps): MiddlewareHandler {
  const expected = deps.config.adminToken ? digest(deps.config.adminToken) : null;
  return async (c, next) => {
    if (expected) {
      const header = c.req.header('authorization') ?? '';
      // EventSource cannot send headers: the event stream also takes ?access_token=.
      const presented =
        /^Bearer (.+)$/.exec(header.trim())?.[1] ?? (c.req.path === '/admin/events' ? c.req.query('access_token') : undefined);
      if (!presented || !timingSafeEqual(digest(presented), expected)) {
        return c.json({ error: { status: 401, message: 'Admin API: missing or wrong "Authorization: Bearer <ADMIN_TOKEN>"' } }, 401, {
          'WWW-Authenticate': 'Bearer',
        });
      }
    }
    await next();
  };
}
