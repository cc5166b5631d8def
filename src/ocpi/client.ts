// Outbound calls to a CPO (FromEMP): timeout, response size limit, no redirect to another
// host, `Authorization: Token`, and every exchange recorded in the journal like inbound ones.
import type { Clock } from '../clock.js';
import type { Journal, JournalEntry } from '../journal/journal.js';
import { redactAuthorization } from '../journal/redact.js';
import { readLimited } from './transport/stream.js';

export interface OutboundRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Sent as `Authorization: Token <token>` (OCPI) unless `authorization` is given. */
  token?: string;
  /** A full Authorization value (OIOI uses `key=...`). */
  authorization?: string;
  body?: unknown;
  /** `CC*PID` for the journal. */
  party?: string;
  protocol?: 'ocpi' | 'oioi';
  timeoutMs?: number;
}

export interface OutboundResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  journalId: string;
}

/** A call that got no usable HTTP answer (network, timeout, size, redirect). */
export class OutboundError extends Error {
  constructor(
    message: string,
    readonly journalId: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

/**
 * What the fault engine may do to an outbound call: change the request before it goes,
 * answer instead of the CPO, or act after the answer. Installed by the fault module.
 */
export interface OutboundInterceptor {
  intercept(
    req: OutboundRequest,
    send: (req: OutboundRequest) => Promise<OutboundResponse>,
  ): Promise<OutboundResponse & { fault?: string }>;
}

export interface ClientOptions {
  timeoutMs: number;
  maxBytes: number;
  userAgent?: string;
}

const MAX_REDIRECTS = 3;

export class OcpiClient {
  interceptor: OutboundInterceptor | null = null;

  constructor(
    private readonly journal: Journal,
    private readonly clock: Clock,
    private readonly options: ClientOptions,
  ) {}

  async request(req: OutboundRequest): Promise<OutboundResponse> {
    if (this.interceptor) return this.interceptor.intercept(req, (r) => this.send(r));
    return this.send(req);
  }

  /** The real HTTP exchange, journaled. */
  async send(req: OutboundRequest, fault?: string): Promise<OutboundResponse> {
    const journalId = this.journal.newId();
    const started = performance.now();
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.options.userAgent ?? 'plugsurfing-emp-sim',
    };
    const authorization = req.authorization ?? (req.token !== undefined ? `Token ${req.token}` : undefined);
    if (authorization) headers.Authorization = authorization;
    let bodyText: string | undefined;
    if (req.body !== undefined) {
      bodyText = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['Content-Type'] = 'application/json';
    }
    const entry: JournalEntry = {
      id: journalId,
      time: new Date(this.clock.now()).toISOString(),
      direction: 'outbound',
      protocol: req.protocol ?? 'ocpi',
      party: req.party,
      method: req.method,
      url: req.url,
      path: safePath(req.url),
      status: 0,
      duration_ms: 0,
      request: { headers: { ...headers, ...(authorization ? { Authorization: redactAuthorization(authorization) as string } : {}) }, ...this.journal.body(bodyText) },
    };
    if (fault) entry.fault = fault;
    try {
      const res = await this.fetchFollowingSameHost(req, headers, bodyText);
      const text = await readText(res, this.options.maxBytes);
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      entry.status = res.status;
      const ocpiStatus = (json as { status_code?: unknown } | undefined)?.status_code;
      if (typeof ocpiStatus === 'number') entry.ocpi_status = ocpiStatus;
      entry.response = { headers: Object.fromEntries(res.headers), ...this.journal.body(text) };
      return { status: res.status, headers: res.headers, text, json, journalId };
    } catch (err) {
      entry.error = describe(err, req.timeoutMs ?? this.options.timeoutMs);
      throw new OutboundError(entry.error, journalId);
    } finally {
      entry.duration_ms = Math.round((performance.now() - started) * 10) / 10;
      this.journal.record(entry);
    }
  }

  private async fetchFollowingSameHost(req: OutboundRequest, headers: Record<string, string>, body: string | undefined): Promise<Response> {
    const signal = AbortSignal.timeout(req.timeoutMs ?? this.options.timeoutMs);
    let url = req.url;
    for (let hop = 0; ; hop++) {
      const res = await fetch(url, { method: req.method, headers, body, redirect: 'manual', signal });
      if (res.status < 300 || res.status >= 400 || !res.headers.get('location')) return res;
      const next = new URL(res.headers.get('location') as string, url);
      if (next.host !== new URL(url).host) {
        await res.body?.cancel();
        throw new Error(`refused to follow a redirect to another host (${next.host})`);
      }
      if (hop >= MAX_REDIRECTS) throw new Error(`too many redirects (more than ${MAX_REDIRECTS})`);
      await res.body?.cancel();
      url = next.toString();
    }
  }
}

async function readText(res: Response, maxBytes: number): Promise<string> {
  const bytes = await readLimited(res.body, maxBytes, () => new Error(`response larger than ${maxBytes} bytes`));
  return Buffer.from(bytes).toString('utf8');
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `${err.message} (${cause.code}${cause.message ? `: ${cause.message}` : ''})`;
    return err.message;
  }
  return String(err);
}

/** The `data` of an OCPI envelope, or an explanation of why the answer is not a success envelope. */
export function envelopeData(res: OutboundResponse): { ok: true; data: unknown } | { ok: false; reason: string } {
  if (res.status < 200 || res.status >= 300) return { ok: false, reason: `HTTP ${res.status}` };
  const body = res.json as { status_code?: unknown; data?: unknown; status_message?: unknown } | undefined;
  if (!body || typeof body !== 'object') return { ok: false, reason: 'the answer is not a JSON OCPI envelope' };
  if (typeof body.status_code !== 'number') return { ok: false, reason: 'the answer has no numeric status_code' };
  if (body.status_code < 1000 || body.status_code >= 2000) {
    return { ok: false, reason: `status_code ${body.status_code}${body.status_message ? ` (${String(body.status_message)})` : ''}` };
  }
  return { ok: true, data: body.data };
}
