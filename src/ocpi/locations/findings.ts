// Observations about pushed Locations that do not refuse them (recorded as findings).
import type { Deps } from '../../deps.js';
import type { NewFinding } from '../../rules/findings.js';
import { findTariff } from '../tariffs/service.js';

type FindingObject = NewFinding['object'];

/** territory.outside: stored, but Plugsurfing's customers may not charge there. */
export function outsideTerritory(deps: Deps, party: string, country: string, object: FindingObject, requestId: string): NewFinding[] {
  if (deps.territory.contains(country)) return [];
  return [
    {
      party,
      rule: 'territory.outside',
      severity: 'warning',
      message: `Location country ${country} is outside Plugsurfing's Territory (${deps.territory.list().join(', ')}): stored, marked in_territory=false; Plugsurfing's customers cannot charge there`,
      path: 'country',
      object,
      request_id: requestId,
    },
  ];
}

/** locations.unknown-tariff: one finding per tariff id of the body that the party never pushed. */
export function unknownTariffs(
  deps: Deps,
  party: string,
  refs: { path: string; tariff_id: string }[],
  object: FindingObject,
  requestId: string,
): NewFinding[] {
  const missing = new Map<string, string[]>();
  for (const ref of refs) {
    if (findTariff(deps, party, ref.tariff_id)) continue;
    missing.set(ref.tariff_id, [...(missing.get(ref.tariff_id) ?? []), ref.path]);
  }
  return [...missing].map(([id, paths]) => ({
    party,
    rule: 'locations.unknown-tariff',
    severity: 'warning' as const,
    message: `tariff_id "${id}" (at ${paths.join(', ')}) names no tariff of ${party}: stored anyway; push the Tariff (PUT /tariffs/.../${id}) so prices can be shown and CDRs checked`,
    path: paths[0] as string,
    object,
    request_id: requestId,
  }));
}
