// What an OIOI answer looks like in each version (docs/oioi.md 1.1-1.4), and the one error type
// every OIOI handler throws. v3 reports outcomes with HTTP statuses and a `success`/`verified`
// flag inside the call's key; v4 answers HTTP 200 with `result.code` for every handled call.
// Both versions answer malformed requests with 400 and a bad key with 401 (request.rst).
import type { Issue } from '../ocpi/transport/errors.js';

export type OioiVersion = 'v3' | 'v4';
export const OIOI_VERSIONS: readonly OioiVersion[] = ['v3', 'v4'];

/** The result codes we send or read (request.rst, "OIOI Response Codes"); wire form is a JSON integer. */
export const RESULT = {
  success: 0,
  charging: 11,
  authorized: 12,
  systemError: 100,
  authFailed: 140,
  evseNotFound: 181,
  sessionNotFound: 182,
  evcoIdError: 190,
  evcoIdNotFound: 191,
  evcoIdLocked: 192,
  evcoIdNoPayment: 193,
  clientError: 200,
  invalidApiKey: 210,
  invalidPartner: 211,
  notAllowed: 220,
  invalidFormat: 230,
  sameEvseOtherPlace: 322,
} as const;

/** Short descriptions of the codes, from the table, for `result.message`. */
const DESCRIPTIONS: Record<number, string> = {
  0: 'Success.',
  11: 'Successfully started a charging session.',
  12: 'Successfully authorized a charging session.',
  100: 'System error.',
  140: 'Authentication failed: No positive authentication response.',
  181: 'EVSE not found.',
  182: 'Session not found.',
  190: 'EVCO ID error.',
  191: 'EVCO ID not found.',
  192: 'EVCO ID locked.',
  193: 'EVCO ID has no valid payment method.',
  200: 'Client request error.',
  210: 'Invalid API key.',
  211: 'Invalid partner identifier.',
  220: 'API key not allowed to access the requested resource.',
  230: 'Invalid request format.',
  322: 'Connector with the same EVSE ID, but with different latitude/longitude exists.',
};

export const describeCode = (code: number) => DESCRIPTIONS[code] ?? `Result code ${code}.`;

/** A successful v4 code: the 0xx family (0, 11, 12; request.rst: a general code stands for a specific one). */
export const isSuccessCode = (code: number) => code >= 0 && code < 100;

export interface OioiErrorOptions {
  /** HTTP status of the v3 answer (v3 signals outcomes with it). */
  v3Status: number;
  /** HTTP status of the v4 answer: 200 (outcome in `result`) unless the request itself is at fault. */
  v4Status?: number;
  /** Extra keys of the v3 body, e.g. `{ "rfid-verify": { verified: false } }`. */
  v3Body?: Record<string, unknown>;
  /** The request field at fault, as a path from the call key (`station-post.station.latitude`). */
  field?: string;
  issues?: Issue[];
}

/**
 * A refused OIOI request. A business outcome answers HTTP 200 with `result` in v4 and `v3Status`
 * in v3; a request at fault (format: 400, key: 401) sets `v4Status` too.
 */
export class OioiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly options: OioiErrorOptions,
  ) {
    super(message);
    this.name = 'OioiError';
  }

  httpStatus(version: OioiVersion): number {
    return version === 'v3' ? this.options.v3Status : (this.options.v4Status ?? 200);
  }

  body(version: OioiVersion): Record<string, unknown> {
    const detail = {
      error: this.message,
      ...(this.options.field ? { field: this.options.field } : {}),
      ...(this.options.issues ? { issues: this.options.issues } : {}),
    };
    if (version === 'v3') return { ...this.options.v3Body, ...detail };
    const result = { code: this.code, message: `${describeCode(this.code)} ${this.message}` };
    // request.rst: 4xx bodies carry an `error` property; a v4 200 carries the outcome in `result`.
    return this.httpStatus('v4') === 200 ? { result } : { ...detail, result };
  }
}

/** 400 naming the field (v4 result 230). */
export const badFormat = (message: string, field?: string, issues?: Issue[]) =>
  new OioiError(RESULT.invalidFormat, message, { v3Status: 400, v4Status: 400, ...(field ? { field } : {}), ...(issues ? { issues } : {}) });

/** What a call handler answers on success, in both styles. */
export interface CallAnswer {
  /** v4: `result.code` (0 unless the call says otherwise) and sibling keys. */
  v4: { code?: number; message?: string; extra?: Record<string, unknown> };
  /** v3: the body (HTTP 200). */
  v3: Record<string, unknown>;
}

export function successBody(answer: CallAnswer, version: OioiVersion): Record<string, unknown> {
  if (version === 'v3') return answer.v3;
  const code = answer.v4.code ?? RESULT.success;
  const message = answer.v4.message ? `${describeCode(code)} ${answer.v4.message}` : describeCode(code);
  return { ...answer.v4.extra, result: { code, message } };
}

/**
 * Read the result of an answer from a CPO (either version): HTTP status, the v4 `result.code`
 * (a numeric string is accepted, docs/oioi.md Q5), or the v3 `success` flag under `key`.
 */
export function readResult(status: number, json: unknown, key: string): { ok: boolean; code?: number; message?: string; reason: string } {
  const body = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const result = body.result as { code?: unknown; message?: unknown } | undefined;
  const rawCode = result?.code;
  const code = typeof rawCode === 'number' ? rawCode : typeof rawCode === 'string' && /^\d+$/.test(rawCode) ? Number(rawCode) : undefined;
  const message = typeof result?.message === 'string' ? result.message : typeof body.error === 'string' ? body.error : undefined;
  if (status >= 500) return { ok: false, ...(code !== undefined ? { code } : {}), ...(message ? { message } : {}), reason: `HTTP ${status}${message ? `: ${message}` : ''}` };
  if (code !== undefined) {
    const ok = isSuccessCode(code) && status < 300;
    return { ok, code, ...(message ? { message } : {}), reason: ok ? '' : `result code ${code}${message ? ` (${message})` : ''}, HTTP ${status}` };
  }
  const inner = body[key] as { success?: unknown } | undefined;
  if (status < 200 || status >= 300) return { ok: false, ...(message ? { message } : {}), reason: `HTTP ${status}${message ? `: ${message}` : ''}` };
  if (inner && typeof inner === 'object' && typeof inner.success === 'boolean') {
    return inner.success ? { ok: true, reason: '' } : { ok: false, reason: `"${key}".success is false` };
  }
  return { ok: false, reason: `the answer has neither result.code (v4) nor "${key}".success (v3)` };
}
