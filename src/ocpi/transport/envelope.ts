// The OCPI response envelope (transport_and_format.md, "Response format"), in one place.
import { type OcpiStatusCode, OcpiStatus, statusMessages } from './status.js';

export interface Envelope<T = unknown> {
  data?: T;
  status_code: OcpiStatusCode | number;
  status_message?: string;
  timestamp: string;
}

/**
 * `data` already serialised: the envelope splices the text in. A page of stored objects is sent
 * this way, each object's JSON made once (they are immutable) instead of at every request.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

const jsonOfObject = new WeakMap<object, string>();

/** JSON of an immutable object, remembered for as long as the object lives. */
export function jsonOf(value: object): string {
  let text = jsonOfObject.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    jsonOfObject.set(value, text);
  }
  return text;
}

/**
 * The JSON text of an envelope (the same text as JSON.stringify of `envelope()`); `data` may be
 * JsonText. Written out rather than stringified: it runs for every answer, and only `data` and
 * the message need JSON's escaping (an answer without data: ~90 ns instead of ~320).
 */
export function envelopeText(nowMs: number, data: unknown, statusCode: OcpiStatusCode | number, statusMessage?: string): string {
  const message = statusMessage ?? statusMessages[statusCode as OcpiStatusCode];
  const rest = `"status_code":${statusCode},${message === undefined ? '' : `"status_message":${JSON.stringify(message)},`}"timestamp":"${ocpiTimestamp(nowMs)}"}`;
  const dataText = data === undefined ? undefined : data instanceof JsonText ? data.text : JSON.stringify(data);
  return dataText === undefined ? `{${rest}` : `{"data":${dataText},${rest}`;
}

/** OCPI DateTime of now, second precision, UTC with Z. */
export function ocpiTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastTimestamp = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
  }
  return lastTimestamp;
}
// Every answer of the same second carries the same timestamp: format it once.
let lastSecond = Number.NaN;
let lastTimestamp = '';

export function envelope<T>(
  nowMs: number,
  data: T | undefined,
  statusCode: OcpiStatusCode | number = OcpiStatus.SUCCESS,
  statusMessage?: string,
): Envelope<T> {
  const status_message = statusMessage ?? statusMessages[statusCode as OcpiStatusCode];
  const timestamp = ocpiTimestamp(nowMs);
  // `data` first: the order the spec's examples show, easiest to read in a terminal. Two fixed
  // shapes (no spreads): this runs for every answer.
  return data !== undefined
    ? { data, status_code: statusCode, status_message, timestamp }
    : { status_code: statusCode, status_message, timestamp };
}
