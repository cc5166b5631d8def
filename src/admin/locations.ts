// The Locations CPOs pushed, as stored, with whether each lies in Plugsurfing's Territory.
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { findLocation, LOCATIONS } from '../ocpi/locations/service.js';
import type { StoredLocation } from '../ocpi/records.js';
import { AdminError, adminQuery, page, PageQuery } from './http.js';
import type { AdminRouter } from './router.js';

const LocationsQuery = PageQuery.extend({
  party: z.string().max(40).optional().describe('`CC*PID` of the CPO, e.g. NL*TNM'),
  country: z.string().max(3).optional().describe('Location.country (ISO 3166-1 alpha-3), e.g. NLD'),
  in_territory: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
  protocol: z.enum(['ocpi', 'oioi'], { message: 'must be ocpi or oioi' }).optional(),
});

/** A stored Location as the admin API shows it. */
export function adminLocation(deps: Deps, stored: StoredLocation) {
  return { ...stored, in_territory: deps.territory.contains(stored.location.country) };
}

export function registerLocationAdmin(admin: AdminRouter): void {
  admin.get(
    '/locations',
    'Locations pushed by CPOs, oldest first; filters: party, country, in_territory, protocol; paged (offset, limit)',
    ({ c, deps }) => {
      const q = adminQuery(c, LocationsQuery);
      const country = q.country?.toUpperCase();
      const inTerritory = q.in_territory === undefined ? undefined : q.in_territory === 'true';
      const items = [];
      for (const stored of deps.store.values<StoredLocation>(LOCATIONS)) {
        if (q.party && stored.party !== q.party) continue;
        if (country && stored.location.country !== country) continue;
        if (q.protocol && stored.protocol !== q.protocol) continue;
        const shown = adminLocation(deps, stored);
        if (inTerritory !== undefined && shown.in_territory !== inTerritory) continue;
        items.push(shown);
      }
      return page(items, q.offset, q.limit);
    },
    LocationsQuery,
  );
  admin.get(
    '/locations/:country_code/:party_id/:location_id',
    'One stored Location with its party, protocol and in_territory',
    ({ deps, params }) => {
      const party = `${params.country_code}*${params.party_id}`;
      const stored = findLocation(deps, party, params.location_id as string);
      if (!stored) throw new AdminError(404, `No Location ${params.location_id} of ${party}`);
      return adminLocation(deps, stored);
    },
  );
}
