// GET /admin/authorizations: every real-time authorization decision, newest first.
import { z } from 'zod';
import { AllowedType } from '../ocpi/tokens/schema.js';
import { listAuthorizations } from '../ocpi/tokens/service.js';
import { adminQuery, page } from './http.js';
import type { AdminRouter } from './router.js';

const AuthorizationQuery = z.object({
  token_uid: z.string().max(36).optional(),
  party: z.string().max(40).optional(),
  allowed: AllowedType.optional(),
  location_id: z.string().max(39).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

export function registerAuthorizationAdmin(admin: AdminRouter): void {
  admin.get(
    '/authorizations',
    'Real-time authorization decisions, newest first, with the rule and reason of each; filters: token_uid, party (CC*PID), allowed, location_id',
    ({ c, deps }) => {
      const q = adminQuery(c, AuthorizationQuery);
      const { offset, limit, ...filter } = q;
      return page(listAuthorizations(deps, filter), offset, limit);
    },
    AuthorizationQuery,
  );
}
