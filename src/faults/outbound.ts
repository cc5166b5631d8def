// Outbound faults: the client interceptor (deps.client.interceptor). What each action means on
// our calls to a CPO, so that "what the simulator sends" is what body actions change:
//  - delay_ms: we wait, then send;          - twice: we send the same request twice;
//  - empty / malformed / merge: the request BODY we send is empty / truncated JSON / merged;
//  - status / ocpi_status: the request is sent (the CPO sees it), its answer is replaced;
//  - hang: nothing is sent; the call fails after our outbound timeout, as if the CPO never answered;
//  - reset: nothing is sent; the call fails at once, as if the connection were reset.
// Every exchange is journaled with the rule id (sent ones by the client, the others here).
import type { Deps } from '../deps.js';
import { type OcpiClient, type OutboundInterceptor, type OutboundRequest, type OutboundResponse, OutboundError } from '../ocpi/client.js';
import { envelope } from '../ocpi/transport/envelope.js';
import { OcpiStatus } from '../ocpi/transport/status.js';
import { type HttpFaultRule, mergePatch, moduleOfPath, sleep } from './engine.js';

type Answer = OutboundResponse & { fault?: string };

export class FaultInterceptor implements OutboundInterceptor {
  constructor(private readonly deps: Deps) {}

  async intercept(req: OutboundRequest, send: (req: OutboundRequest) => Promise<OutboundResponse>): Promise<Answer> {
    const { faults } = this.deps;
    if (!faults.has('outbound')) return send(req);
    const path = pathOf(req.url);
    const rule = faults.matchHttp({
      direction: 'outbound',
      method: req.method,
      path,
      module: this.moduleOf(req, path),
      party: () => req.party,
    });
    if (!rule) return send(req);
    this.deps.log.info('fault', { rule: rule.id, direction: 'outbound', method: req.method, url: req.url });
    const delay = faults.delayOf(rule);
    if (delay > 0) await sleep(delay);
    return this.act(rule, req);
  }

  private async act(rule: HttpFaultRule, req: OutboundRequest): Promise<Answer> {
    const client: OcpiClient = this.deps.client;
    const id = rule.id;
    const tagged = async (r: OutboundRequest) => ({ ...(await client.send(r, id)), fault: id });
    if (rule.hang) {
      const timeoutMs = req.timeoutMs ?? this.deps.config.outboundTimeoutMs;
      await sleep(timeoutMs);
      throw this.unsent(req, id, `no answer within ${timeoutMs} ms`);
    }
    if (rule.reset) throw this.unsent(req, id, 'connection reset (ECONNRESET)');
    if (rule.empty) return tagged({ ...req, body: '' });
    if (rule.malformed) {
      const text = JSON.stringify(req.body ?? {});
      return tagged({ ...req, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) });
    }
    if (rule.merge) return tagged({ ...req, body: mergePatch(req.body ?? {}, rule.merge) });
    if (rule.twice) {
      await client.send(req, id).catch(() => undefined); // the first answer is not the one that counts
      return tagged(req);
    }
    if (rule.status !== undefined || rule.ocpi_status !== undefined) {
      let journalId = '';
      try {
        journalId = (await client.send(req, id)).journalId;
      } catch (err) {
        if (err instanceof OutboundError) journalId = err.journalId;
      }
      return { ...this.replacedAnswer(rule), journalId, fault: id };
    }
    return tagged(req); // a pure delay
  }

  /** The answer that stands in for the CPO's. */
  private replacedAnswer(rule: HttpFaultRule): Omit<OutboundResponse, 'journalId'> {
    const message = rule.message ?? `Fault injected by the simulator (rule ${rule.id})`;
    const status = rule.status ?? 200;
    if (rule.status !== undefined && rule.envelope === false) {
      return { status, headers: new Headers({ 'Content-Type': 'text/plain' }), text: message, json: undefined };
    }
    const code = rule.ocpi_status ?? rule.status_code ?? (status >= 500 ? OcpiStatus.SERVER_ERROR : OcpiStatus.CLIENT_ERROR);
    const json = envelope(this.deps.clock.now(), undefined, code, message);
    return { status, headers: new Headers({ 'Content-Type': 'application/json' }), text: JSON.stringify(json), json };
  }

  /** Journal an exchange that never went on the wire, and the error the caller sees. */
  private unsent(req: OutboundRequest, fault: string, error: string): OutboundError {
    const { journal, clock } = this.deps;
    const journalId = journal.newId();
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    journal.record({
      id: journalId,
      time: new Date(clock.now()).toISOString(),
      direction: 'outbound',
      protocol: req.protocol ?? 'ocpi',
      ...(req.party ? { party: req.party } : {}),
      method: req.method,
      url: req.url,
      path: pathOf(req.url),
      status: 0,
      duration_ms: 0,
      request: { headers: {}, ...journal.body(body) },
      fault,
      error: `${error} (fault ${fault})`,
    });
    return new OutboundError(`${error} (fault ${fault})`, journalId);
  }

  /** The module of a call: the party's endpoint the URL lies under, else read from the path. */
  private moduleOf(req: OutboundRequest, path: string): string | undefined {
    const party = req.party ? this.deps.parties.get(req.party) : undefined;
    let best: { identifier: string; url: string } | undefined;
    for (const e of party?.endpoints ?? []) {
      if (req.url.startsWith(e.url) && (!best || e.url.length > best.url.length)) best = e;
    }
    return best?.identifier ?? moduleOfPath(path);
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
