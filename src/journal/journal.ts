// Every OCPI/OIOI request and response, in and out, in a bounded ring buffer (newest first).
import type { EventBus } from '../events.js';
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
 * What an inbound exchange leaves behind, kept as it came (no copies, no formatting): the entry
 * is built from it only when somebody reads the journal, so recording costs the request almost
 * nothing. Everything here is immutable once the response is written.
 */
export type InboundRecord = Pick<
  JournalEntry,
  'id' | 'protocol' | 'party' | 'method' | 'url' | 'path' | 'status' | 'ocpi_status' | 'duration_ms' | 'fault'
> & {
  timeMs: number;
  /** Node's `rawHeaders` (name, value, name, value...) or a copy of the headers. */
  requestHeaders: readonly string[] | Record<string, string>;
  requestBody?: string;
  /** Read (and turned into a plain object) only when the entry is built. */
  responseHeaders: () => Iterable<[string, string]>;
  responseBody?: string;
};

/** A ring slot: the fields queries filter on, and the entry (built on first read). */
interface Slot {
  id: string;
  direction: Direction;
  protocol: string;
  party?: string;
  method: string;
  path: string;
  status: number;
  entry?: JournalEntry;
  record?: InboundRecord;
}

export class Journal {
  private readonly ring: (Slot | undefined)[];
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
      id: entry.id,
      direction: entry.direction,
      protocol: entry.protocol,
      party: entry.party,
      method: entry.method,
      path: entry.path,
      status: entry.status,
      entry,
      record: undefined,
    });
    this.events?.emit({ type: 'journal', data: entry });
  }

  /** An inbound exchange; its entry is built (redacted, truncated) when first read. */
  recordInbound(record: InboundRecord): void {
    const slot: Slot = {
      id: record.id,
      direction: 'inbound',
      protocol: record.protocol,
      party: record.party,
      method: record.method,
      path: record.path,
      status: record.status,
      entry: undefined,
      record,
    };
    this.push(slot);
    if (this.events?.listening('journal')) this.events.emit({ type: 'journal', data: this.entryOf(slot) });
  }

  private push(slot: Slot): void {
    this.ring[this.next] = slot;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  private entryOf(slot: Slot): JournalEntry {
    if (slot.entry) return slot.entry;
    const r = slot.record as InboundRecord;
    const entry: JournalEntry = {
      id: r.id,
      time: new Date(r.timeMs).toISOString(),
      direction: 'inbound',
      protocol: r.protocol,
      ...(r.party ? { party: r.party } : {}),
      method: r.method,
      url: r.url,
      path: r.path,
      status: r.status,
      ...(r.ocpi_status !== undefined ? { ocpi_status: r.ocpi_status } : {}),
      duration_ms: r.duration_ms,
      request: { headers: requestHeaders(r.requestHeaders), ...this.body(r.requestBody) },
      response: { headers: Object.fromEntries(r.responseHeaders()), ...this.body(r.responseBody) },
      ...(r.fault ? { fault: r.fault } : {}),
    };
    slot.entry = entry;
    slot.record = undefined; // the raw material (unredacted) is not kept once the entry exists
    return entry;
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
      if (q.path && !e.path.startsWith(q.path)) continue;
      if (q.status !== undefined && e.status !== q.status) continue;
      if (q.party && e.party !== q.party) continue;
      if (q.direction && e.direction !== q.direction) continue;
      if (q.protocol && e.protocol !== q.protocol) continue;
      if (total >= offset && entries.length < limit) entries.push(this.entryOf(e));
      total++;
    }
    return { total, entries };
  }

  get(id: string): JournalEntry | undefined {
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[i];
      if (e?.id === id) return this.entryOf(e);
    }
    return undefined;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}

/** Header names in lower case (as HTTP/1 and fetch give them), Authorization redacted. */
function requestHeaders(raw: readonly string[] | Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  const add = (name: string, value: string) => {
    const k = name.toLowerCase();
    const v = k === 'authorization' ? (redactAuthorization(value) as string) : value;
    // Repeated headers joined as fetch's Headers does (set-cookie aside, which requests lack).
    headers[k] = Object.hasOwn(headers, k) ? `${headers[k]}, ${v}` : v;
  };
  if (Array.isArray(raw)) for (let i = 0; i + 1 < raw.length; i += 2) add(raw[i] as string, raw[i + 1] as string);
  else for (const [k, v] of Object.entries(raw)) add(k, v);
  return headers;
}
