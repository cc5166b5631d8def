// EVSE ID -> keys of the OIOI stations that carry it, so connector-post-status, session-post and
// the station-post coordinate check never scan the locations collection. Only OIOI stations are
// indexed (OCPI locations are addressed by location id, not EVSE ID). The index is rebuilt when
// the state is replaced (store generation); every hit is checked against the store, so a station
// removed by other means (admin) is never answered from a stale entry.
import type { StoredLocation } from '../ocpi/records.js';
import { COLLECTIONS } from '../ocpi/records.js';
import type { Store } from '../store/index.js';
import { perStore } from '../store/per-store.js';
import { groupByEvse } from './station-location.js';
import type { OioiStation } from './schema.js';

const LOCATIONS = COLLECTIONS.locations;

export const evseIdsOf = (stored: StoredLocation | undefined): string[] =>
  stored?.protocol === 'oioi' && stored.oioi ? [...groupByEvse((stored.oioi.station as OioiStation).connectors).keys()] : [];

class EvseIndex {
  private byEvse = new Map<string, Set<string>>();
  private generation = -1;

  private sync(store: Store): void {
    if (this.generation === store.generation) return;
    this.byEvse = new Map();
    for (const [key, stored] of store.entries<StoredLocation>(LOCATIONS)) for (const id of evseIdsOf(stored)) this.link(id, key);
    this.generation = store.generation;
  }
  private link(evseId: string, key: string): void {
    const keys = this.byEvse.get(evseId);
    if (keys) keys.add(key);
    else this.byEvse.set(evseId, new Set([key]));
  }

  /** Rebuild on next use (a write whose change was applied here failed and was undone). */
  invalidate(): void {
    this.generation = -1;
  }

  /** After our write of `key` applied: what it held before and holds now. */
  changed(store: Store, key: string, before: StoredLocation | undefined, after: StoredLocation | undefined): void {
    this.sync(store);
    for (const id of evseIdsOf(before)) this.byEvse.get(id)?.delete(key);
    for (const id of evseIdsOf(after)) this.link(id, key);
  }

  /** Keys of the OIOI stations that list this EVSE ID now. */
  stations(store: Store, evseId: string): { key: string; stored: StoredLocation }[] {
    this.sync(store);
    const out: { key: string; stored: StoredLocation }[] = [];
    for (const key of this.byEvse.get(evseId) ?? []) {
      const stored = store.get<StoredLocation>(LOCATIONS, key);
      if (stored && evseIdsOf(stored).includes(evseId)) out.push({ key, stored });
    }
    return out;
  }
}

export const evseIndex = perStore<Store, EvseIndex>(() => new EvseIndex());
