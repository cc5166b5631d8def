// plugsurfing-emp-sim/testkit: drive the simulator from a CPO team's own test suite.
// Everything goes through the admin HTTP API, so an in-process simulator (start) and a running
// one (connect, e.g. a CI service container) behave the same.
import { type Config, DEFAULT_REGISTRATION_TOKEN, testConfig } from '../config.js';
import { newToken, type Party, partyKey, registeredParty } from '../ocpi/parties.js';
import type { AuthorizationRecord, StoredLocation, StoredToken } from '../ocpi/records.js';
import { type RunningSimulator, startServer } from '../server.js';
import { type HandshakeCpo, startHandshakeCpo } from './cpo.js';

export type { AuthorizationRecord, Config, HandshakeCpo, StoredLocation, StoredToken };

export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

export interface WaitOptions {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Poll interval (default 50 ms). */
  intervalMs?: number;
}

export class SimulatorError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}

type Query = Record<string, string | number | boolean | undefined>;

export class Simulator {
  private constructor(
    /** Base URL, e.g. http://127.0.0.1:40123 */
    readonly url: string,
    private readonly adminToken: string | undefined,
    private readonly running?: RunningSimulator,
  ) {}

  /** Start a simulator in this process on a free 127.0.0.1 port, state in memory. */
  static async start(overrides: Partial<Config> = {}): Promise<Simulator> {
    const config = testConfig({ host: '127.0.0.1', port: 0, ...overrides });
    const running = await startServer(config);
    return new Simulator(running.url, config.adminToken, running);
  }

  /** Drive a simulator that runs elsewhere (a CI service, `docker run`, `npm start`). */
  static connect(url: string, options: { adminToken?: string } = {}): Simulator {
    return new Simulator(url.replace(/\/+$/, ''), options.adminToken);
  }

  /** The OCPI versions URL a CPO registers with. */
  get versionsUrl(): string {
    return this.running ? this.running.deps.config.versionsUrl : `${this.url}/ocpi/versions`;
  }

  /** Token A, when this process started the simulator. */
  get tokenA(): string | undefined {
    return this.running?.deps.config.registrationToken;
  }

  /** Call the admin API; throws SimulatorError with its message on an error answer. */
  async admin<T = unknown>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const qs = query
      ? `?${new URLSearchParams(Object.entries(query).filter((e): e is [string, string | number | boolean] => e[1] !== undefined).map(([k, v]): [string, string] => [k, String(v)]))}`
      : '';
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.adminToken) headers.Authorization = `Bearer ${this.adminToken}`;
    const res = await fetch(`${this.url}/admin${path}${qs}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const message = (json as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${res.status}`;
      throw new SimulatorError(res.status, `${method} /admin${path}: ${message}`, json);
    }
    return json as T;
  }

  /** Back to the fixtures of the configured SEED. */
  reset(options: { keep_registrations?: boolean; clear_faults?: boolean } = {}) {
    return this.admin('POST', '/reset', options);
  }

  /** CPO servers this client started for handshakes; closed by stop(). */
  private readonly cpos: HandshakeCpo[] = [];

  /**
   * A registered CPO party; returns the token it calls us with (its token C). In-process, the
   * party is stored directly (no handshake, any endpoints you give). Against a simulator that
   * runs elsewhere (or with `handshake: true`), this runs the real credentials handshake with
   * token A, serving the CPO side from a small server on 127.0.0.1 (`cpo`, which also keeps the
   * tokens pushed to it): the simulator must reach that address (same host). In CI with the
   * simulator in a container, pre-register the party with a FIXTURES file instead.
   */
  async registerParty(input: {
    country_code: string;
    party_id: string;
    name?: string;
    endpoints?: Party['endpoints'];
    handshake?: boolean;
    /** Token A of the simulator (default: its configured one in-process, else the documented default). */
    tokenA?: string;
    /** Where the CPO server listens and the host name the simulator reaches it by (default 127.0.0.1). */
    cpoHost?: string;
    cpoPublicHost?: string;
  }): Promise<{ token: string; key: string; cpo?: HandshakeCpo }> {
    const key = partyKey(input.country_code, input.party_id);
    if (this.running && !input.handshake) {
      const token = newToken();
      const time = new Date(this.running.deps.clock.now()).toISOString();
      const { country_code, party_id, endpoints } = input;
      await this.running.deps.parties.save(
        registeredParty({ country_code, party_id, token, time, business_details: { name: input.name ?? key }, endpoints }),
      );
      return { token, key };
    }
    const cpo = await startHandshakeCpo({ host: input.cpoHost, publicHost: input.cpoPublicHost });
    this.cpos.push(cpo);
    const res = await fetch(`${this.url}/ocpi/2.1.1/credentials`, {
      method: 'POST',
      headers: { Authorization: `Token ${input.tokenA ?? this.tokenA ?? DEFAULT_REGISTRATION_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        token: cpo.token,
        url: cpo.versionsUrl,
        business_details: { name: input.name ?? key },
        country_code: input.country_code,
        party_id: input.party_id,
      }),
    });
    const body = (await res.json().catch(() => ({}))) as { status_code?: number; status_message?: string; data?: { token?: string } };
    if (body.status_code !== 1000 || !body.data?.token) {
      throw new SimulatorError(res.status, `registering ${key}: ${body.status_message ?? `HTTP ${res.status}`}`, body);
    }
    return { token: body.data.token, key, cpo };
  }

  readonly tokens = {
    create: (token: { uid: string; allowed?: StoredToken['allowed'] } & Record<string, unknown>) => this.admin<StoredToken>('POST', '/tokens', token),
    update: (uid: string, change: Record<string, unknown>) => this.admin<StoredToken>('PATCH', `/tokens/${encodeURIComponent(uid)}`, change),
    block: (uid: string) => this.admin<StoredToken>('PATCH', `/tokens/${encodeURIComponent(uid)}`, { allowed: 'BLOCKED' }),
    list: (query?: Query) => this.admin<Page<StoredToken>>('GET', '/tokens', undefined, query),
  };

  readonly faults = {
    /** e.g. `{ method: 'PUT', path: '/ocpi/2.1.1/locations/*', status: 503, times: 1 }` (docs/faults.md). */
    add: (rule: Record<string, unknown>) => this.admin<{ id: string }>('POST', '/faults', rule),
    list: () => this.admin<{ items: unknown[] }>('GET', '/faults'),
    clear: () => this.admin('DELETE', '/faults'),
  };

  readonly scenarios = {
    list: () => this.admin<{ items: { name: string; active: boolean }[] }>('GET', '/scenarios'),
    apply: (name: string, options: Record<string, unknown> = {}) => this.admin('POST', `/scenarios/${encodeURIComponent(name)}`, options),
    clear: (name: string) => this.admin('DELETE', `/scenarios/${encodeURIComponent(name)}`),
  };

  state = () => this.admin<Record<string, unknown>>('GET', '/state');
  locations = (query?: Query) => this.admin<Page<StoredLocation & { in_territory: boolean }>>('GET', '/locations', undefined, query);
  cdrs = (query?: Query) => this.admin<Page<Record<string, any>>>('GET', '/cdrs', undefined, query);
  authorizations = (query?: Query) => this.admin<Page<AuthorizationRecord>>('GET', '/authorizations', undefined, query);
  findings = (query?: Query) => this.admin<Page<Record<string, any>>>('GET', '/findings', undefined, query);
  journal = (query?: Query) => this.admin<Page<Record<string, any>>>('GET', '/journal', undefined, query);

  /** Wait until something has arrived; rejects after the timeout naming what was awaited. */
  readonly waitFor = {
    cdr: (match: { id: string; party?: string }, options?: WaitOptions) =>
      this.poll(`CDR ${match.id}`, options, async () =>
        (await this.cdrs({ party: match.party, limit: 1000 })).items.find((c) => (c.id ?? c.cdr?.id)?.toLowerCase() === match.id.toLowerCase()),
      ),
    location: (match: { id: string; party?: string }, options?: WaitOptions) =>
      this.poll(`location ${match.id}`, options, async () =>
        (await this.locations({ party: match.party, limit: 1000 })).items.find((l) => l.location.id === match.id),
      ),
    authorization: (match: { token_uid: string }, options?: WaitOptions) =>
      this.poll(`an authorization of ${match.token_uid}`, options, async () => (await this.authorizations({ token_uid: match.token_uid, limit: 1 })).items[0]),
  };

  private async poll<T>(what: string, options: WaitOptions = {}, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? 5000);
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() >= deadline) throw new Error(`Timed out after ${options.timeoutMs ?? 5000} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
    }
  }

  /** Stop an in-process simulator (a connected one is left running). */
  async stop(): Promise<void> {
    await Promise.all(this.cpos.splice(0).map((c) => c.close()));
    await this.running?.stop();
  }
}
