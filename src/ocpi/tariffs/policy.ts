// What Plugsurfing does not support in a CPO's Tariff, as findings with the JSON path of each use.
// Pure: the caller decides whether a finding refuses the tariff or is reported as a warning.
import type { TariffElement } from './schema.js';

export interface TariffPolicyFinding {
  /** JSON path inside the tariff, e.g. `elements[1].restrictions.min_power`. */
  path: string;
  /** The unsupported feature: a TariffDimensionType value or a restriction field name. */
  feature: string;
  message: string;
}

/** Restriction fields Plugsurfing does not support. */
export const UNSUPPORTED_RESTRICTIONS = ['min_power', 'max_power', 'start_date', 'end_date'] as const;

/** Price component types Plugsurfing does not support. */
export const UNSUPPORTED_DIMENSIONS = ['PARKING_TIME'] as const;

/** A whole Tariff or a PATCH body: only `elements` is looked at, and it may be absent. */
export interface TariffLike {
  elements?: readonly TariffElement[] | undefined;
}

export function checkTariffPolicy(tariff: TariffLike): TariffPolicyFinding[] {
  const findings: TariffPolicyFinding[] = [];
  (tariff.elements ?? []).forEach((element, e) => {
    element.price_components.forEach((component, c) => {
      if ((UNSUPPORTED_DIMENSIONS as readonly string[]).includes(component.type)) {
        findings.push({
          path: `elements[${e}].price_components[${c}].type`,
          feature: component.type,
          message: `Plugsurfing does not support price components of type ${component.type}`,
        });
      }
    });
    const restrictions = element.restrictions;
    if (!restrictions) return;
    for (const field of UNSUPPORTED_RESTRICTIONS) {
      if (restrictions[field] != null) {
        findings.push({
          path: `elements[${e}].restrictions.${field}`,
          feature: field,
          message: `Plugsurfing does not support the tariff restriction ${field}`,
        });
      }
    }
  });
  return findings;
}
