// Every Locations and Tariffs example of the 2.1.1-d2 spec (see SOURCES.md beside them), sent
// to the URL it names (adapted to our base: /ocpi/2.1.1/... for /ocpi/emsp/2.0/...), by the
// party the URLs use (NL*TNM). Whole valid objects and PATCH bodies are accepted; the defective
// ones are refused with a message naming each defect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type TestSim } from './helpers/sim.js';
import { example, exampleText, LOC, storedState, TAR } from './locations-fixtures.js';

let sim: TestSim;
let token: string;
beforeEach(async () => {
  sim = await startSim();
  ({ token } = await sim.addParty('NL', 'TNM'));
});
afterEach(() => sim.stop());

const stored = async (id: string) => (await sim.call('GET', `/admin/locations/NL/TNM/${id}`)).body.location;
const accepted = (res: { status: number; body: any }, http: number) => {
  expect(res.body.status_code, res.body.status_message).toBe(1000);
  expect(res.status).toBe(http);
};

/** Location 1012 of the PATCH examples: the spec's Location example with that id, EVSE 3255 carrying connector 2. */
async function putLocation1012() {
  const l = example('locations__location_object.json');
  l.id = '1012';
  l.evses[0].uid = '3255';
  accepted(await sim.call('PUT', `${LOC}/NL/TNM/1012`, { token, json: l }), 201);
}

/** The spec's "add an EVSE" body with its defects repaired (see SOURCES.md). */
function repairedEvse3256() {
  const e = example('locations__put_evse_new.json');
  e.physical_reference = String(e.physical_reference);
  e.floor_level = String(e.floor);
  e.last_updated = '2015-06-30T10:00:00Z';
  Object.assign(e.connectors[0], { power_type: 'AC_3_PHASE', voltage: 220, amperage: 16, last_updated: '2015-06-30T10:00:00Z' });
  return e;
}

describe('Locations examples', () => {
  it('3.1 Location example: PUT at /locations/NL/TNM/LOC1 is created (in the Territory: BEL)', async () => {
    const json = example('locations__location_object.json');
    accepted(await sim.call('PUT', `${LOC}/NL/TNM/LOC1`, { token, json }), 201);
    const s = (await sim.call('GET', '/admin/locations/NL/TNM/LOC1')).body;
    expect(s.in_territory).toBe(true);
    expect(s.location).toEqual(json); // nothing unknown, nothing dropped: stored exactly as sent
  });

  it('PATCH "a simple status update" at /1012/3255', async () => {
    await putLocation1012();
    accepted(
      await sim.call('PATCH', `${LOC}/NL/TNM/1012/3255`, { token, json: example('locations__patch_evse_status_charging.json') }),
      200,
    );
    expect((await stored('1012')).evses[0].status).toBe('CHARGING');
  });

  it('PATCH "change the location name" at /1012', async () => {
    await putLocation1012();
    accepted(await sim.call('PATCH', `${LOC}/NL/TNM/1012`, { token, json: example('locations__patch_location_name.json') }), 200);
    expect((await stored('1012')).name).toBe('Interparking Gent Zuid');
  });

  it('PATCH "set tariff update" at /1012/3255/2', async () => {
    await putLocation1012();
    accepted(
      await sim.call('PATCH', `${LOC}/NL/TNM/1012/3255/2`, { token, json: example('locations__patch_connector_tariff_id.json') }),
      200,
    );
    const l = await stored('1012');
    expect(l.evses[0].connectors[1].tariff_id).toBe('15');
    expect(l.evses[0].connectors[0].tariff_id).toBe('11');
  });

  it('PUT "add an EVSE" at /1012/3256 as published is refused, naming each defect; nothing stored', async () => {
    await putLocation1012();
    const before = storedState(sim);
    const res = await sim.call('PUT', `${LOC}/NL/TNM/1012/3256`, { token, json: example('locations__put_evse_new.json') });
    expect(res.status).toBe(200);
    expect(res.body.status_code).toBe(2001);
    const issues = Object.fromEntries(res.body.data.issues.map((i: { path: string; message: string }) => [i.path, i.message]));
    expect(Object.keys(issues).sort()).toEqual(
      [
        'connectors[0].amperage',
        'connectors[0].last_updated',
        'connectors[0].power_type',
        'connectors[0].voltage',
        'last_updated',
        'physical_reference',
      ].sort(),
    );
    expect(issues.physical_reference).toMatch(/expected string, received number/);
    expect(res.body.status_message).toMatch(/connectors\[0\]\.power_type: is required/);
    expect(storedState(sim)).toEqual(before);
  });

  it('PUT of that EVSE repaired is created; then PATCH "delete an EVSE" keeps it with status REMOVED', async () => {
    await putLocation1012();
    accepted(await sim.call('PUT', `${LOC}/NL/TNM/1012/3256`, { token, json: repairedEvse3256() }), 201);
    // "floor" is not an EVSE field (floor_level is): accepted, not stored, reported.
    const unknown = (await sim.call('GET', '/admin/findings?rule=ocpi.unknown-field')).body.items;
    expect(unknown[0]).toMatchObject({ path: 'floor', severity: 'info' });
    accepted(
      await sim.call('PATCH', `${LOC}/NL/TNM/1012/3256`, { token, json: example('locations__patch_evse_status_removed.json') }),
      200,
    );
    const l = await stored('1012');
    expect(l.evses.map((e: any) => [e.uid, e.status])).toEqual([
      ['3255', 'AVAILABLE'],
      ['3257', 'RESERVED'],
      ['3256', 'REMOVED'],
    ]);
    expect(l.evses[2]).toMatchObject({ floor_level: '-1', physical_reference: '3' });
    expect(l.evses[2].floor).toBeUndefined();
  });

  it.each([
    ['locations__energy_mix_simple.wrapped.json', 'energy_mix'],
    ['locations__energy_mix_supplier_based.wrapped.json', 'energy_mix'],
    ['locations__energy_mix_complete.wrapped.json', 'energy_mix'],
    ['locations__opening_times.wrapped.json', 'opening_times'],
  ])('%s (a fragment made an object) is a valid Location PATCH at /1012', async (file, field) => {
    await putLocation1012();
    const json = example(file);
    accepted(await sim.call('PATCH', `${LOC}/NL/TNM/1012`, { token, json }), 200);
    expect((await stored('1012'))[field]).toEqual(json[field]);
  });

  it.each(['locations__energy_mix_simple.json', 'locations__opening_times.json'])(
    '%s as published (a fragment, not JSON) is a transport error: 400 with 2001',
    async (file) => {
      await putLocation1012();
      const before = storedState(sim);
      const res = await sim.call('PATCH', `${LOC}/NL/TNM/1012`, {
        token,
        body: exampleText(file),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
      expect(res.body.status_code).toBe(2001);
      expect(res.body.status_message).toMatch(/not valid JSON/);
      expect(storedState(sim)).toEqual(before);
    },
  );
});

describe('Tariffs examples', () => {
  it.each([
    'tariffs__tariff_simple.json',
    'tariffs__tariff_alt_text.json',
    'tariffs__tariff_alt_url.json',
    'tariffs__tariff_free_of_charge.json',
  ])('%s: PUT at /tariffs/NL/TNM/12 is created, then replaced', async (file) => {
    const json = example(file);
    accepted(await sim.call('PUT', `${TAR}/NL/TNM/12`, { token, json }), 201);
    accepted(await sim.call('PUT', `${TAR}/NL/TNM/12`, { token, json }), 200);
    expect((await sim.call('GET', '/admin/tariffs/NL/TNM/12')).body.tariff).toEqual(json);
  });

  it('"New Tariff 2 euro per hour" as published lacks last_updated: refused naming it', async () => {
    const res = await sim.call('PUT', `${TAR}/NL/TNM/12`, { token, json: example('tariffs__put_tariff_2eur_per_hour.json') });
    expect(res.body.status_code).toBe(2001);
    expect(res.body.data.issues.map((i: { path: string }) => i.path)).toEqual(['last_updated']);
    expect(res.body.status_message).toMatch(/^Invalid Tariff: last_updated: /);
    expect((await sim.call('GET', '/admin/tariffs')).body.total).toBe(0);
  });

  it('"Change Tariff to 2,50" is a PATCH body (printed as PUT): accepted at /tariffs/NL/TNM/12', async () => {
    accepted(await sim.call('PUT', `${TAR}/NL/TNM/12`, { token, json: example('tariffs__tariff_simple.json') }), 201);
    accepted(await sim.call('PATCH', `${TAR}/NL/TNM/12`, { token, json: example('tariffs__patch_tariff_2_50_per_hour.json') }), 200);
    const t = (await sim.call('GET', '/admin/tariffs/NL/TNM/12')).body.tariff;
    expect(t.elements[0].price_components[0].price).toBe(2.5);
    expect(t.currency).toBe('EUR');
  });

  it('the complex example uses PARKING_TIME, min_power and max_power: refused naming each use', async () => {
    const res = await sim.call('PUT', `${TAR}/NL/TNM/11`, { token, json: example('tariffs__tariff_complex.json') });
    expect(res.body.status_code).toBe(2001);
    expect(res.body.data.issues.map((i: { path: string }) => i.path)).toEqual([
      'elements[1].restrictions.max_power',
      'elements[2].restrictions.min_power',
      'elements[3].restrictions.min_power',
      'elements[4].price_components[0].type',
      'elements[5].price_components[0].type',
    ]);
    for (const part of ['max_power', 'min_power', 'PARKING_TIME', 'elements[5].price_components[0].type'])
      expect(res.body.status_message).toContain(part);
    expect((await sim.call('GET', '/admin/tariffs')).body.total).toBe(0);
  });

  it('the complex example with TARIFF_POLICY=lenient is stored, with a warning per use', async () => {
    const lenient = await startSim({ tariffPolicy: 'lenient' });
    try {
      const p = await lenient.addParty('NL', 'TNM');
      const res = await lenient.call('PUT', `${TAR}/NL/TNM/11`, { token: p.token, json: example('tariffs__tariff_complex.json') });
      expect(res.status).toBe(201);
      const stored = (await lenient.call('GET', '/admin/tariffs/NL/TNM/11')).body;
      expect(stored.policy_warnings).toHaveLength(5);
      const f = (await lenient.call('GET', '/admin/findings?rule=tariffs.unsupported-feature')).body;
      expect(f.total).toBe(5);
      expect(f.items.every((x: any) => x.severity === 'warning' && x.object.id === 'NL*TNM/11')).toBe(true);
    } finally {
      await lenient.stop();
    }
  });
});
