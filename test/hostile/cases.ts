// One fuzz case = one route of the app + one fatal flaw (something the simulator must refuse)
// + some noise (odd but harmless details that must not change the refusal). Every case is
// built from (seed, index) alone, so any failure can be replayed on its own.
import { createHash } from 'node:crypto';
import {
  BAD_CONTENT_TYPES,
  BAD_IDS,
  deepJsonText,
  forbiddenKeyText,
  GOOD_CONTENT_TYPES,
  invalidJsonText,
  invalidUtf8Body,
  mutateJson,
  ODD_STRINGS,
  OTHER_PARTIES,
  oversizedText,
} from './mutate.js';
import { Rng } from './rng.js';
import { type Family, familyOf, fill, methodsServed, type RouteInfo, type Target } from './targets.js';
import type { WireRequest } from './wire.js';
import {
  ADMIN_BODY_LIMIT,
  ADMIN_DEPTH_LIMIT,
  ADMIN_TOKEN,
  BODY_LIMIT,
  DEPTH_LIMIT,
  FIXTURE_OIOI_KEY,
  TOKEN_A,
  type World,
} from './world.js';

export type Category =
  | 'auth'
  | 'wrong-principal'
  | 'method'
  | 'content-type'
  | 'invalid-json'
  | 'invalid-utf8'
  | 'deep'
  | 'forbidden-key'
  | 'oversized'
  | 'schema'
  | 'bad-id'
  | 'other-party'
  | 'query'
  | 'oioi-envelope'
  | 'unknown-path';

export interface FuzzCase {
  index: number;
  /** `METHOD pattern` of the route aimed at. */
  route: string;
  category: Category;
  what: string;
  /** How the answer must look: by the family of the (normalised) path. */
  expect: Family | 'json';
  req: WireRequest;
}

export interface Pair {
  target: Target;
  /** undefined: a path that only refuses (every method answers 405). */
  info?: RouteInfo;
}

export function pairsOf(targets: Target[]): Pair[] {
  const out: Pair[] = [];
  for (const target of targets) {
    if (target.methods.size === 0) out.push({ target });
    for (const info of target.methods.values()) out.push({ target, info });
  }
  return out;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND'];
const TRANSPORT: Category[] = ['content-type', 'invalid-json', 'invalid-utf8', 'deep', 'forbidden-key', 'oversized'];

/** The flaws that apply to a route (each guaranteed to be refused there). */
export function categoriesOf(pair: Pair): Category[] {
  const { target, info } = pair;
  const out: Category[] = ['auth', 'method'];
  if (!info) return out;
  const hasBody = info.method === 'POST' || info.method === 'PUT' || info.method === 'PATCH';
  if (target.family === 'oioi') return [...out, ...TRANSPORT, 'oioi-envelope'];
  if (info.body && hasBody) out.push(...TRANSPORT, 'schema');
  if (target.params.some((p) => p !== 'country_code' && p !== 'party_id')) out.push('bad-id');
  if (target.family === 'ocpi') {
    if (target.params.includes('country_code')) out.push('other-party');
    const isVersions = info.ocpi?.module === 'versions';
    if (!isVersions) out.push('wrong-principal');
    out.push('unknown-path');
  }
  if (info.query && Object.keys(queryShape(info)).length > 0) out.push('query');
  return out;
}

function queryShape(info: RouteInfo): Record<string, unknown> {
  return ((info.query as unknown as { shape?: Record<string, unknown> })?.shape ?? {}) as Record<string, unknown>;
}

/** Percent-encoding of any string (a lone surrogate goes as the UTF-8 of U+FFFD). */
export function enc(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8'))
    out += /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** Headers whose values Node's client accepts (latin-1, no control characters). */
const NOISE_HEADERS: [string, string][] = [
  ['Accept', 'text/html'],
  ['Accept', '*/*'],
  ['Accept-Encoding', 'gzip, deflate, br'],
  ['Accept-Language', 'de-DE,de;q=0.9'],
  ['X-Forwarded-For', '127.0.0.1, ::1, 10.0.0.1'],
  ['X-Request-ID', '\u00e9\u00e8\u00ff-latin1'],
  ['Cookie', 'session=abc; __proto__=x'],
  ['User-Agent', 'x'.repeat(4000)],
  ['X-Correlation-ID', '../../etc/passwd'],
  ['OCPI-from-party-id', 'XXX'],
  ['Connection', 'close'],
  ['Origin', 'http://evil.example'],
];

/** How often each flaw is drawn, relative to the others that apply to the route. */
const WEIGHTS: Record<Category, number> = {
  auth: 2,
  'wrong-principal': 1,
  method: 2,
  'content-type': 1,
  'invalid-json': 2,
  'invalid-utf8': 1,
  deep: 1,
  'forbidden-key': 1,
  oversized: 1,
  schema: 8,
  'bad-id': 3,
  'other-party': 2,
  query: 3,
  'oioi-envelope': 4,
  'unknown-path': 1,
};

function weighted<T>(rng: Rng, items: readonly T[], weight: (t: T) => number): T {
  const total = items.reduce((sum, t) => sum + weight(t), 0);
  let x = rng.next() * total;
  for (const t of items) {
    x -= weight(t);
    if (x < 0) return t;
  }
  return items[items.length - 1] as T;
}

/** Routes with more ways to be wrong (a body, ids, a query) are drawn more often. */
const pairWeight = (p: Pair) => categoriesOf(p).reduce((sum, c) => sum + WEIGHTS[c], 0);

export function makeCase(world: World, pairs: Pair[], seed: number, index: number): FuzzCase {
  const rng = Rng.at(seed, index);
  const pair = weighted(rng, pairs, pairWeight);
  const { target, info } = pair;
  const family = target.family;
  let category = weighted(rng, categoriesOf(pair), (c) => WEIGHTS[c]);
  let method = info?.method ?? rng.pick(['GET', 'PUT', 'POST', 'PATCH', 'DELETE']);
  const pattern = target.pattern;
  const route = `${info?.method ?? '*'} ${pattern}`;
  const params = world.validParams(pattern);
  const encoded: Record<string, string> = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, enc(v)]));
  let query = '';
  let path = fill(pattern, encoded);
  let what = '';

  // The principal that makes the route reachable.
  const goodAuth = (): string => {
    if (family === 'admin') return `Bearer ${ADMIN_TOKEN}`;
    if (family === 'oioi') return `key=${FIXTURE_OIOI_KEY}`;
    return info?.method === 'POST' && pattern === '/ocpi/2.1.1/credentials' ? `Token ${TOKEN_A}` : `Token ${world.partyToken}`;
  };
  let auth: [string, string][] = [['Authorization', goodAuth()]];

  // The valid body of the route (a refused request must not be refused only for its body).
  const valid = info ? world.validBody(info.method, pattern) : undefined;
  let bodyText: string | undefined = valid === undefined ? undefined : JSON.stringify(valid);
  let body: Buffer | undefined;
  let contentType: string | undefined = bodyText === undefined ? undefined : rng.pick([...GOOD_CONTENT_TYPES, '']);
  let chunked = false;
  const bodyLimit = family === 'admin' ? ADMIN_BODY_LIMIT : BODY_LIMIT;
  const depthLimit = family === 'admin' ? ADMIN_DEPTH_LIMIT : DEPTH_LIMIT;
  const baseText = bodyText ?? '{}';

  // Oversized admin bodies are 16 MiB each: only a few of them.
  if (category === 'oversized' && family === 'admin' && !rng.chance(0.01)) category = 'invalid-json';

  switch (category) {
    case 'auth': {
      const bad = badAuth(rng, family, goodAuth());
      auth = bad.headers;
      what = bad.what;
      if (family === 'admin' && rng.chance(0.2)) {
        // The query token is only for /admin/events (EventSource), and only the right one.
        query = pattern === '/admin/events' ? `access_token=${enc(`${ADMIN_TOKEN}x`)}` : `access_token=${enc(ADMIN_TOKEN)}`;
        what += ` + ${query.replace(ADMIN_TOKEN, '<admin token>')}`;
      }
      break;
    }
    case 'wrong-principal': {
      const isRegistrationPost = info?.method === 'POST' && pattern === '/ocpi/2.1.1/credentials';
      auth = [['Authorization', isRegistrationPost ? `Token ${world.partyToken}` : `Token ${TOKEN_A}`]];
      what = isRegistrationPost ? 'party token on the registration POST' : 'token A beyond versions and registration';
      break;
    }
    case 'method': {
      const served = methodsServed(world.targets, decodedPath(fill(pattern, params)));
      const wrong = METHODS.filter((m) => !served.has(m));
      if (wrong.length === 0) throw new Error(`no wrong method for ${pattern}`);
      method = rng.pick(wrong);
      what = `${method} not served`;
      break;
    }
    case 'content-type':
      contentType = rng.pick(BAD_CONTENT_TYPES);
      what = contentType;
      break;
    case 'invalid-json': {
      const r = invalidJsonText(rng, baseText);
      bodyText = r.text;
      what = r.what;
      break;
    }
    case 'invalid-utf8': {
      const r = invalidUtf8Body(rng, baseText);
      body = r.body;
      bodyText = undefined;
      what = r.what;
      break;
    }
    case 'deep': {
      const r = deepJsonText(rng, baseText, depthLimit);
      bodyText = r.text;
      what = r.what;
      break;
    }
    case 'forbidden-key': {
      const r = forbiddenKeyText(rng, valid ?? {});
      bodyText = r.text;
      what = r.what;
      break;
    }
    case 'oversized': {
      const r = oversizedText(rng, baseText, bodyLimit);
      bodyText = r.text;
      chunked = rng.chance(0.3);
      what = `${r.what}${chunked ? ', chunked' : ''}`;
      break;
    }
    case 'schema': {
      let value: unknown = valid ?? {};
      const steps: string[] = [];
      // Judged on the JSON as the server will parse it.
      const mightAccept = (v: unknown) => world.mightAccept(method, pattern, JSON.parse(JSON.stringify(v)));
      for (let tries = 0; tries < 8 && (steps.length === 0 || mightAccept(value)); tries++) {
        const m = mutateJson(rng, value);
        value = m.value;
        steps.push(m.what);
        if (JSON.stringify(value).length > 4 * BODY_LIMIT) break; // too large already: refused for its size
      }
      if (mightAccept(value)) {
        value = [value];
        steps.push('wrapped in an array');
      }
      bodyText = JSON.stringify(value);
      what = steps.join(', ');
      break;
    }
    case 'bad-id': {
      const names = target.params.filter((p) => p !== 'country_code' && p !== 'party_id');
      const name = rng.pick(names);
      const bad = family === 'admin' && rng.chance(0.3) ? `nx-${rng.string(8)}` : rng.pick(BAD_IDS);
      path = fill(pattern, { ...encoded, [name]: bad });
      what = `${name}=${bad.length > 40 ? `${bad.slice(0, 10)}...(${bad.length})` : bad}`;
      break;
    }
    case 'other-party': {
      if (rng.chance(0.3)) {
        auth = [['Authorization', `Token ${world.otherToken}`]];
        what = "DE*ABC's token on NL/TNM";
      } else {
        const [cc, pid] = rng.pick(OTHER_PARTIES);
        path = fill(pattern, { ...encoded, country_code: cc, party_id: pid });
        what = `${cc}/${pid}`;
      }
      break;
    }
    case 'query': {
      const r = badQuery(rng, pair);
      if (r) {
        query = r.query;
        what = r.what;
      } else {
        category = 'auth';
        auth = [];
        what = 'missing (no refused query value found)';
      }
      break;
    }
    case 'oioi-envelope':
      bodyText = rng.pick([
        '[]',
        '42',
        '"rfid-verify"',
        'null',
        'true',
        '{}',
        '{"a":1,"b":2}',
        '{"unknown-call":{}}',
        '{"session-start":{}}',
        '{"rfid-post":{}}',
        '{"toString":{}}',
        '{"hasOwnProperty":{}}',
        '{"user-login":{}}',
        '{"station-post":{},"rfid-verify":{}}',
        '{"RFID-VERIFY":{"rfid":"04A2B3C4D5E6F7"}}',
      ]);
      what = bodyText;
      break;
    case 'unknown-path': {
      path = rng.pick([
        '/ocpi/2.1.1/sessions',
        '/ocpi/2.1.1/sessions/NL/TNM/S1',
        '/ocpi/2.1.1/commands/START_SESSION',
        '/ocpi/2.2/locations/NL/TNM/LOC1',
        '/ocpi/2.2.1/credentials',
        '/ocpi/3.0/versions',
        '/ocpi/2.1.1/nothing',
        '/ocpi/2.1.1/locations',
        '/ocpi/2.1.1/locations/NL/TNM',
        '/ocpi/2.1.1/locations/NL/TNM/LOC1/E1/1/extra',
        '/ocpi/2.1.1/tokens/PS-RFID-ALLOWED-01',
        '/ocpi/2.1.1/tariffs/NL/TNM',
        '/ocpi/2.1.1/cdrs/a/b',
        '/ocpi/2.1.1/Locations/NL/TNM/LOC1',
        '/ocpi/2.1.1/locations/NL/TNM/LOC1/E1/1/2/3/4/5/6/7/8',
        '/ocpi/%2e%2e/ocpi/2.1.1/locations',
        '/ocpi/2.1.1/%2e%2e/%2e%2e/admin/reset',
        '/ocpi/2.1.1/locations/..%2F..%2F..%2Fadmin%2Freset',
        `/ocpi/2.1.1/${'x/'.repeat(500)}`,
      ]);
      method = rng.pick(['GET', 'PUT', 'PATCH', 'POST', 'DELETE']);
      bodyText = method === 'GET' || method === 'DELETE' ? undefined : '{}';
      contentType = bodyText === undefined ? undefined : 'application/json';
      what = path.length > 60 ? `${path.slice(0, 40)}...` : path;
      break;
    }
  }

  // Noise: details that must not matter.
  const headers: [string, string][] = [...auth];
  const noise: string[] = [];
  if (contentType) headers.push(['Content-Type', contentType]);
  if (rng.chance(0.3)) {
    const h = rng.pick(NOISE_HEADERS);
    headers.push(h);
    noise.push(h[0]);
  }
  if (rng.chance(0.2)) {
    const odd = () => (rng.chance(0.2) ? rng.pick(['%FF', '%', '%E0%A4%A', '%00', '%C0%AF']) : enc(rng.pick(ODD_STRINGS)));
    const extra = `${odd()}=${odd()}`;
    query = query ? `${query}&${extra}` : extra;
    noise.push('odd query');
  }
  if (body === undefined && bodyText !== undefined) {
    body = Buffer.from(bodyText, 'utf8');
    if (category !== 'content-type' && rng.chance(0.05)) {
      body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]); // a UTF-8 BOM is fine
      noise.push('BOM');
    }
  }
  if (body === undefined && (method === 'GET' || method === 'DELETE') && rng.chance(0.1)) {
    body = Buffer.from(rng.pick(['{}', '{"a":', 'garbage', '\u0000']));
    noise.push('body on a bodiless method');
  }

  const fullPath = query ? `${path}?${query}` : path;
  const expected = familyOf(decodedPath(path));
  return {
    index,
    route,
    category,
    what: noise.length > 0 ? `${what} [noise: ${noise.join(', ')}]` : what,
    expect: expected ?? 'json',
    req: { method, path: fullPath, headers, ...(body ? { body } : {}), chunked },
  };
}

/** The path as the server routes it: dot segments resolved (also %2e), as URL parsing does. */
export function decodedPath(path: string): string {
  try {
    return new URL(path, 'http://127.0.0.1').pathname;
  } catch {
    return path;
  }
}

function badAuth(rng: Rng, family: Family, good: string): { headers: [string, string][]; what: string } {
  const value = good.replace(/^(Token |Bearer |key=)/, '');
  const scheme = good.slice(0, good.length - value.length);
  const variants: [string, string | undefined][] = [
    ['missing', undefined],
    ['empty', ''],
    ['scheme only', scheme.trim()],
    ['scheme and a space', scheme],
    ['one character more', `${good}x`],
    ['one character less', good.slice(0, -1)],
    ['upper-case scheme', `${scheme.toUpperCase()}${value}`],
    ['a second word', `${good} extra`],
    ['two tokens, comma', `${good},${good}`],
    ['5000 characters', `${scheme}${'A'.repeat(5000)}`],
    ['latin-1 characters', `${scheme}${value.slice(0, 5)}\u00e9\u00ff`],
    ['Basic auth', `Basic ${Buffer.from(`user:${value}`).toString('base64')}`],
    ['the token under another scheme', family === 'admin' ? `Token ${value}` : `Bearer ${value}`],
    ['the stored SHA-256 of the token', `${scheme}${createHash('sha256').update(value).digest('hex')}`],
  ];
  // "Token x" and "Bearer x" need exactly one space; OIOI's "key=" tolerates spaces after it (keys.ts).
  if (family !== 'oioi') {
    variants.push(
      ['lower-case scheme', `${scheme.toLowerCase()}${value}`],
      ['two spaces', `${scheme} ${value}`],
      ['tab instead of space', `${scheme.trim()}\t${value}`],
    );
  }
  if (family === 'ocpi') variants.push(['the admin token', `Token ${ADMIN_TOKEN}`], ['the OIOI key', `Token ${FIXTURE_OIOI_KEY}`]);
  if (family === 'admin') variants.push(['token A', `Bearer ${TOKEN_A}`]);
  if (family === 'oioi') variants.push(['key = with spaces', `key = ${value}`], ['an OCPI token', `Token ${TOKEN_A}`]);
  if (rng.chance(0.1)) {
    // Node keeps the first of two Authorization headers: a wrong one first must be refused.
    const [what, v] = rng.pick(variants.filter(([, v]) => v !== undefined && v !== ''));
    return {
      headers: [
        ['Authorization', v as string],
        ['Authorization', good],
      ],
      what: `duplicated, first ${what}`,
    };
  }
  const [what, v] = rng.pick(variants);
  return { headers: v === undefined ? [] : [['Authorization', v]], what };
}

const BAD_QUERY_VALUES: Record<string, string[]> = {
  offset: ['-1', 'abc', '1.5', '1e3', '', '0x10', ' 1', '99999999999999999999', 'NaN'],
  limit: ['0', '-5', 'x', '1.0', '', '00', 'Infinity', '1e2'],
  date_from: ['yesterday', '2026-13-01T00:00:00Z', '2026-01-01T00:00:00+01:00', '', '2026-01-01', '9'.repeat(30)],
  date_to: ['tomorrow', '2026-01-01T25:00:00Z', '2026-01-01 00:00:00', '', '0'],
  type: ['BOGUS', 'rfid', 'APP_USER', '', 'RFID,OTHER', 'AD_HOC_USER'],
};
const ANY_BAD = ['-1', 'abc', '', '1.5', 'x'.repeat(2000), '\u0000', 'maybe', '%', '99999999999', 'true1', 'NaN', '[]'];

function badQuery(rng: Rng, pair: Pair): { query: string; what: string } | undefined {
  const info = pair.info as RouteInfo;
  const keys = Object.keys(queryShape(info));
  if (pair.target.family === 'ocpi') {
    const key = rng.pick(keys);
    if (rng.chance(0.15)) {
      const ok = key === 'type' ? 'RFID' : key.startsWith('date') ? '2026-01-01T00:00:00Z' : '1';
      return { query: `${key}=${ok}&${key}=${ok}`, what: `${key} given twice` };
    }
    const v = rng.pick(BAD_QUERY_VALUES[key] ?? ANY_BAD);
    return { query: `${key}=${enc(v)}`, what: `${key}=${v}` };
  }
  // Admin: a value the route's query schema refuses (adminQuery reads the first value of each key).
  const schema = info.query as { safeParse(v: unknown): { success: boolean } };
  const refused = keys.flatMap((key) => ANY_BAD.filter((v) => !schema.safeParse({ [key]: v }).success).map((v) => [key, v] as const));
  if (refused.length === 0) return undefined;
  const [key, v] = rng.pick(refused);
  return { query: `${key}=${enc(v)}`, what: `${key}=${v.length > 20 ? `${v.slice(0, 5)}...(${v.length})` : v}` };
}
