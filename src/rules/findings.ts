// Findings: recorded, per-party observations of something a CPO did that Plugsurfing would
// refuse or frown upon. Every module adds its rules here; GET /admin/findings lists them.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import { del, put, type Mutation, type Store } from '../store/index.js';

export const FINDINGS = 'findings';

export type Severity = 'info' | 'warning' | 'error';

export interface Finding {
  id: string;
  time: string;
  /** `CC*PID` of the party the finding is about. */
  party?: string;
  /** Stable id of the rule, e.g. `ocpi.unknown-field`, `territory.outside`. */
  rule: string;
  severity: Severity;
  message: string;
  /** JSON path inside the object or request body. */
  path?: string;
  /** The object concerned, e.g. `{ module: 'locations', id: 'NL*TNM/LOC1' }`. */
  object?: { module: string; id: string };
  /** Journal id of the request that caused it. */
  request_id?: string;
}

export type NewFinding = Omit<Finding, 'id' | 'time'>;

export function newRecordId(prefix: string, now: number): string {
  return `${prefix}_${now.toString(36)}${randomBytes(4).toString('hex')}`;
}

/** Keep a collection at most `max` entries by dropping the oldest (insertion order). */
export function evictOldest(store: Store, collection: string, max: number, adding: number): Mutation[] {
  const excess = store.size(collection) + adding - max;
  if (excess <= 0) return [];
  return store.oldestKeys(collection, excess).map((key) => del(collection, key));
}

export class Findings {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly max: number,
  ) {}

  /** The mutations that record `findings`; callers add them to their own write. */
  mutations(findings: NewFinding[]): { mutations: Mutation[]; recorded: Finding[] } {
    if (findings.length === 0) return { mutations: [], recorded: [] };
    const now = this.clock.now();
    const time = new Date(now).toISOString();
    const recorded = findings.map((f) => ({ id: newRecordId('f', now), time, ...f }));
    const mutations = [...evictOldest(this.store, FINDINGS, this.max, recorded.length), ...recorded.map((f) => put(FINDINGS, f.id, f))];
    return { mutations, recorded };
  }

  /** Announce findings after their write was acknowledged. */
  announce(recorded: Finding[]): void {
    for (const f of recorded) this.events.emit({ type: 'finding', data: f });
  }

  async record(findings: NewFinding[]): Promise<Finding[]> {
    const { mutations, recorded } = this.mutations(findings);
    if (mutations.length === 0) return [];
    await this.store.write(mutations);
    this.announce(recorded);
    return recorded;
  }

  list(filter: { party?: string; rule?: string; severity?: string; module?: string } = {}): Finding[] {
    const out: Finding[] = [];
    for (const f of this.store.values<Finding>(FINDINGS)) {
      if (filter.party && f.party !== filter.party) continue;
      if (filter.rule && f.rule !== filter.rule) continue;
      if (filter.severity && f.severity !== filter.severity) continue;
      if (filter.module && f.object?.module !== filter.module) continue;
      out.push(f);
    }
    return out.reverse();
  }
}
