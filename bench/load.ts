// autocannon, bounded in time, after a short warm-up; and a sample check that a scenario's
// requests really succeed (OCPI errors answer HTTP 200, so non-2xx alone would not tell).
import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';

export interface Request {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string;
  body?: string;
}

export interface Scenario {
  name: string;
  /** The i-th request (i counts from 0 across warm-up and measurement). A fixed request when `fixed`. */
  next: (i: number) => Request;
  /** The same request every time: autocannon builds it once (cheapest for the load generator). */
  fixed?: boolean;
  /** Check one answer's body (throw when wrong); default: OCPI status_code 1000. */
  check?: (body: any) => void;
}

export interface LoadResult {
  wallMs: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  url: string;
  token?: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

function headersOf(token: string | undefined, withBody: boolean): Record<string, string> {
  return {
    ...(token ? { authorization: `Token ${token}` } : {}),
    ...(withBody ? { 'content-type': 'application/json' } : {}),
  };
}

function cannon(s: Scenario, o: LoadOptions, seconds: number, counter: { i: number }): Promise<autocannon.Result> {
  const first = s.next(counter.i);
  const base = { method: first.method, path: first.path, headers: headersOf(o.token, first.body !== undefined), body: first.body };
  const request: autocannon.Request = s.fixed
    ? base
    : {
        ...base,
        setupRequest: (req) => {
          const r = s.next(counter.i++);
          return { ...req, method: r.method, path: r.path, body: r.body } as autocannon.Request;
        },
      };
  return autocannon({ url: o.url, connections: o.connections, duration: seconds, requests: [request] });
}

/** Warm up, then measure; `onStart` runs between the two. */
export async function measure(s: Scenario, o: LoadOptions, counter = { i: 0 }, onStart?: () => void): Promise<LoadResult> {
  if (o.warmupSeconds > 0) await cannon(s, o, o.warmupSeconds, counter);
  onStart?.();
  const started = performance.now();
  const r = await cannon(s, o, o.seconds, counter);
  return {
    wallMs: performance.now() - started,
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/**
 * `n` requests one after the other on one keep-alive connection, as a CPO's first sync would
 * send them (autocannon's `amount` mode ends on a whole-second tick, too coarse for a wall time).
 */
export async function sequential(s: Scenario, o: Pick<LoadOptions, 'url' | 'token'>, n: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const r = s.next(i);
    const t = performance.now();
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(o.url + r.path, { method: r.method, agent, headers: headersOf(o.token, r.body !== undefined) }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(r.body);
      });
      if (status < 200 || status >= 300) non2xx++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - t);
  }
  const wallMs = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 100) / 100;
  return { wallMs, rps: (n * 1000) / wallMs, p50: at(0.5), p99: at(0.99), requests: n, non2xx, errors };
}

/** Send `n` requests of the scenario one by one and check every answer. */
export async function sample(s: Scenario, o: Pick<LoadOptions, 'url' | 'token'>, n: number, counter = { i: 0 }): Promise<void> {
  for (let k = 0; k < n; k++) {
    const r = s.fixed ? s.next(0) : s.next(counter.i++);
    const res = await fetch(o.url + r.path, { method: r.method, headers: headersOf(o.token, r.body !== undefined), body: r.body ?? null });
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`${s.name}: ${r.method} ${r.path} answered HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`);
    }
    try {
      if (res.status >= 300) throw new Error(`HTTP ${res.status}`);
      (s.check ?? okStatus)(body);
    } catch (err) {
      throw new Error(`${s.name}: ${r.method} ${r.path} -> ${(err as Error).message}: ${text.slice(0, 400)}`);
    }
  }
}

export function okStatus(body: any): void {
  if (body?.status_code !== 1000) throw new Error(`status_code ${body?.status_code}`);
}
