// Issue 8: prototype pollution and path traversal are impossible by construction. Bodies with
// prototype keys are refused at every JSON door; ids named like Object.prototype members are
// plain data (Maps, Object.create(null) exports) through store, export, import and reload; ids
// are validated before they touch the store, and no id ever becomes a file path: after every
// traversal attempt the data dir holds only the store's files and nothing appears outside it.
// Also: the Docker image runs as non-root.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oioi, station, stationPost } from './helpers/oioi-cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';
import { LOC, location, TAR, tariff } from './locations-fixtures.js';

const ROOT = resolve(import.meta.dirname, '..');
const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const STORABLE = PROTO_NAMES.slice(3);
const prototypes = () =>
  [Object.prototype, Array.prototype, Function.prototype, Map.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join());

/** Every file under `dir`, relative to it. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

describe('prototype pollution', () => {
  let sim: TestSim;
  let token: string;
  let dbFile: string;
  const before = prototypes();
  beforeAll(async () => {
    dbFile = join(mkdtempSync(join(tmpdir(), 'emp-sim-proto-')), 'db.json');
    sim = await startSim({ dbFile });
    token = (await sim.addParty('NL', 'TNM')).token;
  });
  afterAll(() => sim.stop());

  it('a prototype key anywhere in a body is refused by every JSON door (OCPI, admin, OIOI), escaped or not', async () => {
    const bodies = [
      '{"__proto__":{"polluted":"yes"}}',
      '{"id":"L1","evses":[{"uid":"E1","constructor":{"prototype":{"polluted":"yes"}}}]}',
      '{"a":{"b":{"c":[{"prototype":{"polluted":"yes"}}]}}}',
      '{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":"yes"}}',
      '[{"__proto__":[]}]',
    ];
    for (const body of bodies) {
      const ocpi = await sim.call('PUT', `${LOC}/NL/TNM/L1`, { token, body, headers: { 'Content-Type': 'application/json' } });
      expect(ocpi.status, body).toBe(400);
      expect(ocpi.body.status_message).toMatch(/forbidden key/);
      for (const path of ['/admin/tokens', '/admin/faults', '/admin/reset', '/admin/oioi/keys']) {
        const admin = await sim.call('POST', path, { body, headers: { 'Content-Type': 'application/json' } });
        expect(admin.status, `${path} ${body}`).toBe(400);
        expect(admin.body.error.message).toMatch(/forbidden key/);
      }
      const state = await sim.call('PUT', '/admin/state', { body, headers: { 'Content-Type': 'application/json' } });
      expect(state.status).toBe(400);
      const o = await sim.fetch('/api/v4/request', {
        method: 'POST',
        body,
        headers: { Authorization: 'key=oioi-sim-key-cpo-1', 'Content-Type': 'application/json' },
      });
      expect(o.status, body).toBe(400);
    }
    expect(prototypes()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ids named like Object.prototype members are plain data: stored, found only when they exist, exported, imported, reloaded', async () => {
    const ok = (r: { status: number; body: any }, what: string) => expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    // Lookups of a name nobody stored find nothing (no inherited member is ever taken for an object).
    for (const name of PROTO_NAMES) {
      const e = encodeURIComponent(name);
      for (const path of [
        `/admin/parties/${e}`,
        `/admin/tokens/${e}`,
        `/admin/faults/${e}`,
        `/admin/locations/NL/TNM/${e}`,
        `/admin/tariffs/NL/TNM/${e}`,
        `/admin/cdrs/NL*TNM/${e}`,
        `/admin/journal/${e}`,
      ]) {
        expect((await sim.call('GET', path)).status, path).toBe(404);
      }
      expect((await sim.call('POST', `/admin/scenarios/${e}`, { json: {} })).status).toBe(404);
      expect((await sim.call('POST', `/ocpi/2.1.1/tokens/${e}/authorize`, { token, json: { location_id: 'x' } })).status).toBe(404);
    }
    // The three names JavaScript objects own are refused as ids (they could never be imported back
    // from a JSON export); the other member names are stored as plain data.
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const res = await sim.call('PUT', `${LOC}/NL/TNM/${encodeURIComponent(name)}`, { token, json: location(name) });
      expect(res.body.status_code, name).toBe(2001);
      expect((await sim.call('POST', '/admin/tokens', { json: { uid: name } })).status).toBe(400);
    }
    // Stored under those names.
    for (const name of STORABLE) {
      const e = encodeURIComponent(name);
      ok(await sim.call('PUT', `${LOC}/NL/TNM/${e}`, { token, json: location(name) }), `location ${name}`);
      ok(await sim.call('PUT', `${TAR}/NL/TNM/${e}`, { token, json: tariff(name) }), `tariff ${name}`);
      ok(await sim.call('POST', '/admin/tokens', { json: { uid: name } }), `token ${name}`);
      ok(await oioi(sim, stationPost(station(name))), `station ${name}`);
    }
    ok(
      await sim.call('POST', '/admin/oioi/keys', { json: { partner_identifier: '__proto__', key: 'proto-partner-key' } }),
      'partner __proto__',
    );
    for (const name of STORABLE) {
      const e = encodeURIComponent(name);
      expect((await sim.call('GET', `/admin/locations/NL/TNM/${e}`)).body.location.id).toBe(name);
      expect((await sim.call('GET', `/admin/tokens/${e}`)).body.token.uid).toBe(name);
      expect((await sim.call('POST', `/ocpi/2.1.1/tokens/${e}/authorize`, { token, json: { location_id: name } })).body.data.allowed).toBe(
        'ALLOWED',
      );
    }
    const count = (await sim.call('GET', '/admin/locations?limit=1000')).body.total;
    // Query strings with prototype names are just filters.
    for (const q of ['__proto__=x', 'constructor[prototype][polluted]=yes', '__proto__[polluted]=yes', 'party=__proto__', 'toString=1']) {
      expect((await sim.call('GET', `/admin/locations?${q}`)).status).toBeLessThan(500);
      expect((await sim.call('GET', `/ocpi/2.1.1/tokens?${q}`, { token })).status).toBeLessThan(500);
    }
    // Reload from disk (snapshot and log): everything is still there.
    await sim.stop();
    sim = await startSim({ dbFile });
    for (const name of STORABLE) {
      const e = encodeURIComponent(name);
      expect((await sim.call('GET', `/admin/locations/NL/TNM/${e}`)).body.location.id).toBe(name);
      expect((await sim.call('GET', `/admin/tariffs/NL/TNM/${e}`)).body.tariff.id).toBe(name);
      expect((await sim.call('GET', `/admin/tokens/${e}`)).body.token.uid).toBe(name);
    }
    expect((await sim.call('GET', '/admin/locations?limit=1000')).body.total).toBe(count);
    // Export and import of the same document (see the known issues below for what cannot go back in).
    const state = (await sim.call('GET', '/admin/state')).body;
    const { locations, tariffs, tokens } = state.collections;
    const importable = {
      format: state.format,
      version: state.version,
      collections: { locations: ocpiOnly(locations), tariffs, tokens: withoutForbiddenKeys(tokens) },
    };
    ok(await sim.call('PUT', '/admin/state', { json: importable }), 'state import');
    expect((await sim.call('GET', '/admin/tokens/toString')).body.token.uid).toBe('toString');
    expect((await sim.call('GET', '/admin/locations/NL/TNM/valueOf')).body.location.id).toBe('valueOf');
    expect((await sim.call('GET', '/admin/tariffs/NL/TNM/hasOwnProperty')).body.tariff.id).toBe('hasOwnProperty');
    expect(prototypes()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

// Formerly known issues, kept out of the round trip above and fixed since (the tests below keep them so):
// - GET /admin/state could not be imported back while it held OIOI stations: their party key
//   `OIOI*<partner>` failed the CC*PID rule of src/admin/state-schema.ts.
// - Token uids are the bare keys of the tokens collection: a uid "__proto__", "constructor" or
//   "prototype" (valid urlId(36)) made the export a body PUT /admin/state refuses (forbidden key).
const ocpiOnly = (locations: Record<string, { protocol: string }>) =>
  Object.fromEntries(Object.entries(locations).filter(([, l]) => l.protocol === 'ocpi'));
const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];
const withoutForbiddenKeys = (records: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(records).filter(([k]) => !FORBIDDEN.includes(k)));

describe('state export round trips (formerly known issues)', () => {
  it('GET /admin/state with an OIOI station is accepted back by PUT /admin/state', async () => {
    const sim = await startSim();
    try {
      await oioi(sim, stationPost(station()));
      const state = (await sim.call('GET', '/admin/state')).body;
      expect((await sim.call('PUT', '/admin/state', { json: state })).status).toBe(200);
    } finally {
      await sim.stop();
    }
  });

  it("an OIOI station with non-ASCII strings and a 200-character id imports back (its OCPI view keeps OIOI's strings)", async () => {
    const sim = await startSim();
    try {
      const id = `st-${'9'.repeat(197)}`;
      const address = { street: 'Hauptstraße', 'street-number': '1a', city: 'München', zip: '80331', country: 'DE' };
      expect((await oioi(sim, stationPost(station(id, { name: 'Ladestation Müller', address })))).status).toBe(200);
      const state = (await sim.call('GET', '/admin/state')).body;
      const [key] = Object.keys(state.collections.locations);
      expect(state.collections.locations[key as string].location).toMatchObject({ id, name: 'Ladestation Müller', city: 'München' });
      expect((await sim.call('PUT', '/admin/state', { json: state })).status).toBe(200);
      expect((await sim.call('GET', '/admin/state')).body.collections.locations).toEqual(state.collections.locations);
      // Still checked for what the simulator reads from it.
      const broken = structuredClone(state);
      delete broken.collections.locations[key as string].location.country;
      const refused = await sim.call('PUT', '/admin/state', { json: broken });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain(`collections.locations.${key}.location.country`);
    } finally {
      await sim.stop();
    }
  });

  it('token uids "__proto__", "constructor", "prototype" are refused, so every export can be imported back', async () => {
    const sim = await startSim();
    try {
      for (const uid of ['__proto__', 'constructor', 'prototype']) {
        expect((await sim.call('POST', '/admin/tokens', { json: { uid } })).status).toBe(400);
      }
      const state = (await sim.call('GET', '/admin/state')).body;
      expect((await sim.call('PUT', '/admin/state', { json: state })).status).toBe(200);
    } finally {
      await sim.stop();
    }
  });
});

describe('path traversal', () => {
  it('ids never become file paths: after traversal attempts on every id-bearing route, only the store files exist', async () => {
    const top = mkdtempSync(join(tmpdir(), 'emp-sim-traversal-'));
    const dbFile = join(top, 'data', 'db.json');
    const tmpBefore = new Set(readdirSync(tmpdir()));
    const sim = await startSim({ dbFile, clientErrorHttpStatus: 400 });
    try {
      const { token } = await sim.addParty('NL', 'TNM');
      const refused = [
        '..',
        '%2E%2E',
        '..%2F..%2Fpwned',
        '%2F..%2F..%2Fpwned',
        '..%5C..%5Cpwned',
        'a%2F..%2F..%2F..%2Fpwned',
        '%00pwned',
        'pwned%0A',
        '%252E%252E%252Fpwned',
      ];
      for (const id of refused) {
        for (const path of [`${LOC}/NL/TNM/${id}`, `${LOC}/NL/TNM/L1/${id}`, `${TAR}/NL/TNM/${id}`]) {
          const res = await sim.call('PUT', path, { token, json: location('pwned') });
          expect(res.status, path).toBeGreaterThanOrEqual(400);
          expect(res.status, path).toBeLessThan(500);
        }
        expect((await sim.call('GET', `/admin/locations/NL/TNM/${id}`)).status).toBe(404);
        expect((await sim.call('GET', `/docs/assets/${id}`)).status).toBe(404);
      }
      for (const uid of ['../../pwned', '..\\pwned', '/etc/passwd', 'pwned\u0000']) {
        expect((await sim.call('POST', '/admin/tokens', { json: { uid } })).status, uid).toBe(400);
      }
      expect((await oioi(sim, stationPost(station('../../pwned')))).status).toBe(400); // "/" refused
      // Names that look like files are stored as data, including the store's own file names.
      for (const id of ['...', '..a', 'a..', '.hidden', '~', 'db.json', 'db.json.lock', 'db.json.log.0', 'db.json.log.99']) {
        expect((await sim.call('PUT', `${LOC}/NL/TNM/${encodeURIComponent(id)}`, { token, json: location(id) })).status, id).toBe(201);
        expect((await sim.call('PUT', `${TAR}/NL/TNM/${encodeURIComponent(id)}`, { token, json: tariff(id) })).status, id).toBe(201);
      }
      for (const id of ['..\\..\\pwned', '..', 'x..', '%2e%2e']) expect((await oioi(sim, stationPost(station(id)))).status, id).toBe(200);
      // The docs assets are a fixed list: nothing else is read from disk.
      for (const file of ['..%2F..%2F..%2Fpackage.json', '..%2Fpackage.json', '%2Fetc%2Fpasswd', 'package.json', '__proto__']) {
        expect((await sim.call('GET', `/docs/assets/${file}`)).status, file).toBe(404);
      }
    } finally {
      await sim.stop();
    }
    // Only the store's files, in the data dir.
    for (const file of tree(top)) expect(file).toMatch(/^data\/db\.json(\.log\.\d+)?$/);
    const created = readdirSync(tmpdir()).filter((n) => !tmpBefore.has(n) && n.includes('pwned'));
    expect(created).toEqual([]);
    expect(tree(top).some((f) => f.includes('pwned'))).toBe(false);
  });
});

describe('the Docker image', () => {
  it('runs as non-root: the final stage ends as USER node, runs node directly, owns only /data', () => {
    const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
      .replace(/\\\n/g, ' ') // continuation lines
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const finalStage = lines.slice(lines.map((l) => l.startsWith('FROM ')).lastIndexOf(true));
    const users = finalStage.filter((l) => /^USER\s/.test(l)).map((l) => l.split(/\s+/)[1]);
    expect(users.at(-1)).toBe('node');
    expect(users).not.toContain('root');
    const userAt = finalStage.findIndex((l) => /^USER\s/.test(l));
    const cmdAt = finalStage.findIndex((l) => /^(CMD|ENTRYPOINT)\s/.test(l));
    expect(userAt).toBeGreaterThan(-1);
    expect(cmdAt).toBeGreaterThan(userAt);
    expect(finalStage[cmdAt]).toMatch(/^CMD \["node", "dist\/cli\.js"\]$/);
    expect(finalStage.join('\n')).toMatch(/chown node:node \/data/);
    expect(finalStage.join('\n')).toMatch(/npm ci --omit=dev/);
  });
});
