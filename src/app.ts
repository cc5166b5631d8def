// Builds the simulator from its parts: config -> store -> deps -> Hono app. No logic here.
import { Hono } from 'hono';
import { adminAuth, buildAdminRouter } from './admin/index.js';
import { ADMIN_BASE } from './admin/router.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import { EventBus } from './events.js';
import { FaultEngine } from './faults/engine.js';
import { loadFaultsFile } from './faults/file.js';
import { FaultInterceptor } from './faults/outbound.js';
import { mountOpenApi } from './openapi/routes.js';
import { mountDashboard } from './dashboard/routes.js';
import { Journal } from './journal/journal.js';
import { createLogger, type Logger } from './log.js';
import { OcpiClient } from './ocpi/client.js';
import { registerCredentialsRoutes } from './ocpi/credentials/routes.js';
import { registerLocationRoutes } from './ocpi/locations/routes.js';
import { registerTariffRoutes } from './ocpi/tariffs/routes.js';
import { registerTokenRoutes } from './ocpi/tokens/routes.js';
import { stopPusher } from './ocpi/tokens/push.js';
import { mountOioi, stopOioi } from './oioi/routes.js';
import { registerCdrRoutes } from './ocpi/cdrs/routes.js';
import { seedFixtures } from './fixtures/index.js';
import { PartyRegistry } from './ocpi/parties.js';
import { sendError } from './ocpi/transport/respond.js';
import { isOcpiPath, OcpiRouter } from './ocpi/transport/router.js';
import { registerVersionRoutes } from './ocpi/versions/routes.js';
import { sendAdminError } from './admin/http.js';
import { Findings } from './rules/findings.js';
import { Territory } from './rules/territory.js';
import { openStore, type Store } from './store/index.js';

export interface SimulatorOptions {
  clock?: Clock;
  store?: Store;
  log?: Logger;
}

export interface Simulator {
  app: Hono;
  deps: Deps;
  ocpi: OcpiRouter;
  close(): Promise<void>;
}

export function buildOcpiRouter(): OcpiRouter {
  const router = new OcpiRouter();
  registerVersionRoutes(router);
  registerCredentialsRoutes(router);
  registerLocationRoutes(router);
  registerTariffRoutes(router);
  registerTokenRoutes(router);
  registerCdrRoutes(router);
  return router;
}

export async function createSimulator(config: Config, options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger(config.logLevel);
  // Faults first: a bad FAULTS_FILE stops the start before the store is opened.
  const faults = new FaultEngine(config.seed, clock);
  if (config.faultsFile) await loadFaultsFile(faults, config.faultsFile);
  const store = options.store ?? (await openStore(config.dbFile));
  const events = new EventBus();
  const journal = new Journal(config.journalSize, config.journalBodyLimit, events);
  const deps: Deps = {
    config,
    store,
    clock,
    journal,
    events,
    log,
    parties: new PartyRegistry(store, config.registrationToken, config.registrationTokenSingleUse),
    client: new OcpiClient(journal, clock, { timeoutMs: config.outboundTimeoutMs, maxBytes: config.outboundMaxBytes }),
    territory: new Territory(config.territory),
    findings: new Findings(store, clock, events, config.maxRecords),
    faults,
  };
  deps.client.interceptor = new FaultInterceptor(deps);
  await seedFixtures(deps); // also applies FIXTURES, the team's own file

  const app = new Hono();
  // `parsing`: the file store is still parsing its snapshot after start-up; `compacting`: it is
  // writing a new one. It serves meanwhile in both cases.
  app.get('/health', (c) => c.json({ status: 'ok', store: store.kind, parsing: store.parsing, compacting: store.compacting }));

  // Each OCPI path is one handler that journals the exchange and applies the fault rules
  // (transport/middleware.ts ocpiExchanges); unknown OCPI paths go through `app.notFound` below.
  const ocpi = buildOcpiRouter();
  const ocpiNotFound = ocpi.mount(app, deps);

  // OIOI (POST /api/v3|v4/request): its own journal entries and the same fault middleware.
  mountOioi(app, deps);

  app.use(`${ADMIN_BASE}/*`, adminAuth(deps));
  const admin = buildAdminRouter();
  admin.mount(app, deps);
  mountOpenApi(app, { ocpi, admin });
  mountDashboard(app, deps);

  app.notFound((c) =>
    isOcpiPath(c.req.path) ? ocpiNotFound(c) : c.json({ error: { status: 404, message: `No route ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError((err, c) => (c.req.path.startsWith(ADMIN_BASE) ? sendAdminError(c, err) : sendError(c, deps, err)));

  return {
    app,
    deps,
    ocpi,
    close: async () => {
      stopPusher(deps);
      stopOioi(deps);
      await store.close();
    },
  };
}
