// Plugsurfing's tokens, by hand: create or replace, list, change, delete; the push status per
// CPO; and a full token sync to one CPO. Every change is PUT to the CPOs (ocpi/tokens/push.ts).
import { z } from 'zod';
import type { StoredToken } from '../ocpi/records.js';
import { pusherOf, tokensEndpoint } from '../ocpi/tokens/push.js';
import { AllowedType, Token, TokenType, WhitelistType } from '../ocpi/tokens/schema.js';
import { allTokens, defaultAllowed, deleteToken, getToken, ocpiNow, saveToken } from '../ocpi/tokens/service.js';
import { zodIssues } from '../ocpi/transport/validate.js';
import { describeIssues } from '../ocpi/transport/errors.js';
import { AdminError, adminBody, adminQuery, page } from './http.js';
import { type AdminRouter, created } from './router.js';

const TokenAnswer = AllowedType.exclude(['NOT_ALLOWED']);

/** A (partial) OCPI Token: uid required; the rest defaults (see the route summary). */
const TokenInput = Token.partial().extend({
  uid: Token.shape.uid,
  allowed: TokenAnswer.optional(),
});

const TokenChange = z.object({
  valid: z.boolean().optional(),
  whitelist: WhitelistType.optional(),
  allowed: TokenAnswer.optional(),
  auth_id: Token.shape.auth_id.optional(),
  visual_number: Token.shape.visual_number,
  issuer: Token.shape.issuer.optional(),
  language: Token.shape.language,
});

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const TokenQuery = z.object({
  uid: z.string().max(36).optional(),
  auth_id: z.string().max(36).optional(),
  type: TokenType.optional(),
  valid: bool.optional(),
  whitelist: WhitelistType.optional(),
  allowed: TokenAnswer.optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

function complete(token: unknown): Token {
  const result = Token.safeParse(token);
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new AdminError(400, `Invalid token: ${describeIssues(issues)}`, issues);
  }
  return result.data;
}

export function registerTokenAdmin(admin: AdminRouter): void {
  admin.post(
    '/tokens',
    'Create or replace a token from a partial OCPI Token (uid required; defaults: type RFID, auth_id = uid, issuer Plugsurfing, valid true, whitelist ALLOWED, last_updated now) plus `allowed` (default ALLOWED when valid, BLOCKED when not); pushed to every CPO',
    async ({ c, deps }) => {
      const { allowed, ...input } = await adminBody(c, TokenInput);
      const now = deps.clock.now();
      const token = complete({
        type: 'RFID',
        auth_id: input.uid,
        issuer: 'Plugsurfing',
        valid: true,
        whitelist: 'ALLOWED',
        last_updated: ocpiNow(now),
        ...input,
      });
      const record: StoredToken = { token, allowed: allowed ?? defaultAllowed(token.valid), created_at: new Date(now).toISOString() };
      const isNew = await saveToken(deps, record);
      const body = {
        ...(getToken(deps, token.uid) ?? record),
        pushed_to: pusherOf(deps)
          .targets()
          .map((p) => p.key),
      };
      return isNew ? created(body) : body;
    },
    TokenInput,
  );

  admin.get(
    '/tokens',
    'Our tokens, in creation order; filters: uid (prefix), auth_id, type, valid, whitelist, allowed; offset, limit',
    ({ c, deps }) => {
      const q = adminQuery(c, TokenQuery);
      const items: StoredToken[] = [];
      for (const t of allTokens(deps)) {
        if (q.uid !== undefined && !t.token.uid.startsWith(q.uid)) continue;
        if (q.auth_id !== undefined && t.token.auth_id !== q.auth_id) continue;
        if (q.type !== undefined && t.token.type !== q.type) continue;
        if (q.valid !== undefined && t.token.valid !== q.valid) continue;
        if (q.whitelist !== undefined && t.token.whitelist !== q.whitelist) continue;
        if (q.allowed !== undefined && t.allowed !== q.allowed) continue;
        items.push(t);
      }
      return page(items, q.offset, q.limit);
    },
    TokenQuery,
  );

  // Not below /tokens/: a token may have the uid "pushes", and a static segment beside a parameter
  // makes Hono fall back from its RegExpRouter to the slower TrieRouter for every request.
  admin.get(
    '/token-pushes',
    'Token push status per CPO: successes, failed attempts, retries scheduled, given up, recent results',
    ({ deps }) => ({
      settings: pusherOf(deps).settings,
      idle: pusherOf(deps).idle(),
      items: pusherOf(deps).statuses(),
    }),
  );

  admin.get('/tokens/:uid', 'One token with the answer it gets at authorization', ({ deps, params }) => {
    const t = getToken(deps, params.uid as string);
    if (!t) throw new AdminError(404, `No token ${params.uid}`);
    return t;
  });

  admin.patch(
    '/tokens/:uid',
    'Change a token: valid, whitelist, allowed (when valid changes without allowed: ALLOWED if valid, BLOCKED if not), auth_id, visual_number, issuer, language; last_updated becomes now; pushed to every CPO',
    async ({ c, deps, params }) => {
      const change = await adminBody(c, TokenChange);
      const before = getToken(deps, params.uid as string);
      if (!before) throw new AdminError(404, `No token ${params.uid}`);
      const { allowed, ...fields } = change;
      const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      const token = complete({ ...before.token, ...given, last_updated: ocpiNow(deps.clock.now()) });
      const answer =
        allowed ?? (change.valid !== undefined && change.valid !== before.token.valid ? defaultAllowed(token.valid) : before.allowed);
      await saveToken(deps, { ...before, token, allowed: answer });
      return getToken(deps, token.uid);
    },
    TokenChange,
  );

  admin.delete(
    '/tokens/:uid',
    'Delete a token: it is first PUT with valid=false to the CPOs (OCPI tokens cannot be deleted), then forgotten here',
    async ({ deps, params }) => {
      const gone = await deleteToken(deps, params.uid as string, deps.clock.now());
      if (!gone) throw new AdminError(404, `No token ${params.uid}`);
      return { deleted: params.uid };
    },
  );

  admin.post(
    '/parties/:key/token-sync',
    'PUT every token to this CPO again (FromEMP tokens), e.g. after it lost its cache',
    ({ deps, params }) => {
      const party = deps.parties.get(params.key as string);
      if (!party) throw new AdminError(404, `No registered party ${params.key}`);
      const url = tokensEndpoint(party);
      if (!url) throw new AdminError(409, `Party ${party.key} has no tokens endpoint in its version details; nothing can be pushed`);
      const n = pusherOf(deps).syncParty(
        party.key,
        [...allTokens(deps)].map((t) => t.token),
      );
      return { party: party.key, tokens_url: url, queued: n };
    },
  );
}
