// The OCPI and OIOI objects are parsed by zod's compiled fast path (`compiled()` in
// src/ocpi/transport/validate.ts). A wrong success there would be stored as-is, so every object
// schema is checked against zod's runtime parser on the same inputs: the spec's examples, the
// test fixtures and the bench's objects, each valid object mutated at every path (removed, null,
// another type, too long, not ASCII, an unknown key, an array emptied or with an item twice).
// Both must give the same outcome: the same data, key order included, or the same issues.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as bench from '../bench/data.js';
import { CDR } from '../src/ocpi/cdrs/schema.js';
import { Credentials } from '../src/ocpi/credentials/schema.js';
import { Connector, ConnectorPatch, EVSE, EvsePatch, Hours, Location, LocationPatch } from '../src/ocpi/locations/schema.js';
import { Tariff, TariffPatch } from '../src/ocpi/tariffs/schema.js';
import { LocationReferences, Token, TokenPatch } from '../src/ocpi/tokens/schema.js';
import { compiled } from '../src/ocpi/transport/validate.js';
import { ConnectorPostStatus, RfidVerify, SessionPost, StationPost } from '../src/oioi/schema.js';
import { sessionPost, station, stationPost, statusPost } from './helpers/oioi-cpo.js';
import * as fx from './locations-fixtures.js';

const SCHEMAS: Record<string, z.ZodType> = {
  Location,
  LocationPatch,
  EVSE,
  EvsePatch,
  Connector,
  ConnectorPatch,
  Hours,
  Tariff,
  TariffPatch,
  CDR,
  Token,
  TokenPatch,
  LocationReferences,
  Credentials,
  StationPost,
  ConnectorPostStatus,
  RfidVerify,
  SessionPost,
};

/** Every object and array inside `value`, itself included. */
function* parts(value: unknown): Generator<unknown> {
  yield value;
  if (Array.isArray(value)) for (const v of value) yield* parts(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) yield* parts(v);
}

// Some of the spec's examples are not valid JSON (the spec's own typos); those are left out.
const parsedOrNothing = (text: string): unknown[] => {
  try {
    return [JSON.parse(text)];
  } catch {
    return [];
  }
};
const examples = readdirSync(fx.EXAMPLES_DIR)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => parsedOrNothing(fx.exampleText(f)));
const oioiBodies = [
  stationPost(station()),
  statusPost('DE*ABC*E1*1', 'Occupied'),
  { 'rfid-verify': { rfid: '04A2B3C4' } },
  sessionPost(
    's-1',
    'DE*ABC*E1*1',
    { type: 'rfid', id: '04A2B3C4' },
    { start: '2026-01-01T10:00:00Z', stop: '2026-01-01T11:00:00Z' },
    { 'energy-consumed': 12.5 },
  ),
].map((body) => Object.values(body)[0]);
const candidates = [
  ...examples.flatMap((e) => [...parts(e)]),
  fx.location('LOC1', { evses: [fx.evse('E1'), fx.evse('E2')] }),
  fx.tariff('T1'),
  fx.cdr('C1', 'AUTH1'),
  bench.location(bench.locationId('L', 1), 1),
  bench.cdr('C1', 1, 100, 'L'),
  bench.tariff(),
  bench.token(1),
  JSON.parse(bench.authorizeRequest(1, 100, 100, 'L').body),
  JSON.parse(bench.statusPatch(1, 100, 'L').body),
  ...oioiBodies.flatMap((b) => [...parts(b)]),
].map((v) => JSON.parse(JSON.stringify(v)));

type Path = (string | number)[];
function leafPaths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (at.length) out.push(at);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) leafPaths(v, [...at, i], out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leafPaths(v, [...at, k], out);
  return out;
}

function edit(value: unknown, path: Path, change: (parent: any, key: string | number) => void): unknown {
  const copy = structuredClone(value) as any;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  change(parent, path[path.length - 1] as string | number);
  return copy;
}

/** The inputs derived from one valid object: itself, and each path changed in each way. */
function mutations(valid: unknown): unknown[] {
  const out: unknown[] = [valid, { ...(valid as object), x_unknown: 1 }];
  for (const path of leafPaths(valid)) {
    const set = (v: unknown) => out.push(edit(valid, path, (p, k) => (p[k] = v)));
    out.push(edit(valid, path, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k])));
    set(null);
    set(true);
    set(7.123456);
    set(-1);
    set('x'.repeat(600));
    set('ünïcode');
    set('');
    set('2026-13-45T99:00:00Z');
    set({ x_unknown: 1 });
    const current = path.reduce((o: any, k) => o[k], valid);
    if (Array.isArray(current)) {
      set([]);
      if (current.length) set([...current, current[0]]);
    } else if (current && typeof current === 'object') {
      set({ ...current, x_unknown: 'kept out' });
    }
  }
  return out;
}

const outcome = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  return r.success
    ? { data: JSON.stringify(r.data) }
    : { issues: r.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })) };
};

describe("zod's compiled fast path agrees with its runtime parser", () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: compiled, and the same outcome on every mutation of every valid input`, () => {
      // strict: throws if zod refuses to compile the schema (it would silently stay slow).
      expect(() => z.compile(schema, { strict: true })).not.toThrow();
      const fast = compiled(schema);
      expect(fast).not.toBe(schema);
      expect(compiled(schema)).toBe(fast);

      // Patches (all fields optional) match a hundred candidates; 25 bases are plenty.
      const valid = candidates.filter((c) => schema.safeParse(c).success).slice(0, 25);
      expect(valid.length, `no valid input for ${name}`).toBeGreaterThan(0);
      let accepted = 0;
      let refused = 0;
      for (const base of valid)
        for (const input of mutations(base)) {
          const expected = outcome(schema, input);
          expect(outcome(fast, input), `${name} on ${JSON.stringify(input).slice(0, 300)}`).toEqual(expected);
          if ('data' in expected) accepted++;
          else refused++;
        }
      // Both sides exercised: mutations that stay valid (dropped optionals, unknown keys) and refusals.
      expect(accepted).toBeGreaterThan(valid.length);
      expect(refused).toBeGreaterThan(0);
    });
  }
});
