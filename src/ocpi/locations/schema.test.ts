import { describe, expect, it } from 'vitest';
import { example, without, withValue, issuePaths, issuesAt, type Path } from '../schema-testing.js';
import { ConnectorPatch, EnergyMix, EVSE, EvsePatch, Hours, Location, LocationPatch, RegularHours } from './schema.js';



// The spec's Location example, enriched with every optional class so each field can be broken once.
const validLocation = (): any => ({
  ...example('locations__location_object.json'),
  related_locations: [{ latitude: '51.047000', longitude: '3.729000', name: { language: 'en', text: 'Entrance' } }],
  directions: [{ language: 'en', text: 'Behind the station' }],
  suboperator: { name: 'Sub', website: 'https://sub.example.com/' },
  owner: { name: 'Owner', logo: { url: 'https://owner.example.com/logo.png', category: 'OWNER', type: 'png' } },
  facilities: ['TRAIN_STATION'],
  time_zone: 'Europe/Brussels',
  opening_times: example('locations__opening_times.wrapped.json').opening_times,
  charging_when_closed: true,
  images: [
    {
      url: 'https://example.com/a.jpg',
      thumbnail: 'https://example.com/t.jpg',
      category: 'LOCATION',
      type: 'jpeg',
      width: 800,
      height: 600,
    },
  ],
  energy_mix: example('locations__energy_mix_complete.wrapped.json').energy_mix,
});
// ... and on the first EVSE and connector.
const base = (): any => {
  const l = validLocation();
  const evse = l.evses[0];
  evse.status_schedule = [{ period_begin: '2015-07-01T00:00:00Z', period_end: '2015-07-02T00:00:00Z', status: 'INOPERATIVE' }];
  evse.coordinates = { latitude: '-51.047599', longitude: '-123.729944' };
  evse.directions = [{ language: 'nl', text: 'Links' }];
  evse.parking_restrictions = ['EV_ONLY'];
  evse.images = [{ url: 'https://example.com/e.jpg', category: 'CHARGER', type: 'jpeg' }];
  evse.connectors[0].terms_and_conditions = 'https://example.com/terms';
  return l;
};

const E = ['evses', 0];
const C = [...E, 'connectors', 0];
const OT = ['opening_times'];
const EM = ['energy_mix'];

const required: Path[] = [
  ['id'],
  ['type'],
  ['address'],
  ['city'],
  ['postal_code'],
  ['country'],
  ['coordinates'],
  ['coordinates', 'latitude'],
  ['coordinates', 'longitude'],
  ['last_updated'],
  ['related_locations', 0, 'latitude'],
  ['related_locations', 0, 'longitude'],
  ['directions', 0, 'language'],
  ['directions', 0, 'text'],
  ['operator', 'name'],
  ['owner', 'logo', 'url'],
  ['owner', 'logo', 'category'],
  ['owner', 'logo', 'type'],
  ['images', 0, 'url'],
  ['images', 0, 'category'],
  ['images', 0, 'type'],
  [...EM, 'is_green_energy'],
  [...EM, 'energy_sources', 0, 'source'],
  [...EM, 'energy_sources', 0, 'percentage'],
  [...EM, 'environ_impact', 0, 'source'],
  [...EM, 'environ_impact', 0, 'amount'],
  [...OT, 'regular_hours', 0, 'weekday'],
  [...OT, 'regular_hours', 0, 'period_begin'],
  [...OT, 'regular_hours', 0, 'period_end'],
  [...OT, 'exceptional_openings', 0, 'period_begin'],
  [...OT, 'exceptional_openings', 0, 'period_end'],
  [...OT, 'exceptional_closings', 0, 'period_begin'],
  [...OT, 'exceptional_closings', 0, 'period_end'],
  [...E, 'uid'],
  [...E, 'status'],
  [...E, 'connectors'],
  [...E, 'last_updated'],
  [...E, 'status_schedule', 0, 'period_begin'],
  [...E, 'status_schedule', 0, 'status'],
  [...E, 'coordinates', 'latitude'],
  [...E, 'coordinates', 'longitude'],
  [...C, 'id'],
  [...C, 'standard'],
  [...C, 'format'],
  [...C, 'power_type'],
  [...C, 'voltage'],
  [...C, 'amperage'],
  [...C, 'last_updated'],
];

const enums: Path[] = [
  ['type'],
  ['facilities', 0],
  ['images', 0, 'category'],
  ['owner', 'logo', 'category'],
  [...EM, 'energy_sources', 0, 'source'],
  [...EM, 'environ_impact', 0, 'source'],
  [...E, 'status'],
  [...E, 'capabilities', 0],
  [...E, 'parking_restrictions', 0],
  [...E, 'status_schedule', 0, 'status'],
  [...E, 'images', 0, 'category'],
  [...C, 'standard'],
  [...C, 'format'],
  [...C, 'power_type'],
];

const url = (n: number) => `https://example.com/${'a'.repeat(n - 20)}`;
const lengths: [Path, number, string?][] = [
  [['id'], 39],
  [['name'], 255],
  [['address'], 45],
  [['city'], 45],
  [['postal_code'], 10],
  [['country'], 3],
  [['coordinates', 'latitude'], 10, '51.04759900'],
  [['coordinates', 'longitude'], 11, '-123.7299440'],
  [['time_zone'], 255],
  [['last_updated'], 25, '2015-06-29T20:39:09.12345Z'],
  [['related_locations', 0, 'name', 'text'], 512],
  [['directions', 0, 'language'], 2],
  [['directions', 0, 'text'], 512],
  [['operator', 'name'], 100],
  [['suboperator', 'website'], 255, url(256)],
  [['owner', 'logo', 'type'], 4],
  [['images', 0, 'url'], 255, url(256)],
  [['images', 0, 'thumbnail'], 255, url(256)],
  [['images', 0, 'type'], 4],
  [[...EM, 'supplier_name'], 64],
  [[...EM, 'energy_product_name'], 64],
  [[...OT, 'regular_hours', 0, 'period_begin'], 5, '08:00x'],
  [[...OT, 'regular_hours', 0, 'period_end'], 5, '20:00x'],
  [[...OT, 'exceptional_openings', 0, 'period_begin'], 25, '2014-06-21T09:00:00.12345Z'],
  [[...E, 'uid'], 39],
  [[...E, 'evse_id'], 48],
  [[...E, 'floor_level'], 4],
  [[...E, 'physical_reference'], 16],
  [[...E, 'directions', 0, 'text'], 512],
  [[...E, 'last_updated'], 25, '2015-06-28T08:12:01.12345Z'],
  [[...C, 'id'], 36],
  [[...C, 'tariff_id'], 36],
  [[...C, 'terms_and_conditions'], 255, url(256)],
  [[...C, 'last_updated'], 25, '2015-03-16T10:10:02.12345Z'],
];

describe('Location schema: spec examples', () => {
  it('parses the spec Location example (3.1)', () => {
    expect(Location.safeParse(example('locations__location_object.json')).success).toBe(true);
  });

  it('parses the EnergyMix examples (4.5)', () => {
    for (const f of ['simple', 'supplier_based', 'complete']) {
      const r = EnergyMix.safeParse(example(`locations__energy_mix_${f}.wrapped.json`).energy_mix);
      expect(r.success, f).toBe(true);
    }
  });

  it('parses the Hours example (4.19.1) although it sends twentyfourseven: false next to regular_hours', () => {
    expect(Hours.safeParse(example('locations__opening_times.wrapped.json').opening_times).success).toBe(true);
  });

  it('accepts the PATCH examples with the patch schemas', () => {
    expect(LocationPatch.safeParse(example('locations__patch_location_name.json')).success).toBe(true);
    expect(EvsePatch.safeParse(example('locations__patch_evse_status_charging.json')).success).toBe(true);
    expect(EvsePatch.safeParse(example('locations__patch_evse_status_removed.json')).success).toBe(true);
    expect(ConnectorPatch.safeParse(example('locations__patch_connector_tariff_id.json')).success).toBe(true);
  });

  it('refuses the "add an EVSE" PUT example at each defect; the unknown `floor` is only dropped', () => {
    const paths = issuePaths(EVSE, example('locations__put_evse_new.json'));
    expect(paths).toHaveLength(6);
    expect(paths).toEqual(
      expect.arrayContaining([
        ['physical_reference'],
        ['last_updated'],
        ['connectors', 0, 'power_type'],
        ['connectors', 0, 'voltage'],
        ['connectors', 0, 'amperage'],
        ['connectors', 0, 'last_updated'],
      ]),
    );
  });

  it('the enriched base Location is valid', () => {
    expect(Location.safeParse(base()).error?.issues).toBeUndefined();
  });
});

describe('Location schema: each rule broken once', () => {
  it.each(required.map((p) => [p.join('.'), p] as const))('missing required %s', (_, p) => {
    expect(issuePaths(Location, without(base(), p))).toContainEqual(p);
  });
  it.each(enums.map((p) => [p.join('.'), p] as const))('bad enum value at %s', (_, p) => {
    expect(issuePaths(Location, withValue(base(), p, 'NOT_A_VALUE'))).toContainEqual(p);
  });
  it.each(lengths.map(([p, n, v]) => [p.join('.'), n, p, v] as const))('%s longer than %i', (_, n, p, v) => {
    const value = v ?? 'A'.repeat(n + 1);
    expect(value).toHaveLength(n + 1);
    expect(issuesAt(Location, withValue(base(), p, value), p)).toContain(`at most ${n} characters`);
  });
});

describe('Location schema: formats and cross-field rules', () => {
  const cases: [string, Path, unknown][] = [
    ['country alpha-2', ['country'], 'BE'],
    ['country lower case', ['country'], 'bel'],
    ['latitude without 6 decimals', ['coordinates', 'latitude'], '51.0475'],
    ['latitude out of range', ['coordinates', 'latitude'], '91.000000'],
    ['longitude with comma', ['coordinates', 'longitude'], '3,729944'],
    ['longitude out of range', ['coordinates', 'longitude'], '-181.000000'],
    ['id with a slash', ['id'], 'LOC/1'],
    ['empty id', ['id'], ''],
    ['unknown time zone', ['time_zone'], 'Europe/Nowhere'],
    ['time zone given as an offset', ['time_zone'], '+01:00'],
    ['DateTime with an offset', ['last_updated'], '2015-06-29T20:39:09+00:00'],
    ['weekday 0', [...OT, 'regular_hours', 0, 'weekday'], 0],
    ['weekday 8', [...OT, 'regular_hours', 0, 'weekday'], 8],
    ['period_begin without leading zero', [...OT, 'regular_hours', 0, 'period_begin'], '8:00'],
    ['period_end 25:00', [...OT, 'regular_hours', 0, 'period_end'], '25:00'],
    ['period_end before period_begin', [...OT, 'regular_hours', 0, 'period_end'], '07:00'],
    ['percentage above 100', [...EM, 'energy_sources', 0, 'percentage'], 100.5],
    ['voltage not an integer', [...C, 'voltage'], 230.5],
    ['negative amperage', [...C, 'amperage'], -16],
    ['no connectors', [...E, 'connectors'], []],
    ['duplicate connector id', [...E, 'connectors', 1, 'id'], '1'],
    ['duplicate EVSE uid', ['evses', 1, 'uid'], '3256'],
    ['physical_reference as a number', [...E, 'physical_reference'], 3],
    ['tariff_id not printable ASCII', [...C, 'tariff_id'], 'tarief\u00e9'],
  ];
  it.each(cases)('refuses %s', (_, p, value) => {
    expect(issuePaths(Location, withValue(base(), p, value))).toContainEqual(p);
  });

  it('refuses Hours with neither regular_hours nor twentyfourseven, at opening_times', () => {
    const l = withValue(base(), OT, { exceptional_openings: [] });
    expect(issuePaths(Location, l)).toEqual([OT]);
    const r = Location.safeParse(l);
    expect(r.error?.issues[0]?.message).toMatch(/either regular_hours or twentyfourseven/);
  });

  it('refuses twentyfourseven: true together with regular_hours, at regular_hours', () => {
    const l = withValue(base(), [...OT, 'twentyfourseven'], true);
    expect(issuePaths(Location, l)).toEqual([[...OT, 'regular_hours']]);
  });

  it('accepts twentyfourseven alone, and regular_hours alone', () => {
    expect(Hours.safeParse({ twentyfourseven: true }).success).toBe(true);
    expect(Hours.safeParse({ regular_hours: [{ weekday: 7, period_begin: '00:00', period_end: '24:00' }] }).success).toBe(true);
    expect(RegularHours.safeParse({ weekday: 1, period_begin: '8:00', period_end: '20:00' }).error?.issues).toHaveLength(1);
  });

  it('says which values an enum allows, and that a missing enum is required', () => {
    const bad = Location.safeParse(withValue(base(), [...C, 'power_type'], 'AC'));
    expect(bad.error?.issues[0]?.message).toBe('must be one of: AC_1_PHASE, AC_3_PHASE, DC');
    const missing = Location.safeParse(without(base(), ['type']));
    expect(missing.error?.issues[0]?.message).toBe('is required');
  });

  it('drops unknown fields instead of refusing them', () => {
    const input = withValue(withValue(base(), ['x_vendor'], 1), [...E, 'floor'], -1);
    const r = Location.safeParse(input);
    expect(r.success).toBe(true);
    expect(r.data).not.toHaveProperty('x_vendor');
    expect(r.data?.evses?.[0]).not.toHaveProperty('floor');
  });
});

describe('PATCH schemas', () => {
  it('accept any subset, including nothing', () => {
    expect(LocationPatch.safeParse({}).success).toBe(true);
    expect(EvsePatch.safeParse({ last_updated: '2015-06-29T20:39:09Z' }).success).toBe(true);
    expect(ConnectorPatch.safeParse({}).success).toBe(true);
  });

  it('still validate the fields given, and whole nested objects', () => {
    expect(issuePaths(LocationPatch, { name: 'x'.repeat(256) })).toEqual([['name']]);
    expect(issuePaths(LocationPatch, { evses: [{ uid: '1', status: 'AVAILABLE', last_updated: '2015-06-29T20:39:09Z' }] })).toEqual([
      ['evses', 0, 'connectors'],
    ]);
    expect(issuePaths(EvsePatch, { status: 'BROKEN' })).toEqual([['status']]);
    expect(issuePaths(EvsePatch, { connectors: [] })).toEqual([['connectors']]);
    expect(issuePaths(ConnectorPatch, { voltage: '230' })).toEqual([['voltage']]);
  });
});
