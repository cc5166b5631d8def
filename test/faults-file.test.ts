// FAULTS_FILE: rules, overrides and scenarios loaded at start, validated as a whole; an error
// names the file and the JSON path, and nothing starts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { startSim } from './helpers/sim.js';

const dir = mkdtempSync(join(tmpdir(), 'faults-file-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const start = (path: string) => createSimulator(testConfig({ faultsFile: path }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FAULTS_FILE', () => {
  it('loads rules, overrides and scenarios at start', async () => {
    const path = file('ok.json', {
      rules: [
        { method: 'PUT', path: '/ocpi/2.1.1/locations/*', status: 503, times: 1 },
        { kind: 'authorization', allowed: 'BLOCKED', token_uid: 'PS-RFID-ALLOWED-01' },
      ],
      scenarios: ['reject-all-cdrs', { name: 'flaky-network', probability: 0.1 }],
    });
    const sim = await startSim({ faultsFile: path });
    try {
      const items = (await sim.call('GET', '/admin/faults')).body.items;
      expect(items.map((r: { id: string }) => r.id)).toEqual(['f1', 'f2', 'reject-all-cdrs.1', 'flaky-network.1']);
      expect(items[3]).toMatchObject({ reset: true, probability: 0.1, scenario: 'flaky-network' });
      const scenarios = (await sim.call('GET', '/admin/scenarios')).body.items;
      expect(scenarios.filter((s: { active: boolean }) => s.active).map((s: { name: string }) => s.name)).toEqual([
        'flaky-network',
        'reject-all-cdrs',
      ]);
    } finally {
      await sim.stop();
    }
  });

  it('a bare array is read as rules', async () => {
    const sim = await createSimulator(testConfig({ faultsFile: file('array.json', [{ path: '/ocpi/versions', status: 500 }]) }));
    expect(sim.deps.faults.list()).toHaveLength(1);
    await sim.close();
  });

  it('an invalid rule: the error names the file and each JSON path; nothing starts', async () => {
    const path = file('bad.json', {
      rules: [{ status: 503 }, { status: 42, probability: 3 }],
      scenarios: ['nope', { name: 'slow-authorization', delay_ms: -1 }],
    });
    const err = (await start(path).catch((e) => e)) as Error;
    expect(err.message).toContain(`FAULTS_FILE ${path}`);
    expect(err.message).toContain('rules[1].status');
    expect(err.message).toContain('rules[1].probability');
    expect(err.message).toContain('scenarios[0]: unknown scenario "nope"');
    expect(err.message).toContain('scenarios[1].delay_ms');
  });

  it('not JSON, not readable, unknown keys, duplicate ids', async () => {
    expect(((await start(file('text.json', '{ rules: ')).catch((e) => e)) as Error).message).toMatch(
      /FAULTS_FILE .*text\.json: not valid JSON/,
    );
    expect(((await start(join(dir, 'missing.json')).catch((e) => e)) as Error).message).toMatch(
      /FAULTS_FILE .*missing\.json: cannot be read/,
    );
    expect(((await start(file('keys.json', { rulez: [] })).catch((e) => e)) as Error).message).toContain('rulez: unknown key');
    const dup = file('dup.json', [
      { id: 'x', status: 500 },
      { id: 'x', reset: true },
    ]);
    expect(((await start(dup).catch((e) => e)) as Error).message).toContain('id x exists already');
  });
});
