// Authorization overrides as the authorize route applies them: wait first (the decision is made
// with the state as it is after the delay), then answer the forced Allowed value, saying in the
// record's reason which rule forced it.
import type { Deps } from '../deps.js';
import type { AllowedType } from '../ocpi/tokens/schema.js';
import { OcpiStatus } from '../ocpi/transport/status.js';
import { type AuthorizationQuery, authorizationOverride, sleep } from './engine.js';

export { authorizationOverride };

export type AuthorizationOverride = NonNullable<ReturnType<typeof authorizationOverride>>;

interface DecisionLike {
  allowed: AllowedType;
  reason: string;
  statusCode: number;
  info: { allowed: AllowedType };
}

/**
 * Consume the override for this authorization (if any) and wait its delay; the signal (asked for
 * only when there is a delay: building it costs every request) ends the wait early.
 */
export async function awaitAuthorizationOverride(
  deps: Pick<Deps, 'faults'>,
  q: AuthorizationQuery,
  signal?: () => AbortSignal,
): Promise<AuthorizationOverride | null> {
  const override = authorizationOverride(deps, q);
  if (override?.delayMs) await sleep(override.delayMs, signal?.());
  return override;
}

/** The decision with the forced Allowed value (answered as a success: the rule asked for that value). */
export function withOverride<D extends DecisionLike>(decision: D, override: AuthorizationOverride | null): D {
  if (!override) return decision;
  if (!override.allowed)
    return { ...decision, reason: `${decision.reason} (delayed ${override.delayMs ?? 0} ms by fault rule ${override.ruleId})` };
  return {
    ...decision,
    allowed: override.allowed,
    statusCode: OcpiStatus.SUCCESS,
    info: { ...decision.info, allowed: override.allowed },
    reason: `forced to ${override.allowed} by fault rule ${override.ruleId}${override.delayMs ? ` after ${override.delayMs} ms` : ''} (the real decision: ${decision.allowed}, ${decision.reason})`,
  };
}
