// station-post and connector-post-status through a real server: stations stored as OCPI
// Locations with protocol 'oioi' beside OCPI ones, the field mapping, the Territory, the partner
// check, the refusals (connectors changed, 322), and statuses with each documented error.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oioi, PARTNER, station, stationPost, statusPost } from './helpers/oioi-cpo.js';
import { startSim, type TestSim } from './helpers/sim.js';

let sim: TestSim;
beforeEach(async () => {
  sim = await startSim();
});
afterEach(() => sim.stop());

const stored = async (id = 'st-0001', partner = PARTNER) => (await sim.call('GET', `/admin/locations/OIOI/${partner}/${id}`)).body;
const addPartner = async (partner: string, key: string) =>
  expect((await sim.call('POST', '/admin/oioi/keys', { json: { partner_identifier: partner, key } })).status).toBe(201);

describe('station-post', () => {
  it('stores the station as an OCPI Location (protocol oioi) listed beside OCPI locations', async () => {
    const { token } = await sim.addParty('NL', 'TNM');
    const ocpiLoc = { id: 'LOC1', type: 'ON_STREET', address: 'A 1', city: 'Amsterdam', postal_code: '1012AB', country: 'NLD', coordinates: { latitude: '52.379189', longitude: '4.899431' }, last_updated: '2026-01-01T00:00:00Z' };
    expect((await sim.call('PUT', '/ocpi/2.1.1/locations/NL/TNM/LOC1', { token, json: ocpiLoc })).body.status_code).toBe(1000);
    expect((await oioi(sim, stationPost(station()))).body.result.code).toBe(0);

    const all = await sim.call('GET', '/admin/locations');
    expect(all.body.items.map((l: any) => [l.party, l.protocol])).toEqual([
      ['NL*TNM', 'ocpi'],
      [`OIOI*${PARTNER}`, 'oioi'],
    ]);
    expect((await sim.call('GET', '/admin/locations?protocol=oioi')).body.total).toBe(1);
  });

  it('maps the OIOI fields: country to alpha-3, one EVSE per EVSE ID, plug types, power, hours, raw kept', async () => {
    const s = station('st-0001', {
      'is-open-24': false,
      'open-hour-notes': [
        { times: ['07:30', '19:00'], days: ['Mo', 'Fr'] },
        { times: ['09:00', '15:00'], days: ['Sa', 'Sa'] },
      ],
      'is-reservable': true,
      'floor-level': 1,
      'is-green-power-available': true,
      notes: 'Level 1, behind the barrier',
      connectors: [
        { id: 'DE*ABC*E1*1', name: 'Type2', speed: 22 },
        { id: 'DE*ABC*E1*1', name: 'Schuko', speed: 3.7 },
        { id: 'DE*ABC*E2*1', name: 'Combo', speed: 50 },
      ],
    });
    expect((await oioi(sim, stationPost(s))).body.result.code).toBe(0);
    const { location, oioi: raw, in_territory } = await stored();
    expect(in_territory).toBe(true);
    expect(location).toMatchObject({
      id: 'st-0001',
      type: 'UNKNOWN',
      name: 'Depot Nord',
      address: 'Hauptstr. 1a',
      city: 'Berlin',
      postal_code: '10115',
      country: 'DEU',
      coordinates: { latitude: '52.520000', longitude: '13.400000' },
      operator: { name: 'DE*ABC', website: 'https://www.example.com' },
      directions: [{ language: 'en', text: 'Level 1, behind the barrier' }],
      energy_mix: { is_green_energy: true },
    });
    expect(location.opening_times.regular_hours.map((h: any) => h.weekday)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(location.evses).toHaveLength(2);
    expect(location.evses[0]).toMatchObject({ uid: 'DE*ABC*E1*1', evse_id: 'DE*ABC*E1*1', status: 'UNKNOWN', capabilities: ['RESERVABLE'], floor_level: '1' });
    expect(location.evses[0].connectors).toMatchObject([
      { id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', voltage: 230, amperage: 32 },
      { id: '2', standard: 'DOMESTIC_F', power_type: 'AC_1_PHASE', voltage: 230, amperage: 16 },
    ]);
    expect(location.evses[1].connectors[0]).toMatchObject({ standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', voltage: 400, amperage: 125 });
    expect(raw).toMatchObject({ partner_identifier: PARTNER, station: { connectors: s.connectors }, statuses: {} });
  });

  it('outside the Territory: stored, with a territory.outside finding', async () => {
    const us = station('st-us', { address: { street: 'Main St', 'street-number': '1', city: 'Austin', zip: '78701', country: 'US' } });
    expect((await oioi(sim, stationPost(us))).body.result.code).toBe(0);
    const s = await stored('st-us');
    expect(s).toMatchObject({ in_territory: false, location: { country: 'USA' } });
    const findings = (await sim.call('GET', '/admin/findings?rule=territory.outside')).body.items;
    expect(findings[0]).toMatchObject({ party: `OIOI*${PARTNER}`, path: 'station-post.station.address.country', object: { module: 'locations', id: `OIOI*${PARTNER}/st-us` } });
  });

  it('an unassigned country code is 400 naming address.country', async () => {
    const res = await oioi(sim, stationPost(station('st-x', { address: { street: 'a', 'street-number': '1', city: 'b', zip: '1', country: 'ZZ' } })));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'station-post.station.address.country', result: { code: 230 } });
  });

  it('a partner identifier not bound to the key: 211 (v4, HTTP 200) / 403 (v3); nothing stored', async () => {
    const v4 = await oioi(sim, stationPost(station(), 'SOMEONE-ELSE'));
    expect(v4.status).toBe(200);
    expect(v4.body.result.code).toBe(211);
    const v3 = await oioi(sim, stationPost(station(), 'SOMEONE-ELSE'), { version: 'v3' });
    expect(v3.status).toBe(403);
    expect(v3.body).toMatchObject({ field: 'station-post.partner-identifier' });
    expect((await sim.call('GET', '/admin/locations?protocol=oioi')).body.total).toBe(0);
  });

  it('changing the connectors of an existing station is refused (400); after deleted: true it may come back', async () => {
    await oioi(sim, stationPost(station()));
    const changed = station('st-0001', { connectors: [{ id: 'DE*ABC*E9*1', name: 'Type2', speed: 11 }] });
    const res = await oioi(sim, stationPost(changed));
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('station-post.station.connectors');
    expect((await oioi(sim, stationPost(station('st-0001', { deleted: true })))).body.result.code).toBe(0);
    expect((await stored()).location.evses.map((e: any) => e.status)).toEqual(['REMOVED', 'REMOVED']);
    expect((await oioi(sim, stationPost(changed))).body.result.code).toBe(0);
  });

  it('322: an EVSE ID already at other coordinates in another station; same place is fine', async () => {
    await oioi(sim, stationPost(station('st-A', { connectors: [{ id: 'DE*ABC*E7*1', name: 'Type2', speed: 11 }] })));
    const elsewhere = await oioi(sim, stationPost(station('st-B', { latitude: 48.1, connectors: [{ id: 'DE*ABC*E7*1', name: 'Type2', speed: 11 }] })));
    expect(elsewhere.body.result.code).toBe(322);
    expect((await oioi(sim, stationPost(station('st-B', { latitude: 48.1, connectors: [{ id: 'DE*ABC*E7*1', name: 'Type2', speed: 11 }] })), { version: 'v3' })).status).toBe(400);
    expect((await oioi(sim, stationPost(station('st-C', { connectors: [{ id: 'DE*ABC*E7*1', name: 'Type2', speed: 11 }] })))).body.result.code).toBe(0);
  });

  it('an unlisted connector name is accepted with an info finding', async () => {
    await oioi(sim, stationPost(station('st-n', { connectors: [{ id: 'DE*ABC*EN*1', name: 'NACS', speed: 150 }] })));
    const f = (await sim.call('GET', '/admin/findings?rule=oioi.unknown-connector-type')).body.items[0];
    expect(f).toMatchObject({ severity: 'info', path: 'station-post.station.connectors[0].name' });
  });
});

describe('connector-post-status', () => {
  beforeEach(async () => {
    expect((await oioi(sim, stationPost(station()))).body.result.code).toBe(0);
  });
  const evse1 = 'DE*ABC*Est-0001*1';

  it.each([
    ['Available', 'AVAILABLE'],
    ['Occupied', 'CHARGING'],
    ['Reserved', 'RESERVED'],
    ['Offline', 'UNKNOWN'],
    ['Unknown', 'UNKNOWN'],
  ])('%s is stored as OCPI %s, the OIOI value kept', async (status, ocpi) => {
    expect((await oioi(sim, statusPost(evse1, status))).body).toEqual({ result: { code: 0, message: 'Success.' } });
    const s = await stored();
    expect(s.location.evses[0].status).toBe(ocpi);
    expect(s.location.evses[1].status).toBe('UNKNOWN');
    expect(s.oioi.statuses).toEqual({ [evse1]: status });
  });

  it('v3 answers {"connector-post-status":{"success":true}}', async () => {
    expect((await oioi(sim, statusPost(evse1, 'Occupied'), { version: 'v3' })).body).toEqual({ 'connector-post-status': { success: true } });
  });

  it('an unknown connector: 181 (v4, HTTP 200) / 404 (v3)', async () => {
    expect((await oioi(sim, statusPost('DE*ABC*E404', 'Available'))).body.result.code).toBe(181);
    const v3 = await oioi(sim, statusPost('DE*ABC*E404', 'Available'), { version: 'v3' });
    expect(v3.status).toBe(404);
    expect(v3.body.field).toBe('connector-post-status.connector-id');
  });

  it('an unknown status: 400 with 230 (v4) / 404 (v3), naming status', async () => {
    const v4 = await oioi(sim, statusPost(evse1, 'AVAILABLE'));
    expect(v4.status).toBe(400);
    expect(v4.body).toMatchObject({ field: 'connector-post-status.status', result: { code: 230 } });
    expect((await oioi(sim, statusPost(evse1, 'AVAILABLE'), { version: 'v3' })).status).toBe(404);
  });

  it('an EVSE ID in two of the partner stations: 422 on v3; v4 updates both', async () => {
    await oioi(sim, stationPost(station('st-twin', { connectors: [{ id: evse1, name: 'Type2', speed: 22 }] })));
    const v3 = await oioi(sim, statusPost(evse1, 'Occupied'), { version: 'v3' });
    expect(v3.status).toBe(422);
    expect((await stored()).location.evses[0].status).toBe('UNKNOWN');
    expect((await oioi(sim, statusPost(evse1, 'Occupied'))).body.result.code).toBe(0);
    expect((await stored()).location.evses[0].status).toBe('CHARGING');
    expect((await stored('st-twin')).location.evses[0].status).toBe('CHARGING');
  });

  it("another partner's connector: 211 / v3 403; a deleted station's: 181", async () => {
    await addPartner('OTHER-CPO-0000001', 'other-key-0001');
    const other = await oioi(sim, statusPost(evse1, 'Available', 'OTHER-CPO-0000001'), { key: 'other-key-0001' });
    expect(other.body.result.code).toBe(211);
    expect((await oioi(sim, statusPost(evse1, 'Available', 'OTHER-CPO-0000001'), { key: 'other-key-0001', version: 'v3' })).status).toBe(403);
    await oioi(sim, stationPost(station('st-0001', { deleted: true })));
    expect((await oioi(sim, statusPost(evse1, 'Available'))).body.result.code).toBe(181);
  });

  it('a status survives a later station-post of the same station', async () => {
    await oioi(sim, statusPost(evse1, 'Occupied'));
    await oioi(sim, stationPost(station('st-0001', { name: 'Renamed' })));
    const s = await stored();
    expect(s.location.name).toBe('Renamed');
    expect(s.location.evses[0].status).toBe('CHARGING');
  });
});
