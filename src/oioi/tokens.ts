// Our tokens as OIOI sees them: RFID cards by UID. OIOI UIDs are upper-case hexadecimal
// (rfid_verify.rst), while an OCPI Token.uid keeps whatever case it was created with, so a UID
// matches an RFID token whose uid equals it ignoring case (an exact match wins). App tokens
// (type OTHER) have no UID and never match.
import type { Deps } from '../deps.js';
import type { StoredToken } from '../ocpi/records.js';
import { allTokens, getToken } from '../ocpi/tokens/service.js';
import { uidProblem } from './schema.js';

const isRfid = (t: StoredToken | undefined): t is StoredToken => t?.token.type === 'RFID';

/** The RFID token for an (upper-case) UID. A scan only when no token is stored under the UID itself. */
export function findRfidToken(deps: Deps, uid: string): StoredToken | undefined {
  const exact = getToken(deps, uid);
  if (isRfid(exact)) return exact;
  const wanted = uid.toUpperCase();
  for (const t of allTokens(deps)) if (isRfid(t) && t.token.uid.toUpperCase() === wanted) return t;
  return undefined;
}

/** Active: answered ALLOWED and valid (a blocked, expired or no-credit token is not). */
export const isActive = (t: StoredToken) => t.allowed === 'ALLOWED' && t.token.valid;

export interface Whitelist {
  /** Upper-case UIDs of the active RFID tokens that may be used offline, sorted. */
  rfids: string[];
  /** RFID tokens left out because their uid is not an OIOI UID (8, 14 or 20 hex characters). */
  skipped: { uid: string; problem: string }[];
}

/**
 * The list rfid-post sends (rfid_post.rst: always the complete list): active RFID tokens whose
 * OCPI whitelist allows offline use (every value but NEVER).
 */
export function rfidWhitelist(deps: Deps): Whitelist {
  const rfids = new Set<string>();
  const skipped: Whitelist['skipped'] = [];
  for (const t of allTokens(deps)) {
    if (!isRfid(t) || !isActive(t) || t.token.whitelist === 'NEVER') continue;
    const uid = t.token.uid.toUpperCase();
    const problem = uidProblem(uid);
    if (problem) skipped.push({ uid: t.token.uid, problem });
    else rfids.add(uid);
  }
  return { rfids: [...rfids].sort(), skipped };
}
