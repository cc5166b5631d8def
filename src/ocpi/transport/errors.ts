// The one error type modules throw. The transport layer turns it into the OCPI envelope;
// modules never pick HTTP codes or build envelopes themselves.
import { OcpiStatus, type OcpiStatusCode } from './status.js';

export interface Issue {
  /** JSON path of the offending value, e.g. `evses[0].connectors[1].standard`. */
  path: string;
  /** The rule that was broken, in words. */
  message: string;
}

export interface OcpiErrorOptions {
  /**
   * HTTP status for transport-level failures (400 bad JSON, 401, 404, 405, 413).
   * Absent for errors found inside the OCPI layer: status_codes.md says a request that is
   * valid JSON and addresses an existing resource gets no HTTP error, so those answer with
   * the configured `ocpiErrorHttpStatus` (200 by default, as the spec says).
   */
  http?: number;
  /** Goes into `data` of the error envelope, to help the CPO's programmer. */
  data?: unknown;
  headers?: Record<string, string>;
}

export class OcpiError extends Error {
  readonly http: number | undefined;
  readonly data: unknown;
  readonly headers: Record<string, string> | undefined;
  constructor(
    readonly statusCode: OcpiStatusCode,
    message: string,
    options: OcpiErrorOptions = {},
  ) {
    super(message);
    this.name = 'OcpiError';
    this.http = options.http;
    this.data = options.data;
    this.headers = options.headers;
  }
}

/** Body is not JSON (or not an object where one is required): a transport error. */
export const badJson = (message: string) => new OcpiError(OcpiStatus.INVALID_PARAMETERS, message, { http: 400 });

/** Valid JSON whose content breaks a rule of the spec or of Plugsurfing. */
export const invalidParameters = (message: string, issues?: Issue[]) =>
  new OcpiError(OcpiStatus.INVALID_PARAMETERS, message, issues ? { data: { issues } } : {});

export const clientError = (message: string, data?: unknown) =>
  new OcpiError(OcpiStatus.CLIENT_ERROR, message, data === undefined ? {} : { data });

export const unauthorized = (message: string) =>
  new OcpiError(OcpiStatus.CLIENT_ERROR, message, { http: 401, headers: { 'WWW-Authenticate': 'Token' } });

export const notFound = (message: string, statusCode: OcpiStatusCode = OcpiStatus.CLIENT_ERROR) =>
  new OcpiError(statusCode, message, { http: 404 });

export const methodNotAllowed = (message: string, allow: string[]) =>
  new OcpiError(OcpiStatus.CLIENT_ERROR, message, { http: 405, headers: { Allow: allow.join(', ') } });

/** `closing`: the rest of the body is not read, so the connection cannot be reused. */
export const payloadTooLarge = (limit: number, closing = false) =>
  new OcpiError(OcpiStatus.CLIENT_ERROR, `Request body exceeds the limit of ${limit} bytes`, {
    http: 413,
    ...(closing ? { headers: { Connection: 'close' } } : {}),
  });

/** 3xxx: the server could not do its part (3001 client API unusable, 3002, 3003). */
export const serverError = (statusCode: OcpiStatusCode, message: string, data?: unknown) =>
  new OcpiError(statusCode, message, data === undefined ? {} : { data });

/** Format issues as one readable line for status_message. */
export function describeIssues(issues: Issue[], max = 5): string {
  const shown = issues.slice(0, max).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > max ? ` (+${issues.length - max} more)` : '';
  return shown.join('; ') + more;
}
