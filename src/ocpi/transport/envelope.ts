// The OCPI response envelope (transport_and_format.md, "Response format"), in one place.
import { type OcpiStatusCode, OcpiStatus, statusMessages } from './status.js';

export interface Envelope<T = unknown> {
  data?: T;
  status_code: OcpiStatusCode | number;
  status_message?: string;
  timestamp: string;
}

/** OCPI DateTime of now, second precision, UTC with Z. */
export function ocpiTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function envelope<T>(
  nowMs: number,
  data: T | undefined,
  statusCode: OcpiStatusCode | number = OcpiStatus.SUCCESS,
  statusMessage?: string,
): Envelope<T> {
  // `data` first: the order the spec's examples show, easiest to read in a terminal.
  const body: Envelope<T> = {
    ...(data !== undefined ? { data } : {}),
    status_code: statusCode,
    status_message: statusMessage ?? statusMessages[statusCode as OcpiStatusCode] ?? undefined,
    timestamp: ocpiTimestamp(nowMs),
  };
  return body;
}
