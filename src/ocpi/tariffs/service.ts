// The Tariffs receiver (mod_tariffs.md 2.2, eMSP interface): PUT and PATCH of a Tariff pushed
// by the CPO that owns it, under Plugsurfing's policy (policy.ts): a tariff using a feature
// Plugsurfing does not support is refused (2001), or with TARIFF_POLICY=lenient stored with warnings.
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { NewFinding } from '../../rules/findings.js';
import { put } from '../../store/index.js';
import {
  checkRoomFor,
  commit,
  countAdded,
  isOlder,
  lastUpdatedBackwards,
  later,
  patchWithoutLastUpdated,
  sameId,
  unknownFieldFinding,
} from '../locations/owned.js';
import { COLLECTIONS, ownedKey, type StoredTariff } from '../records.js';
import { ocpiTimestamp } from '../transport/envelope.js';
import { describeIssues, invalidParameters, notFound } from '../transport/errors.js';
import type { OcpiResult, PartyRequest } from '../transport/router.js';
import { validate } from '../transport/validate.js';
import { checkTariffPolicy } from './policy.js';
import { Tariff, TariffPatch } from './schema.js';

export const TARIFFS = COLLECTIONS.tariffs;

/** A Tariff pushed by `partyKey` (`CC*PID`), as stored. For the locations and CDR modules too. */
export function findTariff(deps: Deps, partyKey: string, tariffId: string): StoredTariff | undefined {
  return deps.store.get<StoredTariff>(TARIFFS, ownedKey(partyKey, tariffId));
}

export interface TariffTarget {
  party: string;
  tariffId: string;
}

const objectOf = (t: TariffTarget) => ({ module: 'tariffs', id: ownedKey(t.party, t.tariffId) });

function body<T>(req: PartyRequest, t: TariffTarget, schema: z.ZodType<T>, what: string, findings: NewFinding[]): T {
  if (req.body === undefined) throw invalidParameters(`The request body is empty: a ${what} is required`);
  const { value, unknownFields } = validate(schema, req.body, what);
  findings.push(...unknownFieldFinding(t.party, unknownFields, objectOf(t), req.requestId));
  return value;
}

/**
 * Plugsurfing's policy on the tariff as it would be stored. Strict: 2001 naming every
 * unsupported part and its path. Lenient: the warnings to store, and (when `report`) a finding each.
 */
function applyPolicy(req: PartyRequest, t: TariffTarget, tariff: Tariff, report: boolean, findings: NewFinding[]): string[] {
  const parts = checkTariffPolicy(tariff);
  if (parts.length === 0) return [];
  if (req.deps.config.tariffPolicy !== 'lenient') {
    const issues = parts.map((p) => ({ path: p.path, message: `${p.message} (${p.feature})` }));
    throw invalidParameters(
      `Tariff ${t.tariffId} uses what Plugsurfing does not support (PARKING_TIME, min_power, max_power, start_date, end_date): ${describeIssues(issues, issues.length)}`,
      issues,
    );
  }
  if (report) {
    for (const p of parts) {
      findings.push({
        party: t.party,
        rule: 'tariffs.unsupported-feature',
        severity: 'warning',
        message: `${p.message} (${p.feature}): stored because TARIFF_POLICY=lenient; Plugsurfing would refuse this tariff`,
        path: p.path,
        object: objectOf(t),
        request_id: req.requestId,
      });
    }
  }
  return parts.map((p) => `${p.path}: ${p.message}`);
}

async function save(
  req: PartyRequest,
  t: TariffTarget,
  stored: StoredTariff | undefined,
  tariff: Tariff,
  warnings: string[],
  findings: NewFinding[],
): Promise<OcpiResult> {
  const record: StoredTariff = {
    party: t.party,
    tariff,
    created_at: stored?.created_at ?? new Date(req.now).toISOString(),
    ...(warnings.length > 0 ? { policy_warnings: warnings } : {}),
  };
  const added = stored ? undefined : () => countAdded(req.deps, TARIFFS, t.party);
  const key = ownedKey(t.party, t.tariffId);
  await commit(req.deps, [put(TARIFFS, key, record)], findings, added);
  req.deps.events.emit({ type: 'change', data: { collection: TARIFFS, key, op: 'put' } });
  return { http: stored ? 200 : 201 };
}

export function putTariff(req: PartyRequest, t: TariffTarget): Promise<OcpiResult> {
  const findings: NewFinding[] = [];
  const tariff = body(req, t, Tariff, 'Tariff', findings);
  sameId(tariff.id, t.tariffId, 'id', 'Tariff');
  const warnings = applyPolicy(req, t, tariff, true, findings);
  const stored = findTariff(req.deps, t.party, t.tariffId);
  if (!stored) checkRoomFor(req.deps, TARIFFS, t.party, 'tariffs');
  if (stored && isOlder(tariff.last_updated, stored.tariff.last_updated)) {
    findings.push(lastUpdatedBackwards(t.party, tariff.last_updated, stored.tariff.last_updated, objectOf(t), req.requestId));
  }
  return save(req, t, stored, tariff, warnings, findings);
}

export function patchTariff(req: PartyRequest, t: TariffTarget): Promise<OcpiResult> {
  const findings: NewFinding[] = [];
  const stored = findTariff(req.deps, t.party, t.tariffId);
  if (!stored) throw notFound(`Tariff ${t.tariffId} of ${t.party} is unknown here: PUT the Tariff first`);
  const patch = body(req, t, TariffPatch, 'Tariff PATCH', findings);
  sameId(patch.id, t.tariffId, 'id', 'Tariff');
  let last_updated: string;
  if (patch.last_updated === undefined) {
    last_updated = later(stored.tariff.last_updated, ocpiTimestamp(req.now));
    findings.push(patchWithoutLastUpdated(t.party, last_updated, objectOf(t), req.requestId));
  } else {
    last_updated = patch.last_updated;
    if (isOlder(last_updated, stored.tariff.last_updated)) {
      findings.push(lastUpdatedBackwards(t.party, last_updated, stored.tariff.last_updated, objectOf(t), req.requestId));
    }
  }
  // A given `elements` replaces the whole list; the policy judges the merged tariff.
  const tariff: Tariff = { ...stored.tariff, ...patch, last_updated };
  const warnings = applyPolicy(req, t, tariff, patch.elements !== undefined, findings);
  return save(req, t, stored, tariff, warnings, findings);
}
