// GET /admin/cdrs: every CDR received, newest first, with its verdict, reasons and findings.
import { z } from 'zod';
import type { StoredCdr } from '../ocpi/records.js';
import { CDRS, cdrKey, listCdrs } from '../ocpi/cdrs/service.js';
import { del } from '../store/index.js';
import { FINDINGS, type Finding } from '../rules/findings.js';
import type { Deps } from '../deps.js';
import { AdminError, adminQuery, page } from './http.js';
import type { AdminRouter } from './router.js';

const CdrQuery = z.object({
  party: z.string().max(40).optional(),
  verdict: z.enum(['ACCEPTED', 'REJECTED']).optional(),
  auth_id: z.string().max(36).optional(),
  rule: z.string().max(100).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

/** A stored CDR with its findings resolved (those evicted since are left out). */
function view(deps: Deps, key: string, c: StoredCdr) {
  const findings = c.findings.map((id) => deps.store.get<Finding>(FINDINGS, id)).filter((f): f is Finding => f !== undefined);
  return {
    key,
    id: c.cdr.id,
    party: c.party,
    protocol: c.protocol,
    verdict: c.verdict,
    reasons: c.reasons,
    findings,
    received_at: c.received_at,
    cdr: c.cdr,
  };
}

export function registerCdrAdmin(admin: AdminRouter): void {
  admin.get(
    '/cdrs',
    'CDRs received, newest first, with verdict, reasons and findings; filters: party (CC*PID), verdict, auth_id, rule',
    ({ c, deps }) => {
      const q = adminQuery(c, CdrQuery);
      const { offset, limit, ...filter } = q;
      const all = listCdrs(deps, filter);
      const p = page(all, offset, limit);
      return { ...p, items: p.items.map((x) => view(deps, x.key, x.value)) };
    },
    CdrQuery,
  );
  admin.get('/cdrs/:party/:id', 'One CDR (party CC*PID, CDR id)', ({ deps, params }) => {
    const key = cdrKey(params.party as string, params.id as string);
    const c = deps.store.get<StoredCdr>(CDRS, key);
    if (!c) throw new AdminError(404, `No CDR ${params.id} from ${params.party}`);
    return view(deps, key, c);
  });
  admin.delete('/cdrs/:party/:id', 'Forget a CDR, so the CPO may send the same id again', async ({ deps, params }) => {
    const key = cdrKey(params.party as string, params.id as string);
    if (!deps.store.has(CDRS, key)) throw new AdminError(404, `No CDR ${params.id} from ${params.party}`);
    await deps.store.write([del(CDRS, key)]);
    return { deleted: key };
  });
}
