// The fault engine: the rules in memory (never in the store, so a state reset keeps them), which
// rule fires for an exchange, and the small helpers the actions share. Inbound rules act in
// inbound.ts (Hono middleware), outbound rules in outbound.ts (the client interceptor),
// authorization rules through `authorizationOverride` (called by the authorize route).
//
// Matching: rules are tried in the order they were added; the first whose filters match and
// whose `probability` draw succeeds fires (and uses one of its `times`). Each rule has its own
// PRNG seeded from SEED and its id, so a test that adds the same rules sees the same draws.
//
// Path globs: `*` matches any run of characters INCLUDING "/" (so /ocpi/2.1.1/locations/*
// covers every object below locations), `?` one character other than "/", `{a,b}` either
// alternative; everything else is literal. The glob is matched against the URL path only.
import type { Clock } from '../clock.js';
import type { Deps } from '../deps.js';
import type { AllowedType } from '../ocpi/tokens/schema.js';
import type { AuthorizationFaultRule, Delay, FaultRule, FaultSpec, HttpFaultRule } from './schema.js';

export * from './schema.js';

export interface HttpExchange {
  direction: 'inbound' | 'outbound';
  method: string;
  path: string;
  module?: string;
  /** The party of the exchange; only asked when a rule filters on party. */
  party: () => string | undefined;
}

export interface AuthorizationQuery {
  token_uid: string;
  location_id?: string;
  party?: string;
}

export class FaultConflict extends Error {
  override name = 'FaultConflict';
}

/** A rule plus what a reader wants to know about its state. */
export type FaultRuleView = FaultRule & { remaining: number | null; active: boolean };

interface Compiled {
  glob: RegExp | null;
  rng: () => number;
}

export class FaultEngine {
  private rules: FaultRule[] = [];
  private readonly compiled = new Map<string, Compiled>();
  private seq = 0;

  constructor(
    private readonly seed: number,
    private readonly clock: Clock,
  ) {}

  list(): FaultRuleView[] {
    return this.rules.map(view);
  }

  get(id: string): FaultRuleView | undefined {
    const rule = this.rules.find((r) => r.id === id);
    return rule && view(rule);
  }

  /** Add rules all or nothing (an id already in use refuses the whole batch). */
  addAll(specs: FaultSpec[], scenario?: string): FaultRule[] {
    const taken = new Set(this.rules.map((r) => r.id));
    const chosen = new Set<string>();
    for (const spec of specs) {
      if (spec.id && (taken.has(spec.id) || chosen.has(spec.id))) throw new FaultConflict(`A fault rule with id ${spec.id} exists already`);
      if (spec.id) chosen.add(spec.id);
    }
    for (const id of chosen) taken.add(id);
    const time = new Date(this.clock.now()).toISOString();
    const added = specs.map((spec) => {
      let id = spec.id;
      if (!id) {
        do id = `f${++this.seq}`;
        while (taken.has(id));
        taken.add(id);
      }
      const kind = spec.kind === 'authorization' ? 'authorization' : 'http';
      const rule = { ...spec, kind, id, ...(scenario ? { scenario } : {}), created_at: time, matched: 0, fired: 0 } as FaultRule;
      this.compiled.set(id, {
        glob: rule.kind === 'http' && rule.path ? globToRegExp(rule.path) : null,
        rng: mulberry32(hash32(`${this.seed}:${id}`)),
      });
      return rule;
    });
    this.rules.push(...added);
    return added;
  }

  add(spec: FaultSpec, scenario?: string): FaultRule {
    return this.addAll([spec], scenario)[0] as FaultRule;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    this.compiled.delete(id);
    return this.rules.length < before;
  }

  /** Remove the rules a scenario set; returns how many. */
  removeScenario(name: string): number {
    const gone = this.rules.filter((r) => r.scenario === name);
    for (const r of gone) this.remove(r.id);
    return gone.length;
  }

  clear(): number {
    const n = this.rules.length;
    this.rules = [];
    this.compiled.clear();
    return n;
  }

  /** Names of the scenarios that have rules set. */
  activeScenarios(): Set<string> {
    return new Set(this.rules.flatMap((r) => (r.scenario ? [r.scenario] : [])));
  }

  /** Is any live rule of this kind/direction set? (A cheap test before building the exchange.) */
  has(direction: 'inbound' | 'outbound' | 'authorization'): boolean {
    return this.rules.some(
      (r) => !exhausted(r) && (r.kind === 'authorization' ? direction === 'authorization' : r.direction === direction),
    );
  }

  /** The http rule that fires for this exchange (one use consumed), or null. */
  matchHttp(x: HttpExchange): HttpFaultRule | null {
    for (const rule of this.rules) {
      if (rule.kind !== 'http' || exhausted(rule) || rule.direction !== x.direction) continue;
      if (rule.method !== undefined && !(Array.isArray(rule.method) ? rule.method : [rule.method]).includes(x.method as never)) continue;
      const compiled = this.compiled.get(rule.id) as Compiled;
      if (compiled.glob && !compiled.glob.test(x.path)) continue;
      if (rule.module !== undefined && rule.module !== x.module) continue;
      if (rule.party !== undefined && rule.party !== x.party()) continue;
      if (this.fires(rule)) return rule;
    }
    return null;
  }

  /** The authorization rule that fires for this authorization (one use consumed), or null. */
  matchAuthorization(q: AuthorizationQuery): AuthorizationFaultRule | null {
    for (const rule of this.rules) {
      if (rule.kind !== 'authorization' || exhausted(rule)) continue;
      if (rule.token_uid !== undefined && rule.token_uid !== q.token_uid) continue;
      if (rule.location_id !== undefined && rule.location_id !== q.location_id) continue;
      if (rule.party !== undefined && rule.party !== q.party) continue;
      if (this.fires(rule)) return rule;
    }
    return null;
  }

  /** The delay of a rule in ms: fixed, or drawn from its range with its own PRNG. */
  delayOf(rule: FaultRule): number {
    return drawDelay(rule.delay_ms, (this.compiled.get(rule.id) as Compiled).rng);
  }

  private fires(rule: FaultRule): boolean {
    rule.matched++;
    if (rule.probability !== undefined && !((this.compiled.get(rule.id) as Compiled).rng() < rule.probability)) return false;
    rule.fired++;
    return true;
  }
}

/**
 * For the authorize route: what the next authorization must do instead of (or before) the real
 * decision. Consumes one use of the rule that fires; null when none does.
 */
export function authorizationOverride(
  deps: Pick<Deps, 'faults'>,
  q: AuthorizationQuery,
): { allowed?: AllowedType; delayMs?: number; ruleId: string } | null {
  if (!deps.faults.has('authorization')) return null;
  const rule = deps.faults.matchAuthorization(q);
  if (!rule) return null;
  const delayMs = deps.faults.delayOf(rule);
  return { ruleId: rule.id, ...(rule.allowed ? { allowed: rule.allowed } : {}), ...(delayMs > 0 ? { delayMs } : {}) };
}

function exhausted(rule: FaultRule): boolean {
  return rule.times !== undefined && rule.fired >= rule.times;
}

function view(rule: FaultRule): FaultRuleView {
  return { ...rule, remaining: rule.times === undefined ? null : rule.times - rule.fired, active: !exhausted(rule) };
}

function drawDelay(delay: Delay | undefined, rng: () => number): number {
  if (delay === undefined) return 0;
  if (typeof delay === 'number') return delay;
  const [min, max] = delay;
  return min + Math.floor(rng() * (max - min + 1));
}

/** See the header comment for the syntax. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') {
      while (glob[i + 1] === '*') i++;
      re += '.*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '{' && glob.indexOf('}', i) > i) {
      const end = glob.indexOf('}', i);
      re += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map(escapeRegExp)
        .join('|')})`;
      i = end;
    } else re += escapeRegExp(ch);
  }
  return new RegExp(`^${re}$`);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** FNV-1a, 32 bits: a seed per rule from SEED and the rule id. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Small, fast, seedable PRNG in [0, 1); plenty for fault draws (not for secrets). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON merge patch (RFC 7386); keys that could reach a prototype are skipped. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The OCPI module of a path: /ocpi/versions and /ocpi/2.1.1 are `versions`, else the module segment. */
export function moduleOfPath(path: string): string | undefined {
  if (/\/versions\/?$/.test(path) || /^\/ocpi\/[^/]+\/?$/.test(path)) return 'versions';
  const m = /\/(credentials|locations|tariffs|tokens|cdrs|sessions|commands)(?:\/|$)/.exec(path);
  return m?.[1];
}
