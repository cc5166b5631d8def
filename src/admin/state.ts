// The whole state as one JSON document: export (GET), import (PUT, validated, all or nothing),
// and reset to the fixtures of SEED (POST /admin/reset).
//
// Secrets: an export carries no party token by default (incoming_token_hash and outgoing_token
// read "<redacted>"), so it can be shared; importing it leaves those parties out (listed in the
// answer as skipped_parties): they register again. `?secrets=true` exports them as stored, for
// an exact copy, and is allowed only when ADMIN_TOKEN is set, i.e. when the admin API is
// authenticated. Fault rules are not part of the state (they live in memory).
import { z } from 'zod';
import { seedFixtures } from '../fixtures/index.js';
import { COLLECTIONS } from '../ocpi/records.js';
import { describeIssues } from '../ocpi/transport/errors.js';
import { OIOI_KEYS } from '../oioi/keys.js';
import type { StateDocument } from '../store/index.js';
import { AdminError, adminBody, adminQuery } from './http.js';
import type { AdminRouter } from './router.js';
import { isRedactedParty, REDACTED, redactParties, StateDocumentSchema, validateState } from './state-schema.js';

const StateQuery = z.object({
  secrets: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .optional()
    .describe('Include party tokens (only when ADMIN_TOKEN is set)'),
});

export const ResetBody = z
  .object({
    keep_registrations: z.boolean().optional().describe('Keep the registered parties (and their tokens)'),
    clear_faults: z.boolean().optional().describe('Also remove every fault rule and scenario'),
    clear_journal: z.boolean().optional().describe('Also empty the journal'),
  })
  .strict();

export function registerStateAdmin(admin: AdminRouter): void {
  admin.get(
    '/state',
    'The whole state as one JSON document (party tokens redacted unless ?secrets=true, which needs ADMIN_TOKEN)',
    ({ c, deps }) => {
      const secrets = adminQuery(c, StateQuery).secrets === 'true';
      if (secrets && !deps.config.adminToken) {
        throw new AdminError(403, 'secrets=true is only allowed when ADMIN_TOKEN is set (the admin API is then authenticated)');
      }
      const doc = deps.store.snapshot();
      const collections = { ...doc.collections };
      if (!secrets && collections[COLLECTIONS.parties])
        collections[COLLECTIONS.parties] = redactParties(collections[COLLECTIONS.parties]) as Record<string, unknown>;
      // The key we send to a CPO's OIOI endpoint is a secret like a party's outgoing_token.
      if (!secrets && collections[OIOI_KEYS]) collections[OIOI_KEYS] = redactOioiCpoKeys(collections[OIOI_KEYS]);
      return { format: doc.format, version: doc.version, secrets: secrets ? 'included' : 'redacted', collections };
    },
    StateQuery,
  );

  admin.put(
    '/state',
    'Replace the whole state (validated; nothing changes on error). Parties with redacted tokens are skipped',
    async ({ c, deps }) => {
      const body = await adminBody(c, z.unknown());
      const result = validateState(body);
      if (!result.ok) throw new AdminError(400, `Invalid state document: ${describeIssues(result.issues)}`, result.issues);
      const collections = result.collections;
      const skipped: string[] = [];
      const parties = collections[COLLECTIONS.parties];
      if (parties) {
        for (const [key, party] of Object.entries(parties)) {
          if (!isRedactedParty(party)) continue;
          skipped.push(key);
          delete parties[key];
        }
      }
      // An OIOI key record whose CPO key was redacted keeps our key (a hash) but loses the CPO
      // endpoint: we could not authenticate there; it is set again with the key.
      const oioiKeys = collections[OIOI_KEYS] as Record<string, { cpo?: { key?: unknown } }> | undefined;
      const droppedCpoEndpoints: string[] = [];
      for (const [k, record] of Object.entries(oioiKeys ?? {})) {
        if (record?.cpo?.key !== REDACTED) continue;
        droppedCpoEndpoints.push(k);
        delete record.cpo;
      }
      const doc: StateDocument = { format: 'plugsurfing-emp-sim/state', version: 1, collections };
      await deps.store.replace(doc);
      deps.log.info('state replaced', { skipped_parties: skipped.length });
      return {
        replaced: true,
        counts: Object.fromEntries(Object.entries(collections).map(([name, entries]) => [name, Object.keys(entries).length])),
        skipped_parties: skipped,
        ...(skipped.length > 0 ? { note: 'These parties had redacted tokens: they must register again' } : {}),
        ...(droppedCpoEndpoints.length > 0 ? { oioi_cpo_endpoints_dropped: droppedCpoEndpoints.length } : {}),
      };
    },
    StateDocumentSchema,
  );

  admin.post(
    '/reset',
    'Back to the fixtures of SEED; keep_registrations keeps the parties; fault rules stay unless clear_faults',
    async ({ c, deps }) => {
      const options = await adminBody(c, ResetBody);
      const before = deps.store.snapshot().collections;
      const collections: StateDocument['collections'] = {};
      if (options.keep_registrations) {
        // Their meta (e.g. a single-use token A already used) belongs with them.
        for (const name of [COLLECTIONS.parties, COLLECTIONS.meta]) if (before[name]) collections[name] = before[name];
      }
      await deps.store.replace({ format: 'plugsurfing-emp-sim/state', version: 1, collections });
      const fixtures = await seedFixtures(deps);
      const faultsCleared = options.clear_faults ? deps.faults.clear() : 0;
      if (options.clear_journal) deps.journal.clear();
      deps.log.info('state reset', { keep_registrations: !!options.keep_registrations, seed: deps.config.seed });
      return {
        reset: true,
        seed: deps.config.seed,
        kept_parties: Object.keys(collections[COLLECTIONS.parties] ?? {}).length,
        fixtures,
        faults_cleared: faultsCleared,
      };
    },
    ResetBody,
  );
}

/** A copy of the OIOI keys collection with the keys we send to CPOs replaced by REDACTED. */
function redactOioiCpoKeys(records: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, r] of Object.entries(records)) {
    const cpo = (r as { cpo?: object } | null)?.cpo;
    out[k] = cpo ? { ...(r as object), cpo: { ...cpo, key: REDACTED } } : r;
  }
  return out;
}
