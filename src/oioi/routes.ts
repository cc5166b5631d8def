// Mounting OIOI on the simulator's app: journal, fault middleware, the two request paths and the
// answer for other paths under /api; and the rfid-post sync that follows token changes.
import type { Hono } from 'hono';
import type { Deps } from '../deps.js';
import { faultMiddleware } from '../faults/inbound.js';
import { rfidSyncOf, stopRfidSync } from './rfid-sync.js';
import { OIOI_BASE, oioiHandler, oioiJournal, oioiNotFound, oioiPath } from './transport.js';

export function mountOioi(app: Hono, deps: Deps): void {
  app.use(`${OIOI_BASE}/*`, oioiJournal(deps));
  // After the journal (it records which rule fired), before the handlers (a fault stores nothing).
  // Fault rules can select OIOI requests with module "oioi" (the call name is in the body, not the path).
  app.use(`${OIOI_BASE}/*`, faultMiddleware(deps, { moduleOf: () => 'oioi' }));
  app.post(oioiPath('v3'), oioiHandler(deps, 'v3'));
  app.post(oioiPath('v4'), oioiHandler(deps, 'v4'));
  app.all(`${OIOI_BASE}/*`, oioiNotFound(deps));
  rfidSyncOf(deps);
}

/** Stop the rfid-post sync (simulator close). */
export function stopOioi(deps: Deps): void {
  stopRfidSync(deps);
}
