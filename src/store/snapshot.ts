// The DB_FILE snapshot's text: ordinary JSON (a StateDocument plus `log_generation`), written
// one stored value per line so that start-up can index it without parsing it. Loading a
// 30,000-location snapshot (64 MB) with JSON.parse costs about a second and ~200 MB of objects;
// split into lines, each value stays its JSON text (RawJson) until it is first read.
//
//   {"format":"plugsurfing-emp-sim/state","version":1,"log_generation":3,"collections":{
//   "locations":{
//   "NL*TNM/L1":{...}
//   ,"NL*TNM/L2":{...}
//   }
//   ,"tokens":{
//   }
//   }}
//
// JSON.stringify never writes a raw line break, so every value is exactly one line. A file in
// another layout (written by hand, by an older version, pretty-printed) is parsed whole.
import { isAscii } from 'node:buffer';
import type { StateDocument } from './store.js';

/**
 * A stored value still in its JSON text, as bytes of the snapshot file (no string is made for it
 * until it is read: tens of MB of strings would outlive start-up as garbage).
 */
export class RawJson {
  constructor(
    private readonly bytes: Buffer,
    private readonly start: number,
    private readonly end: number,
    private readonly encoding: 'latin1' | 'utf8',
  ) {}
  get text(): string {
    return this.bytes.toString(this.encoding, this.start, this.end);
  }
}

export interface SnapshotHeader {
  format?: string;
  version?: number;
  /** The first log generation NOT contained in this snapshot. */
  log_generation?: number;
}

export interface LoadedSnapshot {
  header: SnapshotHeader;
  collections: Map<string, Map<string, unknown>>;
}

const HEAD = '{"format":"plugsurfing-emp-sim/state","version":1,"log_generation":';

/** The snapshot text of `collections` (values as they are, RawJson written back verbatim). */
export function snapshotText(collections: Iterable<[string, Map<string, unknown>]>, logGeneration: number): string {
  return [...snapshotPieces(collections, logGeneration)].join('');
}

/**
 * The same text in pieces, one per stored value (and one per structure line): a writer streams
 * them out without ever holding the whole text (snapshot-file.ts).
 */
export function* snapshotPieces(collections: Iterable<[string, Map<string, unknown>]>, logGeneration: number): Generator<string> {
  yield `${HEAD}${logGeneration},"collections":{\n`;
  let firstCollection = true;
  for (const [name, map] of collections) {
    yield `${firstCollection ? '' : ','}${JSON.stringify(name)}:{\n`;
    firstCollection = false;
    let first = true;
    for (const [key, value] of map) {
      const text = value instanceof RawJson ? value.text : JSON.stringify(value);
      if (text === undefined) continue; // JSON has no undefined: as JSON.stringify of the object would
      yield `${first ? '' : ','}${JSON.stringify(key)}:${text}\n`;
      first = false;
    }
    yield '}\n';
  }
  yield '}}\n';
}

/**
 * Read a snapshot: indexed line by line when it has the layout above, else parsed whole. Only
 * keys and structure lines are decoded (a line break, quote or backslash byte never falls inside
 * a UTF-8 sequence); values stay bytes of the file until read.
 */
export function parseSnapshot(input: Buffer | string): LoadedSnapshot {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  // Pure ASCII (the usual case) decodes as latin1, a plain copy.
  const encoding = isAscii(bytes) ? 'latin1' : 'utf8';
  return parseLines(bytes, encoding) ?? fromDocument(JSON.parse(bytes.toString(encoding)) as StateDocument & SnapshotHeader);
}

function fromDocument(doc: StateDocument & SnapshotHeader): LoadedSnapshot {
  const collections = new Map<string, Map<string, unknown>>();
  for (const [name, entries] of Object.entries(doc.collections ?? {})) {
    collections.set(name, new Map(Object.entries(entries ?? {})));
  }
  const { format, version, log_generation } = doc;
  return { header: { format, version, log_generation }, collections };
}

const NEWLINE = 10;

/** null when the bytes are not in the one-value-per-line layout (the caller parses them whole). */
function parseLines(bytes: Buffer, encoding: 'latin1' | 'utf8'): LoadedSnapshot | null {
  let at = bytes.indexOf(NEWLINE);
  if (at < 0) return null;
  const first = bytes.toString(encoding, 0, at);
  if (!first.startsWith(HEAD) || !first.endsWith(',"collections":{')) return null;
  let header: SnapshotHeader;
  try {
    const { format, version, log_generation } = JSON.parse(`${first}}}`) as SnapshotHeader;
    header = { format, version, log_generation };
  } catch {
    return null;
  }
  const collections = new Map<string, Map<string, unknown>>();
  let map: Map<string, unknown> | null = null;
  let done = false;
  for (at += 1; at < bytes.length; ) {
    let end = bytes.indexOf(NEWLINE, at);
    if (end < 0) end = bytes.length;
    const from = at;
    at = end + 1;
    if (map !== null && bytes[from] !== 125 /* } */) {
      // `"key":value` or `,"key":value`
      const start = bytes[from] === 44 /* , */ ? from + 1 : from;
      const close = closingQuote(bytes, start, end);
      if (close < 0 || bytes[close + 1] !== 58 /* : */ || close + 2 >= end) return null;
      const key = jsonString(bytes.toString(encoding, start, close + 1));
      if (key === null) return null;
      map.set(key, new RawJson(bytes, close + 2, end, encoding));
      continue;
    }
    const line = bytes.toString(encoding, from, end);
    if (done) {
      if (line.trim() !== '') return null;
      continue;
    }
    if (map === null) {
      if (line === '}}') {
        done = true;
        continue;
      }
      // `"name":{` or `,"name":{`
      const open = line.startsWith(',') ? line.slice(1) : line;
      if (!open.endsWith(':{')) return null;
      const name = jsonString(open.slice(0, -2));
      if (name === null) return null;
      map = new Map();
      collections.set(name, map);
      continue;
    }
    if (line !== '}') return null;
    map = null;
  }
  return done ? { header, collections } : null;
}

/** Index of the quote that ends the JSON string starting at `from` (before `end`); -1 when none. */
function closingQuote(bytes: Buffer, from: number, end: number): number {
  if (bytes[from] !== 34 /* " */) return -1;
  for (let i = from + 1; i < end; i++) {
    const c = bytes[i];
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return -1;
}

function jsonString(token: string): string | null {
  try {
    const value: unknown = JSON.parse(token);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}
