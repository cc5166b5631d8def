// mod_cdrs.md 2.2, Plugsurfing as eMSP (ToEMP): POST a CDR. GET is not supported by Plugsurfing
// (technical requirements: "GET ToEMP CDRs: Not supported"), neither the list nor the URL we
// answer in the Location header: both answer 405 with the reason.
import { z } from 'zod';
import { clientError } from '../transport/errors.js';
import type { OcpiRouter, PartyRequest } from '../transport/router.js';
import { CDR } from './schema.js';
import { receiveCdr } from './service.js';

const MODULE = 'cdrs';
const NO_GET =
  'Plugsurfing does not support GET ToEMP CDRs (technical requirements: "GET ToEMP CDRs: Not supported"); CDRs are pushed with POST /ocpi/2.1.1/cdrs';

export function registerCdrRoutes(router: OcpiRouter): void {
  router.add({
    method: 'POST',
    path: '/2.1.1/cdrs',
    module: MODULE,
    auth: 'party',
    summary: 'Send a new CDR (the full, final CDR); answered with a verdict',
    description:
      'Accepted: HTTP 201, status 1000, Location header with the URL of the CDR here. Rejected (rules cdr.unknown-token, cdr.outside-territory, ' +
      'cdr.started-after-refusal) and duplicates (cdr.duplicate): status 2000 with the rules in the message and data.reasons; a rejected CDR is ' +
      'kept with its reasons, a duplicate is not stored again. Schema violations: 2001. Price and totals checks become findings.',
    requestBody: CDR,
    response: z.undefined(),
    handler: (req) => postCdr(req),
  });
  router.refuse({ method: 'GET', path: '/2.1.1/cdrs', module: MODULE, reason: NO_GET });
  // The CDR URL of the Location header exists, but nothing may be done with it.
  router.refuse({ method: 'GET', path: '/2.1.1/cdrs/:cdr_id', module: MODULE, reason: NO_GET });
  for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
    router.refuse({
      method,
      path: '/2.1.1/cdrs/:cdr_id',
      module: MODULE,
      reason: `${method} is not possible on a CDR: CDRs cannot be replaced, updated or removed (mod_cdrs.md 2.2); ${NO_GET}`,
    });
  }
}

async function postCdr(req: PartyRequest) {
  const { deps, party, body, requestId, now } = req;
  const { verdict, url } = await receiveCdr(deps, party.key, body, requestId, now);
  if (verdict.verdict === 'ACCEPTED') return { http: 201 as const, headers: { Location: url } };
  // The CDR is valid OCPI (2001 is for that): it is refused by a rule of Plugsurfing's, a generic client error.
  const rules = verdict.reasons.map((r) => r.rule);
  const what = verdict.verdict === 'DUPLICATE' ? 'refused as a duplicate' : 'rejected';
  throw clientError(`CDR ${what} (${rules.join(', ')}): ${verdict.reasons.map((r) => r.message).join('; ')}`, {
    verdict: verdict.verdict,
    reasons: verdict.reasons,
  });
}
