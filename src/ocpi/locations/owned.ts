// What the receivers of client owned objects (transport_and_format.md, "Client owned object
// push") share: the URL's party must be the caller's, URL ids are checked like body ids, the
// per-party object limit, and one write that stores the object together with its findings.
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { FINDINGS, type Finding, type NewFinding } from '../../rules/findings.js';
import type { Mutation, Store } from '../../store/index.js';
import { perStore } from '../../store/per-store.js';
import { clientError, invalidParameters, notFound } from '../transport/errors.js';
import type { PartyRequest } from '../transport/router.js';
import { compiled, zodIssues } from '../transport/validate.js';
import { dateTimeToMillis } from '../types.js';

/**
 * The party key of the URL, which must be the caller's own. Another party's path (registered or
 * not) answers 404 as transport_and_format.md allows, so nothing is learnt about other parties.
 */
export function ownPartyKey(req: PartyRequest, module: string): string {
  const { country_code: cc, party_id: pid } = req.params;
  if (cc !== req.party.country_code || pid !== req.party.party_id) {
    throw notFound(
      `No ${module} of ${cc}*${pid} here for this token: it belongs to party ${req.party.key}, which may only push objects under ` +
        `/${module}/${req.party.country_code}/${req.party.party_id}/... (client owned objects, transport_and_format.md)`,
    );
  }
  return req.party.key;
}

/** A URL segment checked with the schema of the id it names; 2001 naming the segment. */
export function urlSegment(schema: z.ZodType<string>, value: string | undefined, name: string): string {
  const result = compiled(schema).safeParse(value ?? '');
  if (!result.success) {
    const issues = zodIssues(result.error).map((i) => ({ path: `url.${name}`, message: i.message }));
    throw invalidParameters(`Invalid ${name} in the URL: ${issues.map((i) => i.message).join('; ')}`, issues);
  }
  return result.data;
}

/** The id in the body must be the one in the URL (transport_and_format.md, Errors: 2001). */
export function sameId(bodyId: string | undefined, urlId: string, field: string, what: string): void {
  if (bodyId !== undefined && bodyId !== urlId) {
    throw invalidParameters(`The ${what} ${field} in the body ("${bodyId}") differs from the one in the URL ("${urlId}")`, [
      { path: field, message: `must equal the URL's ${what} id "${urlId}"` },
    ]);
  }
}

export const isOlder = (a: string, b: string) => dateTimeToMillis(a) < dateTimeToMillis(b);
/** The later of two OCPI DateTimes, each kept in the form it was sent. */
export const later = (a: string, b: string) => (isOlder(a, b) ? b : a);

/** Findings about the request body that every receiver records. */
export function unknownFieldFinding(party: string, paths: string[], object: NewFinding['object'], requestId: string): NewFinding[] {
  if (paths.length === 0) return [];
  return [
    {
      party,
      rule: 'ocpi.unknown-field',
      severity: 'info',
      message: `Fields not defined by OCPI 2.1.1 were accepted and not stored: ${paths.join(', ')}. Noted once per party, module and list of fields`,
      ...(paths.length === 1 ? { path: paths[0] } : {}),
      object,
      request_id: requestId,
    },
  ];
}

export function patchWithoutLastUpdated(party: string, used: string, object: NewFinding['object'], requestId: string): NewFinding {
  return {
    party,
    rule: 'ocpi.patch-without-last-updated',
    severity: 'info',
    message: `PATCH without last_updated (allowed in 2.1.1, required from 2.2): the time of receipt (${used}) was used. Noted once per party and module`,
    path: 'last_updated',
    object,
    request_id: requestId,
  };
}

export function lastUpdatedBackwards(
  party: string,
  sent: string,
  stored: string,
  object: NewFinding['object'],
  requestId: string,
): NewFinding {
  return {
    party,
    rule: 'ocpi.last-updated-backwards',
    severity: 'info',
    message: `last_updated ${sent} is older than the stored ${stored}; stored as sent (the CPO owns the object), but an older update arriving after a newer one usually means the CPO's pushes are out of order`,
    path: 'last_updated',
    object,
    request_id: requestId,
  };
}

/**
 * Advisory findings a CPO would otherwise get on every push (2.1.1 PATCHes normally omit
 * last_updated; a vendor field comes with every object): kept once per party and module (and
 * list of fields) while that finding is still stored, so they never crowd out the warnings.
 */
const ONCE = new Set(['ocpi.patch-without-last-updated', 'ocpi.unknown-field']);
const onceKey = (f: NewFinding) =>
  `${f.rule}|${f.party}|${f.object?.module}|${f.rule === 'ocpi.unknown-field' ? f.message.replace(/\[\d+\]/g, '[]') : ''}`;
const onceIds = new WeakMap<Store, Map<string, string>>();

function withoutRepeats(store: Store, findings: NewFinding[]): NewFinding[] {
  const seen = onceIds.get(store);
  if (!seen || !findings.some((f) => ONCE.has(f.rule))) return findings;
  return findings.filter((f) => {
    if (!ONCE.has(f.rule)) return true;
    const id = seen.get(onceKey(f));
    return id === undefined || !store.has(FINDINGS, id);
  });
}

function rememberOnce(store: Store, recorded: Finding[]): void {
  for (const f of recorded) {
    if (!ONCE.has(f.rule)) continue;
    const seen = onceIds.get(store) ?? new Map<string, string>();
    onceIds.set(store, seen);
    seen.set(onceKey(f), f.id);
  }
}

/**
 * Write the object's mutations and the findings atomically; announce the findings once durable.
 * Not `async`: the answer waits on the group commit through one promise, not three.
 */
export function commit(deps: Deps, mutations: Mutation[], findings: NewFinding[], applied?: () => void): Promise<void> {
  const recorded = deps.findings.mutations(withoutRepeats(deps.store, findings));
  // The store applies at once: everything read before this line is still current.
  const durable = deps.store.write(recorded.mutations.length > 0 ? [...mutations, ...recorded.mutations] : mutations);
  rememberOnce(deps.store, recorded.recorded);
  applied?.();
  return recorded.recorded.length > 0 ? durable.then(() => deps.findings.announce(recorded.recorded)) : durable;
}

/**
 * How many objects each party has in a collection, without a scan per request: rebuilt when the
 * state is replaced or the collection's size no longer matches (a writer that bypassed `added`,
 * or a failed write that was undone).
 */
const partyOfKey = (key: string) => key.slice(0, key.indexOf('/'));

class PartyCounts {
  private counts = new Map<string, number>();
  private total = -1;
  private generation = -1;
  constructor(private readonly collection: string) {}

  private sync(store: Store): void {
    if (this.generation === store.generation && this.total === store.size(this.collection)) return;
    this.counts = new Map();
    // The party is the key's prefix (ownedKey): no stored value is read (or parsed, see store/snapshot.ts).
    for (const key of store.keys(this.collection)) {
      const party = partyOfKey(key);
      this.counts.set(party, (this.counts.get(party) ?? 0) + 1);
    }
    this.total = store.size(this.collection);
    this.generation = store.generation;
  }
  count(store: Store, party: string): number {
    this.sync(store);
    return this.counts.get(party) ?? 0;
  }
  /** Call right after the write that added one object of `party` was applied. */
  added(store: Store, party: string): void {
    // Exactly one object more than counted: count it (a full sync here would scan every object).
    if (this.generation === store.generation && this.total === store.size(this.collection) - 1) {
      this.counts.set(party, (this.counts.get(party) ?? 0) + 1);
      this.total++;
      return;
    }
    this.sync(store);
  }
}

const countsByStore = perStore<Store, Map<string, PartyCounts>>(() => new Map());

function counter(store: Store, collection: string): PartyCounts {
  const byCollection = countsByStore(store);
  const c = byCollection.get(collection) ?? new PartyCounts(collection);
  byCollection.set(collection, c);
  return c;
}

/** Refuse a new object beyond MAX_OBJECTS_PER_PARTY (2000: the client asked too much of us). */
export function checkRoomFor(deps: Deps, collection: string, party: string, what: string): void {
  const max = deps.config.maxObjectsPerParty;
  if (counter(deps.store, collection).count(deps.store, party) >= max) {
    throw clientError(
      `Party ${party} already has ${max} ${what}, the most this simulator keeps per party (MAX_OBJECTS_PER_PARTY); replace existing ones or raise the limit`,
    );
  }
}

/** Keep the per-party count current after a new object's write was applied. */
export function countAdded(deps: Deps, collection: string, party: string): void {
  counter(deps.store, collection).added(deps.store, party);
}
