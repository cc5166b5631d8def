// Table-driven: each required field, each enum and each length limit of a Location PUT broken
// once. Each must answer 2001 (HTTP 200: valid JSON at an existing resource) naming the path,
// and leave the store as it was (the Location being replaced stays as stored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type TestSim } from './helpers/sim.js';
import { LOC, location, setPath, storedState } from './locations-fixtures.js';

let sim: TestSim;
let token: string;
let before: Record<string, unknown>;

/** A Location using every optional part, so every path below exists. */
function full(): any {
  const l = location('LOC1', {
    related_locations: [{ latitude: '52.379000', longitude: '4.899000', name: { language: 'nl', text: 'Ingang' } }],
    directions: [{ language: 'en', text: 'Behind the station' }],
    suboperator: { name: 'Sub' },
    owner: {
      name: 'Owner',
      website: 'https://owner.example.com',
      logo: { url: 'https://owner.example.com/l.png', category: 'OWNER', type: 'png' },
    },
    opening_times: { twentyfourseven: true },
    charging_when_closed: true,
    images: [{ url: 'https://img.example.com/1.jpg', category: 'LOCATION', type: 'jpeg', width: 100, height: 100 }],
    energy_mix: {
      is_green_energy: true,
      energy_sources: [{ source: 'SOLAR', percentage: 100 }],
      environ_impact: [{ source: 'CARBON_DIOXIDE', amount: 0 }],
      supplier_name: 'Supplier',
      energy_product_name: 'Green',
    },
  });
  Object.assign(l.evses[0], {
    status_schedule: [{ period_begin: '2026-02-01T00:00:00Z', status: 'PLANNED' }],
    floor_level: '-1',
    physical_reference: '12',
    parking_restrictions: ['EV_ONLY'],
    coordinates: { latitude: '52.379189', longitude: '4.899431' },
  });
  Object.assign(l.evses[0].connectors[0], { tariff_id: 'T1', terms_and_conditions: 'https://cpo.example.com/terms' });
  return l;
}

const REQUIRED = [
  'id',
  'type',
  'address',
  'city',
  'postal_code',
  'country',
  'coordinates',
  'coordinates.latitude',
  'coordinates.longitude',
  'last_updated',
  'evses[0].uid',
  'evses[0].status',
  'evses[0].connectors',
  'evses[0].last_updated',
  'evses[0].connectors[0].id',
  'evses[0].connectors[0].standard',
  'evses[0].connectors[0].format',
  'evses[0].connectors[0].power_type',
  'evses[0].connectors[0].voltage',
  'evses[0].connectors[0].amperage',
  'evses[0].connectors[0].last_updated',
  'related_locations[0].latitude',
  'directions[0].language',
  'directions[0].text',
  'operator.name',
  'owner.logo.category',
  'owner.logo.url',
  'images[0].type',
  'energy_mix.is_green_energy',
  'energy_mix.energy_sources[0].percentage',
  'energy_mix.environ_impact[0].amount',
  'evses[0].status_schedule[0].period_begin',
  'evses[0].status_schedule[0].status',
];

const ENUMS = [
  'type',
  'facilities[0]',
  'images[0].category',
  'energy_mix.energy_sources[0].source',
  'energy_mix.environ_impact[0].source',
  'evses[0].status',
  'evses[0].capabilities[0]',
  'evses[0].parking_restrictions[0]',
  'evses[0].status_schedule[0].status',
  'evses[0].connectors[0].standard',
  'evses[0].connectors[0].format',
  'evses[0].connectors[0].power_type',
];

/** path -> the limit of its string(n) (mod_locations.md, types.md). */
const LENGTHS: [string, number][] = [
  ['name', 255],
  ['address', 45],
  ['city', 45],
  ['postal_code', 10],
  ['time_zone', 255],
  ['directions[0].language', 2],
  ['directions[0].text', 512],
  ['operator.name', 100],
  ['images[0].type', 4],
  ['energy_mix.supplier_name', 64],
  ['energy_mix.energy_product_name', 64],
  ['evses[0].evse_id', 48],
  ['evses[0].floor_level', 4],
  ['evses[0].physical_reference', 16],
  ['evses[0].connectors[0].tariff_id', 36],
];

const cases: { name: string; path: string; value: unknown }[] = [
  ...REQUIRED.map((path) => ({ name: `required ${path} missing`, path, value: undefined })),
  ...ENUMS.map((path) => ({ name: `enum ${path} not a value`, path, value: 'NOT_A_VALUE' })),
  ...LENGTHS.map(([path, n]) => ({ name: `${path} longer than ${n}`, path, value: 'x'.repeat(n + 1) })),
  // Ids are in URLs too: their length is checked on the body (the URL keeps LOC1 / the same ids).
  { name: 'evses[0].uid longer than 39', path: 'evses[0].uid', value: 'u'.repeat(40) },
  { name: 'evses[0].connectors[0].id longer than 36', path: 'evses[0].connectors[0].id', value: 'c'.repeat(37) },
  { name: 'country longer than 3', path: 'country', value: 'NLDX' },
  { name: 'country not alpha-3', path: 'country', value: 'NL' },
  { name: 'latitude without 6 decimals', path: 'coordinates.latitude', value: '52.37' },
  { name: 'last_updated with an offset', path: 'last_updated', value: '2026-01-01T00:00:00+01:00' },
  { name: 'terms_and_conditions not a URL', path: 'evses[0].connectors[0].terms_and_conditions', value: 'terms' },
  { name: 'voltage not an integer', path: 'evses[0].connectors[0].voltage', value: 230.5 },
  { name: 'connectors empty', path: 'evses[0].connectors', value: [] },
  { name: 'duplicate EVSE uid', path: 'evses[1].uid', value: 'E1' },
  { name: 'time_zone not IANA', path: 'time_zone', value: 'Mars/Olympus' },
];

beforeAll(async () => {
  sim = await startSim();
  ({ token } = await sim.addParty());
  const res = await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: full() });
  expect(res.status, res.body.status_message).toBe(201);
  before = storedState(sim);
});
afterAll(() => sim.stop());

describe('Location PUT: every broken field answers 2001 naming it, nothing changes', () => {
  it.each(cases)('$name', async ({ path, value }) => {
    const res = await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json: setPath(full(), path, value) });
    expect(res.status).toBe(200);
    expect(res.body.status_code).toBe(2001);
    expect(res.body.status_message).toMatch(/^Invalid Location: /);
    const paths: string[] = res.body.data.issues.map((i: { path: string }) => i.path);
    // The issue is at the path, or below it for a missing object (coordinates -> coordinates).
    expect(
      paths.some((p) => p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`)),
      paths.join(', '),
    ).toBe(true);
    expect(res.body.status_message).toContain(paths[0]);
    expect(storedState(sim)).toEqual(before);
  });

  it('the same object at every length limit exactly is accepted', async () => {
    const l = full();
    for (const [path, n] of LENGTHS) setPath(l, path, 'x'.repeat(n));
    setPath(l, 'time_zone', 'Europe/Amsterdam'); // a real zone, not its length
    const res = await sim.call('PUT', `${LOC}/NL/TNM/${'L'.repeat(39)}`, { token, json: { ...l, id: 'L'.repeat(39) } });
    expect(res.body.status_code, res.body.status_message).toBe(1000);
    expect(res.status).toBe(201);
  });
});
