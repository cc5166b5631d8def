// The part of the handshake both directions share: GET the peer's versions and the details of
// 2.1.1 with the peer's token, and check it offers the endpoints we need (credentials.md 3.5, 3.6).
import type { Deps } from '../../deps.js';
import { envelopeData, OutboundError, type OutboundResponse } from '../client.js';
import { OcpiError, serverError } from '../transport/errors.js';
import { OcpiStatus } from '../transport/status.js';
import { zodIssues } from '../transport/validate.js';
import { describeIssues } from '../transport/errors.js';
import { OCPI_VERSION } from '../versions/routes.js';
import { type Endpoint, Version, VersionDetails } from './schema.js';

export interface PeerInfo {
  version: string;
  versions_url: string;
  endpoints: Endpoint[];
}

async function getData(deps: Deps, url: string, token: string, party: string | undefined, what: string): Promise<unknown> {
  let res: OutboundResponse;
  try {
    res = await deps.client.request({ method: 'GET', url, token, party });
  } catch (err) {
    const reason = err instanceof OutboundError ? err.message : String(err);
    throw serverError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, `Could not GET your ${what} at ${url}: ${reason}`);
  }
  const data = envelopeData(res);
  if (!data.ok) throw serverError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, `Your ${what} at ${url} answered ${data.reason}`);
  return data.data;
}

export async function fetchPeer(deps: Deps, versionsUrl: string, token: string, party?: string): Promise<PeerInfo> {
  const versionsData = await getData(deps, versionsUrl, token, party, 'versions endpoint');
  // The spec's table describes { versions: [...] } but its example (and practice) is a bare array.
  const list = Array.isArray(versionsData) ? versionsData : (versionsData as { versions?: unknown })?.versions;
  const parsed = Version.array().safeParse(list);
  if (!parsed.success) {
    throw serverError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, `Your versions endpoint answered an invalid version list: ${describeIssues(zodIssues(parsed.error))}`);
  }
  const match = parsed.data.find((v) => v.version === OCPI_VERSION);
  if (!match) {
    const offered = parsed.data.map((v) => v.version).join(', ') || 'none';
    throw serverError(OcpiStatus.UNSUPPORTED_VERSION, `No mutual version: Plugsurfing supports OCPI ${OCPI_VERSION} only; you offer ${offered}`);
  }
  const detailsData = await getData(deps, match.url, token, party, `${OCPI_VERSION} version details`);
  const details = VersionDetails.safeParse(detailsData);
  if (!details.success) {
    throw serverError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, `Your version details answered invalid data: ${describeIssues(zodIssues(details.error))}`);
  }
  const ids = new Set(details.data.endpoints.map((e) => e.identifier));
  const missing = deps.config.requiredCpoEndpoints.filter((m) => !ids.has(m));
  if (missing.length > 0) {
    throw serverError(
      OcpiStatus.NO_MATCHING_ENDPOINTS,
      `Your ${OCPI_VERSION} endpoints lack what Plugsurfing needs: ${missing.join(', ')} (you offer ${[...ids].join(', ')})`,
    );
  }
  return { version: OCPI_VERSION, versions_url: versionsUrl, endpoints: details.data.endpoints };
}

export function isOcpiError(err: unknown): err is OcpiError {
  return err instanceof OcpiError;
}
