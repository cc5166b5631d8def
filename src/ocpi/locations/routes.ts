// mod_locations.md 2.2, eMSP interface, as Plugsurfing offers it: PUT and PATCH of a Location,
// EVSE or Connector (ToEMP). GET is not supported by Plugsurfing; DELETE does not exist (an
// EVSE is removed with status REMOVED).
import type { OcpiRouter, PartyRequest } from '../transport/router.js';
import { urlId } from '../types.js';
import { ownPartyKey, urlSegment } from './owned.js';
import { Connector, ConnectorPatch, EVSE, EvsePatch, Location, LocationPatch } from './schema.js';
import { type LocationTarget, patchConnector, patchEvse, patchLocation, putConnector, putEvse, putLocation } from './service.js';

const LOCATION_PATH = '/2.1.1/locations/:country_code/:party_id/:location_id';
const EVSE_PATH = `${LOCATION_PATH}/:evse_uid`;
const CONNECTOR_PATH = `${EVSE_PATH}/:connector_id`;

const LocationId = urlId(39);
const EvseUid = urlId(39);
const ConnectorId = urlId(36);

function target(req: PartyRequest): LocationTarget {
  const party = ownPartyKey(req, 'locations');
  const t: LocationTarget = { party, locationId: urlSegment(LocationId, req.params.location_id, 'location_id') };
  if (req.params.evse_uid !== undefined) t.evseUid = urlSegment(EvseUid, req.params.evse_uid, 'evse_uid');
  if (req.params.connector_id !== undefined) t.connectorId = urlSegment(ConnectorId, req.params.connector_id, 'connector_id');
  return t;
}

const GET_REASON =
  'Plugsurfing does not support GET on its Locations endpoint (ToEMP GET locations, evse, connector: not supported); ' +
  'it receives PUT and PATCH only. The simulator shows what it stored at GET /admin/locations/{country_code}/{party_id}/{location_id}';
const DELETE_REASON = 'OCPI 2.1.1 has no DELETE for Locations: remove an EVSE by setting its status to REMOVED with PUT or PATCH';
const POST_REASON = 'POST is not part of the eMSP Locations interface: use PUT to create or replace, PATCH to update';

export function registerLocationRoutes(router: OcpiRouter): void {
  const levels = [
    { path: LOCATION_PATH, what: 'Location', put: putLocation, patch: patchLocation, body: Location, patchBody: LocationPatch },
    { path: EVSE_PATH, what: 'EVSE', put: putEvse, patch: patchEvse, body: EVSE, patchBody: EvsePatch },
    { path: CONNECTOR_PATH, what: 'Connector', put: putConnector, patch: patchConnector, body: Connector, patchBody: ConnectorPatch },
  ] as const;
  for (const level of levels) {
    router.add({
      method: 'PUT',
      path: level.path,
      module: 'locations',
      auth: 'party',
      summary: `Create (201) or replace (200) a ${level.what} of the calling CPO`,
      description:
        level.what === 'Location'
          ? 'Stored also outside the Territory (marked in_territory=false, with a finding).'
          : `The ${level.what}'s parents must exist (404 otherwise); their last_updated moves with it.`,
      requestBody: level.body,
      handler: (req) => level.put(req, target(req)),
    });
    router.add({
      method: 'PATCH',
      path: level.path,
      module: 'locations',
      auth: 'party',
      summary: `Update fields of a stored ${level.what} (404 when unknown); last_updated may be omitted (2.1.1)`,
      requestBody: level.patchBody,
      handler: (req) => level.patch(req, target(req)),
    });
    router.refuse({ method: 'GET', path: level.path, module: 'locations', reason: GET_REASON });
    router.refuse({ method: 'DELETE', path: level.path, module: 'locations', reason: DELETE_REASON });
    router.refuse({ method: 'POST', path: level.path, module: 'locations', reason: POST_REASON });
  }
}
