// Environment variables (and the CLI flags that override them) -> one typed, validated config.
import { z } from 'zod';
import { TERRITORY_ALPHA3 } from './rules/territory.js';

/** The documented development token A. Printed at start; change it for shared environments. */
export const DEFAULT_REGISTRATION_TOKEN = 'plugsurfing-sim-registration-token-a';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const positiveInt = (max?: number) => integer(1, max);
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const httpUrl = z
  .string()
  .refine((s) => /^https?:\/\/[^\s]+$/.test(s) && URL.canParse(s), { message: 'must be an http(s) URL' })
  .transform((s) => s.replace(/\/+$/, ''));

/** Each entry: env variable -> [config key, schema, default (string, as it would be in env)]. */
const variables = {
  PORT: [
    'port',
    z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(0).max(65535, 'must be a TCP port (0-65535)'),
    '4000',
  ],
  HOST: ['host', z.string().min(1), '127.0.0.1'],
  PUBLIC_URL: ['publicUrl', httpUrl.optional(), undefined],
  DB_FILE: ['dbFile', z.string().min(1), 'data/db.json'],
  REGISTRATION_TOKEN: [
    'registrationToken',
    z.string().regex(/^[\x21-\x7E]{1,64}$/, 'must be 1-64 printable ASCII characters without spaces'),
    DEFAULT_REGISTRATION_TOKEN,
  ],
  REGISTRATION_TOKEN_SINGLE_USE: ['registrationTokenSingleUse', bool, 'false'],
  SEED: ['seed', z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(0), '1'],
  ADMIN_TOKEN: ['adminToken', z.string().min(8, 'must be at least 8 characters').optional(), undefined],
  PARTY_COUNTRY_CODE: ['countryCode', z.string().regex(/^[A-Z]{2}$/, 'must be 2 upper-case letters'), 'DE'],
  PARTY_ID: ['partyId', z.string().regex(/^[A-Z0-9]{3}$/, 'must be 3 upper-case letters or digits'), '8PS'],
  BUSINESS_NAME: ['businessName', z.string().min(1).max(100), 'Plugsurfing'],
  BUSINESS_WEBSITE: ['businessWebsite', httpUrl.optional(), 'https://www.plugsurfing.com'],
  BODY_LIMIT: ['bodyLimit', positiveInt(64 << 20), String(1 << 20)],
  JSON_DEPTH_LIMIT: ['jsonDepthLimit', positiveInt(1000), '32'],
  JOURNAL_SIZE: ['journalSize', positiveInt(1_000_000), '5000'],
  JOURNAL_BODY_LIMIT: ['journalBodyLimit', positiveInt(16 << 20), '16384'],
  OUTBOUND_TIMEOUT_MS: ['outboundTimeoutMs', positiveInt(600_000), '10000'],
  OUTBOUND_MAX_BYTES: ['outboundMaxBytes', positiveInt(256 << 20), String(5 << 20)],
  REQUIRED_CPO_ENDPOINTS: ['requiredCpoEndpoints', list, 'credentials,tokens'],
  CLIENT_ERROR_HTTP_STATUS: ['clientErrorHttpStatus', z.enum(['200', '400'], { message: 'must be 200 or 400' }).transform(Number), '200'],
  TARIFF_POLICY: ['tariffPolicy', z.enum(['strict', 'lenient'], { message: 'must be strict or lenient' }), 'strict'],
  TERRITORY: [
    'territory',
    list.pipe(z.array(z.string().regex(/^[A-Z]{3}$/, 'must list ISO 3166-1 alpha-3 codes'))),
    TERRITORY_ALPHA3.join(','),
  ],
  PUSH_RETRY_BASE_MS: ['pushRetryBaseMs', positiveInt(3_600_000), '1000'],
  PUSH_RETRY_MAX_ATTEMPTS: ['pushRetryMaxAttempts', positiveInt(100), '6'],
  MAX_PAGE_LIMIT: ['maxPageLimit', positiveInt(10_000), '100'],
  MAX_OBJECTS_PER_PARTY: ['maxObjectsPerParty', positiveInt(), '200000'],
  MAX_RECORDS: ['maxRecords', positiveInt(), '100000'],
  HTTP_BATCHING: ['httpBatching', bool, 'true'],
  HEAP_GROWTH_PERCENT: ['heapGrowthPercent', integer(0, 1000), '0'],
  LOG_LEVEL: [
    'logLevel',
    z.enum(['debug', 'info', 'warn', 'error', 'silent'], { message: 'must be debug, info, warn, error or silent' }),
    'info',
  ],
  FIXTURES: ['fixturesFile', z.string().min(1).optional(), undefined],
  FAULTS_FILE: ['faultsFile', z.string().min(1).optional(), undefined],
} as const;

type Variables = typeof variables;
type Key<V extends keyof Variables> = Variables[V][0];
type Out<V extends keyof Variables> = z.output<Variables[V][1]>;
type Parsed = { [V in keyof Variables as Key<V>]: Out<V> };

export type Config = Parsed & {
  publicUrl: string;
  /** OCPI versions URL clients start from. */
  versionsUrl: string;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Flag name -> env variable, for the CLI (`--port 4000` overrides PORT). */
export const FLAGS: Record<string, keyof Variables> = {
  port: 'PORT',
  host: 'HOST',
  'public-url': 'PUBLIC_URL',
  db: 'DB_FILE',
  seed: 'SEED',
  fixtures: 'FIXTURES',
  faults: 'FAULTS_FILE',
  'registration-token': 'REGISTRATION_TOKEN',
  'admin-token': 'ADMIN_TOKEN',
  'log-level': 'LOG_LEVEL',
};

/** Build the config from env-like values; throws ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const [name, [key, schema, fallback]] of Object.entries(variables) as [string, readonly [string, z.ZodType, string | undefined]][]) {
    const raw = env[name] === undefined || env[name] === '' ? fallback : env[name];
    const result = schema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new ConfigError(`${name}=${JSON.stringify(raw ?? '')} ${issue?.message ?? 'is invalid'}`);
    }
    out[key] = result.data;
  }
  const parsed = out as Parsed;
  const publicUrl = parsed.publicUrl ?? `http://localhost:${parsed.port}`;
  return { ...parsed, publicUrl, versionsUrl: `${publicUrl}/ocpi/versions` };
}

/** Config for tests: in memory, quiet, any overrides given as config keys. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ DB_FILE: ':memory:', LOG_LEVEL: 'silent', PORT: '0' });
  const merged = { ...base, ...overrides };
  if (!overrides.versionsUrl) merged.versionsUrl = `${merged.publicUrl}/ocpi/versions`;
  return merged;
}

/** Settings safe to show (GET /admin/config): secrets hidden. */
export function publicConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    registrationToken: config.registrationToken === DEFAULT_REGISTRATION_TOKEN ? config.registrationToken : '***',
    adminToken: config.adminToken ? '***' : undefined,
  };
}
