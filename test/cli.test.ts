// The CLI as a user runs it: flags over env, --help/--version, one-line config errors, the banner.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cliArgs, ROOT, type SimProcess, spawnSim } from './helpers/process.js';

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, cliArgs(args), { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });

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

it('--fixtures and --faults: a broken file stops the start with one line naming the file and the JSON path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emp-sim-cli-'));
  const fixtures = join(dir, 'fixtures.json');
  writeFileSync(fixtures, JSON.stringify({ parties: [{ country_code: 'NL', party_id: 'ci1', token: 'ci-token-1' }] }));
  const bad = cli(['--db', ':memory:', '--fixtures', fixtures]);
  expect(bad.status).toBe(1);
  expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  expect(bad.stderr).toContain(`FIXTURES ${fixtures}: parties[0].party_id: must be 3 upper-case letters or digits`);
  const faults = join(dir, 'faults.json');
  writeFileSync(faults, JSON.stringify({ rules: [{ path: '/ocpi/*', status: 999 }] }));
  const badFaults = cli(['--db', ':memory:', '--faults', faults]);
  expect(badFaults.status).toBe(1);
  expect(badFaults.stderr).toContain(`FAULTS_FILE ${faults}: rules[0].status`);
});

it('--fixtures pre-registers the party; each OCPI request is one JSON log line when stdout is not a TTY', async () => {
  proc = await spawnSim({ LOG_LEVEL: 'info' }, ['--db', ':memory:', '--fixtures', 'fixtures/example.json']);
  const res = await fetch(`${proc.url}/ocpi/2.1.1/credentials`, { headers: { Authorization: 'Token ci-cpo-token-c-change-me' } });
  expect(res.status).toBe(200);
  await expect
    .poll(() => proc?.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'ocpi'))
    .toMatchObject({ level: 'info', method: 'GET', path: '/ocpi/2.1.1/credentials', status: 200, ocpi_status: 1000, party: 'NL*CI1' });
});
