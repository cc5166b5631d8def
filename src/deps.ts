// Everything a module may use, built once per simulator instance (see app.ts).
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { EventBus } from './events.js';
import type { FaultEngine } from './faults/engine.js';
import type { Journal } from './journal/journal.js';
import type { Logger } from './log.js';
import type { OcpiClient } from './ocpi/client.js';
import type { PartyRegistry } from './ocpi/parties.js';
import type { Findings } from './rules/findings.js';
import type { Territory } from './rules/territory.js';
import type { Store } from './store/index.js';

export interface Deps {
  config: Config;
  store: Store;
  clock: Clock;
  journal: Journal;
  events: EventBus;
  log: Logger;
  parties: PartyRegistry;
  client: OcpiClient;
  territory: Territory;
  findings: Findings;
  /** Fault rules, authorization overrides and scenarios (in memory, not in the store). */
  faults: FaultEngine;
}
