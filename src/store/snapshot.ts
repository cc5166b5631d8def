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
import type { StateDocument } from './store.js';

/** A stored value still in its JSON text: parsed when first read. */
export class RawJson {
  constructor(readonly text: string) {}
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
  const parts: string[] = [`${HEAD}${logGeneration},"collections":{\n`];
  let firstCollection = true;
  for (const [name, map] of collections) {
    parts.push(`${firstCollection ? '' : ','}${JSON.stringify(name)}:{\n`);
    firstCollection = false;
    let first = true;
    for (const [key, value] of map) {
      const text = value instanceof RawJson ? value.text : JSON.stringify(value);
      if (text === undefined) continue; // JSON has no undefined: as JSON.stringify of the object would
      parts.push(`${first ? '' : ','}${JSON.stringify(key)}:${text}\n`);
      first = false;
    }
    parts.push('}\n');
  }
  parts.push('}}\n');
  return parts.join('');
}

/** Read a snapshot's text: indexed line by line when it has the layout above, else parsed whole. */
export function parseSnapshot(text: string): LoadedSnapshot {
  return parseLines(text) ?? fromDocument(JSON.parse(text) as StateDocument & SnapshotHeader);
}

function fromDocument(doc: StateDocument & SnapshotHeader): LoadedSnapshot {
  const collections = new Map<string, Map<string, unknown>>();
  for (const [name, entries] of Object.entries(doc.collections ?? {})) {
    collections.set(name, new Map(Object.entries(entries ?? {})));
  }
  const { format, version, log_generation } = doc;
  return { header: { format, version, log_generation }, collections };
}

/** null when the text is not in the one-value-per-line layout (the caller parses it whole). */
function parseLines(text: string): LoadedSnapshot | null {
  if (!text.startsWith(HEAD)) return null;
  let at = text.indexOf('\n');
  if (at < 0) return null;
  const first = text.slice(0, at);
  if (!first.endsWith(',"collections":{')) return null;
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
  for (at += 1; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end);
    at = end + 1;
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
    if (line === '}') {
      map = null;
      continue;
    }
    // `"key":value` or `,"key":value`
    const start = line.startsWith(',') ? 1 : 0;
    const close = closingQuote(line, start);
    if (close < 0 || line.charCodeAt(close + 1) !== 58 /* : */) return null;
    const key = jsonString(line.slice(start, close + 1));
    if (key === null || close + 2 >= line.length) return null;
    map.set(key, new RawJson(line.slice(close + 2)));
  }
  return done ? { header, collections } : null;
}

/** Index of the quote that ends the JSON string starting at `from`; -1 when there is none. */
function closingQuote(line: string, from: number): number {
  if (line.charCodeAt(from) !== 34 /* " */) return -1;
  for (let i = from + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
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
