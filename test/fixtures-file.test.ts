// --fixtures / FIXTURES: a file a CPO team checks in: parties with known tokens, tokens, territory, faults.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFixturesFile } from '../src/fixtures/file.js';
import { startSim, type TestSim } from './helpers/sim.js';
import { location } from './locations-fixtures.js';

const EXAMPLE = resolve(import.meta.dirname, '../fixtures/example.json');
let sim: TestSim | undefined;
afterEach(() => sim?.stop());

describe('fixtures file', () => {
  it('fixtures/example.json: the pre-registered party works at once; tokens, territory and faults apply', async () => {
    sim = await startSim({ fixturesFile: EXAMPLE });
    const token = 'ci-cpo-token-c-change-me';
    // The fault rule of the file fires once on the first PATCH; PUT is not affected.
    const put = await sim.call('PUT', '/ocpi/2.1.1/locations/NL/CI1/L1', { token, json: location('L1') });
    expect(put.body.status_code).toBe(1000);
    expect((await sim.call('PATCH', '/ocpi/2.1.1/locations/NL/CI1/L1/E1', { token, json: { status: 'CHARGING' } })).status).toBe(503);
    expect((await sim.call('PATCH', '/ocpi/2.1.1/locations/NL/CI1/L1/E1', { token, json: { status: 'CHARGING' } })).body.status_code).toBe(1000);
    const authorize = (uid: string, type = 'RFID') =>
      sim!.call('POST', `/ocpi/2.1.1/tokens/${uid}/authorize?type=${type}`, { token, json: { location_id: 'L1' } });
    expect((await authorize('CI-RFID-OK')).body.data.allowed).toBe('ALLOWED');
    expect((await authorize('CI-RFID-BLOCKED')).body.data.allowed).toBe('BLOCKED');
    expect((await authorize('CI-APP-NOCREDIT', 'OTHER')).body.data.allowed).toBe('NO_CREDIT');
    // Territory override: Norway is no longer inside.
    await sim.call('PUT', '/ocpi/2.1.1/locations/NL/CI1/OSLO', { token, json: location('OSLO', { country: 'NOR' }) });
    expect((await sim.call('GET', '/admin/locations/NL/CI1/OSLO')).body.in_territory).toBe(false);
    // The file's token is not stored in clear.
    expect(JSON.stringify(sim.deps.store.snapshot())).not.toContain(token);
  });

  it('applying it again changes nothing, and a reset applies it again (the CI party survives sim.reset())', async () => {
    sim = await startSim({ fixturesFile: EXAMPLE });
    const snapshot = () => JSON.stringify({ parties: sim!.deps.store.snapshot().collections.parties, tokens: sim!.deps.store.snapshot().collections.tokens });
    const rules = () => sim!.deps.faults.list().map((r) => r.id);
    const before = snapshot();
    expect(rules()).toEqual(['fixtures.1']);
    await loadFixturesFile(sim.deps, EXAMPLE);
    expect(snapshot()).toBe(before);
    expect(rules()).toEqual(['fixtures.1']);

    const reset = await sim.call('POST', '/admin/reset', { json: {} });
    expect(reset.status).toBe(200);
    expect(rules()).toEqual(['fixtures.1']);
    const token = 'ci-cpo-token-c-change-me';
    expect((await sim.call('GET', '/ocpi/2.1.1/credentials', { token })).body.status_code).toBe(1000);
    expect((await sim.call('GET', '/admin/tokens/CI-RFID-BLOCKED')).body.allowed).toBe('BLOCKED');
    expect((await sim.call('GET', '/admin/tokens/PS-RFID-ALLOWED-01')).status).toBe(200); // the seeded ones too
  });

  it('refuses a party token used twice or equal to token A, and repeated uids', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'emp-sim-fixtures-')), 'dup.json');
    const party = (party_id: string, token: string) => ({ country_code: 'NL', party_id, token });
    writeFileSync(
      file,
      JSON.stringify({
        parties: [party('AAA', 'same-token'), party('BBB', 'same-token'), party('CCC', 'plugsurfing-sim-registration-token-a'), party('AAA', 'other')],
        tokens: [{ uid: 'X1' }, { uid: 'X1' }],
      }),
    );
    const err = await startSim({ fixturesFile: file }).catch((e: Error) => e);
    expect(String(err)).toMatch(/parties\[1\]\.token: is already the token of NL\*AAA/);
    expect(String(err)).toMatch(/parties\[2\]\.token: is already the token of token A/);
    expect(String(err)).toMatch(/parties\[3\]: party NL\*AAA is listed twice/);
    expect(String(err)).toMatch(/tokens\[1\]\.uid: token X1 is listed twice/);
  });

  it('a broken file stops the start with the file and the JSON paths', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'emp-sim-fixtures-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ parties: [{ country_code: 'nl', party_id: 'CI1', token: 'x' }], tokens: [{ uid: 'a/b' }], faults: { rules: [{ status: 'x' }] } }));
    await expect(startSim({ fixturesFile: file })).rejects.toThrow(/FIXTURES .*bad\.json: parties\[0\]\.country_code: must be 2 upper-case letters/);
    writeFileSync(file, JSON.stringify({ tokens: [{ uid: 'a/b' }], faults: { rules: [{ status: 'x' }] } }));
    await expect(startSim({ fixturesFile: file })).rejects.toThrow(/tokens\[0\]\.uid.*faults\.rules\[0\]/);
  });
});
