// What every inbound call handler gets, and the shared lookups of the station calls.
import type { Deps } from '../../deps.js';
import type { StoredLocation } from '../../ocpi/records.js';
import { evseIndex } from '../evse-index.js';
import type { OioiKeyRecord } from '../keys.js';
import { OioiError, type CallAnswer, type OioiVersion, RESULT } from '../protocol.js';

export interface CallContext {
  deps: Deps;
  /** The key the request came with, and the partner it is bound to. */
  caller: OioiKeyRecord;
  version: OioiVersion;
  /** Journal id of the request (findings point at it). */
  requestId: string;
}

export type CallHandler = (ctx: CallContext, body: unknown) => Promise<CallAnswer>;

export interface StationHit {
  key: string;
  stored: StoredLocation;
}

/**
 * The caller's live (not deleted) stations carrying an EVSE ID. None: 181 / v3 404, or 211 /
 * v3 403 when only another partner pushed it (Plugsurfing takes data about a station only from
 * the partner that pushed it, docs/oioi.md 1).
 */
export function callerStationsWith(ctx: CallContext, evseId: string, field: string): StationHit[] {
  const all = evseIndex(ctx.deps.store).stations(ctx.deps.store, evseId);
  const own = all.filter((h) => h.stored.party === ctx.caller.party);
  const live = own.filter((h) => !(h.stored.oioi?.station as { deleted?: boolean } | undefined)?.deleted);
  if (live.length > 0) return live;
  if (own.length > 0) {
    throw new OioiError(RESULT.evseNotFound, `EVSE ${evseId} belongs to station ${own[0]?.stored.location.id}, which was deleted (station-post with deleted: true)`, {
      v3Status: 404,
      field,
    });
  }
  if (all.length > 0) {
    throw new OioiError(RESULT.invalidPartner, `EVSE ${evseId} was pushed by another partner, not by ${ctx.caller.partner_identifier}`, { v3Status: 403, field });
  }
  throw new OioiError(RESULT.evseNotFound, `No station pushed by ${ctx.caller.partner_identifier} has a connector with EVSE ID ${evseId} (send station-post first)`, {
    v3Status: 404,
    field,
  });
}
