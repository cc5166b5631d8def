// EVSEs count toward MAX_OBJECTS_PER_PARTY too: a Location is one object, but the EVSEs a CPO
// PUTs into it one by one would otherwise grow it without bound (and each such PUT logs the
// whole Location again). Counted per party across its Locations, kept current by the writers
// of Locations (OCPI and OIOI), rebuilt when the state is replaced.
import type { Deps } from '../../deps.js';
import type { Store } from '../../store/index.js';
import { perStore } from '../../store/per-store.js';
import { COLLECTIONS, type StoredLocation } from '../records.js';
import { clientError } from '../transport/errors.js';
import { evsesOf } from './tree.js';

class EvseCounts {
  private counts = new Map<string, number>();
  private generation = -1;

  /** Built on first need after a start or a state replacement: reading every Location is not free. */
  count(store: Store, party: string): number {
    if (this.generation !== store.generation) {
      const counts = new Map<string, number>();
      for (const stored of store.values<StoredLocation>(COLLECTIONS.locations)) {
        counts.set(stored.party, (counts.get(stored.party) ?? 0) + evsesOf(stored.location).length);
      }
      this.counts = counts;
      this.generation = store.generation;
    }
    return this.counts.get(party) ?? 0;
  }

  /** A change to counts not built yet is left out: the build reads the store, change included. */
  add(store: Store, party: string, delta: number): void {
    if (delta !== 0 && this.generation === store.generation) this.counts.set(party, (this.counts.get(party) ?? 0) + delta);
  }
}

const countsOf = perStore<Store, EvseCounts>(() => new EvseCounts());

const evseCount = (stored: StoredLocation | undefined) => (stored ? evsesOf(stored.location).length : 0);

/**
 * Check that replacing `before` by `after` keeps the party within MAX_OBJECTS_PER_PARTY EVSEs, and
 * return what records the change once the write is applied, and undoes it if the write fails.
 */
export function evseChange(
  deps: Deps,
  party: string,
  before: StoredLocation | undefined,
  after: StoredLocation,
): { applied(): void; failed(): void } {
  const delta = evseCount(after) - evseCount(before);
  const counts = countsOf(deps.store);
  const max = deps.config.maxObjectsPerParty;
  // Only a change that adds EVSEs is checked (and so builds the counts): a status PATCH is not.
  if (delta > 0) {
    const current = counts.count(deps.store, party);
    if (current + delta > max) {
      throw clientError(
        `Party ${party} would have ${current + delta} EVSEs, more than the ${max} this simulator keeps per party (MAX_OBJECTS_PER_PARTY counts EVSEs too); remove EVSEs or raise the limit`,
      );
    }
  }
  return { applied: () => counts.add(deps.store, party, delta), failed: () => counts.add(deps.store, party, -delta) };
}
