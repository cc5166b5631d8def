// FromEMP PUT tokens (mod_tokens.md 2.1.2): every created or changed token is PUT to each
// registered CPO whose endpoints include `tokens`, at `{tokens url}/{our cc}/{our pid}/{uid}`,
// with the party's outgoing token. Never PATCH (Plugsurfing does not send it).
//
// One job per (party, uid): a newer version of a token replaces the one waiting, and a token
// is never sent twice at once to a party, so a CPO cannot receive an older version after a
// newer one. A failed PUT (no answer, HTTP error, or an OCPI status outside 1xxx) is retried
// after base * 2^(attempt-1) ms (capped), up to maxAttempts in all; then it is given up and
// shown as such. Timers are unref'd and cancelled by close(). Every exchange is journaled by
// the client; the per-party status below is in memory (GET /admin/token-pushes).
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import { envelopeData } from '../client.js';
import type { Party } from '../parties.js';
import type { Token } from './schema.js';

export interface PushSettings {
  /** First retry delay in ms; doubles each attempt. */
  baseMs: number;
  /** Attempts in all (first try included). */
  maxAttempts: number;
  maxDelayMs: number;
  /** PUTs in flight at once per party. */
  concurrency: number;
}

export interface PushResult {
  uid: string;
  at: string;
  attempt: number;
  ok: boolean;
  reason?: string;
  journal_id?: string;
}

export interface PartyPushStatus {
  party: string;
  tokens_url: string | null;
  succeeded: number;
  failed_attempts: number;
  given_up: number;
  last_success_at: string | null;
  last_failure: PushResult | null;
  /** Jobs not finished: waiting, in flight, or scheduled for a retry. */
  pending: {
    uid: string;
    attempt: number;
    state: 'queued' | 'in_flight' | 'retry_scheduled';
    next_attempt_at?: string;
    last_error?: string;
  }[];
  /** Tokens whose push was given up after maxAttempts (until pushed again). */
  gave_up: { uid: string; at: string; reason: string }[];
  recent: PushResult[];
}

interface Job {
  party: string;
  uid: string;
  token: Token;
  attempt: number;
  state: 'queued' | 'in_flight' | 'retry_scheduled';
  dirty: boolean;
  timer?: NodeJS.Timeout;
  nextAt?: number;
  lastError?: string;
}

const RECENT = 20;

interface PutOutcome {
  ok: boolean;
  reason: string;
  journalId?: string;
  /** Retrying cannot help (party gone, no tokens endpoint). */
  permanent?: boolean;
}

/** Retry settings from PUSH_RETRY_BASE_MS / PUSH_RETRY_MAX_ATTEMPTS (config.ts). */
export function pushSettings(config: Pick<Config, 'pushRetryBaseMs' | 'pushRetryMaxAttempts'>): PushSettings {
  return { baseMs: config.pushRetryBaseMs, maxAttempts: config.pushRetryMaxAttempts, maxDelayMs: 300_000, concurrency: 8 };
}

/** The CPO's tokens endpoint, or null when it offers none. */
export function tokensEndpoint(party: Party): string | null {
  const ep = party.endpoints.find((e) => e.identifier === 'tokens');
  return ep ? ep.url.replace(/\/+$/, '') : null;
}

export class TokenPusher {
  readonly settings: PushSettings;
  private readonly jobs = new Map<string, Job>();
  private readonly queues = new Map<string, Job[]>();
  private readonly running = new Map<string, number>();
  private readonly status = new Map<string, PartyPushStatus>();
  private closed = false;

  constructor(
    private readonly deps: Deps,
    settings: Partial<PushSettings> = {},
  ) {
    this.settings = { ...pushSettings(deps.config), ...settings };
  }

  /** Parties that receive token pushes. */
  targets(): Party[] {
    return this.deps.parties.list().filter((p) => tokensEndpoint(p) !== null);
  }

  /** A token was created or changed: PUT it to every CPO with a tokens endpoint. Returns the parties. */
  tokenChanged(token: Token): string[] {
    const parties = this.targets().map((p) => p.key);
    for (const key of parties) this.enqueue(key, token);
    return parties;
  }

  /** PUT every given token to one party again (admin token-sync). */
  syncParty(partyKey: string, tokens: Iterable<Token>): number {
    let n = 0;
    for (const token of tokens) {
      this.enqueue(partyKey, token);
      n++;
    }
    return n;
  }

  statuses(): PartyPushStatus[] {
    for (const p of this.targets()) this.statusOf(p.key);
    return [...this.status.values()].map((s) => ({
      ...s,
      tokens_url: this.tokensUrlOf(s.party),
      pending: [...this.jobs.values()]
        .filter((j) => j.party === s.party)
        .map((j) => ({
          uid: j.uid,
          attempt: j.attempt,
          state: j.state,
          ...(j.nextAt !== undefined && j.state === 'retry_scheduled' ? { next_attempt_at: iso(j.nextAt) } : {}),
          ...(j.lastError ? { last_error: j.lastError } : {}),
        })),
      gave_up: [...s.gave_up],
      recent: [...s.recent],
    }));
  }

  /** True when nothing is queued, in flight or scheduled. */
  idle(): boolean {
    return this.jobs.size === 0;
  }

  close(): void {
    this.closed = true;
    for (const job of this.jobs.values()) if (job.timer) clearTimeout(job.timer);
    this.jobs.clear();
    this.queues.clear();
  }

  private tokensUrlOf(key: string): string | null {
    const party = this.deps.parties.get(key);
    return party ? tokensEndpoint(party) : null;
  }

  private statusOf(key: string): PartyPushStatus {
    let s = this.status.get(key);
    if (!s) {
      s = {
        party: key,
        tokens_url: null,
        succeeded: 0,
        failed_attempts: 0,
        given_up: 0,
        last_success_at: null,
        last_failure: null,
        pending: [],
        gave_up: [],
        recent: [],
      };
      this.status.set(key, s);
    }
    return s;
  }

  private enqueue(partyKey: string, token: Token): void {
    if (this.closed) return;
    const id = `${partyKey}\n${token.uid}`;
    const job = this.jobs.get(id);
    if (job) {
      job.token = token;
      if (job.state === 'in_flight') job.dirty = true;
      else if (job.state === 'retry_scheduled') {
        // A new version: send it now, with a fresh count of attempts.
        if (job.timer) clearTimeout(job.timer);
        job.timer = undefined;
        job.attempt = 0;
        this.ready(job);
      }
      return;
    }
    const fresh: Job = { party: partyKey, uid: token.uid, token, attempt: 0, state: 'queued', dirty: false };
    this.jobs.set(id, fresh);
    this.ready(fresh);
  }

  private ready(job: Job): void {
    job.state = 'queued';
    const q = this.queues.get(job.party) ?? [];
    q.push(job);
    this.queues.set(job.party, q);
    this.pump(job.party);
  }

  private pump(partyKey: string): void {
    const q = this.queues.get(partyKey);
    while (q && q.length > 0 && (this.running.get(partyKey) ?? 0) < this.settings.concurrency) {
      const job = q.shift() as Job;
      this.running.set(partyKey, (this.running.get(partyKey) ?? 0) + 1);
      void this.run(job).finally(() => {
        this.running.set(partyKey, (this.running.get(partyKey) ?? 1) - 1);
        if (!this.closed) this.pump(partyKey);
      });
    }
  }

  private async run(job: Job): Promise<void> {
    job.state = 'in_flight';
    job.dirty = false;
    job.attempt++;
    const token = job.token;
    const result: PutOutcome = await this.put(job.party, token).catch((err: unknown) => ({ ok: false, reason: String(err) }));
    if (this.closed) return;
    const s = this.statusOf(job.party);
    const at = iso(this.deps.clock.now());
    const entry: PushResult = {
      uid: job.uid,
      at,
      attempt: job.attempt,
      ok: result.ok,
      ...(result.ok ? {} : { reason: result.reason }),
      ...(result.journalId ? { journal_id: result.journalId } : {}),
    };
    s.recent.unshift(entry);
    if (s.recent.length > RECENT) s.recent.length = RECENT;
    const id = `${job.party}\n${job.uid}`;
    if (result.ok) {
      s.succeeded++;
      s.last_success_at = at;
      s.gave_up = s.gave_up.filter((g) => g.uid !== job.uid);
    } else {
      s.failed_attempts++;
      s.last_failure = entry;
      job.lastError = result.reason;
    }
    if (job.dirty) {
      // Changed while in flight: send the newer version now.
      job.attempt = 0;
      this.ready(job);
      return;
    }
    if (result.ok || result.permanent) {
      this.jobs.delete(id);
      if (result.permanent) this.giveUp(s, job, result.reason);
      return;
    }
    if (job.attempt >= this.settings.maxAttempts) {
      this.jobs.delete(id);
      this.giveUp(s, job, `${result.reason} (gave up after ${job.attempt} attempts)`);
      return;
    }
    const delay = Math.min(this.settings.baseMs * 2 ** (job.attempt - 1), this.settings.maxDelayMs);
    job.state = 'retry_scheduled';
    job.nextAt = this.deps.clock.now() + delay;
    job.timer = setTimeout(() => {
      job.timer = undefined;
      if (!this.closed && this.jobs.get(id) === job) this.ready(job);
    }, delay);
    job.timer.unref();
  }

  private giveUp(s: PartyPushStatus, job: Job, reason: string): void {
    s.given_up++;
    s.gave_up = [...s.gave_up.filter((g) => g.uid !== job.uid), { uid: job.uid, at: iso(this.deps.clock.now()), reason }].slice(-100);
  }

  private async put(partyKey: string, token: Token): Promise<PutOutcome> {
    const party = this.deps.parties.get(partyKey);
    if (!party) return { ok: false, reason: `party ${partyKey} is no longer registered`, permanent: true };
    const base = tokensEndpoint(party);
    if (!base) return { ok: false, reason: `party ${partyKey} has no tokens endpoint`, permanent: true };
    const { countryCode, partyId } = this.deps.config;
    const url = `${base}/${countryCode}/${partyId}/${encodeURIComponent(token.uid)}`;
    try {
      const res = await this.deps.client.request({ method: 'PUT', url, token: party.outgoing_token, body: token, party: party.key });
      const data = envelopeData(res);
      return data.ok ? { ok: true, reason: '', journalId: res.journalId } : { ok: false, reason: data.reason, journalId: res.journalId };
    } catch (err) {
      const journalId = (err as { journalId?: string }).journalId;
      return { ok: false, reason: err instanceof Error ? err.message : String(err), ...(journalId ? { journalId } : {}) };
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const pushers = new WeakMap<Deps, TokenPusher>();

/** The pusher of a simulator instance (created on first use). */
export function pusherOf(deps: Deps): TokenPusher {
  let p = pushers.get(deps);
  if (!p) {
    p = new TokenPusher(deps);
    pushers.set(deps, p);
  }
  return p;
}

/** Stop retries and forget queued pushes (simulator close). */
export function stopPusher(deps: Deps): void {
  pushers.get(deps)?.close();
}
