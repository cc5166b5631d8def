// The Tariffs CPOs pushed, as stored (with the policy warnings kept under TARIFF_POLICY=lenient).
import { z } from 'zod';
import type { StoredTariff } from '../ocpi/records.js';
import { findTariff, TARIFFS } from '../ocpi/tariffs/service.js';
import { AdminError, adminQuery, page, PageQuery } from './http.js';
import type { AdminRouter } from './router.js';

const TariffsQuery = PageQuery.extend({
  party: z.string().max(40).optional().describe('`CC*PID` of the CPO, e.g. NL*TNM'),
});

export function registerTariffAdmin(admin: AdminRouter): void {
  admin.get(
    '/tariffs',
    'Tariffs pushed by CPOs, oldest first; filter: party; paged (offset, limit)',
    ({ c, deps }) => {
      const q = adminQuery(c, TariffsQuery);
      const items: StoredTariff[] = [];
      for (const stored of deps.store.values<StoredTariff>(TARIFFS)) {
        if (!q.party || stored.party === q.party) items.push(stored);
      }
      return page(items, q.offset, q.limit);
    },
    TariffsQuery,
  );
  admin.get('/tariffs/:country_code/:party_id/:tariff_id', 'One stored Tariff', ({ deps, params }) => {
    const party = `${params.country_code}*${params.party_id}`;
    const stored = findTariff(deps, party, params.tariff_id as string);
    if (!stored) throw new AdminError(404, `No Tariff ${params.tariff_id} of ${party}`);
    return stored;
  });
}
