// Authorization overrides as the authorize route applies them: it waits the rule's delay first
// (the decision is made with the state as it is after it), then answers the forced Allowed
// value, saying in the record's reason which rule forced it.
import type { AllowedType } from '../ocpi/tokens/schema.js';
import { OcpiStatus } from '../ocpi/transport/status.js';
import { authorizationOverride, sleep } from './engine.js';

export { authorizationOverride };

export type AuthorizationOverride = NonNullable<ReturnType<typeof authorizationOverride>>;

interface DecisionLike {
  allowed: AllowedType;
  reason: string;
  statusCode: number;
  info: { allowed: AllowedType };
}

/**
 * The wait the rule asks for before the decision, or undefined when it asks for none (most
 * requests: then nothing is awaited). The signal, asked for only when there is a delay (building
 * it costs every request), ends the wait early.
 */
export function overrideDelay(override: AuthorizationOverride | null, signal: () => AbortSignal): Promise<void> | undefined {
  return override?.delayMs ? sleep(override.delayMs, signal()) : undefined;
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
