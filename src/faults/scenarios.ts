// Named scenarios: a set of fault rules under one name, switched on with its options and off
// as a whole. Applying a scenario again replaces its rules (new options, fresh counters).
import { z } from 'zod';
import type { FaultEngine } from './engine.js';
import { Delay, type FaultRule, type FaultSpec, HttpFaultInput, AuthorizationFaultInput } from './schema.js';

/** Options any scenario may take; each uses those that apply to it. */
export const ScenarioOptions = z
  .object({
    delay_ms: Delay.optional().describe('slow-authorization: the delay (default 35000 ms, beyond common CPO timeouts)'),
    probability: z.number().min(0).max(1).optional().describe('flaky-network: share of requests reset (default 0.2)'),
    mode: z.enum(['error', 'timeout']).optional().describe('token-push-fails: answer 500 (default) or never answer'),
    times: z.number().int().min(1).optional().describe('Limit every rule of the scenario to N firings'),
    party: z
      .string()
      .regex(/^[A-Z]{2}\*[A-Z0-9]{3}$/, 'must be a party key CC*PID')
      .optional()
      .describe('Only for this party'),
  })
  .strict();
export type ScenarioOptions = z.output<typeof ScenarioOptions>;

export interface Scenario {
  name: string;
  description: string;
  /** The rules, before validation (so a scenario can never set a rule a user could not). */
  rules(options: ScenarioOptions): Record<string, unknown>[];
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'plugsurfing-down',
    description: 'Every inbound OCPI request is answered HTTP 503 with status_code 3000; nothing is stored',
    rules: () => [
      { direction: 'inbound', path: '/ocpi/*', status: 503, message: 'Plugsurfing is unavailable (scenario plugsurfing-down)' },
    ],
  },
  {
    name: 'slow-authorization',
    description: 'Real-time authorizations answer after a delay beyond common CPO timeouts (35 s; body delay_ms)',
    rules: (o) => [{ kind: 'authorization', delay_ms: o.delay_ms ?? 35_000 }],
  },
  {
    name: 'flaky-network',
    description: 'A share of inbound OCPI requests (body probability, default 0.2) get their connection reset',
    rules: (o) => [{ direction: 'inbound', path: '/ocpi/*', reset: true, probability: o.probability ?? 0.2 }],
  },
  {
    name: 'reject-all-cdrs',
    description: 'Every CDR POST is answered with status_code 2000 (client error) and nothing is stored',
    rules: () => [
      { direction: 'inbound', method: 'POST', module: 'cdrs', ocpi_status: 2000, message: 'CDR rejected (scenario reject-all-cdrs)' },
    ],
  },
  {
    name: 'token-push-fails',
    description: 'Our PUT tokens to the CPO fail: the answer is replaced by HTTP 500 (mode error) or never comes (mode timeout)',
    rules: (o) => [
      o.mode === 'timeout'
        ? { direction: 'outbound', method: 'PUT', module: 'tokens', hang: true }
        : { direction: 'outbound', method: 'PUT', module: 'tokens', status: 500, message: 'Token push failed (scenario token-push-fails)' },
    ],
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** The rules of a scenario with its options applied; throws if a rule does not validate. */
export function scenarioSpecs(scenario: Scenario, options: ScenarioOptions): FaultSpec[] {
  return scenario.rules(options).map((raw, i) => {
    const input = {
      ...raw,
      id: `${scenario.name}.${i + 1}`,
      ...(options.times !== undefined ? { times: options.times } : {}),
      ...(options.party !== undefined ? { party: options.party } : {}),
    };
    const schema = raw.kind === 'authorization' ? AuthorizationFaultInput : HttpFaultInput;
    return schema.parse(input) as FaultSpec;
  });
}

/** Switch a scenario on (replacing its earlier rules). */
export function applyScenario(engine: FaultEngine, scenario: Scenario, options: ScenarioOptions): FaultRule[] {
  const specs = scenarioSpecs(scenario, options);
  engine.removeScenario(scenario.name);
  return engine.addAll(specs, scenario.name);
}
