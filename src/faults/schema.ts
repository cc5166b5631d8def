// The JSON form of fault rules (POST /admin/faults, FAULTS_FILE, scenarios). Two kinds:
//  - `http` (the default): acts on an HTTP exchange, inbound (the CPO calls us) or outbound
//    (we call the CPO): match on direction, method, path glob, module, party; then one action.
//  - `authorization`: changes the answer (or the speed) of the next real-time authorizations.
// Validation errors name the JSON path of each broken field, like every other input.
import { z } from 'zod';
import { AllowedType } from '../ocpi/tokens/schema.js';
import { zodIssues } from '../ocpi/transport/validate.js';
import type { Issue } from '../ocpi/transport/errors.js';

/** Longest delay a rule may ask for: long enough for any client timeout, short enough to end. */
export const MAX_DELAY_MS = 600_000;
/** A hang without `hang_ms` gives up after this (then the socket is closed without an answer). */
export const DEFAULT_HANG_MS = 300_000;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const Method = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(METHODS, { message: `must be one of: ${METHODS.join(', ')}` }));

const Ms = z.number().int('must be an integer').min(0, 'must be at least 0').max(MAX_DELAY_MS, `must be at most ${MAX_DELAY_MS}`);

/** A fixed delay in ms, or a range [min, max] drawn from the rule's seeded PRNG each time. */
export const Delay = z.union([Ms, z.tuple([Ms, Ms]).refine(([a, b]) => a <= b, 'range must be [min, max] with min <= max')]);
export type Delay = z.infer<typeof Delay>;

const RuleId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');
const PartyKey = z.string().regex(/^[A-Z]{2}\*[A-Z0-9]{3}$/, 'must be a party key CC*PID, e.g. NL*TNM');

/** When a rule fires: `times` firings at most, each matching request with `probability`. */
const Firing = {
  id: RuleId.optional().describe('Chosen id (default: f1, f2, ...)'),
  description: z.string().max(500).optional(),
  party: PartyKey.optional().describe('Only exchanges with this party (CC*PID)'),
  times: z.number().int().min(1).max(1_000_000).optional().describe('Fire for the next N matching requests, then stop'),
  probability: z.number().min(0).max(1).optional().describe('Fire on this share of matching requests (seeded PRNG: SEED)'),
};

export const HttpFaultInput = z
  .object({
    kind: z.literal('http').optional(),
    direction: z
      .enum(['inbound', 'outbound'])
      .default('inbound')
      .describe('inbound: requests the CPO sends us; outbound: our calls to the CPO'),
    method: z
      .union([Method, z.array(Method).min(1)])
      .optional()
      .describe('HTTP method(s); any when absent'),
    path: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .describe('Glob on the URL path (no query): * matches any characters including "/", ? one character; any path when absent'),
    module: z.string().max(50).optional().describe('OCPI module: versions, credentials, locations, tariffs, tokens, cdrs, ...'),
    ...Firing,
    // The action: at most one of these, optionally after `delay_ms`.
    status: z.number().int().min(200).max(599).optional().describe('Answer this HTTP status (OCPI envelope unless envelope=false)'),
    envelope: z.boolean().optional().describe('With status: false answers plain text instead of an OCPI envelope'),
    status_code: z
      .number()
      .int()
      .min(1000)
      .max(3999)
      .optional()
      .describe('With status: status_code of the envelope (default 2000 for 4xx, 3000 for 5xx)'),
    ocpi_status: z.number().int().min(1000).max(3999).optional().describe('Answer HTTP 200 with this OCPI status_code'),
    message: z.string().max(512).optional().describe('status_message (or text body) of status / ocpi_status answers'),
    delay_ms: Delay.optional().describe('Wait before acting (alone: a delay before the normal answer); ms or [min, max]'),
    hang: z.literal(true).optional().describe('Never answer: inbound until the client gives up (or hang_ms), outbound until our timeout'),
    hang_ms: Ms.optional().describe(`With hang, inbound: close without an answer after this (default ${DEFAULT_HANG_MS})`),
    reset: z.literal(true).optional().describe('Destroy the connection without an answer'),
    empty: z.literal(true).optional().describe('Inbound: HTTP 200 with an empty body. Outbound: we send an empty request body'),
    malformed: z.literal(true).optional().describe('Inbound: truncated JSON answer. Outbound: we send a truncated JSON body'),
    merge: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('JSON merge patch (RFC 7386). Inbound: into our normal answer (the envelope). Outbound: into the body we send'),
    twice: z.literal(true).optional().describe('Outbound only: send the request twice (the second answer counts)'),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const actions = ACTIONS.filter((a) => rule[a] !== undefined);
    if (actions.length > 1)
      ctx.addIssue({ code: 'custom', path: [actions[1] as string], message: `only one action per rule (also has ${actions[0]})` });
    if (actions.length === 0 && rule.delay_ms === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: `needs an action: one of ${ACTIONS.join(', ')}, or delay_ms` });
    }
    for (const k of ['envelope', 'status_code'] as const) {
      if (rule[k] !== undefined && rule.status === undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'only with status' });
    }
    if (rule.message !== undefined && rule.status === undefined && rule.ocpi_status === undefined) {
      ctx.addIssue({ code: 'custom', path: ['message'], message: 'only with status or ocpi_status' });
    }
    if (rule.hang_ms !== undefined && !rule.hang) ctx.addIssue({ code: 'custom', path: ['hang_ms'], message: 'only with hang' });
    if (rule.twice && rule.direction !== 'outbound')
      ctx.addIssue({ code: 'custom', path: ['twice'], message: 'only for direction outbound' });
  });
export type HttpFaultInput = z.input<typeof HttpFaultInput>;
export type HttpFaultSpec = z.output<typeof HttpFaultInput>;

/** The action keys of an http rule, at most one per rule. */
export const ACTIONS = ['status', 'ocpi_status', 'hang', 'reset', 'empty', 'malformed', 'merge', 'twice'] as const;

export const AuthorizationFaultInput = z
  .object({
    kind: z.literal('authorization'),
    ...Firing,
    token_uid: z.string().max(36).optional().describe('Only authorizations of this token uid'),
    location_id: z.string().max(39).optional().describe('Only authorizations for this location id'),
    allowed: AllowedType.optional().describe('Answer this Allowed value instead of the real decision'),
    delay_ms: Delay.optional().describe('Answer after this delay (ms, or [min, max])'),
  })
  .strict()
  .refine((r) => r.allowed !== undefined || r.delay_ms !== undefined, { message: 'needs allowed or delay_ms (or both)', path: [] });
export type AuthorizationFaultInput = z.input<typeof AuthorizationFaultInput>;
export type AuthorizationFaultSpec = z.output<typeof AuthorizationFaultInput>;

/** Either kind, for documentation (parsing picks the schema by `kind` for clearer errors). */
export const FaultRuleInput = z.union([HttpFaultInput, AuthorizationFaultInput]);
export type FaultRuleInput = HttpFaultInput | AuthorizationFaultInput;
export type FaultSpec = HttpFaultSpec | AuthorizationFaultSpec;

export type ParseResult = { ok: true; spec: FaultSpec } | { ok: false; issues: Issue[] };

/** Parse one rule; issues carry JSON paths prefixed with `prefix` (e.g. `rules[2]`). */
export function parseFaultRule(input: unknown, prefix = ''): ParseResult {
  const kind = typeof input === 'object' && input !== null ? (input as { kind?: unknown }).kind : undefined;
  const schema = kind === 'authorization' ? AuthorizationFaultInput : HttpFaultInput;
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, spec: result.data as FaultSpec };
  return { ok: false, issues: zodIssues(result.error).map((i) => ({ ...i, path: joinPath(prefix, i.path) })) };
}

export function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith('[') ? prefix + path : `${prefix}.${path}`;
}

/** What the engine adds to a rule it keeps (shown by the admin API). */
export interface RuleState {
  id: string;
  /** Name of the scenario that set it, if any. */
  scenario?: string;
  created_at: string;
  /** Requests that matched the rule's filters (fired or not, by probability). */
  matched: number;
  /** Times the rule acted. */
  fired: number;
}

export type HttpFaultRule = HttpFaultSpec & RuleState & { kind: 'http' };
export type AuthorizationFaultRule = AuthorizationFaultSpec & RuleState & { kind: 'authorization' };
export type FaultRule = HttpFaultRule | AuthorizationFaultRule;
