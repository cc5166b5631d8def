// The verdict on a CDR a CPO posts (mod_cdrs.md 2.2.2), pure. Each rule has its own id:
// - cdr.duplicate: this party already sent a CDR with this id (CiString: compared case-
//   insensitively). CDRs cannot be replaced (mod_cdrs.md 1): refused, not stored again.
// - cdr.unknown-token: no token of ours has the CDR's auth_id (a CDR names its token by auth_id).
// - cdr.outside-territory: the CDR's location is outside Plugsurfing's Territory.
// - cdr.started-after-refusal: for this token at this location, the last authorization decision
//   we gave this CPO at or before start_date_time was a refusal (so no later ALLOWED came before
//   the start). The Territory section of Plugsurfing's requirements: "If a session is started by
//   the CPO when Plugsurfing has rejected the session start request, Plugsurfing has the right
//   to reject the CDR." Decisions are compared at second precision (CDR times have seconds).
// Every rejection reason that holds is listed, not only the first.
import type { AuthorizationRecord, CdrVerdict } from '../records.js';
import { dateTimeToMillis } from '../types.js';

export const CDR_RULES = {
  duplicate: 'cdr.duplicate',
  unknownToken: 'cdr.unknown-token',
  outsideTerritory: 'cdr.outside-territory',
  startedAfterRefusal: 'cdr.started-after-refusal',
} as const;

export interface VerdictReason {
  rule: string;
  message: string;
}

export type Decision = Pick<AuthorizationRecord, 'id' | 'time' | 'allowed' | 'token_uid' | 'rule'>;

export interface VerdictInput {
  cdr: { id: string; start_date_time: string; auth_id: string; location: { id: string; country: string } };
  /** The CDR this party already sent with this id, if any. */
  previous?: { verdict: CdrVerdict; received_at: string };
  /** Uids of our tokens with the CDR's auth_id. */
  tokenUids: readonly string[];
  inTerritory: boolean;
  /** Our decisions for those tokens at the CDR's location, for this party, oldest first. */
  decisions: readonly Decision[];
}

export interface CdrVerdictResult {
  verdict: CdrVerdict | 'DUPLICATE';
  reasons: VerdictReason[];
}

/** A decision's time as the rule compares it: to the second (CDR times have seconds). */
export const decisionSecond = (time: string) => Math.floor(Date.parse(time) / 1000) * 1000;

/**
 * The rule's pick among decisions `from`..`to - 1` (in the order recorded), given each one's
 * second: the last at or before `startMs`, ties to the later recorded; -1 when none. Searched from
 * the newest: when `ordered` (the times never went back) the first one at or before is it, so the
 * authorization index (tokens/service.ts) stops there instead of reading them all.
 */
export function lastIndexAtOrBefore(from: number, to: number, secondAt: (i: number) => number, startMs: number, ordered: boolean): number {
  let best = -1;
  let bestSecond = Number.NEGATIVE_INFINITY;
  for (let i = to - 1; i >= from; i--) {
    const second = secondAt(i);
    // `!(<=)`: a time that does not parse (NaN) is never picked.
    if (!(second <= startMs) || second <= bestSecond) continue;
    best = i;
    bestSecond = second;
    if (ordered) break;
  }
  return best;
}

/** The last decision at or before `startMs` (ties: the later recorded wins). */
export function lastDecisionBefore(decisions: readonly Decision[], startMs: number): Decision | undefined {
  const seconds = decisions.map((d) => decisionSecond(d.time));
  const i = lastIndexAtOrBefore(0, decisions.length, (k) => seconds[k] as number, startMs, false);
  return i < 0 ? undefined : decisions[i];
}

export function cdrVerdict(input: VerdictInput): CdrVerdictResult {
  const { cdr } = input;
  if (input.previous) {
    return {
      verdict: 'DUPLICATE',
      reasons: [
        {
          rule: CDR_RULES.duplicate,
          message: `CDR ${cdr.id} was already received from this party at ${input.previous.received_at} (verdict ${input.previous.verdict}); CDRs cannot be replaced, so it was not stored again`,
        },
      ],
    };
  }
  const reasons: VerdictReason[] = [];
  if (input.tokenUids.length === 0) {
    reasons.push({ rule: CDR_RULES.unknownToken, message: `auth_id ${cdr.auth_id} is not the auth_id of any Plugsurfing token` });
  }
  if (!input.inTerritory) {
    reasons.push({
      rule: CDR_RULES.outsideTerritory,
      message: `location ${cdr.location.id} is in ${cdr.location.country}, outside Plugsurfing's Territory`,
    });
  }
  const start = dateTimeToMillis(cdr.start_date_time);
  const last = lastDecisionBefore(input.decisions, start);
  if (last && last.allowed !== 'ALLOWED') {
    reasons.push({
      rule: CDR_RULES.startedAfterRefusal,
      message:
        `the session started at ${cdr.start_date_time}, after Plugsurfing refused token ${last.token_uid} at location ${cdr.location.id} ` +
        `(${last.allowed} at ${last.time}, rule ${last.rule}, decision ${last.id}) with no ALLOWED in between`,
    });
  }
  return { verdict: reasons.length > 0 ? 'REJECTED' : 'ACCEPTED', reasons };
}
