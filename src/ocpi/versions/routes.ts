// version_information_endpoint.md: GET versions and GET version details (ToEMP).
// The endpoints list holds exactly the modules Plugsurfing supports as eMSP.
import { z } from 'zod';
import type { Config } from '../../config.js';
import { Endpoint, Version } from '../credentials/schema.js';
import type { OcpiRouter } from '../transport/router.js';

export const OCPI_VERSION = '2.1.1';
/** Plugsurfing's modules in 2.1.1-d2 (technical requirements); never sessions or commands. */
export const SUPPORTED_MODULES = ['credentials', 'locations', 'tokens', 'cdrs', 'tariffs'] as const;

export const versionUrl = (config: Config) => `${config.publicUrl}/ocpi/${OCPI_VERSION}`;
export const moduleUrl = (config: Config, module: string) => `${versionUrl(config)}/${module}`;

export function registerVersionRoutes(router: OcpiRouter): void {
  router.add({
    method: 'GET',
    path: '/versions',
    module: 'versions',
    auth: 'any',
    summary: 'The OCPI versions Plugsurfing supports (2.1.1 only)',
    response: z.array(Version),
    handler: ({ deps }) => ({ data: [{ version: OCPI_VERSION, url: versionUrl(deps.config) }] }),
  });
  router.add({
    method: 'GET',
    path: `/${OCPI_VERSION}`,
    module: 'versions',
    auth: 'any',
    summary: 'Version details: the endpoints of the modules Plugsurfing supports',
    response: z.object({ version: z.string(), endpoints: z.array(Endpoint) }),
    handler: ({ deps }) => ({
      data: {
        version: OCPI_VERSION,
        endpoints: SUPPORTED_MODULES.map((identifier) => ({ identifier, url: moduleUrl(deps.config, identifier) })),
      },
    }),
  });
}
