// Pure edits of a stored Location tree. Stored values are immutable: each edit copies only the
// path it changes (the Location, its evses array, one EVSE, its connectors array; store/copy.ts)
// and shares the rest, so a connector update costs O(EVSEs + connectors of that EVSE), never a
// deep clone. The two copies here set their fields directly rather than through `withFields`:
// the status PATCH's path, where the object of fields and Object.assign cost ~30% more
// (bench/copies.ts).
// mod_locations.md 2.1.1 (GET List): an EVSE update moves the Location's last_updated, a
// Connector update moves the EVSE's and the Location's; a parent's never goes backwards.
import { copyOf } from '../../store/copy.js';
import type { Connector, EVSE, Location } from './schema.js';
import { later } from './owned.js';

export const evsesOf = (location: Location): EVSE[] => location.evses ?? [];

export function evseIndex(location: Location, uid: string): number {
  return evsesOf(location).findIndex((e) => e.uid === uid);
}

export function connectorIndex(evse: EVSE, id: string): number {
  return evse.connectors.findIndex((c) => c.id === id);
}

/** A copy of `list` with `item` at `index` (appended when index < 0). */
function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  if (index < 0) return [...list, item];
  const out = list.slice();
  out[index] = item;
  return out;
}

/** The Location with `evse` stored at `index` (new when < 0) and its last_updated moved. */
export function withEvse(location: Location, index: number, evse: EVSE): Location {
  const next = copyOf(location);
  next.evses = replaceAt(evsesOf(location), index, evse);
  next.last_updated = later(location.last_updated, evse.last_updated);
  return next;
}

/** The Location with `connector` stored at `index` (new when < 0) of EVSE `evseAt`; both parents moved. */
export function withConnector(location: Location, evseAt: number, index: number, connector: Connector): Location {
  const evse = evsesOf(location)[evseAt] as EVSE;
  const updated = copyOf(evse);
  updated.connectors = replaceAt(evse.connectors, index, connector);
  updated.last_updated = later(evse.last_updated, connector.last_updated);
  return withEvse(location, evseAt, updated);
}

/** Every connector tariff_id in a list of EVSEs, with its JSON path under `prefix`. */
export function tariffRefsOfEvses(evses: readonly EVSE[] | undefined, prefix: string): { path: string; tariff_id: string }[] {
  const out: { path: string; tariff_id: string }[] = [];
  (evses ?? []).forEach((evse, e) => {
    out.push(...tariffRefsOfConnectors(evse.connectors, `${prefix}[${e}].connectors`));
  });
  return out;
}

export function tariffRefsOfConnectors(
  connectors: readonly Connector[] | undefined,
  prefix: string,
): { path: string; tariff_id: string }[] {
  const out: { path: string; tariff_id: string }[] = [];
  (connectors ?? []).forEach((c, i) => {
    if (c.tariff_id !== undefined) out.push({ path: `${prefix}[${i}].tariff_id`, tariff_id: c.tariff_id });
  });
  return out;
}
