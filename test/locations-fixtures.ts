// Valid OCPI 2.1.1 objects for the locations and tariffs tests (the spec's example, reshaped),
// and small helpers to break them. Every call returns a fresh copy.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestSim } from './helpers/sim.js';

/** The spec's JSON examples (SOURCES.md beside them says which are whole, fragments, defective). */
export const EXAMPLES_DIR = process.env.OCPI_EXAMPLES_DIR ?? resolve(import.meta.dirname, '../../shared/ocpi-examples');
export const example = (name: string): any => JSON.parse(readFileSync(join(EXAMPLES_DIR, name), 'utf8'));
export const exampleText = (name: string): string => readFileSync(join(EXAMPLES_DIR, name), 'utf8');

export const T0 = '2026-01-01T00:00:00Z';

export function connector(id = '1', extra: Record<string, unknown> = {}): any {
  return {
    id,
    standard: 'IEC_62196_T2',
    format: 'SOCKET',
    power_type: 'AC_3_PHASE',
    voltage: 230,
    amperage: 32,
    last_updated: T0,
    ...extra,
  };
}

export function evse(uid = 'E1', extra: Record<string, unknown> = {}): any {
  return {
    uid,
    evse_id: `NL*TNM*E${uid}`,
    status: 'AVAILABLE',
    capabilities: ['RFID_READER'],
    connectors: [
      connector('1'),
      connector('2', { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', voltage: 400, amperage: 125 }),
    ],
    last_updated: T0,
    ...extra,
  };
}

export function location(id = 'LOC1', extra: Record<string, unknown> = {}): any {
  return {
    id,
    type: 'ON_STREET',
    name: 'Stationsplein',
    address: 'Stationsplein 1',
    city: 'Amsterdam',
    postal_code: '1012AB',
    country: 'NLD',
    coordinates: { latitude: '52.379189', longitude: '4.899431' },
    evses: [evse('E1'), evse('E2')],
    operator: { name: 'The New Motion' },
    facilities: ['TRAIN_STATION'],
    time_zone: 'Europe/Amsterdam',
    last_updated: T0,
    ...extra,
  };
}

export function tariff(id = 'T1', extra: Record<string, unknown> = {}): any {
  return {
    id,
    currency: 'EUR',
    tariff_alt_text: [{ language: 'en', text: '0.30 per kWh' }],
    elements: [
      {
        price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }],
        restrictions: { day_of_week: ['MONDAY'], start_time: '08:00', end_time: '18:00' },
      },
      { price_components: [{ type: 'TIME', price: 2, step_size: 300 }] },
    ],
    last_updated: T0,
    ...extra,
  };
}

/** A CDR of one hour and 10 kWh at location('LOC1'), for the token with `authId`. */
export function cdr(id: string, authId: string, extra: Record<string, unknown> = {}): any {
  return {
    id,
    start_date_time: '2026-01-15T10:01:00Z',
    stop_date_time: '2026-01-15T11:01:00Z',
    auth_id: authId,
    auth_method: 'AUTH_REQUEST',
    location: location('LOC1'),
    currency: 'EUR',
    charging_periods: [{ start_date_time: '2026-01-15T10:01:00Z', dimensions: [{ type: 'ENERGY', volume: 10 }] }],
    total_cost: 3,
    total_energy: 10,
    total_time: 1,
    last_updated: '2026-01-15T11:02:00Z',
    ...extra,
  };
}

/** Set (or with `undefined`, delete) the value at a dotted path with [n] indexes. */
export function setPath(obj: any, path: string, value: unknown): any {
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = cur[p];
  const last = parts[parts.length - 1] as string;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return obj;
}

/** The stored collections, without findings (which an error may still add in the future). */
export function storedState(sim: TestSim): Record<string, unknown> {
  const { findings: _f, ...rest } = sim.deps.store.snapshot().collections;
  // A read may create an empty collection in the store; that is no change.
  return JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(rest).filter(([, v]) => Object.keys(v).length > 0))));
}

export const LOC = '/ocpi/2.1.1/locations';
export const TAR = '/ocpi/2.1.1/tariffs';
