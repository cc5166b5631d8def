// GET /admin/journal: every request and response, in and out, newest first.
import { z } from 'zod';
import { AdminError, adminQuery } from './http.js';
import type { AdminRouter } from './router.js';

const JournalQuery = z.object({
  method: z.string().max(10).optional(),
  path: z.string().max(500).optional(),
  status: z.coerce.number().int().min(0).max(999).optional(),
  party: z.string().max(40).optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  protocol: z.enum(['ocpi', 'oioi']).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

export function registerJournalAdmin(admin: AdminRouter): void {
  admin.get(
    '/journal',
    'Recorded OCPI/OIOI exchanges, newest first; filters: method, path (prefix), status, party, direction, protocol',
    ({ c, deps }) => {
      const q = adminQuery(c, JournalQuery);
      const { total, entries } = deps.journal.query(q);
      return { total, offset: q.offset, limit: q.limit, items: entries };
    },
    JournalQuery,
  );
  admin.get('/journal/:id', 'One journal entry', ({ deps, params }) => {
    const entry = deps.journal.get(params.id as string);
    if (!entry) throw new AdminError(404, `No journal entry ${params.id} (the journal keeps the last ${deps.journal.capacity})`);
    return entry;
  });
  admin.delete('/journal', 'Clear the journal', ({ deps }) => {
    deps.journal.clear();
    return { cleared: true };
  });
}
