// station-post (docs/calls/station_post.rst): one station's static data, stored as an OCPI
// Location with protocol 'oioi' in the same collection as OCPI locations, keyed
// `OIOI*<partner>/<station id>`, with the Territory applied to its country as for OCPI.
// Refused: a changed connector set on an existing station (the docs forbid it), and an EVSE ID
// that another station already has at other coordinates (result 322).
import { put } from '../../store/index.js';
import { COLLECTIONS, ownedKey, type StoredLocation } from '../../ocpi/records.js';
import { outsideTerritory } from '../../ocpi/locations/findings.js';
import { evseChange } from '../../ocpi/locations/evse-counts.js';
import { checkRoomFor, commit, countAdded } from '../../ocpi/locations/owned.js';
import { OcpiError } from '../../ocpi/transport/errors.js';
import type { NewFinding } from '../../rules/findings.js';
import { evseIndex } from '../evse-index.js';
import { checkPartner } from '../keys.js';
import { badFormat, OioiError, RESULT } from '../protocol.js';
import { type OioiStation, parseCall, StationPost } from '../schema.js';
import { groupByEvse, isKnownConnectorName, stationToLocation, statusesOf } from '../station-location.js';
import type { CallContext, CallHandler } from './call.js';

const LOCATIONS = COLLECTIONS.locations;
const FIELD = 'station-post.station';

const sortedIds = (s: OioiStation) => s.connectors.map((c) => c.id).sort();

function checkConnectorsUnchanged(before: StoredLocation | undefined, station: OioiStation): void {
  const old = before?.oioi?.station as OioiStation | undefined;
  // A deleted station may come back with other connectors.
  if (!old || old.deleted) return;
  const a = sortedIds(old);
  const b = sortedIds(station);
  if (a.length === b.length && a.every((id, i) => id === b[i])) return;
  throw badFormat(
    `The connectors of existing station ${station.id} changed (had ${a.join(', ')}; got ${b.join(', ')}): station_post.rst forbids changing a station's connectors or their IDs; ` +
      'delete the station (deleted: true) and push it again, or push a new station',
    `${FIELD}.connectors`,
  );
}

/** 322: an EVSE ID is globally unique; the same one at other coordinates in another station is refused. */
function checkSamePlace(ctx: CallContext, key: string, station: OioiStation): void {
  const lat = station.latitude.toFixed(6);
  const lon = station.longitude.toFixed(6);
  for (const evseId of groupByEvse(station.connectors).keys()) {
    for (const hit of evseIndex(ctx.deps.store).stations(ctx.deps.store, evseId)) {
      if (hit.key === key) continue;
      const at = hit.stored.location.coordinates;
      if (at.latitude === lat && at.longitude === lon) continue;
      throw new OioiError(
        RESULT.sameEvseOtherPlace,
        `EVSE ID ${evseId} already belongs to station ${hit.stored.location.id} of ${hit.stored.party} at ${at.latitude},${at.longitude}, not ${lat},${lon}`,
        { v3Status: 400, field: `${FIELD}.connectors` },
      );
    }
  }
}

function connectorTypeFindings(ctx: CallContext, station: OioiStation, object: NewFinding['object']): NewFinding[] {
  return station.connectors.flatMap((c, i) =>
    isKnownConnectorName(c.name)
      ? []
      : [
          {
            party: ctx.caller.party,
            rule: 'oioi.unknown-connector-type',
            severity: 'info' as const,
            message: `Connector name "${c.name}" is not one of the types station_post.rst lists: stored as an IEC 62196 Type 2 socket; ask Plugsurfing to add the type`,
            path: `${FIELD}.connectors[${i}].name`,
            object,
            request_id: ctx.requestId,
          },
        ],
  );
}

export const stationPost: CallHandler = async (ctx, raw) => {
  const input = parseCall(StationPost, 'station-post', raw);
  checkPartner(ctx.caller, input['partner-identifier'], 'station-post.partner-identifier');
  const { deps, caller } = ctx;
  const station = { ...input.station, deleted: input.station.deleted ?? false };
  const key = ownedKey(caller.party, station.id);
  const before = deps.store.get<StoredLocation>(LOCATIONS, key);
  if (before && before.protocol !== 'oioi') throw badFormat(`Station id ${station.id} is taken by a non-OIOI location`, `${FIELD}.id`);
  checkConnectorsUnchanged(before, station);
  checkSamePlace(ctx, key, station);
  if (!before) {
    try {
      checkRoomFor(deps, LOCATIONS, caller.party, 'locations');
    } catch (err) {
      if (err instanceof OcpiError) throw new OioiError(RESULT.clientError, err.message, { v3Status: 400 });
      throw err;
    }
  }
  const now = deps.clock.now();
  const location = stationToLocation(station, statusesOf(before), now);
  const record: StoredLocation = {
    party: caller.party,
    protocol: 'oioi',
    location,
    created_at: before?.created_at ?? new Date(now).toISOString(),
    oioi: { partner_identifier: caller.partner_identifier, station, statuses: before?.oioi?.statuses ?? {}, updated_at: new Date(now).toISOString() },
  };
  const object = { module: 'locations', id: key };
  const findings = [
    ...outsideTerritory(deps, caller.party, location.country, object, ctx.requestId).map((f) => ({ ...f, path: `${FIELD}.address.country` })),
    ...connectorTypeFindings(ctx, station, object),
  ];
  const index = evseIndex(deps.store);
  const evses = evseChange(deps, caller.party, before, record);
  try {
    await commit(deps, [put(LOCATIONS, key, record)], findings, () => {
      index.changed(deps.store, key, before, record);
      evses.applied();
      if (!before) countAdded(deps, LOCATIONS, caller.party);
    });
  } catch (err) {
    index.invalidate();
    evses.failed();
    throw err;
  }
  deps.events.emit({ type: 'change', data: { collection: LOCATIONS, key, op: 'put' } });
  return { v3: { 'station-post': { success: true } }, v4: {} };
};
