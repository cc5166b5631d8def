// An OIOI station (station-post) as the OCPI Location the admin API and dashboard show beside
// OCPI locations. OIOI has no EVSE level: each distinct connector `id` (an EVSE ID) becomes one
// EVSE, and connectors sharing an EVSE ID (glossary: they share one status) become connectors of
// that EVSE. What OCPI cannot hold (speed in kW, free charge, parking spots...) stays in the raw
// station kept beside the Location (StoredLocation.oioi), so nothing the CPO sent is lost.
import type { Connector, ConnectorFormat, ConnectorType, EVSE, Location, PowerType, Status } from '../ocpi/locations/schema.js';
import type { StoredLocation } from '../ocpi/records.js';
import { alpha3Of } from './countries.js';
import { badFormat } from './protocol.js';
import { type CONNECTOR_NAMES, DAYS, type OioiConnector, type OioiStation, type OioiStatus } from './schema.js';

/**
 * connector-post-status values in OCPI terms. OCPI 2.1.1 says UNKNOWN is "also used when offline",
 * so Offline and Unknown both read UNKNOWN there; the OIOI value itself is kept in `oioi.statuses`.
 */
export const STATUS_TO_OCPI: Record<OioiStatus, Status> = {
  Available: 'AVAILABLE',
  Occupied: 'CHARGING',
  Reserved: 'RESERVED',
  Offline: 'UNKNOWN',
  Unknown: 'UNKNOWN',
};

interface PlugType {
  standard: ConnectorType;
  format: ConnectorFormat;
  /** DC plugs; AC plugs are 1- or 3-phase by their speed unless `phases` fixes it. */
  dc?: boolean;
  phases?: 1 | 3;
}

/** station_post.rst connector names -> OCPI ConnectorType. Marechal has no OCPI type: closest industrial socket. */
const PLUGS: Record<(typeof CONNECTOR_NAMES)[number], PlugType> = {
  Type2: { standard: 'IEC_62196_T2', format: 'SOCKET' },
  Combo: { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', dc: true },
  Chademo: { standard: 'CHADEMO', format: 'CABLE', dc: true },
  Schuko: { standard: 'DOMESTIC_F', format: 'SOCKET', phases: 1 },
  Type3: { standard: 'IEC_62196_T3C', format: 'SOCKET' },
  Scame: { standard: 'IEC_62196_T3A', format: 'SOCKET', phases: 1 },
  CeeBlue: { standard: 'IEC_60309_2_single_16', format: 'SOCKET', phases: 1 },
  CeeRed: { standard: 'IEC_60309_2_three_16', format: 'SOCKET', phases: 3 },
  Marechal: { standard: 'IEC_60309_2_three_32', format: 'SOCKET' },
  CeePlus: { standard: 'DOMESTIC_E', format: 'SOCKET', phases: 1 },
  Cee2Poles: { standard: 'DOMESTIC_C', format: 'SOCKET', phases: 1 },
  '3PinSquare': { standard: 'DOMESTIC_G', format: 'SOCKET', phases: 1 },
  Type1: { standard: 'IEC_62196_T1', format: 'SOCKET', phases: 1 },
  Tesla: { standard: 'TESLA_S', format: 'CABLE', dc: true },
  Nema5: { standard: 'DOMESTIC_B', format: 'SOCKET', phases: 1 },
  T13: { standard: 'DOMESTIC_J', format: 'SOCKET', phases: 1 },
  T15: { standard: 'DOMESTIC_J', format: 'SOCKET', phases: 3 },
  T23: { standard: 'DOMESTIC_J', format: 'SOCKET', phases: 1 },
  TypeE: { standard: 'DOMESTIC_E', format: 'SOCKET', phases: 1 },
};

/** An unlisted name (accepted, with a finding): stored as a Type 2 socket, the European default. */
const FALLBACK_PLUG: PlugType = { standard: 'IEC_62196_T2', format: 'SOCKET' };

export const isKnownConnectorName = (name: string): boolean => Object.hasOwn(PLUGS, name);

/** Voltage and amperage that give the connector's speed: 230 V per phase for AC (OCPI 2.1.1: line to neutral), 400 V DC. */
function electrical(plug: PlugType, kw: number, time: string, id: string): Connector {
  const phases = plug.dc ? 0 : (plug.phases ?? (kw > 7.4 ? 3 : 1));
  const power_type: PowerType = plug.dc ? 'DC' : phases === 3 ? 'AC_3_PHASE' : 'AC_1_PHASE';
  const voltage = plug.dc ? 400 : 230;
  const amperage = Math.round((kw * 1000) / (voltage * (phases || 1)));
  return { id, standard: plug.standard, format: plug.format, power_type, voltage, amperage, last_updated: time };
}

/** OCPI DateTime, second precision. */
export const ocpiTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Connectors grouped by EVSE ID, in the order first seen. */
export function groupByEvse(connectors: readonly OioiConnector[]): Map<string, OioiConnector[]> {
  const groups = new Map<string, OioiConnector[]>();
  for (const c of connectors) groups.set(c.id, [...(groups.get(c.id) ?? []), c]);
  return groups;
}

function openingTimes(station: OioiStation): Location['opening_times'] {
  if (station['is-open-24']) return { twentyfourseven: true };
  const notes = station['open-hour-notes'] ?? [];
  if (notes.length === 0) return undefined;
  const regular_hours: { weekday: number; period_begin: string; period_end: string }[] = [];
  for (const note of notes) {
    // days = [first, last] of a range, which may wrap past Sunday (Fr..Mo).
    const first = DAYS.indexOf(note.days[0] as (typeof DAYS)[number]);
    const last = DAYS.indexOf(note.days[1] as (typeof DAYS)[number]);
    for (let d = first, n = 0; n < 7; d = (d + 1) % 7, n++) {
      regular_hours.push({ weekday: d + 1, period_begin: note.times[0] as string, period_end: note.times[1] as string });
      if (d === last) break;
    }
  }
  return { regular_hours, twentyfourseven: false };
}

function website(contact: OioiStation['contact']): string | undefined {
  const raw = contact.website ?? contact.web;
  if (!raw) return undefined;
  const url = /^https?:\/\//i.test(raw) ? raw : `https://${raw}`;
  return URL.canParse(url) ? url : undefined;
}

/**
 * The Location for a station. `statuses` are the last OIOI statuses per EVSE ID (none yet:
 * UNKNOWN); a deleted station keeps its EVSEs as REMOVED, OCPI's soft delete.
 */
export function stationToLocation(station: OioiStation, statuses: Readonly<Record<string, OioiStatus>>, nowMs: number): Location {
  const country = alpha3Of(station.address.country);
  if (!country) throw badFormat(`"${station.address.country}" is not an assigned ISO 3166-1 alpha-2 country code`, 'station-post.station.address.country');
  const time = ocpiTime(nowMs);
  const coordinates = { latitude: station.latitude.toFixed(6), longitude: station.longitude.toFixed(6) };
  const evses: EVSE[] = [];
  for (const [evseId, connectors] of groupByEvse(station.connectors)) {
    const oioiStatus = statuses[evseId];
    const status: Status = station.deleted ? 'REMOVED' : oioiStatus ? STATUS_TO_OCPI[oioiStatus] : 'UNKNOWN';
    evses.push({
      uid: evseId,
      evse_id: evseId,
      status,
      ...(station['is-reservable'] ? { capabilities: ['RESERVABLE' as const] } : {}),
      connectors: connectors.map((c, i) => electrical(isKnownConnectorName(c.name) ? PLUGS[c.name as keyof typeof PLUGS] : FALLBACK_PLUG, c.speed, time, String(i + 1))),
      ...(station['floor-level'] !== undefined ? { floor_level: String(station['floor-level']).slice(0, 4) } : {}),
      coordinates,
      last_updated: time,
    });
  }
  const site = website(station.contact);
  const hours = openingTimes(station);
  return {
    id: station.id,
    // OIOI has no location type.
    type: 'UNKNOWN',
    name: station.name,
    address: [station.address.street, station.address['street-number']].filter(Boolean).join(' '),
    city: station.address.city,
    postal_code: station.address.zip,
    country,
    coordinates,
    evses,
    ...(station.notes ? { directions: [{ language: 'en', text: station.notes.slice(0, 512) }] } : {}),
    // OIOI names the operator only by its EVSE operator prefix (cpo-id).
    operator: { name: station['cpo-id'], ...(site ? { website: site } : {}) },
    ...(hours ? { opening_times: hours } : {}),
    ...(station['is-green-power-available'] !== undefined ? { energy_mix: { is_green_energy: station['is-green-power-available'] } } : {}),
    last_updated: time,
  };
}

/** The OIOI statuses kept for a stored station (empty for an OCPI location). */
export const statusesOf = (stored: StoredLocation | undefined): Record<string, OioiStatus> =>
  (stored?.oioi?.statuses as Record<string, OioiStatus> | undefined) ?? {};
