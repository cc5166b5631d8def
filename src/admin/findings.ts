// Findings: what CPOs did that Plugsurfing would refuse or frown upon, newest first.
import { z } from 'zod';
import { adminQuery, page, PageQuery } from './http.js';
import type { AdminRouter } from './router.js';

const FindingsQuery = PageQuery.extend({
  party: z.string().max(40).optional().describe('`CC*PID` of the CPO'),
  rule: z.string().max(100).optional().describe('e.g. territory.outside, ocpi.unknown-field'),
  severity: z.enum(['info', 'warning', 'error'], { message: 'must be info, warning or error' }).optional(),
  module: z.string().max(40).optional().describe('module of the object concerned, e.g. locations, tariffs'),
});

export function registerFindingsAdmin(admin: AdminRouter): void {
  admin.get(
    '/findings',
    'Recorded findings, newest first; filters: party, rule, severity, module; paged (offset, limit)',
    ({ c, deps }) => {
      const { offset, limit, ...filter } = adminQuery(c, FindingsQuery);
      return page(deps.findings.list(filter), offset, limit);
    },
    FindingsQuery,
  );
}
