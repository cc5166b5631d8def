// mod_tariffs.md 2.2, eMSP interface, as Plugsurfing offers it: PUT and PATCH ToEMP only.
// GET is not supported by Plugsurfing; DELETE is not in its list of supported calls either.
import { ownPartyKey, urlSegment } from '../locations/owned.js';
import type { OcpiRouter, PartyRequest } from '../transport/router.js';
import { urlId } from '../types.js';
import { Tariff, TariffPatch } from './schema.js';
import { patchTariff, putTariff, type TariffTarget } from './service.js';

const PATH = '/2.1.1/tariffs/:country_code/:party_id/:tariff_id';
const TariffId = urlId(36);

function target(req: PartyRequest): TariffTarget {
  const party = ownPartyKey(req, 'tariffs');
  return { party, tariffId: urlSegment(TariffId, req.params.tariff_id, 'tariff_id') };
}

export function registerTariffRoutes(router: OcpiRouter): void {
  router.add({
    method: 'PUT',
    path: PATH,
    module: 'tariffs',
    auth: 'party',
    summary: 'Create (201) or replace (200) a Tariff of the calling CPO',
    description:
      'Refused with 2001 when it uses PARKING_TIME, min_power, max_power, start_date or end_date (Plugsurfing does not support them); ' +
      'with TARIFF_POLICY=lenient stored with a warning finding per use.',
    requestBody: Tariff,
    handler: (req) => putTariff(req, target(req)),
  });
  router.add({
    method: 'PATCH',
    path: PATH,
    module: 'tariffs',
    auth: 'party',
    summary: 'Update fields of a stored Tariff (404 when unknown); the merged Tariff is checked like a PUT',
    requestBody: TariffPatch,
    handler: (req) => patchTariff(req, target(req)),
  });
  router.refuse({
    method: 'GET',
    path: PATH,
    module: 'tariffs',
    reason:
      'Plugsurfing does not support GET on its Tariffs endpoint; it receives PUT and PATCH only. ' +
      'The simulator shows what it stored at GET /admin/tariffs?party={country_code}*{party_id}',
  });
  router.refuse({
    method: 'DELETE',
    path: PATH,
    module: 'tariffs',
    reason:
      'Plugsurfing supports only PUT and PATCH on its Tariffs endpoint (DELETE ToEMP tariffs is not in its list): replace the Tariff with PUT instead',
  });
  router.refuse({
    method: 'POST',
    path: PATH,
    module: 'tariffs',
    reason: 'POST is not part of the eMSP Tariffs interface: use PUT to create or replace',
  });
}
