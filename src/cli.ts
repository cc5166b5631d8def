#!/usr/bin/env node
// `plugsurfing-emp-sim`: flags override environment variables; a banner says where to start.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, DEFAULT_REGISTRATION_TOKEN, FLAGS, loadConfig } from './config.js';
import { limitHeapGrowth } from './heap.js';
import { startServer } from './server.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const HELP = `plugsurfing-emp-sim ${pkg.version}: Plugsurfing's eMSP side of OCPI 2.1.1-d2, for CPOs to test against.

Usage: plugsurfing-emp-sim [options]

Options (each overrides the environment variable in brackets):
  --port <n>                 HTTP port (PORT, default 4000)
  --host <addr>              listen address (HOST, default 127.0.0.1; 0.0.0.0 in containers)
  --public-url <url>         base URL written into versions/credentials (PUBLIC_URL, default http://localhost:<port>)
  --db <file|:memory:>       state file (DB_FILE, default data/db.json)
  --seed <n>                 faker seed of the fixtures (SEED, default 1)
  --fixtures <file>          extra fixtures to load (FIXTURES)
  --faults <file>            fault rules to load at start (FAULTS_FILE)
  --registration-token <t>   token A for a CPO's first POST credentials (REGISTRATION_TOKEN)
  --admin-token <t>          require "Authorization: Bearer <t>" on /admin (ADMIN_TOKEN)
  --log-level <level>        debug|info|warn|error|silent (LOG_LEVEL, default info)
  -h, --help                 this text
  -v, --version              the version

Other settings by environment only: see README.md.`;

async function main(): Promise<void> {
  const options = Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { ...options, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
      strict: true,
    }));
  } catch (err) {
    console.error(`plugsurfing-emp-sim: ${(err as Error).message} (see --help)`);
    process.exit(2);
  }
  if (values.help) return void console.log(HELP);
  if (values.version) return void console.log(pkg.version);

  const env: Record<string, string | undefined> = { ...process.env };
  for (const [flag, variable] of Object.entries(FLAGS)) if (typeof values[flag] === 'string') env[variable] = values[flag] as string;

  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`plugsurfing-emp-sim: invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }

  limitHeapGrowth(config.heapGrowthPercent);
  const sim = await startServer(config);
  const { log } = sim.deps;
  const banner = [
    `plugsurfing-emp-sim ${pkg.version} listening on ${sim.url} (store: ${config.dbFile})`,
    `  OCPI versions URL : ${config.versionsUrl}`,
    // A custom token A is a secret of the environment: not echoed into logs.
    ...(config.registrationToken === DEFAULT_REGISTRATION_TOKEN
      ? [
          `  token A           : ${config.registrationToken}`,
          `  try               : curl -H 'Authorization: Token ${config.registrationToken}' ${config.versionsUrl}`,
        ]
      : ['  token A           : (REGISTRATION_TOKEN, not shown)']),
    `  dashboard         : ${config.publicUrl}/`,
    `  admin API         : ${config.publicUrl}/admin  (docs: ${config.publicUrl}/docs)`,
    `  Plugsurfing party : ${config.countryCode}*${config.partyId}`,
  ];
  if (config.logLevel !== 'silent') console.log(banner.join('\n'));
  const loopback = ['127.0.0.1', '::1', 'localhost'].includes(config.host) || config.host.startsWith('127.');
  if (!config.adminToken && !loopback)
    log.warn(
      `HOST=${config.host} is not a loopback address and ADMIN_TOKEN is not set: anyone who reaches this port can drive the admin API`,
    );

  const shutdown = (signal: string) => {
    log.info('shutting down', { signal });
    sim.stop().then(
      () => process.exit(0),
      (err) => {
        log.error('shutdown failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`plugsurfing-emp-sim: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
