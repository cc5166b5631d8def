import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { example, without, withValue, issuePaths, issuesAt, type Path, exampleFile } from '../schema-testing.js';
import { CDR, ChargingPeriod } from './schema.js';



const BUGFIX = 'cdrs__cdr_object.release-2.1.1-bugfixes.json';
const PRICE = ['tariffs', 0, 'elements', 0, 'price_components', 0, 'price'];

/** The spec CDR with its defects repaired, plus every optional field. */
const base = (): any => {
  const cdr = example(BUGFIX);
  cdr.location.country = 'BEL';
  cdr.location.coordinates = { latitude: '51.047599', longitude: '3.729944' };
  cdr.tariffs[0].elements[0].price_components[0].price = 2.0;
  cdr.meter_id = 'METER-1';
  cdr.total_parking_time = 0.25;
  cdr.remark = 'Stopped by the driver';
  cdr.charging_periods.push({
    start_date_time: '2015-06-29T23:37:00Z',
    dimensions: [
      { type: 'ENERGY', volume: 0.5 },
      { type: 'MAX_CURRENT', volume: 16 },
      { type: 'PARKING_TIME', volume: 0.0089 },
    ],
  });
  return cdr;
};

const CP = ['charging_periods', 0];
const D = [...CP, 'dimensions', 0];
const L = ['location'];
const C = [...L, 'evses', 0, 'connectors', 0];
const T = ['tariffs', 0];

describe('CDR schema: spec examples', () => {
  it('the CDR example of tag 2.1.1-d2 is not even JSON (trailing comma)', () => {
    expect(() => JSON.parse(readFileSync(exampleFile('cdrs__cdr_object.json'), 'utf8'))).toThrow(SyntaxError);
  });

  it('refuses the bugfix-branch CDR example exactly at location.country and the string price', () => {
    // Its swapped latitude/longitude are both well-formed and in range, so no schema can see them.
    expect(issuePaths(CDR, example(BUGFIX))).toEqual([['location', 'country'], PRICE]);
    expect(issuesAt(CDR, example(BUGFIX), ['location', 'country'])).toMatch(/alpha-3/);
  });

  it('parses the example once its two defects are repaired', () => {
    const repaired = withValue(withValue(example(BUGFIX), ['location', 'country'], 'BEL'), PRICE, 2.0);
    expect(CDR.safeParse(repaired).error?.issues).toBeUndefined();
  });

  it('the enriched base CDR is valid', () => {
    expect(CDR.safeParse(base()).error?.issues).toBeUndefined();
  });
});

describe('CDR schema: each rule broken once', () => {
  const required: Path[] = [
    ['id'],
    ['start_date_time'],
    ['stop_date_time'],
    ['auth_id'],
    ['auth_method'],
    ['location'],
    ['currency'],
    ['charging_periods'],
    ['total_cost'],
    ['total_energy'],
    ['total_time'],
    ['last_updated'],
    [...CP, 'start_date_time'],
    [...CP, 'dimensions'],
    [...D, 'type'],
    [...D, 'volume'],
    [...L, 'id'],
    [...L, 'coordinates'],
    [...L, 'last_updated'],
    [...L, 'evses', 0, 'status'],
    [...C, 'standard'],
    [...T, 'id'],
    [...T, 'currency'],
    [...T, 'elements'],
    [...T, 'last_updated'],
  ];
  const enums: Path[] = [
    ['auth_method'],
    [...D, 'type'],
    ['charging_periods', 1, 'dimensions', 2, 'type'],
    [...L, 'type'],
    [...C, 'format'],
    [...T, 'elements', 0, 'price_components', 0, 'type'],
  ];
  const lengths: [Path, number, string?][] = [
    [['id'], 36],
    [['auth_id'], 36],
    [['meter_id'], 255],
    [['currency'], 3],
    [['remark'], 255],
    [['start_date_time'], 25, '2015-06-29T21:39:09.12345Z'],
    [['stop_date_time'], 25, '2015-06-29T23:37:32.12345Z'],
    [['last_updated'], 25, '2015-06-29T22:01:13.12345Z'],
    [[...CP, 'start_date_time'], 25, '2015-06-29T21:39:09.12345Z'],
    [[...L, 'id'], 39],
    [[...L, 'address'], 45],
    [[...C, 'id'], 36],
    [[...T, 'id'], 36],
  ];
  it.each(required.map((p) => [p.join('.'), p] as const))('missing required %s', (_, p) => {
    expect(issuePaths(CDR, without(base(), p))).toContainEqual(p);
  });
  it.each(enums.map((p) => [p.join('.'), p] as const))('bad enum value at %s', (_, p) => {
    expect(issuePaths(CDR, withValue(base(), p, 'NOT_A_VALUE'))).toContainEqual(p);
  });
  it.each(lengths.map(([p, n, v]) => [p.join('.'), n, p, v] as const))('%s longer than %i', (_, n, p, v) => {
    const value = v ?? 'A'.repeat(n + 1);
    expect(value).toHaveLength(n + 1);
    expect(issuesAt(CDR, withValue(base(), p, value), p)).toContain(`at most ${n} characters`);
  });
});

describe('CDR schema: formats', () => {
  const cases: [string, Path, unknown][] = [
    ['no charging periods', ['charging_periods'], []],
    ['a charging period without dimensions', [...CP, 'dimensions'], []],
    ['total_cost as a string', ['total_cost'], '4.00'],
    ['total_energy with 5 decimals', ['total_energy'], 15.34211],
    ['volume as a string', [...D, 'volume'], '1.973'],
    ['currency in lower case', ['currency'], 'eur'],
    ['id with a slash', ['id'], 'a/b'],
    ['stop_date_time with an offset', ['stop_date_time'], '2015-06-29T23:37:32+02:00'],
    ['tariffs not a list', ['tariffs'], { id: '12' }],
  ];
  it.each(cases)('refuses %s', (_, p, value) => {
    expect(issuePaths(CDR, withValue(base(), p, value))).toContainEqual(p);
  });

  it('accepts a CDR without tariffs and without optional fields', () => {
    const cdr = base();
    for (const k of ['tariffs', 'meter_id', 'total_parking_time', 'remark']) delete cdr[k];
    expect(CDR.safeParse(cdr).success).toBe(true);
  });

  it('ChargingPeriod accepts every CdrDimensionType', () => {
    const dimensions = ['ENERGY', 'FLAT', 'MAX_CURRENT', 'MIN_CURRENT', 'PARKING_TIME', 'TIME'].map((type) => ({ type, volume: 1 }));
    expect(ChargingPeriod.safeParse({ start_date_time: '2015-06-29T21:39:09', dimensions }).success).toBe(true);
  });
});
