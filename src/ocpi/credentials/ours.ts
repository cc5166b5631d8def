// Plugsurfing's own credentials object, as we send and answer it.
import type { Config } from '../../config.js';
import type { Credentials } from './schema.js';

export function ourCredentials(config: Config, token: string): Credentials {
  return {
    token,
    url: config.versionsUrl,
    business_details: {
      name: config.businessName,
      ...(config.businessWebsite ? { website: config.businessWebsite } : {}),
    },
    party_id: config.partyId,
    country_code: config.countryCode,
  };
}
