// Reading a request body: size limit (413), JSON only (415 for another declared type),
// valid UTF-8 and JSON (400/2001), bounded nesting, no prototype-polluting keys.
import type { Context } from 'hono';
import { badJson, OcpiError, payloadTooLarge } from './errors.js';
import { OcpiStatus } from './status.js';
import { incomingOf, readIncoming } from './incoming.js';
import { readLimited } from './stream.js';

export interface BodyLimits {
  maxBytes: number;
  maxDepth: number;
}

export interface RawBody {
  text: string;
  json: unknown;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Read at most `maxBytes` of the body; throws 413 beyond. Returns '' for an empty body. Reads the
 * Node request when there is one (see incoming.ts), else the WHATWG Request's stream.
 */
export async function readText(c: Context, maxBytes: number): Promise<string> {
  checkDeclaredLength(c, maxBytes);
  return utf8(await readBytes(c, maxBytes));
}

/** The body's bytes: at once when the Node request already holds all of it (see `readIncoming`). */
function readBytes(c: Context, maxBytes: number): Uint8Array | Promise<Uint8Array> {
  const tooLarge = () => payloadTooLarge(maxBytes, true);
  const incoming = incomingOf(c);
  return incoming ? readIncoming(incoming, maxBytes, tooLarge) : readLimited(c.req.raw.body, maxBytes, tooLarge);
}

function checkDeclaredLength(c: Context, maxBytes: number): void {
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > maxBytes) throw payloadTooLarge(maxBytes);
}

function utf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw badJson('Request body is not valid UTF-8');
  }
}

export function checkContentType(c: Context): void {
  const type = c.req.header('content-type');
  if (type && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new OcpiError(OcpiStatus.INVALID_PARAMETERS, `Content-Type must be application/json (got ${type.slice(0, 100)})`, {
      http: 415,
    });
  }
}

/** Parse JSON text; an empty body is `undefined`. */
export function parseJson(text: string, maxDepth: number): unknown {
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw badJson(`Request body is not valid JSON: ${(err as Error).message}`);
  }
  checkShape(json, maxDepth);
  return json;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Depth limit and forbidden keys, in one walk (iterative: deep input cannot blow the stack). */
function checkShape(root: unknown, maxDepth: number): void {
  // Two parallel stacks rather than a [value, depth] pair per object: no allocation per object.
  const values: object[] = [];
  const depths: number[] = [];
  if (typeof root === 'object' && root !== null) {
    values.push(root);
    depths.push(0);
  }
  while (values.length > 0) {
    const value = values.pop() as object;
    const depth = depths.pop() as number;
    if (depth >= maxDepth) throw badJson(`Request body is nested deeper than ${maxDepth} levels`);
    if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'object' && item !== null) {
          values.push(item);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in value) {
        if (FORBIDDEN_KEYS.has(key)) throw badJson(`Request body uses the forbidden key "${key}"`);
        const child = (value as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
}

/**
 * The JSON body: at once when the HTTP parser already has all of it (see `readIncoming`: most
 * requests, then answered without a promise), else once read.
 */
export function jsonBody(c: Context, limits: BodyLimits): RawBody | Promise<RawBody> {
  checkContentType(c);
  checkDeclaredLength(c, limits.maxBytes);
  const bytes = readBytes(c, limits.maxBytes);
  return bytes instanceof Promise ? bytes.then((b) => rawBody(b, limits.maxDepth)) : rawBody(bytes, limits.maxDepth);
}

function rawBody(bytes: Uint8Array, maxDepth: number): RawBody {
  const text = utf8(bytes);
  return { text, json: parseJson(text, maxDepth) };
}

/** `jsonBody` as a promise (the admin API's bodies). */
export async function readJsonBody(c: Context, limits: BodyLimits): Promise<RawBody> {
  return jsonBody(c, limits);
}
