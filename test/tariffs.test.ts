// The Tariffs receiver through a real server: PUT/PATCH, Plugsurfing's unsupported features
// (strict and lenient), transport answers, the admin view, and a table of broken fields.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type TestSim } from './helpers/sim.js';
import { setPath, storedState, TAR, tariff } from './locations-fixtures.js';

let sim: TestSim;
let token: string;
beforeEach(async () => {
  sim = await startSim();
  ({ token } = await sim.addParty('NL', 'TNM'));
});
afterEach(() => sim.stop());

const stored = async (id = 'T1') => (await sim.call('GET', `/admin/tariffs/NL/TNM/${id}`)).body;
const findings = async (rule: string) => (await sim.call('GET', `/admin/findings?rule=${rule}`)).body.items;

describe('PUT and PATCH', () => {
  it('PUT: 201 when new, 200 when replaced, stored as sent', async () => {
    expect((await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: tariff() })).status).toBe(201);
    const res = await sim.call('PUT', `${TAR}/NL/TNM/T1`, {
      token,
      json: tariff('T1', { currency: 'SEK', last_updated: '2026-01-02T00:00:00Z' }),
    });
    expect(res.status).toBe(200);
    expect(res.body.status_code).toBe(1000);
    const s = await stored();
    expect(s).toMatchObject({ party: 'NL*TNM', tariff: { id: 'T1', currency: 'SEK' } });
    expect(s.policy_warnings).toBeUndefined();
  });

  it('PATCH merges the given fields; a given elements list replaces the whole list', async () => {
    await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: tariff() });
    const elements = [{ price_components: [{ type: 'FLAT', price: 1, step_size: 0 }] }];
    const res = await sim.call('PATCH', `${TAR}/NL/TNM/T1`, { token, json: { elements, last_updated: '2026-01-03T00:00:00Z' } });
    expect(res.status).toBe(200);
    expect((await stored()).tariff).toEqual({ ...tariff(), elements, last_updated: '2026-01-03T00:00:00Z' });
  });

  it('PATCH without last_updated takes the time of receipt, with an info finding', async () => {
    await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: tariff() });
    sim.clock.set('2026-01-20T08:00:00Z');
    await sim.call('PATCH', `${TAR}/NL/TNM/T1`, { token, json: { currency: 'NOK' } });
    expect((await stored()).tariff).toMatchObject({ currency: 'NOK', last_updated: '2026-01-20T08:00:00Z' });
    expect(await findings('ocpi.patch-without-last-updated')).toMatchObject([
      { severity: 'info', object: { module: 'tariffs', id: 'NL*TNM/T1' } },
    ]);
  });

  it('an older last_updated is stored as sent with an info finding', async () => {
    await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: tariff('T1', { last_updated: '2026-05-01T00:00:00Z' }) });
    await sim.call('PATCH', `${TAR}/NL/TNM/T1`, { token, json: { last_updated: '2026-04-01T00:00:00Z' } });
    expect((await stored()).tariff.last_updated).toBe('2026-04-01T00:00:00Z');
    expect(await findings('ocpi.last-updated-backwards')).toHaveLength(1);
  });

  it('PATCH of an unknown Tariff: 404 in the envelope, nothing stored', async () => {
    const before = storedState(sim);
    const res = await sim.call('PATCH', `${TAR}/NL/TNM/T404`, { token, json: { currency: 'EUR' } });
    expect(res.status).toBe(404);
    expect(res.body.status_message).toMatch(/Tariff T404 of NL\*TNM is unknown here: PUT the Tariff first/);
    expect(storedState(sim)).toEqual(before);
  });

  it('ids in the URL and the body must agree: 2001', async () => {
    await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: tariff() });
    const before = storedState(sim);
    for (const [method, json] of [
      ['PUT', tariff('T2')],
      ['PATCH', { id: 'T2' }],
    ] as const) {
      const res = await sim.call(method, `${TAR}/NL/TNM/T1`, { token, json });
      expect(res.body.status_code).toBe(2001);
      expect(res.body.status_message).toMatch(/id in the body \("T2"\) differs from the one in the URL \("T1"\)/);
    }
    expect(storedState(sim)).toEqual(before);
  });

  it('GET is not supported by Plugsurfing: 405 with a message; DELETE and POST neither', async () => {
    await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: tariff() });
    const get = await sim.call('GET', `${TAR}/NL/TNM/T1`, { token });
    expect(get.status).toBe(405);
    expect(get.body.status_code).toBe(2000);
    expect(get.body.status_message).toMatch(/Plugsurfing does not support GET on its Tariffs endpoint/);
    expect(get.headers.get('allow')).toBe('PUT, PATCH');
    const del = await sim.call('DELETE', `${TAR}/NL/TNM/T1`, { token });
    expect(del.status).toBe(405);
    expect(del.body.status_message).toMatch(/only PUT and PATCH/);
    expect((await sim.call('POST', `${TAR}/NL/TNM/T1`, { token, json: tariff() })).status).toBe(405);
    expect((await stored()).tariff.currency).toBe('EUR');
  });

  it('bad JSON: 400 with 2001, nothing stored', async () => {
    const res = await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, body: '{"id": "T1"', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.status_code).toBe(2001);
    expect((await sim.call('GET', '/admin/tariffs')).body.total).toBe(0);
  });
});

const UNSUPPORTED: { feature: string; path: string; value: unknown }[] = [
  { feature: 'PARKING_TIME', path: 'elements[1].price_components[0].type', value: 'PARKING_TIME' },
  { feature: 'min_power', path: 'elements[0].restrictions.min_power', value: 11 },
  { feature: 'max_power', path: 'elements[0].restrictions.max_power', value: 22 },
  { feature: 'start_date', path: 'elements[0].restrictions.start_date', value: '2026-01-01' },
  { feature: 'end_date', path: 'elements[0].restrictions.end_date', value: '2026-12-31' },
];

describe('features Plugsurfing does not support', () => {
  it.each(UNSUPPORTED)(
    'strict: $feature is refused with 2001 naming it and its path; nothing changes',
    async ({ feature, path, value }) => {
      await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: tariff() });
      const before = storedState(sim);
      const res = await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: setPath(tariff(), path, value) });
      expect(res.status).toBe(200);
      expect(res.body.status_code).toBe(2001);
      expect(res.body.status_message).toContain(`${path}: `);
      expect(res.body.status_message).toContain(feature);
      expect(res.body.data.issues).toEqual([{ path, message: expect.stringContaining(feature) }]);
      // The merged result of a PATCH is judged the same way.
      const patch = await sim.call('PATCH', `${TAR}/NL/TNM/T1`, { token, json: { elements: setPath(tariff(), path, value).elements } });
      expect(patch.body.status_code).toBe(2001);
      expect(patch.body.status_message).toContain(path);
      expect(storedState(sim)).toEqual(before);
    },
  );

  it.each(UNSUPPORTED)('lenient: $feature is stored with a warning finding and a policy warning', async ({ feature, path, value }) => {
    const lenient = await startSim({ tariffPolicy: 'lenient' });
    try {
      const p = await lenient.addParty('NL', 'TNM');
      const res = await lenient.call('PUT', `${TAR}/NL/TNM/T1`, { token: p.token, json: setPath(tariff(), path, value) });
      expect(res.status).toBe(201);
      expect(res.body.status_code).toBe(1000);
      const s = (await lenient.call('GET', '/admin/tariffs/NL/TNM/T1')).body;
      expect(s.policy_warnings).toEqual([expect.stringContaining(path)]);
      const f = (await lenient.call('GET', '/admin/findings?module=tariffs')).body.items;
      expect(f).toEqual([expect.objectContaining({ rule: 'tariffs.unsupported-feature', severity: 'warning', path, party: 'NL*TNM' })]);
      expect(f[0].message).toContain(feature);
      // A PATCH that does not touch elements keeps the warning but does not repeat the finding.
      await lenient.call('PATCH', `${TAR}/NL/TNM/T1`, { token: p.token, json: { currency: 'DKK', last_updated: '2026-02-01T00:00:00Z' } });
      expect((await lenient.call('GET', '/admin/tariffs/NL/TNM/T1')).body.policy_warnings).toHaveLength(1);
      expect((await lenient.call('GET', '/admin/findings?module=tariffs')).body.total).toBe(1);
    } finally {
      await lenient.stop();
    }
  });
});

describe('admin', () => {
  it('GET /admin/tariffs: filter party, paging', async () => {
    const other = await sim.addParty('DE', 'ABC');
    for (const id of ['T1', 'T2', 'T3']) await sim.call('PUT', `${TAR}/NL/TNM/${id}`, { token, json: tariff(id) });
    await sim.call('PUT', `${TAR}/DE/ABC/T1`, { token: other.token, json: tariff('T1') });
    const all = (await sim.call('GET', '/admin/tariffs')).body;
    expect(all).toMatchObject({ total: 4, offset: 0, limit: 50 });
    const mine = (await sim.call('GET', '/admin/tariffs?party=NL*TNM&offset=1&limit=1')).body;
    expect(mine).toMatchObject({ total: 3, offset: 1, limit: 1 });
    expect(mine.items[0].tariff.id).toBe('T2');
    expect((await sim.call('GET', '/admin/tariffs?party=DE*ABC')).body.items[0].party).toBe('DE*ABC');
    expect((await sim.call('GET', '/admin/tariffs/NL/TNM/T9')).status).toBe(404);
  });
});

const BROKEN: { name: string; path: string; value: unknown }[] = [
  ...[
    'id',
    'currency',
    'elements',
    'last_updated',
    'elements[0].price_components',
    'elements[0].price_components[0].type',
    'elements[0].price_components[0].price',
    'elements[0].price_components[0].step_size',
    'tariff_alt_text[0].language',
    'tariff_alt_text[0].text',
    'energy_mix.is_green_energy',
  ].map((path) => ({ name: `required ${path} missing`, path, value: undefined })),
  ...['elements[0].price_components[0].type', 'elements[0].restrictions.day_of_week[0]', 'energy_mix.energy_sources[0].source'].map(
    (path) => ({
      name: `enum ${path} not a value`,
      path,
      value: 'NOT_A_VALUE',
    }),
  ),
  { name: 'id longer than 36', path: 'id', value: 'x'.repeat(37) },
  { name: 'currency longer than 3', path: 'currency', value: 'EURO' },
  { name: 'currency not ISO 4217', path: 'currency', value: 'eu' },
  { name: 'tariff_alt_text language longer than 2', path: 'tariff_alt_text[0].language', value: 'eng' },
  { name: 'tariff_alt_text text longer than 512', path: 'tariff_alt_text[0].text', value: 'x'.repeat(513) },
  { name: 'tariff_alt_url longer than 255', path: 'tariff_alt_url', value: `https://x.example.com/${'x'.repeat(240)}` },
  { name: 'tariff_alt_url not a URL', path: 'tariff_alt_url', value: 'tariffs' },
  { name: 'supplier_name longer than 64', path: 'energy_mix.supplier_name', value: 'x'.repeat(65) },
  { name: 'start_time longer than 5', path: 'elements[0].restrictions.start_time', value: '08:00:00' },
  { name: 'elements empty', path: 'elements', value: [] },
  { name: 'price_components empty', path: 'elements[0].price_components', value: [] },
  { name: 'price with 5 decimals', path: 'elements[0].price_components[0].price', value: 0.12345 },
  { name: 'step_size negative', path: 'elements[0].price_components[0].step_size', value: -1 },
];

describe('Tariff PUT: every broken field answers 2001 naming it, nothing changes', () => {
  const withAll = () =>
    tariff('T1', { energy_mix: { is_green_energy: true, energy_sources: [{ source: 'WIND', percentage: 100 }], supplier_name: 'S' } });
  it.each(BROKEN)('$name', async ({ path, value }) => {
    expect((await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: withAll() })).status).toBe(201);
    const before = storedState(sim);
    const res = await sim.call('PUT', `${TAR}/NL/TNM/T1`, { token, json: setPath(withAll(), path, value) });
    expect(res.status).toBe(200);
    expect(res.body.status_code).toBe(2001);
    const paths: string[] = res.body.data.issues.map((i: { path: string }) => i.path);
    expect(
      paths.some((p) => p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`)),
      paths.join(', '),
    ).toBe(true);
    expect(res.body.status_message).toContain(paths[0]);
    expect(storedState(sim)).toEqual(before);
  });
});
