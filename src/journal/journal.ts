// Every OCPI/OIOI request and response, in and out, in a bounded ring buffer (newest first).
import type { EventBus } from '../events.js';
import { type BytesRef, ChunkedStrings } from './bytes.js';
import { redactAuthorization, redactBody } from './redact.js';

export type Direction = 'inbound' | 'outbound';

export interface JournalEntry {
  id: string;
  time: string;
  direction: Direction;
  protocol: 'ocpi' | 'oioi';
  /** `CC*PID` of the party, when known. */
  party?: string;
  method: string;
  url: string;
  path: string;
  /** HTTP status; 0 when no answer came (timeout, reset). */
  status: number;
  ocpi_status?: number;
  duration_ms: number;
  request: { headers: Record<string, string>; body?: string; body_truncated?: boolean };
  response?: { headers?: Record<string, string>; body?: string; body_truncated?: boolean };
  /** Id of the fault rule that acted on this exchange. */
  fault?: string;
  error?: string;
}

export interface JournalQuery {
  method?: string;
  path?: string;
  status?: number;
  party?: string;
  direction?: Direction;
  protocol?: string;
  offset?: number;
  limit?: number;
}

/**
 * What an inbound exchange leaves behind, as it came (no formatting): the entry is built from it
 * only when somebody reads the journal, so recording costs the request almost nothing.
 */
export type InboundRecord = Pick<
  JournalEntry,
  'id' | 'protocol' | 'party' | 'method' | 'url' | 'path' | 'status' | 'ocpi_status' | 'duration_ms' | 'fault'
> & {
  timeMs: number;
  /** Node's `rawHeaders` (name, value, name, value...) or a copy of the headers. */
  requestHeaders: readonly string[] | Record<string, string>;
  requestBody?: string;
  /** The headers as the answer was given them, or a getter (called at once). */
  responseHeaders: Record<string, string> | (() => Iterable<[string, string]>);
  responseBody?: string;
};

/**
 * A ring slot: what queries filter on, as numbers and strings shared with the rest of the
 * process (method, protocol, party), and where the exchange's own strings are (inbound, in
 * `bytes`: see bytes.ts) or the entry itself (outbound, rare).
 */
interface Slot {
  direction: Direction;
  protocol: string;
  party?: string;
  method: string;
  status: number;
  entry?: JournalEntry;
  raw?: BytesRef;
}

// An inbound exchange is stored as 11 strings (see recordInbound for their order); the id and
// the path come first, so lookups read only the start of an entry.
const FIELDS = 11;
const ID = 0;
const PATH = 1;
/** Enough of an entry for its id and path (the first two strings) nearly always: not its bodies. */
const SHORT_FIELDS_BYTES = 1024;

export class Journal {
  private readonly ring: (Slot | undefined)[];
  private readonly bytes = new ChunkedStrings();
  private next = 0;
  private count = 0;
  private seq = 0;
  private readonly idPrefix = `j${Date.now().toString(36)}`;

  constructor(
    readonly capacity: number,
    readonly bodyLimit: number,
    private readonly events?: EventBus,
  ) {
    this.ring = new Array(capacity);
  }

  /** Unique in this process, sortable by creation. */
  newId(): string {
    this.seq++;
    return `${this.idPrefix}${this.seq.toString(36).padStart(6, '0')}`;
  }

  /** Keep at most `bodyLimit` characters, redacted. */
  body(text: string | undefined): { body?: string; body_truncated?: boolean } {
    if (text === undefined || text === '') return {};
    const truncated = text.length > this.bodyLimit;
    const body = redactBody(truncated ? text.slice(0, this.bodyLimit) : text);
    return truncated ? { body, body_truncated: true } : { body };
  }

  record(entry: JournalEntry): void {
    this.push({
      direction: entry.direction,
      protocol: entry.protocol,
      party: entry.party,
      method: entry.method,
      status: entry.status,
      entry,
      raw: undefined,
    });
    this.events?.emit({ type: 'journal', data: entry });
  }

  /** An inbound exchange; its entry is built (redacted, truncated) each time it is read. */
  recordInbound(r: InboundRecord): void {
    // Header names and values cannot hold a line feed (the HTTP parser refuses them): one string each way.
    const parts = [
      r.id,
      r.path,
      r.url,
      String(r.timeMs),
      String(r.duration_ms),
      r.ocpi_status === undefined ? undefined : String(r.ocpi_status),
      r.fault,
      Array.isArray(r.requestHeaders) ? r.requestHeaders.join('\n') : joinHeaders(Object.entries(r.requestHeaders)),
      this.kept(r.requestBody),
      joinHeaders(typeof r.responseHeaders === 'function' ? r.responseHeaders() : Object.entries(r.responseHeaders)),
      this.kept(r.responseBody),
    ];
    const slot: Slot = {
      direction: 'inbound',
      protocol: r.protocol,
      party: r.party,
      method: r.method,
      status: r.status,
      entry: undefined,
      raw: this.bytes.write(parts),
    };
    this.push(slot);
    if (this.events?.listening('journal')) this.events.emit({ type: 'journal', data: this.entryOf(slot) });
  }

  /** A body cut one character past the limit: enough for `body()` to mark it truncated. */
  private kept(text: string | undefined): string | undefined {
    return text !== undefined && text.length > this.bodyLimit + 1 ? text.slice(0, this.bodyLimit + 1) : text;
  }

  private push(slot: Slot): void {
    const evicted = this.ring[this.next];
    if (evicted?.raw) this.bytes.drop(evicted.raw);
    this.ring[this.next] = slot;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  private entryOf(slot: Slot): JournalEntry {
    if (slot.entry) return slot.entry;
    // In the order recordInbound stores them.
    const [id, path, url, time, duration, ocpiStatus, fault, requestHeaders, requestBody, responseHeaders, responseBody] = this.bytes.read(
      slot.raw as BytesRef,
      FIELDS,
    );
    return {
      id: id as string,
      time: new Date(Number(time)).toISOString(),
      direction: 'inbound',
      protocol: slot.protocol as JournalEntry['protocol'],
      ...(slot.party ? { party: slot.party } : {}),
      method: slot.method,
      url: url as string,
      path: path as string,
      status: slot.status,
      ...(ocpiStatus !== undefined ? { ocpi_status: Number(ocpiStatus) } : {}),
      duration_ms: Number(duration),
      request: { headers: splitHeaders(requestHeaders as string, true), ...this.body(requestBody) },
      response: { headers: splitHeaders(responseHeaders as string, false), ...this.body(responseBody) },
      ...(fault ? { fault } : {}),
    };
  }

  /** The id or the path of an exchange, without decoding its bodies. */
  private leading(slot: Slot, field: typeof ID | typeof PATH): string {
    if (slot.entry) return field === ID ? slot.entry.id : slot.entry.path;
    return this.bytes.read(slot.raw as BytesRef, field + 1, SHORT_FIELDS_BYTES)[field] as string;
  }

  /** Newest first, filtered. */
  query(q: JournalQuery = {}): { total: number; entries: JournalEntry[] } {
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 100;
    const entries: JournalEntry[] = [];
    let total = 0;
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[(this.next - 1 - i + this.capacity) % this.capacity] as Slot;
      if (q.method && e.method !== q.method.toUpperCase()) continue;
      if (q.status !== undefined && e.status !== q.status) continue;
      if (q.party && e.party !== q.party) continue;
      if (q.direction && e.direction !== q.direction) continue;
      if (q.protocol && e.protocol !== q.protocol) continue;
      if (q.path && !this.leading(e, PATH).startsWith(q.path)) continue;
      if (total >= offset && entries.length < limit) entries.push(this.entryOf(e));
      total++;
    }
    return { total, entries };
  }

  get(id: string): JournalEntry | undefined {
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[i];
      if (e && this.leading(e, ID) === id) return this.entryOf(e);
    }
    return undefined;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.bytes.clear();
    this.next = 0;
    this.count = 0;
  }

  /** Bytes of inbound exchanges held outside the JS heap. */
  get storedBytes(): number {
    return this.bytes.bytes;
  }
}

function joinHeaders(headers: Iterable<[string, string]>): string {
  let out = '';
  for (const [k, v] of headers) out = out === '' ? `${k}\n${v}` : `${out}\n${k}\n${v}`;
  return out;
}

/** Header names in lower case (as HTTP/1 and fetch give them); a request's Authorization redacted. */
function splitHeaders(joined: string, request: boolean): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  const raw = joined === '' ? [] : joined.split('\n');
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const v = request && k === 'authorization' ? (redactAuthorization(value) as string) : value;
    // Repeated headers joined as fetch's Headers does (set-cookie aside, which requests lack).
    headers[k] = Object.hasOwn(headers, k) ? `${headers[k]}, ${v}` : v;
  }
  return headers;
}
