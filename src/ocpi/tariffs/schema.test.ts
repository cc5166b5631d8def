import { describe, expect, it } from 'vitest';
import { example, without, withValue, issuePaths, issuesAt, type Path } from '../schema-testing.js';
import { Tariff, TariffPatch, TariffRestrictions } from './schema.js';



// The spec's complex Tariff, plus every optional field so each can be broken once.
const base = (): any => {
  const t = example('tariffs__tariff_complex.json');
  t.tariff_alt_text = [{ language: 'en', text: '2.50 EUR start, then per hour' }];
  t.energy_mix = { is_green_energy: true, supplier_name: 'Greenpeace Energy eG', energy_product_name: 'eco-power' };
  Object.assign(t.elements[4].restrictions, {
    start_date: '2015-12-24',
    end_date: '2015-12-27',
    min_kwh: 0,
    max_kwh: 50.5,
    min_duration: 0,
    max_duration: 3600,
  });
  return t;
};

const PC = ['elements', 0, 'price_components', 0];
const R = ['elements', 4, 'restrictions'];

const required: Path[] = [
  ['id'],
  ['currency'],
  ['elements'],
  ['last_updated'],
  ['tariff_alt_text', 0, 'language'],
  ['tariff_alt_text', 0, 'text'],
  ['energy_mix', 'is_green_energy'],
  ['elements', 0, 'price_components'],
  [...PC, 'type'],
  [...PC, 'price'],
  [...PC, 'step_size'],
];
const enums: Path[] = [
  [...PC, 'type'],
  [...R, 'day_of_week', 0],
];
const lengths: [Path, number, string?][] = [
  [['id'], 36],
  [['currency'], 3],
  [['tariff_alt_url'], 255, `https://example.com/${'a'.repeat(236)}`],
  [['last_updated'], 25, '2015-06-29T20:39:09.12345Z'],
  [['tariff_alt_text', 0, 'language'], 2],
  [['tariff_alt_text', 0, 'text'], 512],
  [['energy_mix', 'supplier_name'], 64],
  [[...R, 'start_time'], 5, '09:00x'],
  [[...R, 'end_time'], 5, '18:00x'],
  [[...R, 'start_date'], 10, '2015-12-24x'],
  [[...R, 'end_date'], 10, '2015-12-27x'],
];

describe('Tariff schema: spec examples', () => {
  it.each(['simple', 'alt_text', 'alt_url', 'complex', 'free_of_charge'])('parses tariffs__tariff_%s.json', (name) => {
    expect(Tariff.safeParse(example(`tariffs__tariff_${name}.json`)).error?.issues).toBeUndefined();
  });

  it('refuses the "New Tariff" PUT example for its missing last_updated, and only for that', () => {
    expect(issuePaths(Tariff, example('tariffs__put_tariff_2eur_per_hour.json'))).toEqual([['last_updated']]);
  });

  it('accepts the same body, and the "Change Tariff" example, as PATCH bodies', () => {
    expect(TariffPatch.safeParse(example('tariffs__put_tariff_2eur_per_hour.json')).success).toBe(true);
    expect(TariffPatch.safeParse(example('tariffs__patch_tariff_2_50_per_hour.json')).success).toBe(true);
  });

  it('the enriched base Tariff is valid', () => {
    expect(Tariff.safeParse(base()).error?.issues).toBeUndefined();
  });
});

describe('Tariff schema: each rule broken once', () => {
  it.each(required.map((p) => [p.join('.'), p] as const))('missing required %s', (_, p) => {
    expect(issuePaths(Tariff, without(base(), p))).toContainEqual(p);
  });
  it.each(enums.map((p) => [p.join('.'), p] as const))('bad enum value at %s', (_, p) => {
    expect(issuePaths(Tariff, withValue(base(), p, 'NOT_A_VALUE'))).toContainEqual(p);
  });
  it.each(lengths.map(([p, n, v]) => [p.join('.'), n, p, v] as const))('%s longer than %i', (_, n, p, v) => {
    const value = v ?? 'A'.repeat(n + 1);
    expect(value).toHaveLength(n + 1);
    expect(issuesAt(Tariff, withValue(base(), p, value), p)).toContain(`at most ${n} characters`);
  });
});

describe('Tariff schema: formats', () => {
  const cases: [string, Path, unknown][] = [
    ['no elements', ['elements'], []],
    ['no price components', ['elements', 0, 'price_components'], []],
    ['currency in lower case', ['currency'], 'eur'],
    ['id with a slash', ['id'], '1/2'],
    ['price given as a string (as in the CDR example)', [...PC, 'price'], '2.00'],
    ['price with 5 decimals', [...PC, 'price'], 0.12345],
    ['step_size not an integer', [...PC, 'step_size'], 1.5],
    ['negative step_size', [...PC, 'step_size'], -300],
    ['start_time without leading zero', [...R, 'start_time'], '9:00'],
    ['end_time past midnight', [...R, 'end_time'], '24:30'],
    ['start_date in another format', [...R, 'start_date'], '24-12-2015'],
    ['end_date that does not exist', [...R, 'end_date'], '2015-02-30'],
    ['min_kwh negative', [...R, 'min_kwh'], -1],
    ['max_duration not an integer', [...R, 'max_duration'], 60.5],
    ['day_of_week not a list', [...R, 'day_of_week'], 'SATURDAY'],
    ['tariff_alt_url not a URL', ['tariff_alt_url'], 'tariffs/11'],
  ];
  it.each(cases)('refuses %s', (_, p, value) => {
    expect(issuePaths(Tariff, withValue(base(), p, value))).toContainEqual(p);
  });

  it('accepts a time range over midnight and 24:00 as end of day', () => {
    expect(TariffRestrictions.safeParse({ start_time: '22:00', end_time: '06:00' }).success).toBe(true);
    expect(TariffRestrictions.safeParse({ start_time: '18:00', end_time: '24:00' }).success).toBe(true);
  });

  it('TariffPatch still validates the fields given', () => {
    expect(TariffPatch.safeParse({}).success).toBe(true);
    expect(issuePaths(TariffPatch, { elements: [] })).toEqual([['elements']]);
    expect(issuePaths(TariffPatch, { elements: [{ price_components: [{ type: 'PARKING', price: 1, step_size: 1 }] }] })).toEqual([
      ['elements', 0, 'price_components', 0, 'type'],
    ]);
  });

  it('drops unknown fields', () => {
    const r = Tariff.safeParse(withValue(base(), ['elements', 0, 'x_note'], 'hi'));
    expect(r.success).toBe(true);
    expect(r.data?.elements[0]).not.toHaveProperty('x_note');
  });
});
