// The CLI as a user runs it: flags over env, --help/--version, one-line config errors, the banner.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { type SimProcess, spawnSim } from './helpers/process.js';

const ROOT = resolve(import.meta.dirname, '..');
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });

let proc: SimProcess | undefined;
afterEach(async () => {
  await proc?.kill('SIGTERM');
  proc = undefined;
});

it('--help and --version', () => {
  const help = cli(['--help']);
  expect(help.status).toBe(0);
  for (const flag of ['--port', '--host', '--public-url', '--db', '--seed', '--fixtures', '--faults', '--help', '--version']) expect(help.stdout).toContain(flag);
  const version = cli(['--version']);
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
});

it('an invalid setting stops the start with one line naming the variable', () => {
  const res = cli([], { PORT: 'abc', DB_FILE: ':memory:' });
  expect(res.status).toBe(2);
  expect(res.stderr.trim().split('\n')).toHaveLength(1);
  expect(res.stderr).toMatch(/PORT="abc" must be a number/);
  const flag = cli(['--nope']);
  expect(flag.status).toBe(2);
});

it('flags override environment variables; the banner names the versions URL, token A, admin and docs', async () => {
  proc = await spawnSim({ DB_FILE: 'data/should-not-be-used.json', SEED: '3', LOG_LEVEL: 'info' }, ['--db', ':memory:', '--seed', '7', '--public-url', 'http://sim.example:9999']);
  const config = (await (await fetch(`${proc.url}/admin/config`)).json()) as { seed: number; dbFile: string; versionsUrl: string };
  expect(config).toMatchObject({ seed: 7, dbFile: ':memory:', versionsUrl: 'http://sim.example:9999/ocpi/versions' });
  const out = proc.output();
  expect(out).toContain('OCPI versions URL : http://sim.example:9999/ocpi/versions');
  expect(out).toContain('token A           : plugsurfing-sim-registration-token-a');
  expect(out).toContain('http://sim.example:9999/admin');
  expect(out).toContain('http://sim.example:9999/docs');
});

it('a non-loopback HOST without ADMIN_TOKEN warns', async () => {
  proc = await spawnSim({ DB_FILE: ':memory:', HOST: '0.0.0.0', LOG_LEVEL: 'warn' });
  const p = proc;
  await expect.poll(() => p.output(), { timeout: 5000 }).toMatch(/not a loopback address and ADMIN_TOKEN is not set/);
});
