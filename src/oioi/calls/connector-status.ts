// connector-post-status (docs/calls/connector_post_status.rst): the status of every connector
// with an EVSE ID. Both versions update all connectors that share the ID within a station (the
// glossary's shared EVSE). v3 answers 404 for an unknown connector or status and 422 when the
// connector cannot be identified uniquely, which we read as: the ID is in more than one of the
// partner's stations. v4 has no 422 (it updates them all) and answers an unknown EVSE with 181;
// a status outside the five values is a format error there (400, result 230).
import { withFields } from '../../store/copy.js';
import { put } from '../../store/index.js';
import { COLLECTIONS, type StoredLocation } from '../../ocpi/records.js';
import { later } from '../../ocpi/locations/owned.js';
import { checkPartner } from '../keys.js';
import { OioiError, RESULT } from '../protocol.js';
import { ConnectorPostStatus, OIOI_STATUSES, type OioiStatus, parseCall } from '../schema.js';
import { ocpiTime, STATUS_TO_OCPI } from '../station-location.js';
import { callerStationsWith, type CallHandler } from './call.js';

const LOCATIONS = COLLECTIONS.locations;

const isStatus = (s: string): s is OioiStatus => (OIOI_STATUSES as readonly string[]).includes(s);

/** The stored station with the EVSE's status set (OCPI view and the raw OIOI value), last_updated moved. */
export function withStatus(stored: StoredLocation, evseId: string, status: OioiStatus, nowMs: number): StoredLocation {
  const time = ocpiTime(nowMs);
  const evses = (stored.location.evses ?? []).map((e) =>
    e.uid === evseId ? withFields(e, { status: STATUS_TO_OCPI[status], last_updated: later(e.last_updated, time) }) : e,
  );
  return withFields(stored, {
    location: withFields(stored.location, { evses, last_updated: later(stored.location.last_updated, time) }),
    oioi: stored.oioi && { ...stored.oioi, statuses: { ...stored.oioi.statuses, [evseId]: status }, updated_at: new Date(nowMs).toISOString() },
  });
}

export const connectorPostStatus: CallHandler = async (ctx, raw) => {
  const input = parseCall(ConnectorPostStatus, 'connector-post-status', raw);
  checkPartner(ctx.caller, input['partner-identifier'], 'connector-post-status.partner-identifier');
  const { status } = input;
  if (!isStatus(status)) {
    throw new OioiError(RESULT.invalidFormat, `Unknown status "${status}": must be one of ${OIOI_STATUSES.join(', ')} (case as shown)`, {
      v3Status: 404,
      v4Status: 400,
      field: 'connector-post-status.status',
    });
  }
  const evseId = input['connector-id'];
  const hits = callerStationsWith(ctx, evseId, 'connector-post-status.connector-id');
  if (hits.length > 1 && ctx.version === 'v3') {
    throw new OioiError(RESULT.clientError, `EVSE ID ${evseId} cannot be identified uniquely: it is in stations ${hits.map((h) => h.stored.location.id).join(', ')}`, {
      v3Status: 422,
      field: 'connector-post-status.connector-id',
    });
  }
  const now = ctx.deps.clock.now();
  const updates = hits.map((h) => ({ key: h.key, value: withStatus(h.stored, evseId, status, now) }));
  await ctx.deps.store.write(updates.map((u) => put(LOCATIONS, u.key, u.value)));
  for (const u of updates) ctx.deps.events.emit({ type: 'change', data: { collection: LOCATIONS, key: u.key, op: 'put' } });
  return { v3: { 'connector-post-status': { success: true } }, v4: {} };
};
