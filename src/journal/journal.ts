// Every OCPI/OIOI request and response, in and out, in a bounded ring buffer (newest first).
import type { EventBus } from '../events.js';
import { redactBody } from './redact.js';

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

export class Journal {
  private readonly ring: (JournalEntry | undefined)[];
  private next = 0;
  private count = 0;
  private seq = 0;

  constructor(
    readonly capacity: number,
    readonly bodyLimit: number,
    private readonly events?: EventBus,
  ) {
    this.ring = new Array(capacity);
  }

  newId(): string {
    this.seq++;
    return `j${Date.now().toString(36)}${this.seq.toString(36).padStart(5, '0')}`;
  }

  /** Keep at most `bodyLimit` characters, redacted. */
  body(text: string | undefined): { body?: string; body_truncated?: boolean } {
    if (text === undefined || text === '') return {};
    const truncated = text.length > this.bodyLimit;
    const body = redactBody(truncated ? text.slice(0, this.bodyLimit) : text);
    return truncated ? { body, body_truncated: true } : { body };
  }

  record(entry: JournalEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    this.events?.emit({ type: 'journal', data: entry });
  }

  /** Newest first, filtered. */
  query(q: JournalQuery = {}): { total: number; entries: JournalEntry[] } {
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 100;
    const entries: JournalEntry[] = [];
    let total = 0;
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[(this.next - 1 - i + this.capacity) % this.capacity] as JournalEntry;
      if (q.method && e.method !== q.method.toUpperCase()) continue;
      if (q.path && !e.path.startsWith(q.path)) continue;
      if (q.status !== undefined && e.status !== q.status) continue;
      if (q.party && e.party !== q.party) continue;
      if (q.direction && e.direction !== q.direction) continue;
      if (q.protocol && e.protocol !== q.protocol) continue;
      if (total >= offset && entries.length < limit) entries.push(e);
      total++;
    }
    return { total, entries };
  }

  get(id: string): JournalEntry | undefined {
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[i];
      if (e?.id === id) return e;
    }
    return undefined;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}
