// credentials.md 2.1 Credentials, and the version information objects (version_information_endpoint.md).
import { z } from 'zod';
import { BusinessDetails, ocpiString, Url } from '../types.js';

export const Credentials = z.object({
  token: z
    .string()
    .min(1, { message: 'must not be empty' })
    .max(64, { message: 'must be at most 64 characters' })
    .regex(/^[\x21-\x7E]+$/, { message: 'must be printable ASCII without whitespace (it is sent as "Authorization: Token <token>")' }),
  url: Url,
  business_details: BusinessDetails,
  party_id: ocpiString(3).regex(/^[A-Z0-9]{3}$/, { message: 'must be 3 upper-case letters or digits (ISO 15118 party id)' }),
  country_code: ocpiString(2).regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 country code in upper case' }),
});
export type Credentials = z.infer<typeof Credentials>;

export const VersionNumber = z.enum(['2.0', '2.1', '2.1.1']);
export const ModuleID = z.enum(['cdrs', 'commands', 'credentials', 'locations', 'sessions', 'tariffs', 'tokens']);
export type ModuleID = z.infer<typeof ModuleID>;

/** A peer's Version: we accept any version string (peers list versions we do not know). */
export const Version = z.object({ version: z.string().max(10), url: Url });
export type Version = z.infer<typeof Version>;

/** A peer's Endpoint: custom module ids are allowed by the spec, so identifier is any string. */
export const Endpoint = z.object({ identifier: z.string().max(50), url: Url });
export type Endpoint = z.infer<typeof Endpoint>;

export const VersionDetails = z.object({ version: z.string().max(10), endpoints: z.array(Endpoint).min(1) });
export type VersionDetails = z.infer<typeof VersionDetails>;
