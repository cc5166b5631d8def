// Hostile input, generated from valid input: JSON mutations (wrong types, missing and extra
// fields, huge strings and arrays, odd Unicode and numbers), bodies that are not JSON or not
// UTF-8, nested too deep, with prototype keys or too large, and ids that try to leave their path.
import type { Rng } from './rng.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Strings that have broken parsers, loggers, terminals and file systems before. */
export const ODD_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  'x\ud83d',
  '\u202egnp.exe', // right-to-left override
  '\u200b', // zero-width space
  '\ufeff',
  '\uffff',
  '\ufffe',
  'e\u0301\u0301\u0301', // combining marks
  '😀',
  '𝕏𝔂𝔃',
  '\u2028\u2029',
  '\r\nX-Injected: 1',
  '\u001b[31mred\u001b[0m',
  'İıſß',
  "'; DROP TABLE locations;--",
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style payload, sent as is
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '..\\..\\windows',
  '%00%2F%2e%2e',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
];

export const ODD_NUMBERS: readonly number[] = [
  -0,
  -1,
  1e308,
  -1e308,
  5e-324,
  Number('12345678901234567890'),
  2 ** 53 + 1,
  0.1 + 0.2,
  1.23456789,
  1e21,
];

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

export function randomJson(rng: Rng, depth = 0): Json {
  const k = rng.int(0, depth > 2 ? 3 : 5);
  if (k === 0) return rng.pick(ODD_STRINGS);
  if (k === 1) return rng.pick(ODD_NUMBERS);
  if (k === 2) return rng.chance(0.5);
  if (k === 3) return null;
  if (k === 4) return Array.from({ length: rng.int(0, 3) }, () => randomJson(rng, depth + 1));
  const o: Record<string, Json> = {};
  for (let i = rng.int(0, 3); i > 0; i--)
    define(o, rng.pick([...ODD_STRINGS, 'id', 'uid', 'x', 'last_updated']), randomJson(rng, depth + 1));
  return o;
}

/** An own property even for "__proto__" (plain assignment would change the prototype instead). */
function define(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, configurable: true, writable: true });
}

/** Every path to a node of `value` (the root is []), at most `max`. */
export function pathsOf(value: Json, max = 400): Path[] {
  const out: Path[] = [];
  const walk = (v: Json, p: Path) => {
    if (out.length >= max) return;
    out.push(p);
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...p, i]);
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) walk(v[k] as Json, [...p, k]);
  };
  walk(value, []);
  return out;
}

function getAt(root: Json, path: Path): Json {
  let cur: any = root;
  for (const p of path) cur = cur?.[p];
  return cur;
}

/** Set (or, with `undefined`, remove) the node at `path`; returns the new root. */
function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? {} : value;
  const parent: any = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1] as string | number;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else define(parent, String(last), value);
  return root;
}

function otherType(rng: Rng, v: Json): Json {
  const options = (['x', 42, true, null, [], {}, [v], { v }] as Json[]).filter(
    (o) => typeof o !== typeof v || Array.isArray(o) !== Array.isArray(v),
  );
  return rng.pick(options);
}

export const JSON_MUTATIONS = [
  'wrong-type',
  'delete-field',
  'extra-field',
  'huge-string',
  'huge-array',
  'odd-string',
  'odd-number',
  'empty-container',
  'null',
  'nest',
  'case',
  'top-level',
] as const;
export type JsonMutation = (typeof JSON_MUTATIONS)[number];

/** One mutation of a copy of `input`; returns the new value and what was done. */
export function mutateJson(rng: Rng, input: unknown): { value: Json; what: string } {
  let root = clone(input) as Json;
  const kind = rng.pick(JSON_MUTATIONS);
  const paths = pathsOf(root);
  const path = rng.pick(paths);
  const at = path.join('.') || '(root)';
  const node = getAt(root, path);
  switch (kind) {
    case 'wrong-type':
      root = setAt(root, path, otherType(rng, node));
      break;
    case 'delete-field':
      if (path.length > 0) root = setAt(root, path, undefined);
      break;
    case 'extra-field': {
      const objects = paths.filter((p) => {
        const n = getAt(root, p);
        return n !== null && typeof n === 'object' && !Array.isArray(n);
      });
      if (objects.length > 0)
        define(getAt(root, rng.pick(objects)) as object, rng.pick([...ODD_STRINGS, 'extra', 'x'.repeat(300)]), randomJson(rng));
      break;
    }
    case 'huge-string':
      root = setAt(root, path, rng.string(rng.int(1_000, 20_000)));
      break;
    case 'huge-array': {
      const small = JSON.stringify(node ?? null).length <= 200; // bounded: at most ~400 KB
      root = setAt(
        root,
        path,
        Array.from({ length: rng.int(200, 2_000) }, () => (small && rng.chance(0.5) ? clone(node) : rng.int(0, 9))),
      );
      break;
    }
    case 'odd-string':
      root = setAt(root, path, rng.pick(ODD_STRINGS));
      break;
    case 'odd-number':
      root = setAt(root, path, rng.pick(ODD_NUMBERS));
      break;
    case 'empty-container':
      root = setAt(root, path, Array.isArray(node) ? [] : {});
      break;
    case 'null':
      root = setAt(root, path, null);
      break;
    case 'nest': {
      let v: Json = node;
      for (let i = rng.int(1, 6); i > 0; i--) v = rng.chance(0.5) ? [v] : { v };
      root = setAt(root, path, v);
      break;
    }
    case 'case':
      if (typeof node === 'string') root = setAt(root, path, rng.chance(0.5) ? node.toLowerCase() : `${node.toUpperCase()} `);
      else root = setAt(root, path, otherType(rng, node));
      break;
    case 'top-level':
      root = rng.pick<Json>([[], [root], 'x', 0, true, [{}], '{}']);
      break;
  }
  return { value: root, what: `${kind} at ${at}` };
}

// ---- bodies that are not (acceptable) JSON ---------------------------------------------------

const GARBAGE_TEXTS = [
  'undefined',
  'NaN',
  "{'a':1}",
  '[1,]',
  '{"a":1,}',
  '{"a":1}{"a":2}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":.5}',
  '{"a":01}',
  '{"a":+1}',
  '{"a":1e}',
  '{"a":tru}',
  '[',
  '"unterminated',
  '{a:1}',
  '// comment\n{}',
  '{"a":Infinity}',
  '<?xml version="1.0"?><a/>',
  'a=1&b=2',
  '\u0000',
];

/** Text that JSON.parse refuses (and that is not blank: a blank body means "no body"). */
export function invalidJsonText(rng: Rng, valid: string): { text: string; what: string } {
  for (let tries = 0; tries < 20; tries++) {
    const k = rng.int(0, 8);
    let text: string;
    let what: string;
    if (k === 0) {
      text = valid.slice(0, rng.int(1, Math.max(1, valid.length - 1)));
      what = 'truncated';
    } else if (k === 1) {
      text = valid + rng.pick(['x', '}', ']', ',', '{}', 'null', '"', '\u0000']);
      what = 'trailing garbage';
    } else if (k === 2) {
      text = valid.replaceAll('"', "'");
      what = 'single quotes';
    } else if (k === 3) {
      text = valid.replace(/"([A-Za-z_]+)":/, '$1:');
      what = 'unquoted key';
    } else if (k === 4) {
      text = valid.replace('"', '"\u0001');
      what = 'raw control character in a string';
    } else if (k === 5) {
      text = valid.replace(/}\s*$/, ',}');
      what = 'trailing comma';
    } else if (k === 6) {
      text = valid.replace(/:(\s*)(\d)/, ':$10x$2');
      what = 'hex number';
    } else {
      text = rng.pick(GARBAGE_TEXTS);
      what = 'garbage';
    }
    if (text.trim() === '') continue;
    try {
      JSON.parse(text);
    } catch {
      return { text, what };
    }
  }
  return { text: '{"a":', what: 'truncated' };
}

/** Byte sequences a strict UTF-8 decoder must refuse. (A UTF-8 BOM is not one: it is stripped.) */
const BAD_UTF8: readonly [string, number[]][] = [
  ['0xFF', [0xff]],
  ['0xFE', [0xfe]],
  ['lone continuation byte', [0x80]],
  ['overlong "/"', [0xc0, 0xaf]],
  ['overlong 3-byte', [0xe0, 0x80, 0xaf]],
  ['UTF-16 surrogate half', [0xed, 0xa0, 0x80]],
  ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ['5-byte form', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ['truncated sequence', [0xe2, 0x82]],
  ['Latin-1 é', [0xe9]],
];

export function invalidUtf8Body(rng: Rng, valid: string): { body: Buffer; what: string } {
  const [what, bytes] = rng.pick(BAD_UTF8);
  if (rng.chance(0.2))
    return { body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')]), what: 'UTF-16LE with BOM' };
  const rest = valid.length > 2 ? `",${valid.slice(1)}` : '"}';
  return { body: Buffer.concat([Buffer.from('{"x":"'), Buffer.from(bytes), Buffer.from(rest)]), what };
}

/** Valid JSON nested deeper than `limit`, inside the valid object. */
export function deepJsonText(rng: Rng, valid: string, limit: number): { text: string; what: string } {
  const n = limit + rng.int(2, rng.chance(0.1) ? 20_000 : 200);
  const nest = rng.chance(0.5) ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const text = valid.startsWith('{') && valid.length > 2 ? `{"deep":${nest},${valid.slice(1)}` : nest;
  return { text, what: `nested ${n} deep` };
}

export const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** The valid object with a prototype-polluting key at some object inside it (maybe \u-escaped). */
export function forbiddenKeyText(rng: Rng, valid: unknown): { text: string; what: string } {
  const root = clone(valid) as Json;
  const objects = pathsOf(root).filter((p) => {
    const n = getAt(root, p);
    return n !== null && typeof n === 'object' && !Array.isArray(n);
  });
  const key = rng.pick(FORBIDDEN_KEYS);
  const payload: Record<string, unknown> = key === 'constructor' ? { prototype: { polluted: 'yes' } } : { polluted: 'yes', toString: 'x' };
  const target = objects.length > 0 ? (getAt(root, rng.pick(objects)) as object) : {};
  define(target, key, payload);
  let text = JSON.stringify(objects.length > 0 ? root : target);
  const escaped = rng.chance(0.3);
  if (escaped) text = text.replace(`"${key}":`, `"${key.replace(/_/g, '\\u005f').replace('o', '\\u006f')}":`);
  return { text, what: `${key}${escaped ? ' (escaped)' : ''}` };
}

/** Valid JSON larger than `limit` bytes (padding or a huge string). */
export function oversizedText(rng: Rng, valid: string, limit: number): { text: string; what: string } {
  const extra = rng.int(1, limit);
  if (rng.chance(0.5) || !valid.startsWith('{'))
    return { text: valid + ' '.repeat(limit - valid.length + extra), what: 'whitespace padding' };
  return { text: `{"pad":"${'x'.repeat(limit + extra)}",${valid.slice(1)}`, what: 'huge string' };
}

/** Declared types that are not JSON (the checked ones: a JSON type with odd casing is fine). */
export const BAD_CONTENT_TYPES: readonly string[] = [
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonp',
  'application/json5',
  'application/octet-stream',
  'json',
  '*/*',
  'application/ json',
  'text/html; charset=utf-8',
];

/** JSON content types that must be accepted. */
export const GOOD_CONTENT_TYPES: readonly string[] = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/json;charset=UTF-8',
];

/**
 * Path segments that must never name a stored object, as sent on the wire: traversal, encoded
 * slashes, control characters, non-ASCII, broken percent-encoding, too long.
 */
export const BAD_IDS: readonly string[] = [
  '..',
  '.',
  '%2E%2E',
  '%2e',
  '.%2E',
  'a%2Fb',
  '%2F',
  '..%2F..%2F..%2Ftmp%2Fpwned',
  '%2F..%2F..%2Fetc%2Fpasswd',
  '%5C',
  'a%5C..%5Cb',
  '%00',
  'a%00b',
  '%0A',
  'a%0D%0Ab',
  '%7F',
  '%1B%5B31m',
  '%20',
  'a%20b',
  '%09',
  '%25',
  '%252F',
  '%3F',
  '%23',
  'a%3Fb%3Dc',
  '%C3%A9',
  '%E2%80%AE',
  '%E2%80%8B',
  '%F0%9F%98%80',
  '%FF',
  '%C0%AF',
  '%ED%A0%80',
  '%',
  '%ZZ',
  '%E0%A4%A',
  'x'.repeat(65),
  'x'.repeat(2000),
];

/** Country code / party id pairs that are not the caller's. */
export const OTHER_PARTIES: readonly [string, string][] = [
  ['DE', 'ABC'], // another registered party
  ['XX', 'YYY'], // nobody
  ['nl', 'tnm'],
  ['NL', 'TN'],
  ['NLD', 'TNM'],
  ['NL', 'TNMX'],
  ['NL', 'TN%2FM'],
  ['%2E%2E', 'TNM'],
  ['NL', '%2E%2E'],
  ['N%00', 'TNM'],
];

// ---- type-preserving edits (for input that stays valid but unusual) ----------------------------

const EDGE_NUMBERS: readonly number[] = [
  0, -0, 0.0001, 0.5, 1, 2, 59, 60, 61, 3599, 3600, 86_399, 86_400, 9999.9999, 1e6, 123_456_789, -1, -0.0001,
];
const EDGE_DATES: readonly string[] = [
  '1970-01-01T00:00:00Z',
  '2000-02-29T23:59:59Z',
  '2026-01-15T10:00:00Z',
  '2026-01-15T10:00:00',
  '2026-01-15T09:59:59.999999999Z',
  '2026-03-29T01:30:00Z', // a daylight saving change in Europe
  '2026-10-25T00:59:59Z',
  '2026-12-31T23:59:59Z',
  '2099-12-31T23:59:59Z',
  '9999-12-31T23:59:59Z',
];
const EDGE_TIMES: readonly string[] = ['00:00', '00:01', '11:59', '12:00', '23:59', '24:00'];
const EDGE_DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/** One edit that keeps each value's type (numbers, dates, times, arrays); returns a new value. */
export function tweakJson(rng: Rng, input: unknown): { value: Json; what: string } {
  let root = clone(input) as Json;
  const paths = pathsOf(root);
  const path = rng.pick(paths);
  const node = getAt(root, path);
  const at = path.join('.') || '(root)';
  if (typeof node === 'number') {
    root = setAt(root, path, rng.pick(EDGE_NUMBERS));
    return { value: root, what: `edge number at ${at}` };
  }
  if (typeof node === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(node)) {
    root = setAt(root, path, rng.pick(EDGE_DATES));
    return { value: root, what: `edge date at ${at}` };
  }
  if (typeof node === 'string' && /^\d{2}:\d{2}$/.test(node)) {
    root = setAt(root, path, rng.pick(EDGE_TIMES));
    return { value: root, what: `edge time at ${at}` };
  }
  if (Array.isArray(node)) {
    const k = rng.int(0, 3);
    const v: Json[] =
      k === 0
        ? []
        : k === 1
          ? [...node, ...node]
          : k === 2
            ? [...node].reverse()
            : node.every((x) => typeof x === 'string' && EDGE_DAYS.includes(x))
              ? [...EDGE_DAYS]
              : node.slice(0, 1);
    root = setAt(root, path, v);
    return { value: root, what: `array ${['emptied', 'doubled', 'reversed', 'widened'][k]} at ${at}` };
  }
  if (typeof node === 'boolean') {
    root = setAt(root, path, !node);
    return { value: root, what: `flipped at ${at}` };
  }
  return mutateJson(rng, root);
}
