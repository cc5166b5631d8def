// Pricing engine for the CDR price check: computes what a CDR should cost under its tariffs
// (OCPI 2.1.1-d2 mod_tariffs / mod_cdrs) and explains every amount. Pure and deterministic:
// no I/O, no clock, no randomness.
//
// Rules implemented, with the reading chosen where the 2.1.1 text leaves room:
// 1. Element choice is made per dimension. The 2.1.1 text says the first element "with matching
//    restrictions" is used; read literally (one element for everything) the spec's own complex
//    example could never charge TIME, because its first element (FLAT only, no restrictions)
//    always matches. So, as later OCPI versions make explicit: for each of ENERGY, TIME, PARKING_TIME and
//    FLAT, the first element whose restrictions all hold AND that has a component of that type
//    prices that dimension. If an element has two components of one type, the first counts.
// 2. Several tariffs in a CDR: 2.1.1 gives no link from a charging period to a tariff, so the
//    elements of all tariffs are taken as one list, in order (and a warning is given).
// 3. Restrictions are evaluated against the state of the session while it runs: the wall clock
//    (in `timeZone`, else the location's time_zone, else UTC — the spec names no zone), the
//    seconds since the session start, the energy charged so far and the period's power.
//    A charging period that crosses a point where a restriction changes (20:00, midnight,
//    max_duration, max_kwh ...) is split there and its volumes are shared out in proportion to
//    time (constant power within a period); a warning says so when the split changed the
//    element used, since the spec expects a new period whenever the relevant tariff changes.
//    Power = ENERGY / TIME of the period (kW); 0 for a period without ENERGY.
// 4. step_size: rounded up to a multiple of step_size (Wh for ENERGY, seconds for TIME and
//    PARKING_TIME), applied to the total quantity each price component priced over the whole
//    session, not per charging period (2.1.1 does not say; per period would bill a partial block
//    at every period change). step_size 0 means no rounding; nothing consumed bills nothing.
// 5. FLAT is charged once per session: the FLAT component chosen (rule 1) at the first moment of
//    the session at which any FLAT component applies.
// 6. Quantities come from the CDR's dimensions (ENERGY kWh, TIME h, PARKING_TIME h). A period
//    with neither TIME nor PARKING_TIME is taken as charging for its whole duration (warning).
//    The FLAT, MIN_CURRENT and MAX_CURRENT dimensions are not used for pricing.
// 7. Money is exact: quantities are integers (1e-4 kWh, ms), prices integers of 1e-4, products
//    are summed as BigInt rationals and only the results are rounded (half away from zero) to
//    4 decimals. total_cost is the rounded exact sum, so it may differ from the sum of the
//    rounded sub-totals by 0.0001.
import type { ChargingPeriod } from './schema.js';
import type { PriceComponent, Tariff, TariffDimensionType, TariffElement } from '../tariffs/schema.js';
import {
  costOf,
  ENERGY_UNITS_PER_KWH,
  ENERGY_UNITS_PER_WH,
  MS_PER_HOUR,
  PRICE_UNITS,
  readPeriods,
  round,
  roundCost,
  type Segment,
  splitPeriod,
} from './pricing-quantities.js';
import {
  matchesRestrictions,
  type RestrictionContext,
  restrictionBoundaries,
  restrictionCuts,
} from './pricing-restrictions.js';
import { isValidTimeZone, toLocal } from './pricing-time.js';

export { matchesRestrictions, type RestrictionContext } from './pricing-restrictions.js';
export { checkTotals, type TotalsInput } from './pricing-totals.js';

/** The part of a CDR the engine reads; a full CDR object fits. */
export interface PriceCdrInput {
  start_date_time: string;
  stop_date_time: string;
  charging_periods: readonly ChargingPeriod[];
  tariffs?: readonly Tariff[] | null;
  /** CDR currency; a warning is given when a tariff uses another one. */
  currency?: string | null;
  /** Only `time_zone` is read, as the default zone of the tariff restrictions. */
  location?: { time_zone?: string | null } | null;
}

export interface PriceCdrOptions {
  /** IANA zone in which the restrictions' times, dates and weekdays are read. */
  timeZone?: string;
}

/** A stretch of one charging period priced by the component of a line. */
export interface PriceLineSegment {
  period_index: number;
  start_date_time: string;
  end_date_time: string;
  /** In the line's `unit`. */
  quantity: number;
}

/** One price component used in the session, with what it priced. */
export interface PriceLine {
  dimension: TariffDimensionType;
  tariff_id: string;
  element_index: number;
  component_index: number;
  /** Excl. VAT, per `unit`. */
  price: number;
  step_size: number;
  unit: 'kWh' | 'hour' | 'session';
  /** Consumed, in `unit` (hours rounded to 6 decimals). */
  quantity: number;
  /** After step_size rounding, in `unit`. */
  billed_quantity: number;
  /** The step_size's own unit ('Wh' / 'second'); null for FLAT. */
  base_unit: 'Wh' | 'second' | null;
  quantity_in_base_unit: number;
  billed_quantity_in_base_unit: number;
  /** Rounded to 4 decimals. */
  cost: number;
  segments: PriceLineSegment[];
}

export interface PriceResult {
  /** Currency of the (first) tariff; undefined without tariffs. */
  currency: string | undefined;
  total_cost: number;
  energy_cost: number;
  time_cost: number;
  parking_time_cost: number;
  flat_cost: number;
  lines: PriceLine[];
  warnings: string[];
}

function iso(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().replace('.000Z', 'Z');
}

// ---------------------------------------------------------------------------------------------

interface ElementRef {
  label: string;
  tariffId: string;
  elementIndex: number;
  element: TariffElement;
}

interface Group {
  dimension: TariffDimensionType;
  ref: ElementRef;
  componentIndex: number;
  component: PriceComponent;
  quantity: number; // base units: 1e-4 kWh, ms, or 1 for FLAT
  segments: { periodIndex: number; fromMs: number; toMs: number; quantity: number }[];
}

const DIMENSION_ORDER: readonly TariffDimensionType[] = ['FLAT', 'ENERGY', 'TIME', 'PARKING_TIME'];
const METERED: readonly ('ENERGY' | 'TIME' | 'PARKING_TIME')[] = ['ENERGY', 'TIME', 'PARKING_TIME'];

/** Applies step_size and price to what one component priced over the session. */
function priceGroup(g: Group, warnings: string[]): { line: PriceLine; cost: bigint } {
  const step = Number(g.component.step_size);
  const stepBase = g.dimension === 'ENERGY' ? step * ENERGY_UNITS_PER_WH : step * 1000;
  const billed =
    g.dimension === 'FLAT' || !(stepBase > 0) || g.quantity === 0
      ? g.quantity
      : Math.round(Math.ceil(g.quantity / stepBase) * stepBase);
  let price = Number(g.component.price);
  if (!Number.isFinite(price)) {
    warnings.push(`${g.ref.label} component ${g.componentIndex}: price ${g.component.price} is not a number; taken as 0`);
    price = 0;
  }
  const cost = costOf(g.dimension, billed, Math.round(price * PRICE_UNITS));
  const inUnit = (q: number) =>
    g.dimension === 'ENERGY' ? q / ENERGY_UNITS_PER_KWH : g.dimension === 'FLAT' ? q : round(q / MS_PER_HOUR, 6);
  const inBase = (q: number) => (g.dimension === 'ENERGY' ? q / ENERGY_UNITS_PER_WH : g.dimension === 'FLAT' ? q : q / 1000);
  const line: PriceLine = {
    dimension: g.dimension,
    tariff_id: g.ref.tariffId,
    element_index: g.ref.elementIndex,
    component_index: g.componentIndex,
    price,
    step_size: step,
    unit: g.dimension === 'ENERGY' ? 'kWh' : g.dimension === 'FLAT' ? 'session' : 'hour',
    quantity: inUnit(g.quantity),
    billed_quantity: inUnit(billed),
    base_unit: g.dimension === 'ENERGY' ? 'Wh' : g.dimension === 'FLAT' ? null : 'second',
    quantity_in_base_unit: inBase(g.quantity),
    billed_quantity_in_base_unit: inBase(billed),
    cost: roundCost(cost),
    segments: g.segments.map((s) => ({
      period_index: s.periodIndex,
      start_date_time: iso(s.fromMs),
      end_date_time: iso(s.toMs),
      quantity: inUnit(s.quantity),
    })),
  };
  return { line, cost };
}

/** Prices a session (a CDR) under its tariffs and explains the result. */
export function priceCdr(input: PriceCdrInput, options: PriceCdrOptions = {}): PriceResult {
  const warnings: string[] = [];
  const tariffs = input.tariffs ?? [];

  let timeZone = options.timeZone ?? input.location?.time_zone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) {
    warnings.push(`time zone "${timeZone}" is unknown; UTC was used`);
    timeZone = 'UTC';
  }

  if (tariffs.length === 0) warnings.push('no tariffs to price the session with; cost is 0');
  if (tariffs.length > 1) {
    warnings.push(
      `${tariffs.length} tariffs (${tariffs.map((t) => t.id).join(', ')}): their elements were evaluated as one list, in order`,
    );
  }
  const currency = tariffs[0]?.currency;
  for (const t of tariffs) {
    if (t.currency !== currency) warnings.push(`tariff ${t.id} is in ${t.currency}, tariff ${tariffs[0]?.id} in ${currency}`);
  }
  if (currency !== undefined && input.currency != null && input.currency !== currency) {
    warnings.push(`the CDR is in ${input.currency} but the tariffs are in ${currency}`);
  }

  const refs: ElementRef[] = tariffs.flatMap((t) =>
    t.elements.map((element, elementIndex) => ({
      label: `tariff ${t.id} element ${elementIndex}`,
      tariffId: t.id,
      elementIndex,
      element,
    })),
  );
  for (const ref of refs) {
    ref.element.price_components.forEach((c, ci) => {
      const units = Number(c.price) * PRICE_UNITS;
      if (Math.abs(units - Math.round(units)) > 1e-6) {
        warnings.push(`${ref.label} component ${ci}: price ${c.price} has more than 4 decimals; rounded`);
      }
    });
  }
  const bounds = restrictionBoundaries(refs);
  warnings.push(...bounds.problems);

  const pricesTime = refs.some((r) => r.element.price_components.some((c) => c.type === 'TIME'));
  const { periods, startMs } = readPeriods(input, pricesTime, warnings);

  // Segments: the periods, cut wherever a restriction may change its outcome.
  const segments: Segment[] = [];
  let energyBefore = 0;
  for (const p of periods) {
    segments.push(...splitPeriod(p, restrictionCuts(p, bounds, startMs, energyBefore, timeZone), energyBefore));
    energyBefore += p.energy;
  }

  // Choose, per segment and dimension, the first applicable element with such a component.
  const groups = new Map<string, Group>();
  const usedPerPeriod = new Map<number, Map<string, Set<string>>>();
  let flatCharged = false;
  const choose = (ctx: RestrictionContext) => {
    const holds = refs.map((r) => matchesRestrictions(r.element.restrictions, ctx));
    return (dimension: TariffDimensionType) => {
      for (const [i, ref] of refs.entries()) {
        if (!holds[i]) continue;
        const ci = ref.element.price_components.findIndex((c) => c.type === dimension);
        const component = ref.element.price_components[ci];
        if (component) return { ref, ci, component };
      }
      return undefined;
    };
  };
  const add = (
    dimension: TariffDimensionType,
    chosen: { ref: ElementRef; ci: number; component: PriceComponent },
    seg: { periodIndex: number; fromMs: number; toMs: number; quantity: number },
  ) => {
    const key = `${dimension}|${refs.indexOf(chosen.ref)}|${chosen.ci}`;
    let g = groups.get(key);
    if (!g) {
      g = { dimension, ref: chosen.ref, componentIndex: chosen.ci, component: chosen.component, quantity: 0, segments: [] };
      groups.set(key, g);
    }
    g.quantity += seg.quantity;
    const last = g.segments[g.segments.length - 1];
    if (last && last.periodIndex === seg.periodIndex && last.toMs === seg.fromMs) {
      last.toMs = seg.toMs;
      last.quantity += seg.quantity;
    } else g.segments.push({ ...seg });
  };

  for (const seg of segments) {
    const mid = (seg.fromMs + seg.toMs) / 2;
    const pick = choose({
      local: toLocal(mid, timeZone),
      elapsedSeconds: (mid - startMs) / 1000,
      energyKwh: (seg.energyBefore + seg.energy / 2) / ENERGY_UNITS_PER_KWH,
      powerKw: seg.powerKw,
    });
    if (!flatCharged) {
      const flat = pick('FLAT');
      if (flat) {
        flatCharged = true;
        add('FLAT', flat, { periodIndex: seg.periodIndex, fromMs: seg.fromMs, toMs: seg.fromMs, quantity: 1 });
      }
    }
    let used = usedPerPeriod.get(seg.periodIndex);
    if (!used) {
      used = new Map();
      usedPerPeriod.set(seg.periodIndex, used);
    }
    for (const dimension of METERED) {
      const quantity = dimension === 'ENERGY' ? seg.energy : dimension === 'TIME' ? seg.time : seg.parking;
      if (quantity <= 0) continue;
      const chosen = pick(dimension);
      const label = chosen ? chosen.ref.label : 'no element';
      let labels = used.get(dimension);
      if (!labels) {
        labels = new Set();
        used.set(dimension, labels);
      }
      labels.add(label);
      if (chosen) add(dimension, chosen, { periodIndex: seg.periodIndex, fromMs: seg.fromMs, toMs: seg.toMs, quantity });
    }
  }
  if (!flatCharged && segments.length === 0) {
    // No usable period: a FLAT fee can still be due for the session as such.
    const flat = choose({ local: toLocal(startMs, timeZone), elapsedSeconds: 0, energyKwh: 0, powerKw: 0 })('FLAT');
    if (flat) add('FLAT', flat, { periodIndex: -1, fromMs: startMs, toMs: startMs, quantity: 1 });
  }
  for (const [periodIndex, used] of usedPerPeriod) {
    for (const [dimension, labels] of used) {
      if (labels.size > 1) {
        warnings.push(
          `charging period ${periodIndex} crosses a tariff restriction boundary: its ${dimension} was split between ${[...labels].join(' and ')} in proportion to time`,
        );
      }
    }
  }

  // Step sizes, prices and totals.
  const totals = new Map<TariffDimensionType, bigint>(DIMENSION_ORDER.map((d) => [d, 0n]));
  const lines: PriceLine[] = [];
  const ordered = [...groups.values()].sort(
    (a, b) => DIMENSION_ORDER.indexOf(a.dimension) - DIMENSION_ORDER.indexOf(b.dimension),
  );
  for (const g of ordered) {
    const { line, cost } = priceGroup(g, warnings);
    totals.set(g.dimension, (totals.get(g.dimension) ?? 0n) + cost);
    lines.push(line);
  }
  let total = 0n;
  for (const v of totals.values()) total += v;
  return {
    currency,
    total_cost: roundCost(total),
    energy_cost: roundCost(totals.get('ENERGY') ?? 0n),
    time_cost: roundCost(totals.get('TIME') ?? 0n),
    parking_time_cost: roundCost(totals.get('PARKING_TIME') ?? 0n),
    flat_cost: roundCost(totals.get('FLAT') ?? 0n),
    lines,
    warnings,
  };
}
