// Plugsurfing's tokens and the record of authorization decisions, in the store, with the
// in-memory indexes that keep real-time authorization and CDR verdicts free of scans:
// auth_id -> token uids, and (party, token uid, location id) -> decisions in time order.
// The indexes are rebuilt when the state is replaced or no longer matches the store's size.
import type { Deps } from '../../deps.js';
import { randomBytes } from 'node:crypto';
import { evictOldest } from '../../rules/findings.js';
import { del, put, type Mutation, type Store } from '../../store/index.js';
import { perStore } from '../../store/per-store.js';
import { decisionSecond, lastIndexAtOrBefore } from '../cdrs/verdict.js';
import { type AuthorizationRecord, COLLECTIONS, type StoredToken } from '../records.js';
import { pusherOf } from './push.js';
import type { AllowedType, Token } from './schema.js';

export const TOKENS = COLLECTIONS.tokens;
export const AUTHORIZATIONS = COLLECTIONS.authorizations;

// ---- tokens ------------------------------------------------------------------------------------

class TokenIndex {
  private byAuthId = new Map<string, Set<string>>();
  private generation = -1;
  private count = -1;

  sync(store: Store): void {
    if (this.generation === store.generation && this.count === store.size(TOKENS)) return;
    this.byAuthId = new Map();
    for (const t of store.values<StoredToken>(TOKENS)) this.link(t.token.auth_id, t.token.uid);
    this.generation = store.generation;
    this.count = store.size(TOKENS);
  }
  invalidate(): void {
    this.generation = -1;
  }
  private link(authId: string, uid: string): void {
    const set = this.byAuthId.get(authId);
    if (set) set.add(uid);
    else this.byAuthId.set(authId, new Set([uid]));
  }
  private unlink(authId: string, uid: string): void {
    const set = this.byAuthId.get(authId);
    set?.delete(uid);
    if (set && set.size === 0) this.byAuthId.delete(authId);
  }
  /** After a write applied: `before` is what the key held, `after` what it holds now. */
  changed(store: Store, before: StoredToken | undefined, after: StoredToken | undefined): void {
    if (before) this.unlink(before.token.auth_id, before.token.uid);
    if (after) this.link(after.token.auth_id, after.token.uid);
    this.count = store.size(TOKENS);
  }
  uids(store: Store, authId: string): string[] {
    this.sync(store);
    return [...(this.byAuthId.get(authId) ?? [])];
  }
}

const tokenIndexes = perStore<Store, TokenIndex>(() => new TokenIndex());
function tokenIndex(store: Store): TokenIndex {
  const i = tokenIndexes(store);
  i.sync(store);
  return i;
}

export function getToken(deps: Deps, uid: string): StoredToken | undefined {
  return deps.store.get<StoredToken>(TOKENS, uid);
}

/** Tokens in creation order (a replaced token keeps its place). */
export function allTokens(deps: Deps): IterableIterator<StoredToken> {
  return deps.store.values<StoredToken>(TOKENS);
}

/** Uids of our tokens with this auth_id (a CDR names its token by auth_id). */
export function tokenUidsByAuthId(deps: Deps, authId: string): string[] {
  return tokenIndex(deps.store).uids(deps.store, authId);
}

/** The default answer for a token: ALLOWED when valid, BLOCKED when not. */
export function defaultAllowed(valid: boolean): StoredToken['allowed'] {
  return valid ? 'ALLOWED' : 'BLOCKED';
}

/**
 * Create or replace tokens; the stored record keeps its first created_at. Pushes each to the CPOs
 * unless `push` is false (fixtures at start). Returns, per token, whether it was new.
 */
export async function saveTokens(deps: Deps, records: StoredToken[], options: { push?: boolean } = {}): Promise<boolean[]> {
  const index = tokenIndex(deps.store);
  const befores = records.map((r) => getToken(deps, r.token.uid));
  const stored = records.map((r, i) => (befores[i] ? { ...r, created_at: (befores[i] as StoredToken).created_at } : r));
  const durable = deps.store.write(stored.map((r) => put(TOKENS, r.token.uid, r)));
  stored.forEach((r, i) => {
    index.changed(deps.store, befores[i], r);
  });
  try {
    await durable;
  } catch (err) {
    index.invalidate();
    throw err;
  }
  for (const r of stored) deps.events.emit({ type: 'change', data: { collection: TOKENS, key: r.token.uid, op: 'put' } });
  if (options.push !== false) for (const r of stored) pusherOf(deps).tokenChanged(r.token);
  return befores.map((b) => b === undefined);
}

export async function saveToken(deps: Deps, record: StoredToken, options: { push?: boolean } = {}): Promise<boolean> {
  return (await saveTokens(deps, [record], options))[0] as boolean;
}

/**
 * Remove a token. Tokens cannot be deleted in OCPI (mod_tokens.md 1.1): the CPOs first receive it
 * with valid=false, so none keeps a valid copy in its whitelist; then it is forgotten here.
 */
export async function deleteToken(deps: Deps, uid: string, now: number): Promise<StoredToken | undefined> {
  const before = getToken(deps, uid);
  if (!before) return undefined;
  const index = tokenIndex(deps.store);
  const durable = deps.store.write([del(TOKENS, uid)]);
  index.changed(deps.store, before, undefined);
  try {
    await durable;
  } catch (err) {
    index.invalidate();
    throw err;
  }
  deps.events.emit({ type: 'change', data: { collection: TOKENS, key: uid, op: 'del' } });
  if (before.token.valid) pusherOf(deps).tokenChanged({ ...before.token, valid: false, last_updated: ocpiNow(now) });
  return before;
}

/** OCPI DateTime of an instant, second precision. */
export function ocpiNow(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

// ---- authorizations ----------------------------------------------------------------------------

/** A decision's key: party, token and location; `undefined` for one recorded without a location (OIOI rfid-verify). */
const authKey = (party: string, uid: string, locationId: string | undefined) =>
  locationId === undefined ? `${party}\n${uid}` : `${party}\n${uid}\n${locationId}`;

/**
 * One key's decisions in the order recorded, each with its time at the precision the CDR rule
 * compares (parsed once: a CDR looks at the decisions around its start, not at every decision).
 * The oldest leave from the front in O(1).
 */
class DecisionList {
  items: AuthorizationRecord[] = [];
  seconds: number[] = [];
  head = 0;
  /** False once a decision was recorded with an earlier time than the one before (a clock set back). */
  ordered = true;
  get size(): number {
    return this.items.length - this.head;
  }
  push(r: AuthorizationRecord): void {
    const second = decisionSecond(r.time);
    if (this.size > 0 && second < (this.seconds[this.seconds.length - 1] as number)) this.ordered = false;
    this.items.push(r);
    this.seconds.push(second);
  }
  removeOldest(r: AuthorizationRecord): void {
    if (this.items[this.head] === r) {
      this.items[this.head++] = undefined as unknown as AuthorizationRecord;
      if (this.head > 1024 && this.head * 2 > this.items.length) this.compact();
      return;
    }
    const i = this.items.indexOf(r, this.head);
    if (i >= 0) {
      this.items.splice(i, 1);
      this.seconds.splice(i, 1);
    }
  }
  compact(): readonly AuthorizationRecord[] {
    if (this.head > 0) {
      this.items = this.items.slice(this.head);
      this.seconds = this.seconds.slice(this.head);
      this.head = 0;
    }
    return this.items;
  }
  /** What `lastDecisionBefore` picks from these decisions (the same search, on the times kept). */
  lastAtOrBefore(startMs: number): AuthorizationRecord | undefined {
    const i = lastIndexAtOrBefore(this.head, this.items.length, (k) => this.seconds[k] as number, startMs, this.ordered);
    return i < 0 ? undefined : this.items[i];
  }
}

class AuthorizationIndex {
  private byKey = new Map<string, DecisionList>();
  private generation = -1;
  private count = -1;

  sync(store: Store): void {
    if (this.generation === store.generation && this.count === store.size(AUTHORIZATIONS)) return;
    this.byKey = new Map();
    for (const r of store.values<AuthorizationRecord>(AUTHORIZATIONS)) this.add(r);
    this.generation = store.generation;
    this.count = store.size(AUTHORIZATIONS);
  }
  invalidate(): void {
    this.generation = -1;
  }
  private keyOf(r: AuthorizationRecord): string {
    return authKey(r.party, r.token_uid, r.location_references?.location_id);
  }
  add(r: AuthorizationRecord): void {
    const key = this.keyOf(r);
    let list = this.byKey.get(key);
    if (!list) {
      list = new DecisionList();
      this.byKey.set(key, list);
    }
    list.push(r);
  }
  /** An evicted record: the oldest of all, so the first of its list. */
  remove(r: AuthorizationRecord): void {
    const key = this.keyOf(r);
    const list = this.byKey.get(key);
    if (!list) return;
    list.removeOldest(r);
    if (list.size === 0) this.byKey.delete(key);
  }
  settled(store: Store): void {
    this.count = store.size(AUTHORIZATIONS);
  }
  at(key: string): readonly AuthorizationRecord[] {
    return this.byKey.get(key)?.compact() ?? [];
  }
  lastAtOrBefore(key: string, startMs: number): AuthorizationRecord | undefined {
    return this.byKey.get(key)?.lastAtOrBefore(startMs);
  }
}

const authIndexes = perStore<Store, AuthorizationIndex>(() => new AuthorizationIndex());
function authIndex(store: Store): AuthorizationIndex {
  const i = authIndexes(store);
  i.sync(store);
  return i;
}

// Decision ids: time, a per-process salt and a counter (no CSPRNG call on the hot path).
const SALT = randomBytes(3).toString('hex');
let sequence = 0;
const decisionId = (now: number) => `auth_${now.toString(36)}${SALT}${(sequence++).toString(36)}`;

/**
 * Store a decision (the oldest records beyond MAX_RECORDS go). Not `async`: the answer waits on
 * the group commit through one promise.
 */
export function recordAuthorization(
  deps: Deps,
  input: Omit<AuthorizationRecord, 'id' | 'time'>,
  now: number,
): Promise<AuthorizationRecord> {
  const record: AuthorizationRecord = { id: decisionId(now), time: new Date(now).toISOString(), ...input };
  const index = authIndex(deps.store);
  const evictions: Mutation[] = evictOldest(deps.store, AUTHORIZATIONS, deps.config.maxRecords, 1);
  const evicted = evictions.map((m) => deps.store.get<AuthorizationRecord>(AUTHORIZATIONS, m.key));
  const durable = deps.store.write([...evictions, put(AUTHORIZATIONS, record.id, record)]);
  for (const r of evicted) if (r) index.remove(r);
  index.add(record);
  index.settled(deps.store);
  return durable.then(
    () => {
      deps.events.emit({ type: 'change', data: { collection: AUTHORIZATIONS, key: record.id, op: 'put' } });
      return record;
    },
    (err) => {
      index.invalidate();
      throw err;
    },
  );
}

/**
 * The decision the CDR rule looks at for a token of ours at a location of a CPO: the last one at
 * or before `startMs` (cdrs/verdict.ts `lastDecisionBefore`), found without a scan of them all.
 */
export function lastAuthorizationAt(
  deps: Deps,
  party: string,
  uid: string,
  locationId: string,
  startMs: number,
): AuthorizationRecord | undefined {
  return authIndex(deps.store).lastAtOrBefore(authKey(party, uid, locationId), startMs);
}

/** Decisions recorded without a location for a token at a party (OIOI rfid-verify), oldest first. */
export function authorizationsWithoutLocation(deps: Deps, party: string, uid: string): readonly AuthorizationRecord[] {
  return authIndex(deps.store).at(authKey(party, uid, undefined));
}

export interface AuthorizationFilter {
  token_uid?: string;
  party?: string;
  allowed?: AllowedType;
  location_id?: string;
}

/** Newest first. */
export function listAuthorizations(deps: Deps, f: AuthorizationFilter): AuthorizationRecord[] {
  const out: AuthorizationRecord[] = [];
  for (const r of deps.store.values<AuthorizationRecord>(AUTHORIZATIONS)) {
    if (f.token_uid !== undefined && r.token_uid !== f.token_uid) continue;
    if (f.party !== undefined && r.party !== f.party) continue;
    if (f.allowed !== undefined && r.allowed !== f.allowed) continue;
    if (f.location_id !== undefined && r.location_references?.location_id !== f.location_id) continue;
    out.push(r);
  }
  return out.reverse();
}

export type { Token };
