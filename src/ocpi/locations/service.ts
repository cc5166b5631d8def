// The Locations receiver (mod_locations.md 2.2, eMSP interface): PUT and PATCH of a Location,
// an EVSE or a Connector pushed by the CPO that owns it. Each handler reads the store, builds
// the new immutable record and writes it with its findings, with no `await` in between.
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { NewFinding } from '../../rules/findings.js';
import { changesBetween } from '../../store/changes.js';
import { withFields } from '../../store/copy.js';
import { put, update } from '../../store/index.js';
import { COLLECTIONS, ownedKey, type StoredLocation } from '../records.js';
import { ocpiTimestamp } from '../transport/envelope.js';
import { invalidParameters, notFound } from '../transport/errors.js';
import type { OcpiResult, PartyRequest } from '../transport/router.js';
import { OcpiStatus } from '../transport/status.js';
import { validate } from '../transport/validate.js';
import { evseChange } from './evse-counts.js';
import { outsideTerritory, unknownTariffs } from './findings.js';
import {
  checkRoomFor,
  commit,
  countAdded,
  isOlder,
  lastUpdatedBackwards,
  later,
  patchWithoutLastUpdated,
  sameId,
  unknownFieldFinding,
} from './owned.js';
import { Connector, ConnectorPatch, EVSE, EvsePatch, Location, LocationPatch } from './schema.js';
import { connectorIndex, evseIndex, evsesOf, tariffRefsOfConnectors, tariffRefsOfEvses, withConnector, withEvse } from './tree.js';

export const LOCATIONS = COLLECTIONS.locations;

/** A Location pushed by `partyKey` (`CC*PID`), as stored. For the tokens and CDR modules too. */
export function findLocation(deps: Deps, partyKey: string, locationId: string): StoredLocation | undefined {
  return deps.store.get<StoredLocation>(LOCATIONS, ownedKey(partyKey, locationId));
}

/** What the URL names, already checked against the caller (see routes.ts). */
export interface LocationTarget {
  party: string;
  locationId: string;
  evseUid?: string;
  connectorId?: string;
}

/** One request being handled: its target, and the findings it has produced so far. */
class Job {
  readonly findings: NewFinding[] = [];
  readonly object: NonNullable<NewFinding['object']>;
  constructor(
    readonly req: PartyRequest,
    readonly t: LocationTarget,
  ) {
    const id = [ownedKey(t.party, t.locationId), t.evseUid, t.connectorId].filter((x) => x !== undefined).join('/');
    this.object = { module: 'locations', id };
  }
  get deps(): Deps {
    return this.req.deps;
  }

  /** Validate the body; report its unknown fields. */
  body<S extends z.ZodType>(schema: S, what: string): z.output<S> {
    if (this.req.body === undefined) throw invalidParameters(`The request body is empty: a ${what} is required`);
    const { value, unknownFields } = validate(schema, this.req.body, what);
    this.findings.push(...unknownFieldFinding(this.t.party, unknownFields, this.object, this.req.requestId));
    return value;
  }

  location(): StoredLocation {
    const stored = findLocation(this.deps, this.t.party, this.t.locationId);
    if (!stored) {
      throw notFound(
        `Location ${this.t.locationId} of ${this.t.party} is unknown here: PUT the Location first`,
        OcpiStatus.UNKNOWN_LOCATION,
      );
    }
    return stored;
  }

  evseAt(location: Location): number {
    const at = evseIndex(location, this.t.evseUid as string);
    if (at < 0)
      throw notFound(`EVSE ${this.t.evseUid} of Location ${this.t.locationId} (${this.t.party}) is unknown here: PUT the EVSE first`);
    return at;
  }

  tariffRefs(refs: { path: string; tariff_id: string }[]): void {
    this.findings.push(...unknownTariffs(this.deps, this.t.party, refs, this.object, this.req.requestId));
  }

  /** PUT: the object's last_updated is kept as sent; an older one than stored is noted. */
  checkOrder(sent: string, stored: string | undefined): void {
    if (stored !== undefined && isOlder(sent, stored)) {
      this.findings.push(lastUpdatedBackwards(this.t.party, sent, stored, this.object, this.req.requestId));
    }
  }

  /** PATCH: last_updated as sent, or (2.1.1 allows it absent) the time of receipt. */
  patchedLastUpdated(sent: string | undefined, stored: string): string {
    if (sent !== undefined) {
      this.checkOrder(sent, stored);
      return sent;
    }
    const used = later(stored, ocpiTimestamp(this.req.now));
    this.findings.push(patchWithoutLastUpdated(this.t.party, used, this.object, this.req.requestId));
    return used;
  }

  /**
   * A Location PUT makes a fresh record; any other write keeps the record's other fields (protocol,
   * oioi), and the log records only what it changed (a status PATCH: the status and two
   * last_updated, not the 2 KB Location).
   */
  save(stored: StoredLocation | undefined, location: Location, created: boolean, replace = false): Promise<OcpiResult> {
    const { deps, t } = this;
    const created_at = stored?.created_at ?? new Date(this.req.now).toISOString();
    const record: StoredLocation =
      stored && !replace ? withFields(stored, { location }) : { party: t.party, protocol: 'ocpi', location, created_at };
    const evses = evseChange(deps, t.party, stored, record);
    const key = ownedKey(t.party, t.locationId);
    const changes = stored && !replace ? changesBetween(stored, record) : undefined;
    const write = changes ? update(LOCATIONS, key, record, changes) : put(LOCATIONS, key, record);
    const failed = (err: unknown): never => {
      evses.failed();
      throw err;
    };
    let durable: Promise<void>;
    try {
      durable = commit(deps, [write], this.findings, () => {
        evses.applied();
        if (!stored) countAdded(deps, LOCATIONS, t.party);
      });
    } catch (err) {
      return failed(err);
    }
    // A chain rather than `async`: one promise between the group commit and the answer.
    return durable.then(() => {
      deps.events.emit({ type: 'change', data: { collection: LOCATIONS, key, op: 'put' } });
      return { http: created ? 201 : 200 };
    }, failed);
  }
}

export function putLocation(req: PartyRequest, t: LocationTarget): Promise<OcpiResult> {
  const job = new Job(req, t);
  const location = job.body(Location, 'Location');
  sameId(location.id, t.locationId, 'id', 'Location');
  const stored = findLocation(req.deps, t.party, t.locationId);
  if (!stored) checkRoomFor(req.deps, LOCATIONS, t.party, 'locations');
  job.checkOrder(location.last_updated, stored?.location.last_updated);
  job.tariffRefs(tariffRefsOfEvses(location.evses, 'evses'));
  // Noted when the Location arrives outside or moves there, not on every re-push.
  if (!stored || stored.location.country !== location.country) {
    job.findings.push(...outsideTerritory(req.deps, t.party, location.country, job.object, req.requestId));
  }
  return job.save(stored, location, !stored, true);
}

export function patchLocation(req: PartyRequest, t: LocationTarget): Promise<OcpiResult> {
  const job = new Job(req, t);
  const stored = job.location();
  const patch = job.body(LocationPatch, 'Location PATCH');
  sameId(patch.id, t.locationId, 'id', 'Location');
  const last_updated = job.patchedLastUpdated(patch.last_updated, stored.location.last_updated);
  // Fields given replace the stored ones; a given `evses` list replaces the whole list.
  const location: Location = withFields(stored.location, patch, { last_updated });
  if (patch.evses) job.tariffRefs(tariffRefsOfEvses(patch.evses, 'evses'));
  if (patch.country !== undefined && patch.country !== stored.location.country) {
    job.findings.push(...outsideTerritory(req.deps, t.party, patch.country, job.object, req.requestId));
  }
  return job.save(stored, location, false);
}

export function putEvse(req: PartyRequest, t: LocationTarget): Promise<OcpiResult> {
  const job = new Job(req, t);
  const stored = job.location();
  const evse = job.body(EVSE, 'EVSE');
  sameId(evse.uid, t.evseUid as string, 'uid', 'EVSE');
  const at = evseIndex(stored.location, evse.uid);
  job.checkOrder(evse.last_updated, at < 0 ? undefined : evsesOf(stored.location)[at]?.last_updated);
  job.tariffRefs(tariffRefsOfConnectors(evse.connectors, 'connectors'));
  return job.save(stored, withEvse(stored.location, at, evse), at < 0);
}

export function patchEvse(req: PartyRequest, t: LocationTarget): Promise<OcpiResult> {
  const job = new Job(req, t);
  const stored = job.location();
  const at = job.evseAt(stored.location);
  const patch = job.body(EvsePatch, 'EVSE PATCH');
  sameId(patch.uid, t.evseUid as string, 'uid', 'EVSE');
  const evse = evsesOf(stored.location)[at] as EVSE;
  const last_updated = job.patchedLastUpdated(patch.last_updated, evse.last_updated);
  // Status REMOVED is how an EVSE is deleted (mod_locations.md 1): it is kept, with that status.
  const merged: EVSE = withFields(evse, patch, { last_updated });
  if (patch.connectors) job.tariffRefs(tariffRefsOfConnectors(patch.connectors, 'connectors'));
  return job.save(stored, withEvse(stored.location, at, merged), false);
}

export function putConnector(req: PartyRequest, t: LocationTarget): Promise<OcpiResult> {
  const job = new Job(req, t);
  const stored = job.location();
  const evseAt = job.evseAt(stored.location);
  const connector = job.body(Connector, 'Connector');
  sameId(connector.id, t.connectorId as string, 'id', 'Connector');
  const evse = evsesOf(stored.location)[evseAt] as EVSE;
  const at = connectorIndex(evse, connector.id);
  job.checkOrder(connector.last_updated, at < 0 ? undefined : evse.connectors[at]?.last_updated);
  if (connector.tariff_id !== undefined) job.tariffRefs([{ path: 'tariff_id', tariff_id: connector.tariff_id }]);
  return job.save(stored, withConnector(stored.location, evseAt, at, connector), at < 0);
}

export function patchConnector(req: PartyRequest, t: LocationTarget): Promise<OcpiResult> {
  const job = new Job(req, t);
  const stored = job.location();
  const evseAt = job.evseAt(stored.location);
  const evse = evsesOf(stored.location)[evseAt] as EVSE;
  const at = connectorIndex(evse, t.connectorId as string);
  if (at < 0) {
    throw notFound(
      `Connector ${t.connectorId} of EVSE ${t.evseUid} of Location ${t.locationId} (${t.party}) is unknown here: PUT the Connector first`,
    );
  }
  const patch = job.body(ConnectorPatch, 'Connector PATCH');
  sameId(patch.id, t.connectorId as string, 'id', 'Connector');
  const connector = evse.connectors[at] as Connector;
  const last_updated = job.patchedLastUpdated(patch.last_updated, connector.last_updated);
  if (patch.tariff_id !== undefined) job.tariffRefs([{ path: 'tariff_id', tariff_id: patch.tariff_id }]);
  return job.save(stored, withConnector(stored.location, evseAt, at, withFields(connector, patch, { last_updated })), false);
}
