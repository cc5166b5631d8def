// Registered CPOs and the tokens that identify them. Each incoming token maps to exactly one
// party; tokens we issue are stored only as SHA-256 hashes and compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/index.js';
import { put, del } from '../store/index.js';
import type { Endpoint } from './credentials/schema.js';
import type { BusinessDetails } from './types.js';

export const PARTIES = 'parties';
const META = 'meta';

export interface Party {
  /** `CC*PID`, e.g. `NL*TNM`. */
  key: string;
  country_code: string;
  party_id: string;
  business_details: BusinessDetails;
  version: string;
  versions_url: string;
  endpoints: Endpoint[];
  /** Hash of the token the CPO uses to call us (token C, or token B when we initiated). */
  incoming_token_hash: string;
  /** Last 4 characters, so a human can tell tokens apart. */
  incoming_token_hint: string;
  /** The token we use to call the CPO. Never shown by the admin API. */
  outgoing_token: string;
  /** Who started the handshake: the CPO (ToEMP POST) or we (FromEMP, via the admin API). */
  initiated_by: 'cpo' | 'emsp';
  registered_at: string;
  updated_at: string;
}

export type Principal =
  | { kind: 'party'; party: Party }
  | { kind: 'registration' }
  /** A token we generated for a CPO while registering with it (FromEMP), before it answered. */
  | { kind: 'pending'; registrationId: string };

export const partyKey = (countryCode: string, partyId: string) => `${countryCode}*${partyId}`;

/** Where a party registered without a handshake "has" its versions: nothing listens there. */
const NO_VERSIONS_URL = 'http://127.0.0.1:9/ocpi/versions';

/**
 * A party registered without a credentials handshake (a FIXTURES file, the testkit, tests): it
 * calls us with `token`, stored as its hash and hint like a token C.
 */
export function registeredParty(p: {
  country_code: string;
  party_id: string;
  token: string;
  /** `registered_at`, and `updated_at` unless given. */
  time: string;
  updated_at?: string;
  business_details?: BusinessDetails;
  versions_url?: string;
  endpoints?: Endpoint[];
  outgoing_token?: string;
}): Party {
  const key = partyKey(p.country_code, p.party_id);
  return {
    key,
    country_code: p.country_code,
    party_id: p.party_id,
    business_details: p.business_details ?? { name: key },
    version: '2.1.1',
    versions_url: p.versions_url ?? NO_VERSIONS_URL,
    endpoints: p.endpoints ?? [],
    incoming_token_hash: hashToken(p.token),
    incoming_token_hint: p.token.slice(-4),
    outgoing_token: p.outgoing_token ?? newToken(),
    initiated_by: 'cpo',
    registered_at: p.time,
    updated_at: p.updated_at ?? p.time,
  };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token of an `Authorization: Token <token>` header (printable ASCII, no spaces), or undefined. */
export function tokenOfHeader(header: string): string | undefined {
  return /^Token ([\x21-\x7E]+)$/.exec(header.trim())?.[1];
}

/** A fresh token: 32 random bytes from the CSPRNG, base64url (43 printable characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export class PartyRegistry {
  private byTokenHash = new Map<string, string>();
  private pending = new Map<string, string>(); // token hash -> registration id
  private readonly recentHashes = new Map<string, string>(); // token -> its hash
  private indexedGeneration = -1;
  private readonly registrationHash: string;

  constructor(
    private readonly store: Store,
    registrationToken: string,
    private readonly registrationSingleUse: boolean,
  ) {
    this.registrationHash = hashToken(registrationToken);
  }

  private index(): Map<string, string> {
    if (this.indexedGeneration !== this.store.generation) {
      this.byTokenHash = new Map();
      for (const p of this.store.values<Party>(PARTIES)) this.byTokenHash.set(p.incoming_token_hash, p.key);
      this.indexedGeneration = this.store.generation;
    }
    return this.byTokenHash;
  }

  /** Who is calling, from the token of `Authorization: Token <token>`; null when nobody. */
  authenticate(token: string): Principal | null {
    const hash = this.hashOf(token);
    const key = this.index().get(hash);
    if (key !== undefined) {
      // The index is keyed by the hash itself: equal strings, no secret compared byte by byte here.
      const party = this.store.get<Party>(PARTIES, key);
      if (party && party.incoming_token_hash === hash) return { kind: 'party', party };
    }
    if (sameHash(hash, this.registrationHash) && !this.registrationUsed()) return { kind: 'registration' };
    const pending = this.pending.get(hash);
    if (pending !== undefined) return { kind: 'pending', registrationId: pending };
    return null;
  }

  /**
   * SHA-256 of a token, remembered for the tokens that authenticated before (a CPO sends the same
   * one with every request). Bounded: forgotten all at once when full.
   */
  private hashOf(token: string): string {
    let hash = this.recentHashes.get(token);
    if (hash === undefined) {
      hash = hashToken(token);
      if (this.recentHashes.size >= 1024) this.recentHashes.clear();
      this.recentHashes.set(token, hash);
    }
    return hash;
  }

  private registrationUsed(): boolean {
    return this.registrationSingleUse && this.store.get<boolean>(META, 'registration_token_used') === true;
  }

  get(key: string): Party | undefined {
    return this.store.get<Party>(PARTIES, key);
  }

  list(): Party[] {
    return [...this.store.values<Party>(PARTIES)];
  }

  /** Store (create or replace) a party; `previousHash` is the token it replaces, which stops working now. */
  async save(party: Party, options: { consumeRegistrationToken?: boolean; replacesKey?: string } = {}): Promise<void> {
    const index = this.index();
    const previous = this.store.get<Party>(PARTIES, options.replacesKey ?? party.key);
    const mutations = [put(PARTIES, party.key, party)];
    if (options.replacesKey && options.replacesKey !== party.key) mutations.push(del(PARTIES, options.replacesKey));
    if (options.consumeRegistrationToken && this.registrationSingleUse) mutations.push(put(META, 'registration_token_used', true));
    if (previous) index.delete(previous.incoming_token_hash);
    index.set(party.incoming_token_hash, party.key);
    try {
      await this.store.write(mutations);
    } catch (err) {
      index.delete(party.incoming_token_hash);
      if (previous) index.set(previous.incoming_token_hash, previous.key);
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    const party = this.store.get<Party>(PARTIES, key);
    if (!party) return;
    this.index().delete(party.incoming_token_hash);
    try {
      await this.store.write([del(PARTIES, key)]);
    } catch (err) {
      this.index().set(party.incoming_token_hash, key);
      throw err;
    }
  }

  addPending(token: string, registrationId: string): void {
    this.pending.set(hashToken(token), registrationId);
  }
  removePending(token: string): void {
    this.pending.delete(hashToken(token));
  }
}

/** A party as the admin API shows it: no token in clear. */
export function publicParty(p: Party) {
  const { incoming_token_hash: _h, outgoing_token, ...rest } = p;
  return { ...rest, outgoing_token_hint: outgoing_token.slice(-4) };
}
