import { describe, expect, it } from 'vitest';
import { example } from '../schema-testing.js';
import { checkTariffPolicy } from './policy.js';
import { Tariff, TariffPatch } from './schema.js';


describe('checkTariffPolicy', () => {
  it('finds PARKING_TIME, min_power and max_power in the spec complex tariff, with exact paths', () => {
    const tariff = Tariff.parse(example('tariffs__tariff_complex.json'));
    const findings = checkTariffPolicy(tariff);
    expect(findings.map(({ path, feature }) => ({ path, feature }))).toEqual([
      { path: 'elements[1].restrictions.max_power', feature: 'max_power' },
      { path: 'elements[2].restrictions.min_power', feature: 'min_power' },
      { path: 'elements[3].restrictions.min_power', feature: 'min_power' },
      { path: 'elements[4].price_components[0].type', feature: 'PARKING_TIME' },
      { path: 'elements[5].price_components[0].type', feature: 'PARKING_TIME' },
    ]);
    for (const f of findings) expect(f.message).toMatch(/Plugsurfing does not support/);
  });

  it.each(['simple', 'alt_text', 'alt_url', 'free_of_charge'])('has nothing to say about tariffs__tariff_%s.json', (name) => {
    expect(checkTariffPolicy(Tariff.parse(example(`tariffs__tariff_${name}.json`)))).toEqual([]);
  });

  it('finds start_date and end_date', () => {
    const tariff = Tariff.parse({
      id: '1',
      currency: 'EUR',
      elements: [
        { price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] },
        {
          price_components: [
            { type: 'TIME', price: 1, step_size: 60 },
            { type: 'PARKING_TIME', price: 2, step_size: 60 },
          ],
          restrictions: { start_date: '2024-01-01', end_date: '2024-02-01', min_kwh: 5 },
        },
      ],
      last_updated: '2024-01-01T00:00:00Z',
    });
    expect(checkTariffPolicy(tariff).map((f) => [f.path, f.feature])).toEqual([
      ['elements[1].price_components[1].type', 'PARKING_TIME'],
      ['elements[1].restrictions.start_date', 'start_date'],
      ['elements[1].restrictions.end_date', 'end_date'],
    ]);
  });

  it('accepts partial tariffs (PATCH bodies)', () => {
    expect(checkTariffPolicy(TariffPatch.parse({}))).toEqual([]);
    expect(checkTariffPolicy(TariffPatch.parse({ currency: 'EUR' }))).toEqual([]);
    expect(checkTariffPolicy(TariffPatch.parse(example('tariffs__patch_tariff_2_50_per_hour.json')))).toEqual([]);
    const patch = TariffPatch.parse({
      elements: [{ price_components: [{ type: 'TIME', price: 2, step_size: 300 }], restrictions: { max_power: 11 } }],
    });
    expect(checkTariffPolicy(patch)).toEqual([
      {
        path: 'elements[0].restrictions.max_power',
        feature: 'max_power',
        message: 'Plugsurfing does not support the tariff restriction max_power',
      },
    ]);
  });
});
