// POST /ocpi/2.1.1/cdrs through a real server: verdicts (accepted after ALLOWED, rejected when
// started after a refusal, unknown token, outside the Territory), duplicates, strict validation,
// the price and totals check as findings, 405 for GET, and /admin/cdrs.
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cdrVerdict, lastDecisionBefore } from '../src/ocpi/cdrs/verdict.js';
import type { Config } from '../src/config.js';
import { startSim, type TestSim } from './helpers/sim.js';

const T0 = '2026-01-01T00:00:00Z';
const conn = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  standard: 'IEC_62196_T2',
  format: 'SOCKET',
  power_type: 'AC_3_PHASE',
  voltage: 230,
  amperage: 32,
  last_updated: T0,
  ...extra,
});
const evse = (uid: string, connectors = [conn('1', { tariff_id: 'T1' })]) => ({ uid, status: 'AVAILABLE', connectors, last_updated: T0 });
const location = (id: string, country = 'NLD', evses = [evse('E1')]) => ({
  id,
  type: 'ON_STREET',
  address: 'Stationsplein 1',
  city: 'Amsterdam',
  postal_code: '1012AB',
  country,
  coordinates: { latitude: '52.379189', longitude: '4.899431' },
  evses,
  last_updated: T0,
});
const tariff = (id: string, price = 0.3) => ({
  id,
  currency: 'EUR',
  elements: [{ price_components: [{ type: 'ENERGY', price, step_size: 1 }] }],
  last_updated: T0,
});

let sim: TestSim;
let token: string;
const authIds: Record<string, string> = {};
beforeEach(async () => {
  sim = await startSim();
  ({ token } = await sim.addParty('NL', 'TNM'));
  const ok = (res: { body: any }) => expect(res.body.status_code, res.body.status_message).toBe(1000);
  ok(await sim.call('PUT', '/ocpi/2.1.1/tariffs/NL/TNM/T1', { token, json: tariff('T1') }));
  ok(await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC1', { token, json: location('LOC1') }));
  ok(await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC2', { token, json: location('LOC2') }));
  ok(await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC-US', { token, json: location('LOC-US', 'USA') }));
  for (const t of (await sim.call('GET', '/admin/tokens?limit=100')).body.items) authIds[t.token.uid] = t.token.auth_id;
});
afterEach(() => sim.stop());

/** A CDR of 10 kWh in one hour at LOC1 under T1 (0.30/kWh): 3.00 EUR. */
const cdr = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  start_date_time: '2026-01-15T10:01:00Z',
  stop_date_time: '2026-01-15T11:01:00Z',
  auth_id: authIds['PS-RFID-ALLOWED-01'],
  auth_method: 'AUTH_REQUEST',
  location: location('LOC1'),
  currency: 'EUR',
  charging_periods: [
    {
      start_date_time: '2026-01-15T10:01:00Z',
      dimensions: [
        { type: 'ENERGY', volume: 10 },
        { type: 'TIME', volume: 1 },
      ],
    },
  ],
  total_cost: 3,
  total_energy: 10,
  total_time: 1,
  last_updated: '2026-01-15T11:02:00Z',
  ...extra,
});
const post = (body: unknown, as = token) => sim.call('POST', '/ocpi/2.1.1/cdrs', { token: as, json: body });
const authorizeAt = async (uid: string, location_id = 'LOC1') =>
  (await sim.call('POST', `/ocpi/2.1.1/tokens/${uid}/authorize`, { token, json: { location_id } })).body.data.allowed;
const adminCdrs = async (q = '') => (await sim.call('GET', `/admin/cdrs${q}`)).body;

/**
 * `body` against a simulator on a file store in a fresh folder (config `overrides`), with the CPO
 * registered and `locations` pushed again (the tariff too: the CDRs are priced), then the folder
 * removed.
 */
async function onFileStore(overrides: Partial<Config>, locations: string[], body: (dbFile: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cdrs-'));
  const dbFile = join(dir, 'db.json');
  try {
    await sim.stop();
    sim = await startSim({ dbFile, ...overrides });
    ({ token } = await sim.addParty('NL', 'TNM'));
    await sim.call('PUT', '/ocpi/2.1.1/tariffs/NL/TNM/T1', { token, json: tariff('T1') });
    for (const id of locations) await sim.call('PUT', `/ocpi/2.1.1/locations/NL/TNM/${id}`, { token, json: location(id) });
    for (const t of (await sim.call('GET', '/admin/tokens?limit=100')).body.items) authIds[t.token.uid] = t.token.auth_id;
    await body(dbFile);
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('verdicts', () => {
  it('accepted after an ALLOWED: 201, Location header; GET there is 405', async () => {
    expect(await authorizeAt('PS-RFID-ALLOWED-01')).toBe('ALLOWED');
    const res = await post(cdr('CDR-OK'));
    expect(res.status).toBe(201);
    expect(res.body.status_code).toBe(1000);
    const url = `${sim.deps.config.publicUrl}/ocpi/2.1.1/cdrs/CDR-OK`;
    expect(res.headers.get('location')).toBe(url);
    const get = await sim.call('GET', url.slice(sim.deps.config.publicUrl.length), { token });
    expect(get.status).toBe(405);
    expect(get.body.status_message).toContain('does not support GET ToEMP CDRs');
    const list = await adminCdrs();
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({
      id: 'CDR-OK',
      party: 'NL*TNM',
      verdict: 'ACCEPTED',
      reasons: [],
      findings: [],
      received_at: '2026-01-15T10:00:00.000Z',
    });
  });

  it('rejected when the session started after a refusal for this token at this location', async () => {
    expect(await authorizeAt('PS-RFID-NOCREDIT-01')).toBe('NO_CREDIT');
    const res = await post(cdr('CDR-BAD', { auth_id: authIds['PS-RFID-NOCREDIT-01'] }));
    expect(res.status).toBe(200);
    expect(res.body.status_code).toBe(2000);
    expect(res.body.status_message).toContain('cdr.started-after-refusal');
    expect(res.body.data.reasons).toEqual([{ rule: 'cdr.started-after-refusal', message: expect.stringContaining('NO_CREDIT') }]);
    expect(res.headers.get('location')).toBeNull();
    const list = await adminCdrs('?verdict=REJECTED');
    expect(list.items[0]).toMatchObject({ id: 'CDR-BAD', verdict: 'REJECTED', reasons: [{ rule: 'cdr.started-after-refusal' }] });
  });

  it('NOT_ALLOWED out of Territory then a start there: rejected for both reasons', async () => {
    expect(await authorizeAt('PS-RFID-ALLOWED-01', 'LOC-US')).toBe('NOT_ALLOWED');
    const res = await post(cdr('CDR-US', { location: location('LOC-US', 'USA') }));
    expect(res.body.status_code).toBe(2000);
    expect(res.body.data.reasons.map((r: any) => r.rule)).toEqual(['cdr.outside-territory', 'cdr.started-after-refusal']);
  });

  it('a later ALLOWED before the start, a refusal after the start, or at another location: accepted', async () => {
    await sim.call('PATCH', '/admin/tokens/PS-RFID-ALLOWED-01', { json: { allowed: 'NO_CREDIT' } });
    expect(await authorizeAt('PS-RFID-ALLOWED-01')).toBe('NO_CREDIT'); // 10:00:00
    expect(await authorizeAt('PS-RFID-ALLOWED-01', 'LOC2')).toBe('NO_CREDIT');
    await sim.call('PATCH', '/admin/tokens/PS-RFID-ALLOWED-01', { json: { allowed: 'ALLOWED' } });
    sim.clock.advance(30_000);
    expect(await authorizeAt('PS-RFID-ALLOWED-01')).toBe('ALLOWED'); // 10:00:30
    expect((await post(cdr('A-1'))).status).toBe(201); // start 10:01
    // A refusal after the start does not count.
    await sim.call('PATCH', '/admin/tokens/PS-RFID-ALLOWED-01', { json: { allowed: 'BLOCKED' } });
    sim.clock.advance(600_000);
    expect(await authorizeAt('PS-RFID-ALLOWED-01')).toBe('BLOCKED'); // 10:10:30
    expect((await post(cdr('A-2'))).status).toBe(201);
    // The refusal at LOC2 does not reach LOC1's sessions, but one at LOC2 is rejected.
    const loc2 = await post(cdr('A-3', { location: location('LOC2'), start_date_time: '2026-01-15T10:05:00Z' }));
    expect(loc2.body.data.reasons.map((r: any) => r.rule)).toEqual(['cdr.started-after-refusal']);
  });

  it('among many decisions, the last at or before the start counts, also after the clock was set back', async () => {
    const allowedAs = (allowed: string) => sim.call('PATCH', '/admin/tokens/PS-RFID-ALLOWED-01', { json: { allowed } });
    // 200 decisions a minute apart from 10:00, alternating ALLOWED and BLOCKED: 10:00 ALLOWED,
    // 10:01 BLOCKED, ..., 13:19 BLOCKED.
    for (let i = 0; i < 200; i++) {
      const allowed = i % 2 === 0 ? 'ALLOWED' : 'BLOCKED';
      await allowedAs(allowed);
      expect(await authorizeAt('PS-RFID-ALLOWED-01')).toBe(allowed);
      sim.clock.advance(60_000);
    }
    const startingAt = (id: string, start: string) =>
      post(cdr(id, { start_date_time: start, charging_periods: [{ ...cdr(id).charging_periods[0], start_date_time: start }] }));
    const rules = async (id: string, start: string) => (await startingAt(id, start)).body.data?.reasons?.map((r: any) => r.rule) ?? [];
    expect(await rules('M-1', '2026-01-15T10:00:30Z')).toEqual([]); // after 10:00 ALLOWED
    expect(await rules('M-2', '2026-01-15T11:37:00Z')).toEqual(['cdr.started-after-refusal']); // 11:37 BLOCKED, same second
    expect(await rules('M-3', '2026-01-15T11:38:59Z')).toEqual([]); // 11:38 ALLOWED
    expect(await rules('M-4', '2026-01-15T09:59:59Z')).toEqual([]); // before any decision
    expect(await rules('M-5', '2026-01-15T23:00:00Z')).toEqual(['cdr.started-after-refusal']); // after the last, BLOCKED

    // The clock set back to 11:38:30: a refusal recorded now sits between 11:38 ALLOWED and 11:39
    // BLOCKED in time, though it is the newest record.
    sim.clock.set('2026-01-15T11:38:30Z');
    await allowedAs('NO_CREDIT');
    expect(await authorizeAt('PS-RFID-ALLOWED-01')).toBe('NO_CREDIT');
    expect(await rules('M-6', '2026-01-15T11:38:45Z')).toEqual(['cdr.started-after-refusal']);
    expect(await rules('M-7', '2026-01-15T11:38:15Z')).toEqual([]); // 11:38 ALLOWED still the last before
    expect(await rules('M-8', '2026-01-15T11:40:10Z')).toEqual([]); // 11:40 ALLOWED
    // The newest record is not the last in time any more: 13:00 ALLOWED is.
    expect(await rules('M-9', '2026-01-15T13:00:30Z')).toEqual([]);
  });

  it('an auth_id that is none of our tokens: rejected (cdr.unknown-token)', async () => {
    const res = await post(cdr('CDR-X', { auth_id: 'NL-TNM-C12345678-X' }));
    expect(res.body.status_code).toBe(2000);
    expect(res.body.data.reasons).toEqual([{ rule: 'cdr.unknown-token', message: expect.stringContaining('NL-TNM-C12345678-X') }]);
    expect((await adminCdrs('?rule=cdr.unknown-token')).total).toBe(1);
  });
});

describe('after a restart (file store)', () => {
  it('refusals recorded before the restart still reject the CDR', async () => {
    await onFileStore({}, ['LOC1'], async (dbFile) => {
      expect(await authorizeAt('PS-RFID-EXPIRED-01')).toBe('EXPIRED');
      await sim.stop();
      sim = await startSim({ dbFile });
      const res = await post(cdr('AFTER', { auth_id: authIds['PS-RFID-EXPIRED-01'] }));
      expect(res.body.data.reasons.map((r: any) => r.rule)).toEqual(['cdr.started-after-refusal']);
      expect((await post(cdr('AFTER'))).body.status_message).toContain('cdr.duplicate');
    });
  });
});

describe('a decision the disk refuses (file store)', () => {
  it('answers 503/3000, is not listed, and leaves no refusal behind for the CDR rule', async () => {
    // At MAX_RECORDS the refused write also evicts the oldest decision: the index must not keep
    // the refused one because the count of decisions came out the same.
    await onFileStore({ maxRecords: 2 }, ['LOC1'], async (dbFile) => {
      expect(await authorizeAt('PS-RFID-ALLOWED-01', 'LOC1')).toBe('ALLOWED');
      expect(await authorizeAt('PS-RFID-ALLOWED-01', 'LOC1')).toBe('ALLOWED');
      // The log's fd swapped for one that cannot be written, as a vanished disk would (src/store/file.test.ts).
      const store = sim.deps.store as unknown as { logFd: number };
      const writable = store.logFd;
      store.logFd = openSync(`${dbFile}.log.0`, 'r');
      const refused = await sim.call('POST', '/ocpi/2.1.1/tokens/PS-RFID-NOCREDIT-01/authorize', { token, json: { location_id: 'LOC1' } });
      expect(refused.status).toBe(503);
      expect(refused.body.status_code).toBe(3000);
      expect(refused.body.status_message).toContain('could not write its store');
      closeSync(writable);
      const kept = (await sim.call('GET', '/admin/authorizations')).body.items;
      expect(kept.map((d: { token_uid: string }) => d.token_uid)).toEqual(['PS-RFID-ALLOWED-01', 'PS-RFID-ALLOWED-01']);
      // The store reopens its log at the next write: the CDR is judged without that NO_CREDIT.
      const res = await post(cdr('AFTER-REFUSED-WRITE', { auth_id: authIds['PS-RFID-NOCREDIT-01'] }));
      expect(res.status).toBe(201);
      expect(res.body.data?.reasons ?? []).toEqual([]);
      expect((await adminCdrs()).items[0]).toMatchObject({ id: 'AFTER-REFUSED-WRITE', verdict: 'ACCEPTED' });
    });
  });
});

describe('decisions kept at MAX_RECORDS (file store)', () => {
  it('while decisions are evicted, each CDR gets the verdict of the decisions kept', async () => {
    await onFileStore({ maxRecords: 5 }, ['LOC1', 'LOC2', 'LOC3'], async () => {
      const statuses = ['ALLOWED', 'BLOCKED', 'NO_CREDIT'];
      let n = 0;
      // 40 decisions at 3 locations, one a minute: the store keeps the last 5. After each, a CDR
      // at each location starting now must get the verdict the kept decisions give.
      for (let i = 0; i < 40; i++) {
        const allowed = statuses[(i * 7) % 3] as string;
        const at = `LOC${1 + ((i * 5) % 3)}`;
        await sim.call('PATCH', '/admin/tokens/PS-RFID-ALLOWED-01', { json: { allowed } });
        expect(await authorizeAt('PS-RFID-ALLOWED-01', at)).toBe(allowed);
        sim.clock.advance(30_000);
        const kept = (await sim.call('GET', '/admin/authorizations?limit=100')).body.items;
        expect(kept).toHaveLength(Math.min(i + 1, 5));
        const start = new Date(sim.clock.now()).toISOString().slice(0, 19) + 'Z';
        for (const loc of ['LOC1', 'LOC2', 'LOC3']) {
          const last = lastDecisionBefore(kept.filter((r: any) => r.location_references.location_id === loc).reverse(), Date.parse(start));
          const refused = last !== undefined && last.allowed !== 'ALLOWED';
          const id = `K-${n++}`;
          const res = await post(
            cdr(id, {
              location: location(loc),
              start_date_time: start,
              charging_periods: [{ ...cdr(id).charging_periods[0], start_date_time: start }],
            }),
          );
          const rules = res.body.data?.reasons?.map((r: any) => r.rule) ?? [];
          expect(rules, `decision ${i}, CDR at ${loc}`).toEqual(refused ? ['cdr.started-after-refusal'] : []);
        }
        sim.clock.advance(30_000);
      }
    });
  });
});

describe('duplicates and validation', () => {
  it('the same CDR id from this party again (any case) is refused and not stored twice', async () => {
    expect((await post(cdr('DUP-1'))).status).toBe(201);
    for (const id of ['DUP-1', 'dup-1']) {
      const again = await post(cdr(id, { total_cost: 9 }));
      expect(again.body.status_code).toBe(2000);
      expect(again.body.status_message).toContain('cdr.duplicate');
    }
    const list = await adminCdrs();
    expect(list.total).toBe(1);
    expect(list.items[0].cdr.total_cost).toBe(3);
    // Another party may use the same id.
    const other = await sim.addParty('DE', 'ABC');
    expect((await post(cdr('DUP-1', { location: location('LOC1', 'DEU') }), other.token)).status).toBe(201);
    // Forgotten by the admin, it can be sent again.
    expect((await sim.call('DELETE', '/admin/cdrs/NL*TNM/DUP-1')).status).toBe(200);
    expect((await post(cdr('DUP-1'))).status).toBe(201);
  });

  it('an invalid CDR answers 2001 with the paths, and is not stored', async () => {
    const bad = cdr('BAD', { total_cost: 'three', charging_periods: [] }) as any;
    delete bad.currency;
    const res = await post(bad);
    expect(res.body.status_code).toBe(2001);
    expect(res.body.data.issues.map((i: any) => i.path).sort()).toEqual(['charging_periods', 'currency', 'total_cost']);
    expect((await adminCdrs()).total).toBe(0);
  });

  it('GET on the CDRs list and PUT on a CDR are 405 with the reason', async () => {
    const get = await sim.call('GET', '/ocpi/2.1.1/cdrs', { token });
    expect(get.status).toBe(405);
    expect(get.body.status_message).toContain('does not support GET ToEMP CDRs');
    const put = await sim.call('PUT', '/ocpi/2.1.1/cdrs/X', { token, json: {} });
    expect(put.status).toBe(405);
    expect(put.body.status_message).toContain('cannot be replaced');
  });
});

describe('price check', () => {
  const findingsOf = async (id: string) => (await adminCdrs()).items.find((c: any) => c.id === id).findings;

  it('a total_cost off by more than a cent from the pushed tariff: warning, still accepted', async () => {
    expect((await post(cdr('P-1', { total_cost: 3.01 }))).status).toBe(201);
    expect(await findingsOf('P-1')).toEqual([]);
    expect((await post(cdr('P-2', { total_cost: 3.5 }))).status).toBe(201);
    const [f] = await findingsOf('P-2');
    expect(f).toMatchObject({
      rule: 'cdr.price-mismatch',
      severity: 'warning',
      party: 'NL*TNM',
      path: 'total_cost',
      object: { module: 'cdrs', id: 'NL*TNM/P-2' },
    });
    expect(f.message).toContain('pushed tariff(s) T1 give 3 ');
  });

  it('totals that disagree with the charging periods: warnings', async () => {
    await post(cdr('P-3', { total_energy: 12, total_time: 2 }));
    const rules = (await findingsOf('P-3')).map((f: any) => f.rule);
    expect(rules).toEqual(['cdr.totals-mismatch', 'cdr.totals-mismatch', 'cdr.totals-mismatch']);
  });

  it('without a pushed tariff the embedded tariffs are used; with none the price is unchecked', async () => {
    const bare = location('LOC1', 'NLD', [evse('E1', [conn('1')])]);
    await post(cdr('P-4', { location: bare, tariffs: [tariff('EMB', 0.5)], total_cost: 5 }));
    expect(await findingsOf('P-4')).toEqual([]);
    await post(cdr('P-5', { location: bare, tariffs: [tariff('EMB', 0.5)], total_cost: 3 }));
    expect((await findingsOf('P-5'))[0].message).toContain('embedded in the CDR');
    await post(cdr('P-6', { location: bare }));
    expect((await findingsOf('P-6')).map((f: any) => [f.rule, f.severity])).toEqual([['cdr.price-unchecked', 'info']]);
  });
});

describe('cdrVerdict() is pure', () => {
  const base = {
    cdr: { id: 'C', start_date_time: '2026-01-15T10:00:00Z', auth_id: 'A', location: { id: 'L', country: 'NLD' } },
    tokenUids: ['U'],
    inTerritory: true,
  };
  const d = (time: string, allowed: any) => ({ id: time, time, allowed, token_uid: 'U', rule: 'r' });
  it('the last decision at or before the start (to the second) decides', () => {
    expect(cdrVerdict({ ...base, decisions: [] }).verdict).toBe('ACCEPTED');
    expect(cdrVerdict({ ...base, decisions: [d('2026-01-15T09:59:00.000Z', 'BLOCKED')] }).verdict).toBe('REJECTED');
    expect(cdrVerdict({ ...base, decisions: [d('2026-01-15T10:00:00.900Z', 'BLOCKED')] }).verdict).toBe('REJECTED');
    expect(cdrVerdict({ ...base, decisions: [d('2026-01-15T10:00:01.000Z', 'BLOCKED')] }).verdict).toBe('ACCEPTED');
    expect(
      cdrVerdict({ ...base, decisions: [d('2026-01-15T09:00:00Z', 'NOT_ALLOWED'), d('2026-01-15T09:30:00Z', 'ALLOWED')] }).verdict,
    ).toBe('ACCEPTED');
    expect(cdrVerdict({ ...base, decisions: [d('2026-01-15T09:30:00Z', 'ALLOWED'), d('2026-01-15T09:40:00Z', 'EXPIRED')] }).verdict).toBe(
      'REJECTED',
    );
    expect(cdrVerdict({ ...base, previous: { verdict: 'REJECTED', received_at: 'x' }, decisions: [] }).verdict).toBe('DUPLICATE');
  });
});
