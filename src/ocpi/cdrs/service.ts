// Receiving a CDR (mod_cdrs.md 2.2.2): strict validation, the verdict (verdict.ts), the price
// check, and one write that stores the CDR with its verdict, reasons and findings.
//
// Price check: the cost is computed again with the pricing engine from the tariffs the CPO
// pushed for the connectors of the CDR's location (when every connector tariff_id is known), or
// else the tariffs embedded in the CDR, or else the pushed tariffs found. A difference from
// total_cost above 0.01 is a warning (cdr.price-mismatch); totals that disagree with the
// charging periods are warnings (cdr.totals-mismatch); no tariff at all is noted
// (cdr.price-unchecked, info). Findings never change the verdict.
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import { evictOldest, type NewFinding } from '../../rules/findings.js';
import { putSeldomRead } from '../../store/index.js';
import { findLocation } from '../locations/service.js';
import { unknownFieldFinding } from '../locations/owned.js';
import { COLLECTIONS, ownedKey, type StoredCdr } from '../records.js';
import { findTariff } from '../tariffs/service.js';
import type { Tariff } from '../tariffs/schema.js';
import { lastAuthorizationAt, tokenUidsByAuthId } from '../tokens/service.js';
import { validate } from '../transport/validate.js';
import { dateTimeToMillis } from '../types.js';
import { checkTotals, priceCdr } from './pricing.js';
import { CDR } from './schema.js';
import { type CdrVerdictResult, cdrVerdict } from './verdict.js';

export const CDRS = COLLECTIONS.cdrs;

/** Store key: `CC*PID/<id>`, the id lower-cased (CDR.id is a CiString, compared case-insensitively). */
export const cdrKey = (party: string, id: string) => ownedKey(party, id.toLowerCase());

/** The URL of a CDR on our side (the Location header of the POST answer). */
export const cdrUrl = (config: Config, id: string) => `${config.publicUrl}/ocpi/2.1.1/cdrs/${encodeURIComponent(id)}`;

export const PRICE_RULES = {
  priceMismatch: 'cdr.price-mismatch',
  totalsMismatch: 'cdr.totals-mismatch',
  priceUnchecked: 'cdr.price-unchecked',
  unknownLocation: 'cdr.unknown-location',
} as const;

export interface Received {
  stored?: StoredCdr;
  verdict: CdrVerdictResult;
  url: string;
}

const money = (n: number) => (Math.round(n * 10_000) / 10_000).toString();

/** The tariffs to price a CDR with, and where they came from. */
function tariffsFor(deps: Deps, party: string, cdr: CDR): { tariffs: Tariff[]; source: string } {
  const ids = new Set<string>();
  for (const e of cdr.location.evses ?? []) for (const c of e.connectors) if (c.tariff_id) ids.add(c.tariff_id);
  const pushed: Tariff[] = [];
  for (const id of ids) {
    const t = findTariff(deps, party, id);
    if (t) pushed.push(t.tariff);
  }
  const names = (ts: Tariff[]) => ts.map((t) => t.id).join(', ');
  if (ids.size > 0 && pushed.length === ids.size) return { tariffs: pushed, source: `pushed tariff(s) ${names(pushed)}` };
  if (cdr.tariffs && cdr.tariffs.length > 0) return { tariffs: cdr.tariffs, source: `tariff(s) ${names(cdr.tariffs)} embedded in the CDR` };
  return { tariffs: pushed, source: `pushed tariff(s) ${names(pushed)} (of ${[...ids].join(', ')})` };
}

/** Findings of the price and totals check. Pure but for the tariff lookups. */
export function priceFindings(deps: Deps, party: string, cdr: CDR, base: Pick<NewFinding, 'object' | 'request_id'>): NewFinding[] {
  const out: NewFinding[] = [];
  const f = (rule: string, severity: NewFinding['severity'], message: string, path?: string): NewFinding => ({
    party,
    rule,
    severity,
    message,
    ...(path ? { path } : {}),
    ...base,
  });
  const { tariffs, source } = tariffsFor(deps, party, cdr);
  if (tariffs.length === 0) {
    out.push(
      f(
        PRICE_RULES.priceUnchecked,
        'info',
        'No tariff to check total_cost with: no known tariff_id on the connectors and no tariffs in the CDR (Plugsurfing then applies its standard fees)',
        'total_cost',
      ),
    );
  } else {
    const priced = priceCdr({ ...cdr, tariffs });
    const diff = Math.abs(priced.total_cost - cdr.total_cost);
    if (diff > 0.01 + 1e-9) {
      const parts = `energy ${money(priced.energy_cost)}, time ${money(priced.time_cost)}, parking ${money(priced.parking_time_cost)}, flat ${money(priced.flat_cost)}`;
      const notes = priced.warnings.length > 0 ? `; notes: ${priced.warnings.slice(0, 3).join('; ')}` : '';
      out.push(
        f(
          PRICE_RULES.priceMismatch,
          'warning',
          `total_cost is ${money(cdr.total_cost)} ${cdr.currency} but the ${source} give ${money(priced.total_cost)} (${parts}), a difference of ${money(diff)}${notes}`,
          'total_cost',
        ),
      );
    }
  }
  for (const w of checkTotals(cdr)) out.push(f(PRICE_RULES.totalsMismatch, 'warning', w));
  return out;
}

/**
 * Validate (2001), judge, check the price and store, in one write with no await before it (so
 * two posts of one id cannot both be stored). A duplicate is not stored; a rejected CDR is.
 */
export async function receiveCdr(deps: Deps, party: string, body: unknown, requestId: string, now: number): Promise<Received> {
  const { value: cdr, unknownFields } = validate(CDR, body, 'CDR');
  const key = cdrKey(party, cdr.id);
  const object = { module: 'cdrs', id: ownedKey(party, cdr.id) };
  const url = cdrUrl(deps.config, cdr.id);
  const previous = deps.store.get<StoredCdr>(CDRS, key);
  const tokenUids = tokenUidsByAuthId(deps, cdr.auth_id);
  // Per token, only the decision the rule can pick (the verdict then picks among those).
  const start = dateTimeToMillis(cdr.start_date_time);
  const decisions = tokenUids.flatMap((uid) => lastAuthorizationAt(deps, party, uid, cdr.location.id, start) ?? []);
  const verdict = cdrVerdict({
    cdr,
    ...(previous ? { previous: { verdict: previous.verdict, received_at: previous.received_at } } : {}),
    tokenUids,
    inTerritory: deps.territory.contains(cdr.location.country),
    decisions,
  });

  const findings: NewFinding[] = [];
  if (verdict.verdict === 'DUPLICATE') {
    findings.push({
      party,
      rule: verdict.reasons[0]?.rule as string,
      severity: 'warning',
      message: verdict.reasons[0]?.message as string,
      object,
      request_id: requestId,
    });
    await deps.findings.record(findings);
    return { verdict, url };
  }
  findings.push(...unknownFieldFinding(party, unknownFields, object, requestId));
  if (!findLocation(deps, party, cdr.location.id)) {
    findings.push({
      party,
      rule: PRICE_RULES.unknownLocation,
      severity: 'warning',
      message: `Location ${cdr.location.id} of this CDR was never pushed to Plugsurfing (PUT locations) by ${party}`,
      path: 'location.id',
      object,
      request_id: requestId,
    });
  }
  findings.push(...priceFindings(deps, party, cdr, { object, request_id: requestId }));
  const recorded = deps.findings.mutations(findings);
  const stored: StoredCdr = {
    party,
    protocol: 'ocpi',
    cdr,
    verdict: verdict.verdict,
    reasons: verdict.reasons,
    findings: recorded.recorded.map((f) => f.id),
    received_at: new Date(now).toISOString(),
  };
  await deps.store.write([
    ...evictOldest(deps.store, CDRS, deps.config.maxRecords, 1),
    putSeldomRead(CDRS, key, stored),
    ...recorded.mutations,
  ]);
  deps.findings.announce(recorded.recorded);
  deps.events.emit({ type: 'change', data: { collection: CDRS, key, op: 'put' } });
  return { stored, verdict, url };
}

export interface CdrFilter {
  party?: string;
  verdict?: string;
  auth_id?: string;
  rule?: string;
}

/** Newest first. */
export function listCdrs(deps: Deps, f: CdrFilter): { key: string; value: StoredCdr }[] {
  const out: { key: string; value: StoredCdr }[] = [];
  for (const [key, c] of deps.store.entries<StoredCdr>(CDRS)) {
    if (f.party !== undefined && c.party !== f.party) continue;
    if (f.verdict !== undefined && c.verdict !== f.verdict) continue;
    if (f.auth_id !== undefined && c.cdr.auth_id !== f.auth_id) continue;
    if (f.rule !== undefined && !c.reasons.some((r) => r.rule === f.rule)) continue;
    out.push({ key, value: c });
  }
  return out.reverse();
}
