// Issue 8, bad input: a seeded, bounded fuzz of every OCPI, admin and OIOI route the app serves
// (read from its route table). Each request carries one flaw the simulator must refuse (bad
// auth, wrong method, wrong content type, invalid JSON or UTF-8, nesting, prototype keys,
// oversized body, a body its schema refuses, a bad id or another party's path, a bad query)
// plus harmless noise. Every answer must be a 4xx in the route's format (OCPI envelope with a
// 2xxx status_code, admin JSON error, OIOI error), never a 5xx; the state must be unchanged and
// nothing logged as an error. FUZZ_SEED and FUZZ_REQUESTS override the defaults.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileStore } from '../../src/store/file.js';
import { connector, evse, location, tariff } from '../locations-fixtures.js';
import { type FuzzCase, makeCase, pairsOf } from './cases.js';
import { FORBIDDEN_KEYS, ODD_STRINGS } from './mutate.js';
import { rawExchange, Wire, type WireResponse } from './wire.js';
import { startWorld, stateOf, type World } from './world.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20260115);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_500);
const CONCURRENCY = 24;
const TIME_BUDGET_MS = 60_000;

let world: World;
let wire: Wire;
beforeAll(async () => {
  world = await startWorld();
  wire = Wire.of(world.sim.url);
});
afterAll(async () => {
  wire.close();
  await world.sim.stop();
});

/** Why an answer is not the refusal it must be (undefined: it is). */
function problemOf(expect: FuzzCase['expect'], res: WireResponse): string | undefined {
  if (res.status >= 500) return `HTTP ${res.status} (server error)`;
  if (res.status < 400) return `HTTP ${res.status}: accepted`;
  if (!/^application\/json/i.test(String(res.headers['content-type'] ?? ''))) return `Content-Type ${res.headers['content-type']}`;
  let body: any;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  if (expect === 'ocpi') {
    if (!Number.isInteger(body?.status_code) || body.status_code < 2000 || body.status_code > 2999)
      return `status_code ${body?.status_code}`;
    if (typeof body.status_message !== 'string' || body.status_message === '') return 'no status_message';
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(body.timestamp)) return `timestamp ${body.timestamp}`;
  } else if (expect === 'oioi') {
    if (typeof body?.error !== 'string' || body.error === '') return 'no "error" in the OIOI answer';
  } else {
    if (body?.error?.status !== res.status) return `error.status ${body?.error?.status} is not the HTTP status`;
    if (typeof body.error.message !== 'string' || body.error.message === '') return 'no error.message';
  }
  return undefined;
}

const prototypeNames = () =>
  [Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join());

it(`${REQUESTS} hostile requests to every route: each refused with a 4xx in its format, no 5xx, state unchanged (seed ${SEED})`, async () => {
  const pairs = pairsOf(world.targets);
  const before = stateOf(world.sim);
  const prototypes = prototypeNames();
  // Path traversal: nothing may be written beside or above the data dir. The temp dir's own
  // files, its parent (os.tmpdir(), only names a traversal could make) and the working dir.
  const files = filesUnder(world.dir);
  const suspicious = () => suspiciousIn(dirname(world.dir));
  const besideBefore = suspicious();
  const cwdBefore = suspiciousIn(process.cwd());
  const problems: string[] = [];
  const byCategory = new Map<string, number>();
  const byStatus = new Map<number, number>();
  const byRoute = new Map<string, number>();
  let fiveXX = 0;
  let sent = 0;
  let refusedWrongly = 0;

  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < REQUESTS; i = next++) {
      const c = makeCase(world, pairs, SEED, i);
      sent++;
      byCategory.set(c.category, (byCategory.get(c.category) ?? 0) + 1);
      byRoute.set(c.route, (byRoute.get(c.route) ?? 0) + 1);
      let res: WireResponse;
      try {
        res = await wire.send(c.req);
      } catch (err) {
        refusedWrongly++;
        problems.push(
          `#${i} ${c.route} [${c.category}: ${c.what}] ${c.req.method} ${c.req.path.slice(0, 120)}: no answer (${(err as Error).message})`,
        );
        continue;
      }
      byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
      if (res.status >= 500) fiveXX++;
      const problem = problemOf(c.expect, res);
      if (problem) refusedWrongly++;
      if (problem && problems.length < 50) {
        problems.push(
          `#${i} ${c.route} [${c.category}: ${c.what}] ${c.req.method} ${c.req.path.slice(0, 120)} -> ${problem}: ${res.body.toString('utf8').slice(0, 300)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = performance.now() - started;

  const line = (m: Map<string | number, number>) =>
    [...m]
      .sort(([a], [b]) => String(a).localeCompare(String(b)))
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
  console.log(
    [
      `fuzz (seed ${SEED}): requests tried: ${sent} in ${(elapsed / 1000).toFixed(1)} s over ${pairs.length} route/method pairs, 5xx seen: ${fiveXX}, answers not a proper refusal: ${refusedWrongly}`,
      `  by flaw:   ${line(byCategory)}`,
      `  by status: ${line(byStatus)}`,
    ].join('\n'),
  );

  const stateChanged = stateOf(world.sim) !== before;
  console.log(`fuzz: ${sent} requests, 5xx: ${fiveXX}, state changed: ${stateChanged ? 'yes' : 'no'}`);
  expect(problems).toEqual([]);
  expect(refusedWrongly).toBe(0);
  expect(fiveXX).toBe(0);
  expect(JSON.parse(stateOf(world.sim))).toEqual(JSON.parse(before));
  // The store may add its temp file while writing; nothing else appears.
  expect(filesUnder(world.dir).filter((f) => !/\.tmp/.test(f))).toEqual(files.filter((f) => !/\.tmp/.test(f)));
  expect(suspicious()).toEqual(besideBefore);
  expect(suspiciousIn(process.cwd())).toEqual(cwdBefore);
  expect(prototypeNames()).toEqual(prototypes);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(world.logged.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  // Every route of the app was aimed at (routes added later included).
  const missed = pairs.map((p) => `${p.info?.method ?? '*'} ${p.target.pattern}`).filter((r) => !byRoute.has(r));
  expect(missed).toEqual([]);
  expect(elapsed).toBeLessThan(TIME_BUDGET_MS);
  // Still serving, and a valid write still goes through.
  const ok = await wire.send({
    method: 'PATCH',
    path: '/ocpi/2.1.1/locations/NL/TNM/LOC1',
    headers: [
      ['Authorization', `Token ${world.partyToken}`],
      ['Content-Type', 'application/json'],
    ],
    body: Buffer.from(JSON.stringify({ name: 'after the fuzz' })),
  });
  expect(ok.status).toBe(200);
}, 180_000);

it('bytes that are not valid HTTP: answered 4xx (or the connection closed), the server keeps serving', async () => {
  const junk: [string, string][] = [
    ['control character in the path', 'GET /ocpi/2.1.1/locations/NL/TNM/a\u0001b HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['space in the path', 'GET /ocpi/versions x HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['backslash in the path', 'GET /ocpi\\..\\admin/reset HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['header without a colon', 'GET /ocpi/versions HTTP/1.1\r\nHost: x\r\nAuthorization Token abc\r\n\r\n'],
    ['NUL in a header value', 'GET /ocpi/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Token a\u0000b\r\n\r\n'],
    [
      'both Content-Length and chunked',
      'POST /ocpi/2.1.1/cdrs HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    ['negative Content-Length', 'POST /ocpi/2.1.1/cdrs HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'],
    ['two different Content-Lengths', 'POST /ocpi/2.1.1/cdrs HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
    ['bad chunk size', 'POST /ocpi/2.1.1/cdrs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
    ['unknown method', 'FROB /ocpi/versions HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['HTTP/9.9', 'GET /ocpi/versions HTTP/9.9\r\nHost: x\r\n\r\n'],
    ['absolute-form to another host', 'GET http://evil.example/admin/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['no Host header', 'GET /admin/state HTTP/1.1\r\n\r\n'],
    ['headers larger than 16 KiB', `GET /ocpi/versions HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['binary garbage', '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003'],
    ['an obsolete line folding', 'GET /ocpi/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Token\r\n abc\r\n\r\n'],
  ];
  const answers: string[] = [];
  for (const [what, text] of junk) {
    const answer = await rawExchange(wire.host, wire.port, Buffer.from(text, 'latin1'));
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
    answers.push(`${what}: ${status ?? '(closed)'}`);
    if (status) expect(Number(status), `${what}: ${answer.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    if (status) expect(Number(status), what).toBeLessThan(500);
  }
  console.log(`raw junk: ${junk.length} requests tried, ${answers.join('; ')}`);
  const health = await fetch(`${world.sim.url}/health`);
  expect(health.status).toBe(200);
});

it('odd but valid input is accepted without a 5xx, and the file store reloads exactly what is in memory', async () => {
  const headers: [string, string][] = [
    ['Authorization', `Token ${world.partyToken}`],
    ['Content-Type', 'application/json'],
  ];
  const put = async (path: string, body: unknown) => {
    const res = await wire.send({ method: 'PUT', path, headers, body: Buffer.from(JSON.stringify(body)) });
    return res.status;
  };
  // Unknown fields (accepted, not stored, their paths recorded in findings) with every odd string
  // as key and value; ids at their maximum length; printable ASCII that looks like code.
  const statuses: number[] = [];
  for (const [i, odd] of ODD_STRINGS.entries()) {
    const key = FORBIDDEN_KEYS.includes(odd as never) ? `${odd}_` : odd; // those keys are refused (see the fuzz)
    const extra = { [key || 'empty']: odd, nested: { [`k${odd}`]: [odd, { [key || 'e']: odd }] } };
    statuses.push(await put(`/ocpi/2.1.1/locations/NL/TNM/ODD${i}`, { ...location(`ODD${i}`), ...extra }));
    statuses.push(await put(`/ocpi/2.1.1/tariffs/NL/TNM/ODD${i}`, { ...tariff(`ODD${i}`), ...extra }));
  }
  const long = 'L'.repeat(39);
  statuses.push(await put(`/ocpi/2.1.1/locations/NL/TNM/${long}`, location(long)));
  statuses.push(await put(`/ocpi/2.1.1/locations/NL/TNM/${long}/${long}`, evse(long)));
  statuses.push(await put(`/ocpi/2.1.1/locations/NL/TNM/${long}/${long}/${'C'.repeat(36)}`, connector('C'.repeat(36))));
  // Ids that JavaScript objects own are refused (they could not round-trip a JSON state export).
  for (const id of ['__proto__', 'constructor', 'prototype']) {
    expect(await put(`/ocpi/2.1.1/locations/NL/TNM/${encodeURIComponent(id)}`, location(id)), id).toBe(400);
  }
  for (const id of ['toString', 'valueOf', '..a', 'a..', '~', "'or'1'='1", '<b>', '$where', '{{x}}']) {
    statuses.push(await put(`/ocpi/2.1.1/locations/NL/TNM/${encodeURIComponent(id)}`, location(id, { name: `named ${id}` })));
  }
  console.log(`odd but valid: ${statuses.length} requests tried, statuses ${[...new Set(statuses)].join(', ')}`);
  expect(statuses.filter((s) => s >= 300)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();

  // The log of the file store holds lone surrogates and NULs as JSON escapes: a reload is exact.
  const inMemory = JSON.stringify(world.sim.deps.store.snapshot());
  await world.sim.stop();
  const reloaded = await FileStore.open(world.dbFile);
  try {
    expect(JSON.parse(JSON.stringify(reloaded.snapshot()))).toEqual(JSON.parse(inMemory));
  } finally {
    await reloaded.close();
  }
});

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((f) => join(dir, f)).sort();
}

/** Names a traversal through our ids could create (other processes may add their own files). */
function suspiciousIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /etc|passwd|\.\.|%2f|db\.json|LOC|FUZZ/i.test(n))
    .sort();
}
