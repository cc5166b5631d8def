// Worked examples for the CDR pricing engine. Every expected number is computed by hand in the
// comment above it. Dates: 2015-06-29 is a Monday, 2015-07-03 a Friday, 2015-07-04 a Saturday.
import { describe, expect, it } from 'vitest';
import type { PriceComponent, Tariff, TariffElement, TariffRestrictions } from '../tariffs/schema.js';
import { checkTotals, type PriceCdrInput, priceCdr } from './pricing.js';
import type { CDR, ChargingPeriod, CdrDimensionType } from './schema.js';
import { toLocal, wallClockCrossings } from './pricing-time.js';

// ---- builders --------------------------------------------------------------------------------

type Dims = Partial<Record<CdrDimensionType, number>>;

function period(start_date_time: string, dims: Dims): ChargingPeriod {
  return {
    start_date_time,
    dimensions: Object.entries(dims).map(([type, volume]) => ({ type: type as CdrDimensionType, volume: volume ?? 0 })),
  };
}

function session(start: string, stop: string, periods: [string, Dims][], tariffs: Tariff[]): PriceCdrInput {
  return {
    start_date_time: start,
    stop_date_time: stop,
    charging_periods: periods.map(([t, d]) => period(t, d)),
    tariffs,
  };
}

function pc(type: PriceComponent['type'], price: number, step_size = 1): PriceComponent {
  return { type, price, step_size };
}

function el(price_components: PriceComponent[], restrictions?: TariffRestrictions): TariffElement {
  return restrictions ? { price_components, restrictions } : { price_components };
}

function tariff(elements: TariffElement[], id = 'T1'): Tariff {
  return { id, currency: 'EUR', elements, last_updated: '2015-06-29T20:39:09Z' };
}

// ---- the spec's own tariff examples (mod_tariffs.md, 2.1.1-d2), as data -----------------------

/** "Simple Tariff example 2 euro per hour". */
const SPEC_SIMPLE: Tariff = tariff([el([pc('TIME', 2.0, 300)])], '12');

/** "Complex Tariff example". */
const SPEC_COMPLEX: Tariff = tariff(
  [
    el([pc('FLAT', 2.5, 1)]),
    el([pc('TIME', 1.0, 900)], { max_power: 32.0 }),
    el([pc('TIME', 2.0, 600)], {
      min_power: 32.0,
      day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
    }),
    el([pc('TIME', 1.25, 600)], { min_power: 32.0, day_of_week: ['SATURDAY', 'SUNDAY'] }),
    el([pc('PARKING_TIME', 5.0, 300)], {
      start_time: '09:00',
      end_time: '18:00',
      day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
    }),
    el([pc('PARKING_TIME', 6.0, 300)], { start_time: '10:00', end_time: '17:00', day_of_week: ['SATURDAY'] }),
  ],
  '11',
);

/** "Free of Charge Tariff example". */
const SPEC_FREE: Tariff = tariff([el([pc('FLAT', 0.0, 0)])], '12');

/** The CDR example of mod_cdrs.md (the release-2.1.1-bugfixes form, which is valid JSON). */
const SPEC_CDR = {
  id: '12345',
  start_date_time: '2015-06-29T21:39:09Z',
  stop_date_time: '2015-06-29T23:37:32Z',
  currency: 'EUR',
  tariffs: [SPEC_SIMPLE],
  charging_periods: [period('2015-06-29T21:39:09Z', { TIME: 1.973 })],
  total_cost: 4.0,
  total_energy: 15.342,
  total_time: 1.973,
};

// ---- worked examples -------------------------------------------------------------------------

describe('priceCdr: worked examples', () => {
  it('1. spec CDR example: 2 EUR/hour, step 300 s', () => {
    // TIME 1.973 h = 7102.8 s; step 300 s: ceil(7102.8 / 300) = 24 blocks = 7200 s = 2 h.
    // 2 h * 2.00 = 4.00, the total_cost the spec example states.
    const r = priceCdr(SPEC_CDR);
    expect(r.total_cost).toBe(4.0);
    expect(r.time_cost).toBe(4.0);
    expect(r.currency).toBe('EUR');
    expect(r.warnings).toEqual([]);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({
      dimension: 'TIME',
      tariff_id: '12',
      element_index: 0,
      component_index: 0,
      price: 2,
      step_size: 300,
      unit: 'hour',
      quantity: 1.973,
      billed_quantity: 2,
      base_unit: 'second',
      quantity_in_base_unit: 7102.8,
      billed_quantity_in_base_unit: 7200,
      cost: 4,
    });
    expect(r.lines[0]?.segments).toEqual([
      { period_index: 0, start_date_time: '2015-06-29T21:39:09Z', end_date_time: '2015-06-29T23:37:32Z', quantity: 1.973 },
    ]);
  });

  it('1b. 2 EUR/hour without rounding: 1.5 h', () => {
    // 1.5 h * 2.00 = 3.00 (step_size 1 s, 5400 s is a whole number of steps).
    const t = tariff([el([pc('TIME', 2.0, 1)])]);
    const r = priceCdr(session('2015-06-29T10:00:00Z', '2015-06-29T11:30:00Z', [['2015-06-29T10:00:00Z', { TIME: 1.5 }]], [t]));
    expect(r.total_cost).toBe(3.0);
  });

  it('2. energy per kWh, step 1 Wh', () => {
    // 12.3456 kWh = 12345.6 Wh; step 1 Wh: 12346 Wh = 12.346 kWh; * 0.25 = 3.0865.
    const t = tariff([el([pc('ENERGY', 0.25, 1)])]);
    const r = priceCdr(
      session('2015-06-29T10:00:00Z', '2015-06-29T12:00:00Z', [['2015-06-29T10:00:00Z', { ENERGY: 12.3456, TIME: 2 }]], [t]),
    );
    expect(r.energy_cost).toBe(3.0865);
    expect(r.total_cost).toBe(3.0865);
    expect(r.lines[0]).toMatchObject({ quantity: 12.3456, billed_quantity: 12.346, quantity_in_base_unit: 12345.6 });
  });

  it('3. FLAT + ENERGY: the flat fee is charged once per session', () => {
    // FLAT 1.50 once + (10 + 10) kWh * 0.35 = 7.00  =>  8.50.
    const t = tariff([el([pc('FLAT', 1.5), pc('ENERGY', 0.35)])]);
    const r = priceCdr(
      session(
        '2015-06-29T10:00:00Z',
        '2015-06-29T12:00:00Z',
        [
          ['2015-06-29T10:00:00Z', { ENERGY: 10, TIME: 1 }],
          ['2015-06-29T11:00:00Z', { ENERGY: 10, TIME: 1 }],
        ],
        [t],
      ),
    );
    expect(r.flat_cost).toBe(1.5);
    expect(r.energy_cost).toBe(7.0);
    expect(r.total_cost).toBe(8.5);
    expect(r.lines.map((l) => [l.dimension, l.quantity, l.cost])).toEqual([
      ['FLAT', 1, 1.5],
      ['ENERGY', 20, 7],
    ]);
    expect(r.lines[1]?.segments.map((s) => s.period_index)).toEqual([0, 1]);
  });

  it('4a. step_size for ENERGY: 1000 Wh blocks', () => {
    // 12.3456 kWh in 1 kWh blocks: ceil(12345.6 / 1000) = 13 blocks = 13 kWh; * 0.30 = 3.90.
    const t = tariff([el([pc('ENERGY', 0.3, 1000)])]);
    const r = priceCdr(
      session('2015-06-29T10:00:00Z', '2015-06-29T12:00:00Z', [['2015-06-29T10:00:00Z', { ENERGY: 12.3456, TIME: 2 }]], [t]),
    );
    expect(r.total_cost).toBe(3.9);
    expect(r.lines[0]).toMatchObject({ billed_quantity: 13, billed_quantity_in_base_unit: 13000 });
  });

  it('4b. step_size for TIME (300 s) applies to the session total, not per period', () => {
    // Two periods of 0.1 h = 360 s each, same component: 720 s in total.
    // ceil(720 / 300) = 3 blocks = 900 s = 0.25 h; * 2.00 = 0.50.
    // (Per period it would be 600 s + 600 s = 1200 s = 0.6667 EUR.)
    const r = priceCdr(
      session(
        '2015-06-29T10:00:00Z',
        '2015-06-29T10:12:00Z',
        [
          ['2015-06-29T10:00:00Z', { TIME: 0.1 }],
          ['2015-06-29T10:06:00Z', { TIME: 0.1 }],
        ],
        [SPEC_SIMPLE],
      ),
    );
    expect(r.total_cost).toBe(0.5);
    expect(r.lines[0]).toMatchObject({ quantity_in_base_unit: 720, billed_quantity_in_base_unit: 900, billed_quantity: 0.25 });
  });

  const PEAK = tariff([
    el([pc('ENERGY', 0.4)], { start_time: '08:00', end_time: '20:00' }),
    el([pc('ENERGY', 0.25)]),
  ]);

  it('5a. time of day: peak 08:00-20:00 vs off-peak, periods split at 20:00', () => {
    // 18:00-20:00 10 kWh peak: 10 * 0.40 = 4.00; 20:00-22:00 8 kWh off-peak: 8 * 0.25 = 2.00. Total 6.00.
    const r = priceCdr(
      session(
        '2015-06-29T18:00:00Z',
        '2015-06-29T22:00:00Z',
        [
          ['2015-06-29T18:00:00Z', { ENERGY: 10, TIME: 2 }],
          ['2015-06-29T20:00:00Z', { ENERGY: 8, TIME: 2 }],
        ],
        [PEAK],
      ),
    );
    expect(r.total_cost).toBe(6.0);
    expect(r.lines.map((l) => [l.element_index, l.quantity, l.cost])).toEqual([
      [0, 10, 4],
      [1, 8, 2],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('5b. time of day: one period across 20:00 is split in proportion to time, with a warning', () => {
    // One period 18:00-22:00, 18 kWh at constant power: 9 kWh before 20:00, 9 after.
    // 9 * 0.40 = 3.60 + 9 * 0.25 = 2.25  =>  5.85.
    const r = priceCdr(
      session('2015-06-29T18:00:00Z', '2015-06-29T22:00:00Z', [['2015-06-29T18:00:00Z', { ENERGY: 18, TIME: 4 }]], [PEAK]),
    );
    expect(r.total_cost).toBe(5.85);
    expect(r.lines[0]?.segments).toEqual([
      { period_index: 0, start_date_time: '2015-06-29T18:00:00Z', end_date_time: '2015-06-29T20:00:00Z', quantity: 9 },
    ]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/period 0 crosses a tariff restriction boundary/);
  });

  it('5c. time of day in the location time zone (Europe/Amsterdam, CEST = UTC+2)', () => {
    // 06:30-07:30 UTC = 08:30-09:30 local: peak, 5 kWh * 0.40 = 2.00. Read in UTC it would be
    // off-peak: 5 * 0.25 = 1.25.
    const base = session('2015-06-29T06:30:00Z', '2015-06-29T07:30:00Z', [['2015-06-29T06:30:00Z', { ENERGY: 5, TIME: 1 }]], [PEAK]);
    expect(priceCdr({ ...base, location: { time_zone: 'Europe/Amsterdam' } }).total_cost).toBe(2.0);
    expect(priceCdr(base, { timeZone: 'Europe/Amsterdam' }).total_cost).toBe(2.0);
    expect(priceCdr(base).total_cost).toBe(1.25);
    const bad = priceCdr(base, { timeZone: 'Mars/Olympus' });
    expect(bad.total_cost).toBe(1.25);
    expect(bad.warnings[0]).toMatch(/unknown; UTC was used/);
  });

  it('6. time of day wrapping over midnight: night 22:00-06:00', () => {
    // Night 1.00/h (22:00-06:00), otherwise 3.00/h.
    // 21:00-22:00 TIME 1 h day: 3.00; 22:00-01:00 TIME 3 h night: 3.00. Total 6.00.
    const t = tariff([el([pc('TIME', 1.0)], { start_time: '22:00', end_time: '06:00' }), el([pc('TIME', 3.0)])]);
    const r = priceCdr(
      session(
        '2015-06-29T21:00:00Z',
        '2015-06-30T01:00:00Z',
        [
          ['2015-06-29T21:00:00Z', { TIME: 1 }],
          ['2015-06-29T22:00:00Z', { TIME: 3 }],
        ],
        [t],
      ),
    );
    expect(r.total_cost).toBe(6.0);
    expect(r.warnings).toEqual([]);
    // And the morning end of the range: 05:00-07:00 in one period = 1 h night (1.00) + 1 h day (3.00) = 4.00.
    const morning = priceCdr(
      session('2015-06-30T05:00:00Z', '2015-06-30T07:00:00Z', [['2015-06-30T05:00:00Z', { TIME: 2 }]], [t]),
    );
    expect(morning.total_cost).toBe(4.0);
  });

  it('7a. day_of_week: weekend tariff from the spec complex example', () => {
    // Spec complex tariff, 1 h at 45 kW (>= 32 kW, so the min_power elements).
    // Sunday 2015-07-05: FLAT 2.50 + 1 h * 1.25 (weekend) = 3.75.
    // Monday 2015-06-29: FLAT 2.50 + 1 h * 2.00 (weekdays) = 4.50.
    const at = (day: string) =>
      priceCdr(
        session(`${day}T14:00:00Z`, `${day}T15:00:00Z`, [[`${day}T14:00:00Z`, { ENERGY: 45, TIME: 1 }]], [SPEC_COMPLEX]),
      );
    const sunday = at('2015-07-05');
    expect(sunday.total_cost).toBe(3.75);
    expect(sunday.lines.find((l) => l.dimension === 'TIME')?.element_index).toBe(3);
    const monday = at('2015-06-29');
    expect(monday.total_cost).toBe(4.5);
    expect(monday.lines.find((l) => l.dimension === 'TIME')?.element_index).toBe(2);
  });

  it('7b. day_of_week switches at local midnight (Friday -> Saturday)', () => {
    // Weekend 1.25/h, otherwise 2.00/h. Fri 2015-07-03 23:00 - Sat 01:00, periods split at midnight.
    // 1 h * 2.00 + 1 h * 1.25 = 3.25.
    const t = tariff([el([pc('TIME', 1.25)], { day_of_week: ['SATURDAY', 'SUNDAY'] }), el([pc('TIME', 2.0)])]);
    const r = priceCdr(
      session(
        '2015-07-03T23:00:00Z',
        '2015-07-04T01:00:00Z',
        [
          ['2015-07-03T23:00:00Z', { TIME: 1 }],
          ['2015-07-04T00:00:00Z', { TIME: 1 }],
        ],
        [t],
      ),
    );
    expect(r.total_cost).toBe(3.25);
    expect(r.warnings).toEqual([]);
  });

  it('7c. spec complex example on a weekday: flat, high-power time, parking 09:00-18:00 only', () => {
    // Monday 2015-06-29. 16:00-17:00 charging 40 kWh in 1 h = 40 kW: weekday min_power element, 1 h * 2.00 = 2.00.
    // 17:00-18:00 parking inside 09:00-18:00: 1 h * 5.00 = 5.00. 18:00-19:00 parking: no element applies, free.
    // 2.50 + 2.00 + 5.00 = 9.50.
    const r = priceCdr(
      session(
        '2015-06-29T16:00:00Z',
        '2015-06-29T19:00:00Z',
        [
          ['2015-06-29T16:00:00Z', { ENERGY: 40, TIME: 1 }],
          ['2015-06-29T17:00:00Z', { PARKING_TIME: 1 }],
          ['2015-06-29T18:00:00Z', { PARKING_TIME: 1 }],
        ],
        [SPEC_COMPLEX],
      ),
    );
    expect([r.flat_cost, r.time_cost, r.parking_time_cost, r.energy_cost]).toEqual([2.5, 2.0, 5.0, 0]);
    expect(r.total_cost).toBe(9.5);
    expect(r.warnings).toEqual([]);
  });

  it('7d. spec complex example on a Saturday: low-power time (900 s steps), parking (300 s steps)', () => {
    // Saturday 2015-07-04. 09:00-10:18 charging 15 kWh in 1.3 h = 11.5 kW (< 32): element 1, 1.00/h, step 900 s.
    //   4680 s -> ceil(4680 / 900) = 6 blocks = 5400 s = 1.5 h -> 1.50.
    // 10:18-12:00 parking, Saturday 10:00-17:00: element 5, 6.00/h, step 300 s.
    //   1.7 h = 6120 s -> ceil(6120 / 300) = 21 blocks = 6300 s = 1.75 h -> 10.50.
    // 2.50 + 1.50 + 10.50 = 14.50.
    const r = priceCdr(
      session(
        '2015-07-04T09:00:00Z',
        '2015-07-04T12:00:00Z',
        [
          ['2015-07-04T09:00:00Z', { ENERGY: 15, TIME: 1.3 }],
          ['2015-07-04T10:18:00Z', { PARKING_TIME: 1.7 }],
        ],
        [SPEC_COMPLEX],
      ),
    );
    expect(r.lines.map((l) => [l.dimension, l.element_index, l.billed_quantity_in_base_unit, l.cost])).toEqual([
      ['FLAT', 0, 1, 2.5],
      ['TIME', 1, 5400, 1.5],
      ['PARKING_TIME', 5, 6300, 10.5],
    ]);
    expect(r.total_cost).toBe(14.5);
    expect(r.warnings).toEqual([]);
  });

  it('8a. max_kwh: the first 20 kWh are cheaper', () => {
    // Element 0: 0.20/kWh while less than 20 kWh have been charged; element 1: 0.40/kWh.
    // Periods of 12, 8 and 7 kWh: 20 * 0.20 = 4.00 + 7 * 0.40 = 2.80  =>  6.80.
    const t = tariff([el([pc('ENERGY', 0.2)], { max_kwh: 20 }), el([pc('ENERGY', 0.4)])]);
    const r = priceCdr(
      session(
        '2015-06-29T10:00:00Z',
        '2015-06-29T13:00:00Z',
        [
          ['2015-06-29T10:00:00Z', { ENERGY: 12, TIME: 1 }],
          ['2015-06-29T11:00:00Z', { ENERGY: 8, TIME: 1 }],
          ['2015-06-29T12:00:00Z', { ENERGY: 7, TIME: 1 }],
        ],
        [t],
      ),
    );
    expect(r.lines.map((l) => [l.element_index, l.quantity, l.cost])).toEqual([
      [0, 20, 4],
      [1, 7, 2.8],
    ]);
    expect(r.total_cost).toBe(6.8);
    expect(r.warnings).toEqual([]);
  });

  it('8b. min_kwh: cheaper from 20 kWh on, threshold inside one period', () => {
    // Element 0: 0.10/kWh from 20 kWh on; element 1: 0.30/kWh.
    // One period 10:00-12:42 (2.7 h) with 27 kWh = 10 kWh/h: 20 kWh are reached at 12:00.
    // 20 * 0.30 = 6.00 + 7 * 0.10 = 0.70  =>  6.70, with a split warning.
    const t = tariff([el([pc('ENERGY', 0.1)], { min_kwh: 20 }), el([pc('ENERGY', 0.3)])]);
    const r = priceCdr(
      session('2015-06-29T10:00:00Z', '2015-06-29T12:42:00Z', [['2015-06-29T10:00:00Z', { ENERGY: 27, TIME: 2.7 }]], [t]),
    );
    expect(r.total_cost).toBe(6.7);
    expect(r.lines.map((l) => [l.element_index, l.quantity, l.segments[0]?.start_date_time])).toEqual([
      [1, 20, '2015-06-29T10:00:00Z'],
      [0, 7, '2015-06-29T12:00:00Z'],
    ]);
    expect(r.warnings).toHaveLength(1);
  });

  it('9. max_duration: the first hour is cheap', () => {
    // Element 0: 1.00/h for the first 3600 s of the session; element 1: 3.00/h.
    // 2.5 h session: 1 h * 1.00 + 1.5 h * 3.00 = 5.50, with the CPO's periods split at 1 h...
    const t = tariff([el([pc('TIME', 1.0)], { max_duration: 3600 }), el([pc('TIME', 3.0)])]);
    const split = priceCdr(
      session(
        '2015-06-29T10:00:00Z',
        '2015-06-29T12:30:00Z',
        [
          ['2015-06-29T10:00:00Z', { TIME: 1 }],
          ['2015-06-29T11:00:00Z', { TIME: 1.5 }],
        ],
        [t],
      ),
    );
    expect(split.total_cost).toBe(5.5);
    expect(split.warnings).toEqual([]);
    // ...and the same from one period, split by the engine (warning).
    const one = priceCdr(session('2015-06-29T10:00:00Z', '2015-06-29T12:30:00Z', [['2015-06-29T10:00:00Z', { TIME: 2.5 }]], [t]));
    expect(one.total_cost).toBe(5.5);
    expect(one.warnings).toHaveLength(1);
  });

  it('9b. min_duration: parking gets expensive after 2 h in the session', () => {
    // Element 0: PARKING_TIME 10.00/h from 7200 s after the session start; element 1: PARKING_TIME 1.00/h.
    // 10:00-11:00 charging (no TIME price); 11:00-13:00 parking in one period, cut at 12:00:
    // 1 h * 1.00 + 1 h * 10.00 = 11.00.
    const t = tariff([el([pc('PARKING_TIME', 10.0)], { min_duration: 7200 }), el([pc('PARKING_TIME', 1.0)])]);
    const r = priceCdr(
      session(
        '2015-06-29T10:00:00Z',
        '2015-06-29T13:00:00Z',
        [
          ['2015-06-29T10:00:00Z', { ENERGY: 11, TIME: 1 }],
          ['2015-06-29T11:00:00Z', { PARKING_TIME: 2 }],
        ],
        [t],
      ),
    );
    expect(r.lines.map((l) => [l.element_index, l.quantity, l.cost])).toEqual([
      [1, 1, 1],
      [0, 1, 10],
    ]);
    expect(r.parking_time_cost).toBe(11.0);
    expect(r.warnings).toHaveLength(1);
  });

  it('9c. start_date / end_date (end_date excluded)', () => {
    // Promotion 0.10/kWh from 2015-07-01 until 2015-07-03 (excluded), otherwise 0.30/kWh; 10 kWh.
    // 2015-07-02: 1.00. 2015-07-03: 3.00. 2015-06-30: 3.00.
    const t = tariff([el([pc('ENERGY', 0.1)], { start_date: '2015-07-01', end_date: '2015-07-03' }), el([pc('ENERGY', 0.3)])]);
    const on = (day: string) =>
      priceCdr(session(`${day}T12:00:00Z`, `${day}T13:00:00Z`, [[`${day}T12:00:00Z`, { ENERGY: 10, TIME: 1 }]], [t]))
        .total_cost;
    expect([on('2015-06-30'), on('2015-07-01'), on('2015-07-02'), on('2015-07-03')]).toEqual([3, 1, 1, 3]);
  });

  it('10a. element order decides: an unrestricted first element hides a later restricted one', () => {
    // [default 0.25, peak 0.40 08:00-20:00]: the default matches first at noon, so 10 kWh * 0.25 = 2.50
    // (with the order reversed it would be 10 * 0.40 = 4.00).
    const wrongOrder = tariff([el([pc('ENERGY', 0.25)]), el([pc('ENERGY', 0.4)], { start_time: '08:00', end_time: '20:00' })]);
    const s = (t: Tariff) =>
      priceCdr(session('2015-06-29T12:00:00Z', '2015-06-29T13:00:00Z', [['2015-06-29T12:00:00Z', { ENERGY: 10, TIME: 1 }]], [t]));
    expect(s(wrongOrder).total_cost).toBe(2.5);
    expect(s(PEAK).total_cost).toBe(4.0);
  });

  it('10b. element choice is per dimension: a FLAT-only first element does not hide TIME', () => {
    // [FLAT 1.00 | TIME 2.00/h, ENERGY 0.10 | ENERGY 0.50]: FLAT from element 0, TIME and ENERGY from
    // element 1 (first with those types). 1.00 + 1 h * 2.00 + 10 kWh * 0.10 = 4.00.
    const t = tariff([el([pc('FLAT', 1.0)]), el([pc('TIME', 2.0), pc('ENERGY', 0.1)]), el([pc('ENERGY', 0.5)])]);
    const r = priceCdr(
      session('2015-06-29T12:00:00Z', '2015-06-29T13:00:00Z', [['2015-06-29T12:00:00Z', { ENERGY: 10, TIME: 1 }]], [t]),
    );
    expect(r.total_cost).toBe(4.0);
    expect(r.lines.map((l) => [l.dimension, l.element_index, l.component_index])).toEqual([
      ['FLAT', 0, 0],
      ['ENERGY', 1, 1],
      ['TIME', 1, 0],
    ]);
  });

  it('11. free of charge (spec example): FLAT 0.00', () => {
    // Only a FLAT 0.00 component: nothing else is priced. 0.00.
    const r = priceCdr(
      session('2015-06-29T12:00:00Z', '2015-06-29T14:00:00Z', [['2015-06-29T12:00:00Z', { ENERGY: 22, TIME: 2 }]], [SPEC_FREE]),
    );
    expect(r.total_cost).toBe(0);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({ dimension: 'FLAT', cost: 0 });
    expect(r.warnings).toEqual([]);
  });

  it('12. exact 4-decimal rounding, no float drift', () => {
    // 3.3333 kWh * 0.2345 = 0.78165885 -> 0.7817.
    const t = tariff([el([pc('ENERGY', 0.2345, 0)])]);
    const one = priceCdr(
      session('2015-06-29T12:00:00Z', '2015-06-29T13:00:00Z', [['2015-06-29T12:00:00Z', { ENERGY: 3.3333, TIME: 1 }]], [t]),
    );
    expect(one.total_cost).toBe(0.7817);
    // Ten periods of 0.1 kWh at 0.1/kWh: 1 kWh * 0.10 = exactly 0.10 (floating sums would give 0.09999...).
    const ten = tariff([el([pc('ENERGY', 0.1, 0)])]);
    const periods: [string, Dims][] = Array.from({ length: 10 }, (_, i) => [
      `2015-06-29T12:0${i}:00Z`,
      { ENERGY: 0.1, TIME: 1 / 60 },
    ]);
    expect(priceCdr(session('2015-06-29T12:00:00Z', '2015-06-29T12:10:00Z', periods, [ten])).total_cost).toBe(0.1);
    // TIME at 2.00/h for 1 s: 2 / 3600 = 0.000555... -> 0.0006.
    const sec = priceCdr(
      session('2015-06-29T12:00:00Z', '2015-06-29T12:00:01Z', [['2015-06-29T12:00:00Z', { TIME: 1 / 3600 }]], [
        tariff([el([pc('TIME', 2, 0)])]),
      ]),
    );
    // TIME volume 1/3600 h is rounded to whole ms: 1000 ms -> 0.0006.
    expect(sec.total_cost).toBe(0.0006);
  });

  it('13. warnings: no tariffs, several tariffs, currency mismatch, missing TIME dimension', () => {
    const base = session('2015-06-29T12:00:00Z', '2015-06-29T13:00:00Z', [['2015-06-29T12:00:00Z', { ENERGY: 10 }]], []);
    const none = priceCdr(base);
    expect(none.total_cost).toBe(0);
    expect(none.warnings).toContain('no tariffs to price the session with; cost is 0');

    // No TIME/PARKING_TIME dimension: the period's 1 h is taken as charging time: 1 h * 2.00 = 2.00.
    const usd: Tariff = { ...tariff([el([pc('ENERGY', 0.5)])], 'B'), currency: 'USD' };
    const r = priceCdr({ ...base, currency: 'EUR', tariffs: [tariff([el([pc('TIME', 2)])], 'A'), usd] });
    // TIME from A: 2.00; ENERGY from B (A has no ENERGY component): 10 * 0.50 = 5.00.
    expect(r.total_cost).toBe(7.0);
    expect(r.warnings.some((w) => w.includes('2 tariffs (A, B)'))).toBe(true);
    expect(r.warnings.some((w) => w.includes('tariff B is in USD'))).toBe(true);
    expect(r.warnings.some((w) => w.includes('neither TIME nor PARKING_TIME'))).toBe(true);
  });

  it('takes a whole CDR object (type level)', () => {
    const check = (cdr: CDR) => ({ price: priceCdr(cdr), totals: checkTotals(cdr) });
    expect(typeof check).toBe('function');
  });

  it('is deterministic', () => {
    const a = priceCdr(SPEC_CDR);
    const b = priceCdr(SPEC_CDR);
    expect(a).toEqual(b);
  });
});

describe('checkTotals', () => {
  it('accepts consistent totals', () => {
    // ENERGY 10 + 5.5 = 15.5 kWh; TIME 1 + 0.5 and PARKING_TIME 0.25 = 1.75 h = 12:00-13:45.
    const cdr = {
      start_date_time: '2015-06-29T12:00:00Z',
      stop_date_time: '2015-06-29T13:45:00Z',
      charging_periods: [
        period('2015-06-29T12:00:00Z', { ENERGY: 10, TIME: 1 }),
        period('2015-06-29T13:00:00Z', { ENERGY: 5.5, TIME: 0.5 }),
        period('2015-06-29T13:30:00Z', { PARKING_TIME: 0.25 }),
      ],
      total_energy: 15.5,
      total_time: 1.75,
      total_parking_time: 0.25,
    };
    expect(checkTotals(cdr)).toEqual([]);
    // Within tolerance: 0.001 kWh and 1 s (0.0002 h = 0.72 s).
    expect(checkTotals({ ...cdr, total_energy: 15.501, total_time: 1.7502 })).toEqual([]);
  });

  it('warns when totals disagree with the charging periods', () => {
    const cdr = {
      start_date_time: '2015-06-29T12:00:00Z',
      stop_date_time: '2015-06-29T13:45:00Z',
      charging_periods: [
        period('2015-06-29T12:00:00Z', { ENERGY: 10, TIME: 1 }),
        period('2015-06-29T13:00:00Z', { ENERGY: 5.5, TIME: 0.5 }),
        period('2015-06-29T13:30:00Z', { PARKING_TIME: 0.25 }),
      ],
      // 15.502 - 15.5 = 0.002 kWh > 0.001; 1.8 h - 1.75 h = 180 s > 1 s; parking absent but 0.25 h.
      total_energy: 15.502,
      total_time: 1.8,
    };
    const w = checkTotals(cdr);
    expect(w).toHaveLength(4);
    expect(w[0]).toMatch(/total_energy is 15.502 kWh .* 15.5 kWh/);
    expect(w[1]).toMatch(/total_time is 1.8 h .* TIME \+ PARKING_TIME add up to 1.75 h/);
    expect(w[2]).toMatch(/stop_date_time - start_date_time is 1.75 h/);
    expect(w[3]).toMatch(/total_parking_time is absent \(0\)/);
  });

  it('spec CDR example: total_energy 15.342 kWh but no ENERGY dimension', () => {
    // total_time 1.973 h = 7102.8 s vs 21:39:09-23:37:32 = 7103 s: 0.2 s apart, accepted.
    const w = checkTotals(SPEC_CDR);
    expect(w).toEqual(["total_energy is 15.342 kWh but the charging periods' ENERGY adds up to 0 kWh"]);
  });
});

describe('local time helpers', () => {
  it('reads the wall clock and finds crossings across a DST change', () => {
    // Europe/Amsterdam switched to CEST on 2015-03-29 at 01:00 UTC (02:00 -> 03:00 local).
    expect(toLocal(Date.parse('2015-03-29T00:30:00Z'), 'Europe/Amsterdam')).toEqual({
      date: '2015-03-29',
      secondOfDay: 1.5 * 3600,
      weekday: 'SUNDAY',
    });
    // Midnight and 08:00 local between Sat 12:00 UTC and Sun 12:00 UTC:
    // 00:00 CET = 23:00Z on the 28th; 08:00 CEST = 06:00Z on the 29th.
    const crossings = wallClockCrossings(
      Date.parse('2015-03-28T12:00:00Z'),
      Date.parse('2015-03-29T12:00:00Z'),
      new Set([0, 8 * 3600]),
      'Europe/Amsterdam',
    ).sort((a, b) => a - b);
    expect(crossings.map((ms) => new Date(ms).toISOString())).toEqual(['2015-03-28T23:00:00.000Z', '2015-03-29T06:00:00.000Z']);
  });
});
